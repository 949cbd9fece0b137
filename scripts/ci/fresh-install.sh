#!/usr/bin/env bash
# The README's "Installing it in an office", walked for real: a bare Debian 12 root (debootstrap
# minbase + python3, git, ca-certificates) with systemd added as a server has it, the committed
# repository cloned in, `bash scripts/install.sh` run in it, then the root BOOTED with
# systemd-nspawn: the server must be started by systemd, answer /healthz, come back after a crash,
# survive a second install (keeping an edited /etc/ptsa/ptsa.toml), and the README's commands must
# work as written. Then --uninstall (data kept) and --uninstall --purge. The root is removed after.
#
#   sudo bash scripts/ci/fresh-install.sh          (run by .ci/run; PTSA_FRESH_KEEP=1 keeps the root)
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/ci/fresh-root.sh
[ "$(id -u)" -eq 0 ] || { echo "fresh-install.sh: needs root (debootstrap, chroot, nspawn)" >&2; exit 1; }

start=$(date +%s)
passed=0 failed=0
check() {  # check "what" command...: one line per verdict
  local what="$1"; shift
  if "$@" > "$FRESH_BASE/check.out" 2>&1; then
    passed=$((passed + 1)); echo "ok     - $what"
  else
    failed=$((failed + 1)); echo "FAILED - $what"; sed 's/^/         | /' "$FRESH_BASE/check.out" | tail -n 25
  fi
}
in_root() { fresh_in "$@"; }
sh_in() { fresh_in bash -c "$1"; }

fresh_need_tools boot
fresh_make "debian-install-$$"
cleanup() {
  fresh_poweroff
  if [ "${PTSA_FRESH_KEEP:-0}" = 1 ]; then fresh_umount; echo "kept $FRESH_ROOT"; else fresh_destroy; fi
}
trap cleanup EXIT
fresh_mount
fresh_clone

# A server machine boots with systemd; curl only to look at it from inside.
fresh_log "adding systemd (a booted server has it) and curl"
fresh_run bash -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq systemd systemd-sysv dbus curl >/dev/null'
fresh_run rm -f /usr/sbin/policy-rc.d   # booted, the root is a machine: services may start

# --- README: "apt-get install -y git ca-certificates", then in the checkout "bash scripts/install.sh"
fresh_log "README: bash scripts/install.sh (in the root, systemd not running yet)"
check "apt-get install -y git ca-certificates" fresh_run apt-get install -y -qq git ca-certificates
check "bash scripts/install.sh (first run, no running systemd)" \
  fresh_run bash -c 'cd /root/ptsa && bash scripts/install.sh'
check "ptsa.service is enabled for the next boot" \
  test -L "$FRESH_ROOT/etc/systemd/system/multi-user.target.wants/ptsa.service"

# The IT officer edits the settings: another port (this machine's 8080 may be taken) and the name.
PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
sed -i "s/^port = 8080/port = $PORT/; s/^name = .*/name = \"PTSA Uji Pasang\"/" "$FRESH_ROOT/etc/ptsa/ptsa.toml"
check "the settings file is root:ptsa 0640" \
  sh -c "[ \"\$(stat -c '%a %U' '$FRESH_ROOT/etc/ptsa/ptsa.toml')\" = '640 root' ]"

fresh_log "booting the root with systemd-nspawn"
fresh_boot
healthz() { sh_in "curl -fsS --max-time 5 http://127.0.0.1:$PORT/healthz | grep -q '\"ok\"'"; }
wait_active() {  # the server is up again: systemd says active and /healthz answers
  local i; for i in $(seq 1 150); do
    if in_root systemctl is-active --quiet ptsa && healthz; then return 0; fi; sleep 0.2; done
  in_root systemctl status ptsa --no-pager; return 1
}
check "systemctl is-active ptsa (started at boot)" wait_active
check "curl /healthz answers ok" healthz
check "data dir /var/lib/ptsa is ptsa 0750, secret_key ptsa 0600" sh_in \
  '[ "$(stat -c "%a %U" /var/lib/ptsa)" = "750 ptsa" ] && [ "$(stat -c "%a %U" /var/lib/ptsa/secret_key)" = "600 ptsa" ]'
check "the server runs as the ptsa user with LimitNOFILE" sh_in \
  'pid=$(systemctl show -p MainPID --value ptsa); [ "$(stat -c %U /proc/$pid)" = ptsa ] && grep -q "^Max open files *16384" /proc/$pid/limits'
check "Restart=on-failure: a killed server comes back" sh_in \
  'pid=$(systemctl show -p MainPID --value ptsa); kill -9 $pid; for i in $(seq 1 100); do
     new=$(systemctl show -p MainPID --value ptsa); [ "$new" != 0 ] && [ "$new" != "$pid" ] && systemctl is-active --quiet ptsa && exit 0; sleep 0.2; done; exit 1'
check "back after the crash: /healthz ok" wait_active

# --- README 1.-4., as written, with `ptsa` on the PATH
check "ptsa is on the PATH: command -v ptsa" sh_in 'command -v ptsa'
check "ptsa init (again, as after editing the catalog)" in_root ptsa init
check "ptsa staff add dimas ... (password asked)" sh_in \
  'printf "Pagi-Cerah-2026\n" | ptsa staff add dimas --name "Dimas Pratama" --role p0 --booth 3'
check "ptsa staff add hendra ... --unit PHIJSK-PK --email --phone" sh_in \
  'printf "Siang-Teduh-2026\n" | ptsa staff add hendra --name "Hendra" --role supervisor --unit PHIJSK-PK --email hendra@kemnaker.go.id --phone +6281234567890'
