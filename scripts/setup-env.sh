#!/usr/bin/env bash
# Shared set-up for scripts/demo.sh and scripts/test.sh: Debian packages (when missing), the
# virtualenv in .venv and the project in it. Safe to run again: it only adds what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

EXTRA="${1:-}"          # "test" also installs the browser, the Qt libraries and the test tools
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
  command -v sudo >/dev/null || { echo "setup-env: run as root, or install sudo and run as a user allowed to use it" >&2; exit 1; }
fi

# Qt (PySide6) for the kiosk, offscreen in the tests.
QT="libegl1 libgl1 libx11-6 libdbus-1-3 libfontconfig1 libfreetype6 libglib2.0-0 libxkbcommon0
    libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0 libxcb-render0
    libxcb-shape0 libxcb-util1 libxcb-xkb1 libxkbcommon-x11-0 fonts-dejavu-core"
# Debian's Chromium, plus Playwright's own list for Chromium on Debian 12 (playwright's nativeDeps,
# "debian12-x64") and libatomic1, which Playwright's bundled Node driver needs and the list omits.
BROWSER="chromium libatomic1 libasound2 libatk-bridge2.0-0 libatk1.0-0 libatspi2.0-0 libcairo2 libcups2
         libdbus-1-3 libdrm2 libgbm1 libglib2.0-0 libnspr4 libnss3 libpango-1.0-0 libx11-6 libxcb1
         libxcomposite1 libxdamage1 libxext6 libxfixes3 libxkbcommon0 libxrandr2 fonts-liberation"
# Programs the tests run: a private Redis (restarted by a test), Gammu's SMS daemon (its files
# backend), pg_dump/psql (ptsa backup), nginx (the scale-out test).
TOOLS="redis-server gammu gammu-smsd postgresql-client nginx"

need=()
python3 -c 'import ensurepip, venv' 2>/dev/null || need+=(python3-venv)
wanted=""
case "$EXTRA" in
  test)  wanted="$QT $BROWSER $TOOLS" ;;
  kiosk) wanted="$QT" ;;
esac
for pkg in $(printf '%s\n' $wanted | sort -u); do
  # dpkg -s also answers for a removed package whose configuration is kept: ask for "installed"
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null)" = "installed" ] || need+=("$pkg")
done
if [ "${#need[@]}" -gt 0 ]; then
  echo "==> installing Debian packages: ${need[*]}"
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  python3 -m venv .venv
  .venv/bin/pip install -q --upgrade pip
fi
case "$EXTRA" in
  test)  spec=".[test]" ;;
  kiosk) spec=".[kiosk]" ;;
  *)     spec="." ;;
esac
echo "==> installing the project ($spec)"
.venv/bin/pip install -q -e "$spec"
