#!/usr/bin/env bash
# Installs deskphone from a clone the way a release is installed: builds the Debian package from this tree
# (scripts/package.sh: the same files, the same maintainer scripts) and installs it with apt, which pulls
# nodejs, baresip-core, sox, espeak-ng, alsa-utils from the archive. Safe to run again: when the package built
# is the one installed, nothing changes.
#
#   sudo deploy/install.sh                       install or upgrade, then (re)start the service
#   sudo deploy/install.sh --uninstall           apt remove: stop and remove the service; keep config, data, user
#   sudo deploy/install.sh --uninstall --purge   apt purge: also remove /etc/deskphone, /var/lib/deskphone, the user
#   deploy/install.sh --build-only [DIR]         only build deskphone_<version>_<arch>.deb into DIR (default .)
#
# Where things go: /usr/lib/deskphone (dist/, hardware/, production node_modules), /usr/bin/deskphone (the CLI),
# /etc/deskphone/config.json (made once, never overwritten), /var/lib/deskphone (data),
# /usr/lib/systemd/system/deskphone.service, /usr/lib/udev/rules.d/60-deskphone-panel.rules,
# /etc/avahi/services/deskphone.service. The service runs as the system user deskphone (groups dialout, audio).
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
MODE=install
PURGE=0
OUT=""
usage() { sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 64; }
while [ $# -gt 0 ]; do
  case "$1" in
    --uninstall) MODE=uninstall; shift ;;
    --purge) PURGE=1; shift ;;
    --build-only) MODE=build; OUT=${2:-.}; [ $# -ge 2 ] && shift; shift ;;
    -h|--help) usage ;;
    *) echo "install.sh: unknown option $1" >&2; usage ;;
  esac
done
say() { echo "deskphone install: $*"; }
die() { echo "deskphone install: $*" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive

build() {
  # The build needs the tree's npm dependencies (tsc, esbuild); installed as the clone's owner, not as root.
  if [ ! -d "$SRC/node_modules/typescript" ]; then
    say "installing the build's npm dependencies"
    if [ -n "${SUDO_USER:-}" ] && [ "$(id -u)" -eq 0 ]; then
      (cd "$SRC" && runuser -u "$SUDO_USER" -- npm ci --no-audit --no-fund)
    else
      (cd "$SRC" && npm ci --no-audit --no-fund)
    fi
  fi
  "$SRC/scripts/package.sh" --out "$1"
}

if [ "$MODE" = build ]; then build "$OUT"; exit 0; fi
[ "$(id -u)" -eq 0 ] || die "run as root (sudo $0)"

if [ "$MODE" = uninstall ]; then
  if [ "$PURGE" = 1 ]; then apt-get purge -y deskphone; else apt-get remove -y deskphone; fi
  exit 0
fi

# Debian 12's own Node is 18: say where a newer one comes from before apt fails on nodejs (>= 20.15).
candidate=$(apt-cache policy nodejs 2>/dev/null | awk '/Candidate:/ { print $2 }')
if [ -z "$candidate" ] || [ "$candidate" = "(none)" ] || dpkg --compare-versions "$candidate" lt 20.15; then
  die "apt offers nodejs ${candidate:-none}; deskphone needs 20.15 or newer (Debian 13 has it; on Debian 12 add NodeSource's nodejs 20 first: see the README's install section)"
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 0755 "$tmp" # apt's sandbox user reads the .deb from here
deb=$(build "$tmp" | tail -1)

# The layout of the installer this script replaced (before the package): /opt, /usr/local/bin and
# /etc/systemd/system would shadow the package's files. Config and data stay where they are.
if [ -d /opt/deskphone ] && ! dpkg-query -W deskphone >/dev/null 2>&1; then
  say "moving from the old /opt/deskphone install to the package"
  systemctl disable --now deskphone.service 2>/dev/null || true
  rm -rf /opt/deskphone /usr/local/bin/deskphone /etc/systemd/system/deskphone.service /etc/udev/rules.d/60-deskphone-panel.rules
  systemctl daemon-reload 2>/dev/null || true
fi

installed=/var/lib/dpkg/info/deskphone.md5sums
if [ -f "$installed" ] && [ "$(dpkg-query -W -f='${Version}' deskphone)" = "$(dpkg-deb -f "$deb" Version)" ] &&
  dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./md5sums | cmp -s - "$installed"; then
  say "already up to date, nothing changed"
  exit 0
fi
apt-get install -y --reinstall "$deb"
say "installed $(basename "$deb")"
