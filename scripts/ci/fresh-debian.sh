#!/usr/bin/env bash
# Proof that the README's test command works on a bare Debian 12: build a debootstrap minbase
# root (python3, git, ca-certificates and nothing else), clone the committed repository into it,
# run `bash scripts/test.sh` there with no other step, and remove the root again.
#
#   sudo bash scripts/ci/fresh-debian.sh [pytest arguments]      (run by .ci/run)
#
# PostgreSQL and Redis on 127.0.0.1 are this machine's (a chroot shares its network), and like
# .ci/run it makes them and the browser required. PTSA_FRESH_KEEP=1 keeps the root for a look.
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
FRESH_ENV=(PTSA_REQUIRE_SERVICES=1 PTSA_REQUIRE_BROWSER=1
           "PTSA_TEST_POSTGRES_URL=${PTSA_TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432/test}"
           "PTSA_TEST_REDIS_URL=${PTSA_TEST_REDIS_URL:-redis://127.0.0.1:6379/0}")
fresh_log "cd /root/ptsa && bash scripts/test.sh $*"
set +e
fresh_run bash -c 'cd /root/ptsa && exec bash scripts/test.sh "$@"' test.sh "$@"
status=$?
set -e
fresh_log "README test command in a bare Debian 12 root: exit $status after $(( $(date +%s) - start )) s"
exit "$status"
