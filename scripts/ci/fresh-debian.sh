#!/usr/bin/env bash
# Proof that the README's test command works on a bare Debian 12: build a debootstrap minbase
# root (python3, git, ca-certificates and nothing else), clone the committed repository into it,
# run `bash scripts/test.sh` there with no other step, and remove the root again.
#
#   sudo bash scripts/ci/fresh-debian.sh [pytest arguments]      (run by .ci/run)
#
# PostgreSQL and Redis on 127.0.0.1 are this machine's (a chroot shares its network), and like
# .ci/run it makes them and the browser required. PTSA_FRESH_KEEP=1 keeps the root for a look.
# PTSA_FRESH_AS=sudo runs both commands as a user with sudo (sudo is added to the root for that)
# instead of root.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/ci/fresh-root.sh
[ "$(id -u)" -eq 0 ] || { echo "fresh-debian.sh: needs root (debootstrap, chroot, mounts)" >&2; exit 1; }

start=$(date +%s)
fresh_need_tools
fresh_make "debian-test-$$"
cleanup() {
  if [ "${PTSA_FRESH_KEEP:-0}" = 1 ]; then fresh_umount; echo "kept $FRESH_ROOT"; else fresh_destroy; fi
}
trap cleanup EXIT
fresh_mount
fresh_clone
# as_user CMD: run CMD (a bash script) in the checkout as root, or as a user with sudo. The script
# goes on a line of its own after the cd: after "cd … &&" its first command would join the cd in one AND
# list, and a trailing & would then put the whole list in a subshell, whose $! is not the command's (the
# demo's server outlived its kill that way).
if [ "${PTSA_FRESH_AS:-root}" = sudo ]; then
  fresh_log "adding sudo and a user dev allowed to use it"
  fresh_run bash -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sudo >/dev/null
    useradd --create-home --shell /bin/bash dev
    echo "dev ALL=(ALL) NOPASSWD:ALL" > /etc/sudoers.d/dev && chmod 0440 /etc/sudoers.d/dev
    mv /root/ptsa /home/dev/ptsa && chown -R dev:dev /home/dev/ptsa'
  as_user() { fresh_run runuser -u dev -- env HOME=/home/dev USER=dev LOGNAME=dev bash -c "cd ~/ptsa || exit 1
$1" "${@:2}"; }
else
  as_user() { fresh_run bash -c "cd /root/ptsa || exit 1
$1" "${@:2}"; }
fi
FRESH_ENV=(PTSA_REQUIRE_SERVICES=1 PTSA_REQUIRE_BROWSER=1
           "PTSA_TEST_POSTGRES_URL=${PTSA_TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432/test}"
           "PTSA_TEST_REDIS_URL=${PTSA_TEST_REDIS_URL:-redis://127.0.0.1:6379/0}")
fresh_log "bash scripts/test.sh $* (as ${PTSA_FRESH_AS:-root})"
set +e
as_user 'exec bash scripts/test.sh "$@"' test.sh "$@"
status=$?
# The README's other command, on another port than 8080: its banner must name the port it serves.
PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
fresh_log "PTSA_SERVER_PORT=$PORT bash scripts/demo.sh"
as_user '
  PTSA_SERVER_PORT='"$PORT"' bash scripts/demo.sh > /tmp/demo.log 2>&1 &
  demo=$!      # demo.sh ends in `exec ptsa serve`: this is the server
  python3 - <<PY
import json, sys, time, urllib.request
for _ in range(600):
    try:
        with urllib.request.urlopen("http://127.0.0.1:'"$PORT"'/healthz", timeout=2) as r:
            sys.exit(0 if json.load(r)["status"] == "ok" else 1)
    except OSError:
        time.sleep(0.2)
sys.exit(1)
PY
  up=$?
  kill $demo; wait $demo
  cat /tmp/demo.log | grep -v "^ *$" | head -n 40
  [ $up = 0 ] && grep -q "on http://127.0.0.1:'"$PORT"'/" /tmp/demo.log && grep -q "curl -X POST http://127.0.0.1:'"$PORT"'/api" /tmp/demo.log \
    && grep -q -- "--server http://127.0.0.1:'"$PORT"'" /tmp/demo.log && ! grep -q ":8080" /tmp/demo.log
' && fresh_log "demo.sh: served and announced on $PORT" || { fresh_log "demo.sh: FAILED"; [ "$status" != 0 ] || status=1; }
set -e
fresh_log "README test command in a bare Debian 12 root: exit $status after $(( $(date +%s) - start )) s"
exit "$status"
