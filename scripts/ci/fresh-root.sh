# Sourced by scripts/ci/fresh-*.sh: build a bare Debian 12 root (debootstrap minbase plus python3,
# git and ca-certificates, nothing else), run commands in it, and take it down again.
# Needs root, debootstrap (and systemd-container for booting one); installs them when missing.

FRESH_BASE="${PTSA_FRESH_DIR:-$(pwd)/build/fresh}"   # build/ is gitignored

fresh_log() { echo "[fresh $(date -u +%H:%M:%S)] $*"; }

fresh_need_tools() {
  local missing=()
  command -v debootstrap >/dev/null || missing+=(debootstrap debian-archive-keyring gpgv)  # checks the Release signature
  if [ "${1:-}" = boot ] && ! command -v systemd-nspawn >/dev/null; then missing+=(systemd-container); fi
  if [ "${#missing[@]}" -gt 0 ]; then
    fresh_log "installing ${missing[*]} on this machine"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

# The Debian mirror this machine's apt uses (and its security mirror), so the root fetches
# packages from the same place.
fresh_mirror() {
  local uri
  uri="$(grep -hsE '^\s*URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' | grep -v security | head -n1)"
  [ -n "$uri" ] || uri="$(grep -hsE '^\s*deb\s' /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
                          | awk '{print $2}' | grep -v security | grep -i debian | head -n1)"
  echo "${uri:-http://deb.debian.org/debian}"
}
fresh_security_mirror() {
  local uri
  uri="$(grep -hsE '^\s*URIs:|^\s*deb\s' /etc/apt/sources.list /etc/apt/sources.list.d/*.sources \
         /etc/apt/sources.list.d/*.list | grep -oE '[a-z]+://[^ ]*debian-security[^ ]*' | head -n1)"
  echo "${uri:-http://deb.debian.org/debian-security}"
}

