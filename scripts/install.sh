#!/usr/bin/env bash
# Install PTSA on an office server (Debian 12), as root, from this checkout:
#
#   bash scripts/install.sh                     # install, or upgrade: run it again after updating the code
#   bash scripts/install.sh --kiosk-user NAME   # also start the kiosk in NAME's desktop session
#   bash scripts/install.sh --kiosk-user NAME --no-server   # a kiosk machine: no server, no database
#   bash scripts/install.sh --uninstall         # remove the program; keep the settings and the data
#   bash scripts/install.sh --uninstall --purge # also remove /etc/ptsa, /var/lib/ptsa and the user
#
# What it sets up (each step only adds what is missing, so a re-run is safe):
#   system user ptsa; the virtualenv /opt/ptsa/venv with this code in it; /etc/ptsa/ptsa.toml from
#   config/ptsa.example.toml (never overwritten once there); the data directory /var/lib/ptsa (0750,
#   secret_key 0600); the database (`ptsa init`); /usr/local/bin/ptsa; systemd units ptsa.service
#   (the server) and the user unit ptsa-kiosk.service (a kiosk session).
# Without a running systemd (a chroot, a container being built) the units are enabled and start
# at the next boot.
set -euo pipefail
SRC="$(cd "$(dirname "$0")/.." && pwd)"

PREFIX="${PTSA_PREFIX:-/opt/ptsa}"
VENV="$PREFIX/venv"
ETC=/etc/ptsa
CONFIG="$ETC/ptsa.toml"
DATA=/var/lib/ptsa
USER_NAME=ptsa
BIN=/usr/local/bin/ptsa
UNIT=/etc/systemd/system/ptsa.service
KIOSK_UNIT=/etc/systemd/user/ptsa-kiosk.service

mode=install purge=no kiosk_user="" server=yes
while [ $# -gt 0 ]; do
  case "$1" in
    --uninstall) mode=uninstall ;;
    --purge) purge=yes ;;
    --kiosk-user) kiosk_user="${2:?--kiosk-user needs a user name}"; shift ;;
    --no-server) server=no ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
if [ "$purge" = yes ] && [ "$mode" != uninstall ]; then
  echo "install.sh: --purge goes with --uninstall" >&2; exit 2
fi
[ "$(id -u)" -eq 0 ] || { echo "install.sh: run as root (sudo bash scripts/install.sh)" >&2; exit 1; }

say() { echo "==> $*"; }
systemd_running() { [ -d /run/systemd/system ]; }
have_systemctl() { command -v systemctl >/dev/null; }

