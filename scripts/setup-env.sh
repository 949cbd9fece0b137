#!/usr/bin/env bash
# Shared set-up for scripts/demo.sh and scripts/test.sh: Debian packages (when missing), the
# virtualenv in .venv and the project in it. Safe to run again: it only adds what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

EXTRA="${1:-}"          # "test" also installs the browser, the Qt libraries and the test tools
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

need=()
python3 -c 'import ensurepip, venv' 2>/dev/null || need+=(python3-venv)
if [ "$EXTRA" = "test" ] || [ "$EXTRA" = "kiosk" ]; then
  for pkg in libegl1 libgl1 libx11-6 libdbus-1-3 libfontconfig1 libfreetype6 libglib2.0-0 libxkbcommon0 \
             libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0 libxcb-render0 \
             libxcb-shape0 libxcb-util1 libxcb-xkb1 libxkbcommon-x11-0 fonts-dejavu-core; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
  done
fi
if [ "$EXTRA" = "test" ]; then
  [ -x /usr/bin/chromium ] || need+=(chromium)
fi
if [ "${#need[@]}" -gt 0 ]; then
  echo "==> installing Debian packages: ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
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
