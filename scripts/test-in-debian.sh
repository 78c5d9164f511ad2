#!/usr/bin/env bash
# Runs a command from this repository inside a Debian root of another release (amd64), with the telephony peers
# installed there from that release's own archive: Debian 13 (trixie) brings baresip 1.1.0 where Debian 12 has
# 1.0.0. The repository is bound at the same path, the machine's network is shared (the tests' ports are the
# same as on the host: run under the peers lock), node_modules from the host are used as they are.
#
#   scripts/test-in-debian.sh trixie -- npx vitest run test/adapters/sip
#   scripts/test-in-debian.sh trixie -- baresip -h
#
# The cached minimal root (scripts/debian-root.sh) is never changed: a copy of it gets the packages once and is
# cached beside it, keyed by the package list (a second run starts in seconds). Each run works on a throw-away
# snapshot of that copy (systemd-nspawn --ephemeral), so tests leave nothing behind. Needs root and
# systemd-nspawn (package systemd-container); falls back to chroot when nspawn cannot run here.
set -euo pipefail
SUITE=${1:?usage: test-in-debian.sh SUITE -- COMMAND...}
shift
[ "${1:-}" = "--" ] && shift
[ $# -gt 0 ] || { echo "usage: test-in-debian.sh SUITE -- COMMAND..." >&2; exit 2; }
say() { echo "test-in-debian: $*" >&2; }

REPO=$(cd "$(dirname "$0")/.." && pwd)
ARCH=$(dpkg --print-architecture)
# What the telephony tests need: Node, baresip, the prompt tools, the SIP peers; procps for pgrep.
PACKAGES="nodejs baresip-core sox espeak-ng sip-tester kamailio procps"
BASE=$("$REPO/scripts/debian-root.sh" "$SUITE" "$ARCH")
CACHE=$(dirname "$BASE")
KEY=$(printf '%s\n%s\n' "$PACKAGES" "$(stat -c %Y "$BASE/.deskphone-root-ok")" | sha256sum | cut -c1-12)
PREPARED=$CACHE/$SUITE-$ARCH-tests-$KEY

inside() {
  local root=$1
  shift
  if [ -z "${DESKPHONE_CHROOT:-}" ]; then
    systemd-nspawn --quiet --register=no --keep-unit --console=pipe --resolv-conf=replace-host "--directory=$root" \
      "--bind=$REPO:$REPO" "--chdir=$REPO" --setenv=LC_ALL=C --setenv=HOME=/root --setenv=CI="${CI:-}" "$@" \
      2> >(grep -v --line-buffered 'Attempted to remove disk file system' >&2)
  else
    # chroot: the same binds by hand, undone on exit.
    mkdir -p "$root$REPO"
    mount --bind "$REPO" "$root$REPO"
    mount -t proc proc "$root/proc"
    mount --rbind /dev "$root/dev"
    mount -t tmpfs tmpfs "$root/tmp"
    cp /etc/resolv.conf "$root/etc/resolv.conf"
    local rc=0
    chroot "$root" /usr/bin/env -C "$REPO" LC_ALL=C HOME=/root CI="${CI:-}" "$@" || rc=$?
    umount "$root/tmp" || true
    umount -R "$root/dev" || true
    umount "$root/proc" || true
    umount "$root$REPO" || true
    return $rc
  fi
}

if [ ! -f "$PREPARED/.deskphone-prepared-ok" ]; then
  say "installing $PACKAGES into a copy of the $SUITE root (once; cached as $PREPARED)"
  rm -rf "$PREPARED.partial"
  cp -a --reflink=auto "$BASE" "$PREPARED.partial"
  # kamailio's package starts its service from its maintainer script unless told not to: nothing starts here.
  printf '#!/bin/sh\nexit 101\n' >"$PREPARED.partial/usr/sbin/policy-rc.d"
  chmod +x "$PREPARED.partial/usr/sbin/policy-rc.d"
  inside "$PREPARED.partial" /bin/sh -c "apt-get -q update && DEBIAN_FRONTEND=noninteractive apt-get -q -y install --no-install-recommends $PACKAGES && apt-get clean" \
    >"$PREPARED.log" 2>&1 || { say "apt-get install failed; see $PREPARED.log"; tail -20 "$PREPARED.log" >&2; exit 1; }
  touch "$PREPARED.partial/.deskphone-prepared-ok"
  mv "$PREPARED.partial" "$PREPARED"
fi

say "$SUITE: $(inside "$PREPARED" /bin/sh -c 'baresip -h 2>&1 | head -1; echo node $(node --version)' | tr '\n' ' ')"
if [ -z "${DESKPHONE_CHROOT:-}" ]; then
  # Not on a terminal (CI, a test): plain pipes. nspawn's note about not removing its propagation mount is noise.
  console=()
  [ -t 0 ] && [ -t 1 ] || console=(--console=pipe)
  exec systemd-nspawn --quiet --register=no --keep-unit --ephemeral "${console[@]}" --resolv-conf=replace-host "--directory=$PREPARED" \
    "--bind=$REPO:$REPO" "--chdir=$REPO" --setenv=LC_ALL=C --setenv=HOME=/root --setenv=CI="${CI:-}" "$@" \
    2> >(grep -v --line-buffered 'Attempted to remove disk file system' >&2)
fi
# chroot has no snapshot of its own: run in a throw-away copy.
RUN=$(mktemp -d "$CACHE/run-XXXXXX")
trap 'rm -rf "$RUN"' EXIT
cp -a --reflink=auto "$PREPARED/." "$RUN/"
inside "$RUN" "$@"
