#!/usr/bin/env bash
# Prints the path of a cached minimal Debian root for SUITE (bookworm | trixie) and ARCH (amd64 | arm64), making
# it with debootstrap the first time (about 1 min on amd64, 2-3 min for arm64 under qemu-user). The cached root
# is never changed by its users: they copy it (cp -a --reflink=auto, or an overlay) before installing anything.
#
#   scripts/debian-root.sh trixie amd64            -> /var/cache/deskphone-roots/trixie-amd64
#   DESKPHONE_ROOTS=/some/dir scripts/debian-root.sh bookworm arm64
#
# The mirror is the one this machine's apt already uses (the first URIs: line of its deb822 sources, or the
# first deb line of sources.list), so the root reaches the same archive as the host and nothing else.
# Needs root, debootstrap, and for a foreign ARCH qemu-user-static with binfmt_misc.
set -euo pipefail
SUITE=${1:?usage: debian-root.sh SUITE ARCH}
ARCH=${2:?usage: debian-root.sh SUITE ARCH}
CACHE=${DESKPHONE_ROOTS:-/var/cache/deskphone-roots}
ROOT=$CACHE/$SUITE-$ARCH
say() { echo "debian-root: $*" >&2; }

[ "$(id -u)" -eq 0 ] || { say "run as root"; exit 1; }
if [ -f "$ROOT/.deskphone-root-ok" ]; then echo "$ROOT"; exit 0; fi

mirror() {
  local m=""
  if compgen -G '/etc/apt/sources.list.d/*.sources' >/dev/null; then
    m=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i !~ /security/) { print $i; exit } }' /etc/apt/sources.list.d/*.sources)
  fi
  if [ -z "$m" ] && [ -f /etc/apt/sources.list ]; then
    m=$(awk '$1 == "deb" && $0 !~ /security/ { for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) { print $i; exit } }' /etc/apt/sources.list)
  fi
  [ -n "$m" ] || { say "no Debian mirror found in this machine's apt sources"; exit 1; }
  echo "$m"
}

foreign_ready() {
  [ "$ARCH" = "$(dpkg --print-architecture)" ] && return 0
  if [ ! -e /proc/sys/fs/binfmt_misc/status ]; then
    mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
  fi
  case "$ARCH" in
    arm64) update-binfmts --enable qemu-aarch64 >/dev/null 2>&1 || true ;;
    armhf) update-binfmts --enable qemu-arm >/dev/null 2>&1 || true ;;
  esac
}

MIRROR=$(mirror)
foreign_ready
mkdir -p "$CACHE"
rm -rf "$ROOT.partial"
say "making a minimal $SUITE $ARCH root in $ROOT (once; cached after)"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
debootstrap --variant=minbase --arch="$ARCH" --keyring="$keyring" --include=ca-certificates \
  "$SUITE" "$ROOT.partial" "$MIRROR" >"$CACHE/$SUITE-$ARCH.log" 2>&1 ||
  { say "debootstrap failed; see $CACHE/$SUITE-$ARCH.log"; tail -20 "$CACHE/$SUITE-$ARCH.log" >&2; exit 1; }
# The root's apt reaches the same archive, the suite's updates and security too.
cat >"$ROOT.partial/etc/apt/sources.list" <<EOF
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
EOF
touch "$ROOT.partial/.deskphone-root-ok"
mv "$ROOT.partial" "$ROOT"
echo "$ROOT"