# fresh_make NAME: a new root at $FRESH_BASE/NAME; prints nothing, sets FRESH_ROOT.
fresh_make() {
  FRESH_ROOT="$FRESH_BASE/$1"
  fresh_destroy "$FRESH_ROOT"
  mkdir -p "$FRESH_BASE"
  local mirror security
  mirror="$(fresh_mirror)"; security="$(fresh_security_mirror)"
  fresh_log "debootstrap --variant=minbase bookworm $FRESH_ROOT ($mirror)"
  debootstrap --variant=minbase --include=python3,git,ca-certificates bookworm "$FRESH_ROOT" "$mirror" \
    > "$FRESH_BASE/$1.debootstrap.log" 2>&1 || { tail -n 20 "$FRESH_BASE/$1.debootstrap.log"; return 1; }
  cat > "$FRESH_ROOT/etc/apt/sources.list" <<EOF
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb $security bookworm-security main
EOF
  # Reach PyPI the way this machine does: its local certificate authorities and pip's settings.
  if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
    cp /usr/local/share/ca-certificates/*.crt "$FRESH_ROOT/usr/local/share/ca-certificates/"
    chroot "$FRESH_ROOT" update-ca-certificates >/dev/null 2>&1
  fi
  [ -f /etc/pip.conf ] && cp /etc/pip.conf "$FRESH_ROOT/etc/pip.conf"
  cp /etc/resolv.conf "$FRESH_ROOT/etc/resolv.conf"
  # what the Debian installer writes, which debootstrap leaves empty (sudo looks its host name up)
  [ -s "$FRESH_ROOT/etc/hosts" ] || printf '127.0.0.1\tlocalhost\n127.0.1.1\t%s\n::1\tlocalhost ip6-localhost ip6-loopback\n' \
    "$(cat "$FRESH_ROOT/etc/hostname" 2>/dev/null || hostname)" > "$FRESH_ROOT/etc/hosts"
  # A chroot shares this machine's network: packages must not start their services (a second
  # Redis on 6379, nginx on 80) the way they would on a booted machine.
  printf '#!/bin/sh\nexit 101\n' > "$FRESH_ROOT/usr/sbin/policy-rc.d"
  chmod 0755 "$FRESH_ROOT/usr/sbin/policy-rc.d"
}

fresh_mount() {
  local r="$FRESH_ROOT"
  mount -t proc proc "$r/proc"
  mount -t sysfs sys "$r/sys"
  mount --rbind /dev "$r/dev" && mount --make-rslave "$r/dev"
  mountpoint -q "$r/dev/shm" || mount -t tmpfs -o mode=1777 shm "$r/dev/shm"
}

fresh_umount() {
  local r="${1:-$FRESH_ROOT}" m
  [ -n "$r" ] && [ -d "$r" ] || return 0
  # deepest first; a lazy unmount only when a plain one is refused
  for m in $(awk -v r="$r" '$2 == r || index($2, r "/") == 1 {print $2}' /proc/self/mounts | sort -r); do
    umount "$m" 2>/dev/null || umount -l "$m"
  done
}

fresh_destroy() {
  local r="${1:-$FRESH_ROOT}"
  [ -n "$r" ] && [ -d "$r" ] || return 0
  fresh_umount "$r"
  if awk -v r="$r" 'index($2, r) == 1 {found=1} END {exit !found}' /proc/self/mounts; then
    echo "fresh: $r still has mounts, not removing it" >&2; return 1
  fi
  rm -rf --one-file-system "$r"
  rm -f "$r.debootstrap.log" "$r.boot.log"
}

# fresh_clone: the committed repository (HEAD of the checkout this script runs from) into /root/ptsa.
fresh_clone() {
  fresh_log "git clone $(git rev-parse --short HEAD) into /root/ptsa"
  git clone -q "$(git rev-parse --show-toplevel)" "$FRESH_ROOT/root/ptsa"
  git -C "$FRESH_ROOT/root/ptsa" checkout -q "$(git rev-parse HEAD)"
}

# fresh_run CMD...: a login-like shell in the root, with a clean environment (nothing of this
# machine's but the variables named here).
fresh_run() {
  chroot "$FRESH_ROOT" /usr/bin/env -i HOME=/root USER=root LOGNAME=root LANG=C.UTF-8 TERM=dumb \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "${FRESH_ENV[@]}" "$@"
}
FRESH_ENV=()

# fresh_boot: boot the root with systemd-nspawn (the same network as this machine) and wait until
# its systemd has started everything; sets FRESH_PID (the container's PID 1, seen from here).
fresh_boot() {
  fresh_umount   # nspawn mounts /proc, /sys and /dev itself
  FRESH_BOOT_LOG="$FRESH_ROOT.boot.log"
  systemd-nspawn -q -D "$FRESH_ROOT" -b --register=no --keep-unit > "$FRESH_BOOT_LOG" 2>&1 &
  FRESH_NSPAWN=$!
  FRESH_PID=""
  local i p
  for i in $(seq 1 300); do
    for p in $(pgrep -P "$FRESH_NSPAWN" 2>/dev/null) $(pgrep -P "$(pgrep -P "$FRESH_NSPAWN" | head -n1)" 2>/dev/null); do
      if [ "$(cat "/proc/$p/comm" 2>/dev/null)" = systemd ]; then FRESH_PID=$p; break 2; fi
    done
    sleep 0.2
  done
  [ -n "$FRESH_PID" ] || { echo "fresh: the container did not boot"; tail -n 30 "$FRESH_BOOT_LOG"; return 1; }
  local state
  state="$(fresh_in timeout 120 systemctl is-system-running --wait || true)"
  fresh_log "booted ($state)"
}

# fresh_in CMD...: run a command in the booted root (clean environment).
fresh_in() {
  nsenter -t "$FRESH_PID" -a /usr/bin/env -i HOME=/root USER=root LOGNAME=root LANG=C.UTF-8 TERM=dumb \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"
}

fresh_poweroff() {
  [ -n "${FRESH_NSPAWN:-}" ] || return 0
  if kill -0 "$FRESH_NSPAWN" 2>/dev/null; then
    fresh_in systemctl poweroff >/dev/null 2>&1 || true
    local i
    for i in $(seq 1 100); do kill -0 "$FRESH_NSPAWN" 2>/dev/null || break; sleep 0.2; done
    kill "$FRESH_NSPAWN" 2>/dev/null || true
  fi
  wait "$FRESH_NSPAWN" 2>/dev/null || true
  FRESH_NSPAWN=""
}