check "ptsa staff set dimas --booth 4" in_root ptsa staff set dimas --booth 4
check "ptsa staff password dimas" sh_in 'printf "Malam-Tenang-2026\n" | ptsa staff password dimas'
sh_in 'printf "username,full_name,role,unit,booth,email,phone,language,active,password\nsiti,Siti Rahma,p0,,5,,,id,true,Senja-Indah-2026\n" > /tmp/staff.csv'
check "ptsa staff import /tmp/staff.csv" in_root ptsa staff import /tmp/staff.csv
check "ptsa staff list shows them" sh_in 'ptsa staff list | grep -q dimas && ptsa staff list | grep -q siti'
check "ptsa staff list | head ends cleanly" sh_in \
  'ptsa staff list 2>/tmp/err | head -n 1 >/dev/null; ! grep -q Traceback /tmp/err'
check "a new account signs in through the running server" sh_in \
  "curl -fsS --max-time 5 -H 'Content-Type: application/json' -d '{\"username\": \"dimas\", \"password\": \"Malam-Tenang-2026\"}' http://127.0.0.1:$PORT/api/v1/auth/login"
check "ptsa kiosk-token lobby-1" sh_in 'ptsa kiosk-token lobby-1 | tail -n 1 > /tmp/token && [ -s /tmp/token ]'
# The office calendar is real here: outside its hours the kiosk's ticket is refused as closed (409).
check "the kiosk's token issues a ticket (201, or 409 closed outside office hours)" sh_in \
  "code=\$(curl -s -o /tmp/ticket.json -w '%{http_code}' --max-time 5 -X POST http://127.0.0.1:$PORT/api/v1/tickets -H \"Authorization: Bearer \$(cat /tmp/token)\" -H 'Content-Type: application/json' -d '{\"service\": \"PP\", \"idempotency_key\": \"fresh-install-1\", \"language\": \"id\"}'); cat /tmp/ticket.json; [ \$code = 201 ] || [ \$code = 409 ]"
check "ptsa kiosk-token lobby-1 --revoke" in_root ptsa kiosk-token lobby-1 --revoke
check "ptsa print-test --printer SPEC --preview /tmp/ticket.png (office name, letter P)" sh_in \
  'ptsa print-test --printer virtual:/tmp/printer --preview /tmp/ticket.png | tee /dev/stderr | grep -q "P001.*PTSA Uji Pasang" && [ -s /tmp/ticket.png ]'
check "systemctl status ptsa; journalctl -u ptsa" sh_in 'systemctl status ptsa --no-pager >/dev/null && journalctl -u ptsa --no-pager | grep -q .'

# --- the installer again (the upgrade): idempotent, and the edited settings survive
check "bash scripts/install.sh again (upgrade, systemd running)" sh_in 'cd /root/ptsa && bash scripts/install.sh'
check "the edited /etc/ptsa/ptsa.toml was kept" sh_in "grep -q '^port = $PORT' /etc/ptsa/ptsa.toml"
check "the server is up again after the upgrade" wait_active
check "the staff survived the upgrade" sh_in 'ptsa staff list | grep -q hendra'

# --- README 3.: a kiosk machine (the same root here): the kiosk starts in its user's desktop session
sh_in 'useradd --create-home kiosk'
check "bash scripts/install.sh --kiosk-user kiosk --no-server" \
  sh_in 'cd /root/ptsa && bash scripts/install.sh --kiosk-user kiosk --no-server'
check "ptsa-kiosk.service is enabled in kiosk's desktop session, kiosk is in group ptsa" sh_in \
  '[ -L /home/kiosk/.config/systemd/user/graphical-session.target.wants/ptsa-kiosk.service ] && id -nG kiosk | grep -qw ptsa'
check "systemd-analyze verify ptsa-kiosk.service" sh_in 'systemd-analyze verify /etc/systemd/user/ptsa-kiosk.service'
check "the kiosk user can run the kiosk program (PySide6, the settings)" sh_in \
  'runuser -u kiosk -- env QT_QPA_PLATFORM=offscreen PTSA_CONFIG=/etc/ptsa/ptsa.toml /opt/ptsa/venv/bin/python -c "from PySide6.QtWidgets import QApplication; import kiosk.app; from intranet_server.config import load_settings; load_settings(); QApplication([])"'
check "--no-server: the server is stopped and disabled" sh_in \
  '! systemctl is-enabled --quiet ptsa && ! systemctl is-active --quiet ptsa'

# --- uninstall keeps the data; --purge removes it
check "bash scripts/install.sh --uninstall" sh_in 'cd /root/ptsa && bash scripts/install.sh --uninstall'
check "after --uninstall: no server, no unit, no command" sh_in \
  '! systemctl is-active --quiet ptsa && [ ! -e /etc/systemd/system/ptsa.service ] && [ ! -e /usr/local/bin/ptsa ] && [ ! -e /opt/ptsa/venv ]'
check "after --uninstall: settings, database and secret_key kept" sh_in \
  '[ -f /etc/ptsa/ptsa.toml ] && [ -f /var/lib/ptsa/ptsa.db ] && [ -f /var/lib/ptsa/secret_key ] && id ptsa'
check "bash scripts/install.sh --uninstall --purge" sh_in 'cd /root/ptsa && bash scripts/install.sh --uninstall --purge'
check "after --purge: nothing left" sh_in '[ ! -e /etc/ptsa ] && [ ! -e /var/lib/ptsa ] && ! id ptsa'

fresh_poweroff
fresh_log "office install in a booted bare Debian 12 root: $passed passed, $failed failed, $(( $(date +%s) - start )) s"
echo "install: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