if [ "$mode" = uninstall ]; then
  if have_systemctl; then
    if systemd_running; then systemctl disable --now ptsa.service 2>/dev/null || true
    else systemctl disable ptsa.service 2>/dev/null || true; fi
    systemctl --global disable ptsa-kiosk.service 2>/dev/null || true
  fi
  # per-user enablings made by --kiosk-user
  rm -f /home/*/.config/systemd/user/graphical-session.target.wants/ptsa-kiosk.service
  rm -f "$UNIT" "$KIOSK_UNIT" "$BIN"
  rm -rf "$VENV"
  rmdir "$PREFIX" 2>/dev/null || true
  if have_systemctl && systemd_running; then systemctl daemon-reload; fi
  if [ "$purge" = yes ]; then
    rm -rf "$ETC" "$DATA"
    if id "$USER_NAME" >/dev/null 2>&1; then userdel "$USER_NAME"; fi
    getent group "$USER_NAME" >/dev/null && groupdel "$USER_NAME"
    say "PTSA removed, with its settings, its data and the $USER_NAME user"
  else
    say "PTSA removed; kept $CONFIG, $DATA (database, secret_key) and the $USER_NAME user" \
        "(--uninstall --purge removes them)"
  fi
  exit 0
fi

# --- Debian packages: Python's venv, and Qt's libraries when this machine runs a kiosk.
need=()
python3 -c 'import ensurepip, venv' 2>/dev/null || need+=(python3-venv)
if [ -n "$kiosk_user" ]; then
  for pkg in libegl1 libgl1 libx11-6 libdbus-1-3 libfontconfig1 libfreetype6 libglib2.0-0 libxkbcommon0 \
             libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0 libxcb-render0 \
             libxcb-shape0 libxcb-util1 libxcb-xkb1 libxkbcommon-x11-0 fonts-dejavu-core; do
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null)" = installed ] || need+=("$pkg")
  done
fi
if [ "${#need[@]}" -gt 0 ]; then
  say "installing Debian packages: ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

# --- the system user that runs the server and owns the data
if ! id "$USER_NAME" >/dev/null 2>&1; then
  say "creating the system user $USER_NAME"
  useradd --system --user-group --home-dir "$DATA" --no-create-home --shell /usr/sbin/nologin \
          --comment "PTSA queue and task server" "$USER_NAME"
fi

# --- the program, in its own virtualenv (a copy of this checkout, not a link to it)
was_active=no
if have_systemctl && systemd_running && systemctl is-active --quiet ptsa.service; then
  was_active=yes
  say "stopping ptsa.service for the upgrade"
  systemctl stop ptsa.service
fi
extra=""
[ -n "$kiosk_user" ] && extra="[kiosk]"
if [ ! -x "$VENV/bin/python" ]; then
  say "creating the virtualenv $VENV"
  mkdir -p "$PREFIX"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --upgrade pip
fi
say "installing PTSA from $SRC into $VENV"
build="$(mktemp -d)"
trap 'rm -rf "$build"' EXIT
# Built from a clean copy of the committed files, so nothing of the checkout's own .venv or data goes in.
if git -C "$SRC" rev-parse --git-dir >/dev/null 2>&1; then
  git -C "$SRC" archive --format=tar HEAD | tar -x -C "$build"
else
  tar -C "$SRC" --exclude=./.venv --exclude=./ptsa-data --exclude=./.git -cf - . | tar -x -C "$build"
fi
"$VENV/bin/pip" install -q "$build$extra"
"$VENV/bin/pip" install -q --no-deps --force-reinstall "$build"   # the same version number, newer code

# --- settings: from the template once; an edited file is never touched
install -d -m 0755 "$ETC"
install -m 0644 "$SRC/config/ptsa.example.toml" "$ETC/ptsa.toml.example"
if [ ! -e "$CONFIG" ]; then
  say "writing $CONFIG from config/ptsa.example.toml (edit it, then: systemctl restart ptsa)"
  install -m 0640 -o root -g "$USER_NAME" "$SRC/config/ptsa.example.toml" "$CONFIG"
else
  say "keeping $CONFIG as it is (the newest template is $ETC/ptsa.toml.example)"
fi

# --- data: only the ptsa user may read it; the session key is readable by nobody else
install -d -m 0750 -o "$USER_NAME" -g "$USER_NAME" "$DATA"
if [ ! -s "$DATA/secret_key" ]; then
  (umask 077 && "$VENV/bin/python" -c 'import secrets; print(secrets.token_hex(32), end="")' > "$DATA/secret_key")
fi
chown "$USER_NAME:$USER_NAME" "$DATA/secret_key"
chmod 0600 "$DATA/secret_key"

# --- the command an IT officer types: the settings file set, run as the ptsa user
cat > "$BIN" <<WRAPPER
#!/bin/sh
# PTSA's command (written by scripts/install.sh): the office's settings, run as the $USER_NAME user so
# that files it creates in $DATA stay the server's.
export PTSA_CONFIG="\${PTSA_CONFIG:-$CONFIG}"
if [ "\$(id -u)" -eq 0 ]; then
  exec runuser -u $USER_NAME -- env PTSA_CONFIG="\$PTSA_CONFIG" $VENV/bin/ptsa "\$@"
fi
if [ "\$(id -un)" != $USER_NAME ] && ! [ -r "\$PTSA_CONFIG" ]; then
  echo "ptsa: \$PTSA_CONFIG is readable by root and the $USER_NAME group only: run sudo ptsa \$*" >&2
  exit 1
fi
exec $VENV/bin/ptsa "\$@"
WRAPPER
chmod 0755 "$BIN"

# --- the database: created, or migrated after an upgrade, and the catalog loaded
if [ "$server" = yes ]; then
  say "ptsa init"
  ( cd "$DATA" && runuser -u "$USER_NAME" -- env PTSA_CONFIG="$CONFIG" "$VENV/bin/ptsa" init )
fi

# --- systemd
install -d -m 0755 /etc/systemd/system /etc/systemd/user
cat > "$UNIT" <<UNITFILE
# Written by scripts/install.sh (re-running it rewrites this file): local changes go in a drop-in,
# systemctl edit ptsa
[Unit]
Description=PTSA queue and task server
Documentation=file://$ETC/ptsa.toml.example
Wants=network-online.target
After=network-online.target postgresql.service redis-server.service

[Service]
Type=simple
User=$USER_NAME
Group=$USER_NAME
Environment=PTSA_CONFIG=$CONFIG
WorkingDirectory=$DATA
ExecStart=$VENV/bin/ptsa serve
Restart=on-failure
RestartSec=2s
# eventlet keeps one descriptor per connected screen: [server] max_clients is 4096 by default
LimitNOFILE=16384
# hardening: the server writes only its data directory (another [server] data_dir: a drop-in with ReadWritePaths=)
NoNewPrivileges=yes
ProtectSystem=strict
ReadWritePaths=$DATA
ProtectHome=yes
PrivateTmp=yes
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectControlGroups=yes
RestrictSUIDSGID=yes
LockPersonality=yes
RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK

[Install]
WantedBy=multi-user.target
UNITFILE

cat > "$KIOSK_UNIT" <<UNITFILE
# Written by scripts/install.sh: the lobby kiosk in the desktop session of the kiosk machine's
# (auto-login) user. Enable it for that user with: bash scripts/install.sh --kiosk-user NAME
# The kiosk reads [kiosk] in $CONFIG (server, token, printer): NAME is put in the $USER_NAME group.
[Unit]
Description=PTSA lobby kiosk (touchscreen)
PartOf=graphical-session.target
After=graphical-session.target

[Service]
Environment=PTSA_CONFIG=$CONFIG
ExecStart=$VENV/bin/ptsa kiosk
Restart=on-failure
RestartSec=3s

[Install]
WantedBy=graphical-session.target
UNITFILE

if [ -n "$kiosk_user" ]; then
  home="$(getent passwd "$kiosk_user" | cut -d: -f6)"
  [ -n "$home" ] || { echo "install.sh: no user $kiosk_user" >&2; exit 1; }
  usermod -a -G "$USER_NAME" "$kiosk_user"
  wants="$home/.config/systemd/user/graphical-session.target.wants"
  install -d -o "$kiosk_user" "$home/.config" "$home/.config/systemd" "$home/.config/systemd/user" "$wants"
  ln -sf "$KIOSK_UNIT" "$wants/ptsa-kiosk.service"
  say "the kiosk starts in $kiosk_user's next desktop session"
fi

if [ "$server" = no ]; then
  if have_systemctl; then
    systemctl disable --quiet ptsa.service 2>/dev/null || true
    if systemd_running; then systemctl daemon-reload; systemctl stop ptsa.service 2>/dev/null || true; fi
  fi
  say "no server on this machine (--no-server): the kiosk talks to [kiosk] server in $CONFIG"
  exit 0
fi
if have_systemctl; then
  if systemd_running; then
    systemctl daemon-reload
    systemctl enable --quiet ptsa.service
    if [ "$was_active" = yes ] || ! systemctl is-active --quiet ptsa.service; then
      systemctl restart ptsa.service
    fi
    say "ptsa.service: $(systemctl is-active ptsa.service) (journalctl -u ptsa for its log)"
  else
    systemctl enable --quiet ptsa.service
    say "systemd is not running here: ptsa.service is enabled and starts at the next boot"
  fi
else
  say "no systemd on this machine: start the server with  runuser -u $USER_NAME -- ptsa serve"
fi
port="$(runuser -u "$USER_NAME" -- env PTSA_CONFIG="$CONFIG" "$VENV/bin/python" -c \
        'from intranet_server.config import load_settings; print(load_settings()["server"]["port"])')"
cat <<TEXT

  PTSA is installed. Settings: $CONFIG   Data: $DATA   Command: ptsa (as root, or sudo ptsa)
  Next: sudo ptsa staff add USERNAME --name "..." --role supervisor --unit CODE
        the screens are at http://$(hostname -f 2>/dev/null || hostname):$port/

TEXT
