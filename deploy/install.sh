#!/usr/bin/env bash
# Installs deskphone as a system service on Debian 12 / Raspberry Pi OS (arm64, armhf, amd64), from a clone or a
# release directory. Safe to run again: a second run changes nothing; an upgrade keeps config and data.
#
#   sudo deploy/install.sh                 install or upgrade, then (re)start the service
#   sudo deploy/install.sh --uninstall     remove the service and the program; keep config, data and the user
#   sudo deploy/install.sh --uninstall --purge   ... and remove /etc/deskphone, /var/lib/deskphone and the user
#   deploy/install.sh --root DIR           lay the files into DIR (a chroot or a test root) instead of /:
#                                          no apt, no systemctl, no udevadm; DIR/etc/passwd must exist
#   --no-apt     skip installing Debian packages      --no-build   install the dist/ already built
#
# Where things go: /opt/deskphone (dist/, hardware/, production node_modules), /usr/local/bin/deskphone (the
# installer CLI), /etc/deskphone/config.json (created once, never overwritten), /var/lib/deskphone (data),
# /etc/systemd/system/deskphone.service, /etc/udev/rules.d/60-deskphone-panel.rules,
# /etc/avahi/services/deskphone.service. The service runs as the system user `deskphone` (groups dialout, audio).
set -euo pipefail

SRC=$(cd "$(dirname "$0")/.." && pwd)
ROOT=""
MODE=install
PURGE=0
APT=1
BUILD=1
usage() { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 64; }
while [ $# -gt 0 ]; do
  case "$1" in
    --root) [ $# -ge 2 ] || usage; ROOT=$(cd "$2" && pwd); APT=0; shift 2 ;;
    --uninstall) MODE=uninstall; shift ;;
    --purge) PURGE=1; shift ;;
    --no-apt) APT=0; shift ;;
    --no-build) BUILD=0; shift ;;
    -h|--help) usage ;;
    *) echo "install.sh: unknown option $1" >&2; usage ;;
  esac
done

APP=/opt/deskphone
ETC=/etc/deskphone
DATA=/var/lib/deskphone
UNIT=/etc/systemd/system/deskphone.service
UDEV=/etc/udev/rules.d/60-deskphone-panel.rules
AVAHI=/etc/avahi/services/deskphone.service
BIN=/usr/local/bin/deskphone
USER_NAME=deskphone
changed=0

say() { echo "deskphone install: $*"; }
die() { echo "deskphone install: $*" >&2; exit 1; }
live() { [ -z "$ROOT" ]; }

[ "$(id -u)" -eq 0 ] || die "run as root (sudo $0)"
if [ -n "$ROOT" ] && [ ! -f "$ROOT/etc/passwd" ]; then
  die "$ROOT/etc/passwd is missing: --root needs a system root (a debootstrap chroot or a copy of /etc)"
fi

# put SRC DEST MODE OWNER:GROUP: install a file only when its content, mode or owner differ.
put() {
  local src=$1 dest=$ROOT$2 mode=$3 owner=$4
  mkdir -p "$(dirname "$dest")"
  if ! cmp -s "$src" "$dest"; then
    install -m "$mode" "$src" "$dest.new"
    mv -f "$dest.new" "$dest"
    changed=1
  fi
  own "$2" "$mode" "$owner"
}

# own PATH MODE OWNER:GROUP: set mode and owner when they differ (names resolved inside ROOT).
own() {
  local path=$ROOT$1 mode=$2 uid gid
  uid=$(id_of passwd "${3%%:*}")
  gid=$(id_of group "${3##*:}")
  if [ "$(stat -c %a "$path")" != "${mode#0}" ]; then chmod "$mode" "$path"; changed=1; fi
  if [ "$(stat -c %u:%g "$path")" != "$uid:$gid" ]; then chown "$uid:$gid" "$path"; changed=1; fi
}

# dir PATH MODE OWNER:GROUP
dir() {
  if [ ! -d "$ROOT$1" ]; then mkdir -p "$ROOT$1"; changed=1; fi
  own "$1" "$2" "$3"
}

id_of() { awk -F: -v n="$2" '$1 == n { print $3; found = 1 } END { if (!found) exit 1 }' "$ROOT/etc/$1" || die "no $1 entry '$2' in $ROOT/etc/$1"; }

node_bin() {
  local node
  node=$(command -v node) || die "Node.js 20.15 or newer is needed (Debian 12 ships 18: install Node 20 first, e.g. from NodeSource)"
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=15)?0:1)' ||
    die "Node.js $(node -v) is too old: 20.15 or newer is needed"
  echo "$node"
}

uninstall() {
  if live && command -v systemctl >/dev/null; then
    systemctl disable --now deskphone.service 2>/dev/null || true
  fi
  rm -rf "$ROOT$APP"
  rm -f "$ROOT$UNIT" "$ROOT$UDEV" "$ROOT$AVAHI" "$ROOT$BIN"
  if [ "$PURGE" = 1 ]; then
    rm -rf "$ROOT$ETC" "$ROOT$DATA"
    if grep -q "^$USER_NAME:" "$ROOT/etc/passwd"; then
      if live; then userdel "$USER_NAME"; else userdel --root "$ROOT" "$USER_NAME"; fi
    fi
    say "removed the service, the program, config, data and the user"
  else
    say "removed the service and the program; kept $ETC and $DATA (--purge removes them)"
  fi
  if live && command -v systemctl >/dev/null; then systemctl daemon-reload || true; fi
  if live && command -v udevadm >/dev/null; then udevadm control --reload || true; fi
}

build_if_needed() {
  # A clone builds dist/ on every run (tsc writes the same files for the same source, and only changed files
  # are copied); a release directory, or --no-build, uses the dist/ it carries.
  if [ "$BUILD" = 1 ] && [ -d "$SRC/src" ]; then
    say "building dist/"
    (cd "$SRC" && { [ -d node_modules/typescript ] || npm ci --no-audit --no-fund; } && npm run -s build)
  fi
  [ -f "$SRC/dist/app/main.js" ] || die "$SRC/dist is missing: run npm run build, or use a release directory"
}

install_program() {
  dir /opt 0755 root:root
  dir "$APP" 0755 root:root
  # dist/: copy what changed (the web page's whole bundle in dist/web/ too), drop what an older version left behind.
  local f rel
  while IFS= read -r -d '' f; do
    rel=${f#"$SRC"/}
    put "$f" "$APP/$rel" 0644 root:root
  done < <(find "$SRC/dist" "$SRC/hardware" -type f \( -name '*.js' -o -name '*.js.map' -o -name '*.json' -o -name '*.sql' -o -path "$SRC/dist/web/*" \) -print0)
  while IFS= read -r -d '' f; do
    rel=${f#"$ROOT$APP"/}
    if [ ! -f "$SRC/$rel" ]; then rm -f "$f"; changed=1; fi
  done < <(find "$ROOT$APP/dist" -type f -print0)
  for d in $(cd "$ROOT$APP" && find dist hardware -type d); do own "$APP/$d" 0755 root:root; done
  put "$SRC/package.json" "$APP/package.json" 0644 root:root
  put "$SRC/package-lock.json" "$APP/package-lock.json" 0644 root:root
  # Production dependencies, only when the lockfile changed. Optional ones stay out: johnny-five's optional
  # serialport 8 would try to compile native code (serialport 13, which the unit uses, ships prebuilds).
  local want have=""
  want=$(sha256sum "$SRC/package-lock.json" | cut -d' ' -f1)
  [ -f "$ROOT$APP/node_modules/.deskphone-lock" ] && have=$(cat "$ROOT$APP/node_modules/.deskphone-lock")
  if [ "$want" != "$have" ]; then
    say "installing production dependencies"
    (cd "$ROOT$APP" && npm ci --omit=dev --omit=optional --prefer-offline --no-audit --no-fund --loglevel=error)
    echo "$want" > "$ROOT$APP/node_modules/.deskphone-lock"
    changed=1
  fi
  local launcher schema
  # The config's JSON Schema, for editors ("$schema": "/opt/deskphone/config.schema.json").
  schema=$(mktemp)
  "$NODE" "$ROOT$APP/dist/cli/main.js" config-schema --out "$schema"
  put "$schema" "$APP/config.schema.json" 0644 root:root
  rm -f "$schema"
  launcher=$(mktemp)
  printf '#!/bin/sh\n# deskphone installer commands (init, status, check-config, self-test, ports)\nexec %s %s/dist/cli/main.js "$@"\n' "$NODE" "$APP" > "$launcher"
  put "$launcher" "$BIN" 0755 root:root
  rm -f "$launcher"
}

install_system() {
  if ! grep -q "^$USER_NAME:" "$ROOT/etc/passwd"; then
    local args=(--system --user-group --home-dir "$DATA" --no-create-home --shell /usr/sbin/nologin --groups dialout,audio)
    if live; then useradd "${args[@]}" "$USER_NAME"; else useradd --root "$ROOT" "${args[@]}" "$USER_NAME"; fi
    changed=1
  fi
  dir "$ETC" 0750 root:$USER_NAME
  dir /var/lib 0755 root:root
  dir "$DATA" 0750 $USER_NAME:$USER_NAME
  if [ ! -f "$ROOT$ETC/config.json" ]; then
    put "$SRC/deploy/config.default.json" "$ETC/config.json" 0640 root:$USER_NAME
    say "wrote $ETC/config.json (run: sudo deskphone init)"
  else
    # An upgrade keeps the config; an older format is rewritten in the current one with a backup beside it.
    if ! "$NODE" "$ROOT$APP/dist/cli/main.js" migrate-config --config "$ROOT$ETC/config.json" | grep -q 'already version'; then changed=1; fi
    own "$ETC/config.json" 0640 root:$USER_NAME
  fi
  local tmp port
  tmp=$(mktemp -d)
  sed "s|^ExecStart=/usr/bin/node |ExecStart=$NODE |" "$SRC/deploy/deskphone.service" > "$tmp/unit"
  # The LAN API port as the unit reads it (defaults applied): the LAN listener if the config has one.
  port=$(cd "$ROOT$APP" && "$NODE" --input-type=module -e '
    try { const { loadConfig } = await import("./dist/config/load.js"); const c = await loadConfig(process.argv[1]);
      console.log(c.http.lan?.enabled ? c.http.lan.port : c.http.port); } catch { console.log(8080); }' "$ROOT$ETC/config.json")
  sed "s|<port>8080</port>|<port>$port</port>|" "$SRC/deploy/deskphone.avahi.service" > "$tmp/avahi"
  dir /etc/systemd/system 0755 root:root
  put "$tmp/unit" "$UNIT" 0644 root:root
  put "$SRC/deploy/60-deskphone-panel.rules" "$UDEV" 0644 root:root
  dir /etc/avahi/services 0755 root:root
  put "$tmp/avahi" "$AVAHI" 0644 root:root
  rm -rf "$tmp"
}

if [ "$MODE" = uninstall ]; then uninstall; exit 0; fi

NODE=$(node_bin)
if [ "$APT" = 1 ]; then
  # shellcheck source=../.ci/lib.sh
  . "$SRC/.ci/lib.sh" 2>/dev/null || apt_need() { DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"; }
  apt_need baresip-core sox espeak-ng avahi-daemon alsa-utils systemd
fi
build_if_needed
install_program
install_system

if live; then
  udevadm control --reload 2>/dev/null && udevadm trigger --subsystem-match=tty 2>/dev/null || true
  systemctl daemon-reload
  systemctl enable deskphone.service >/dev/null 2>&1
  if [ "$changed" = 1 ]; then systemctl restart deskphone.service; else systemctl start deskphone.service; fi
  systemctl reload-or-restart avahi-daemon.service 2>/dev/null || true
fi
if [ "$changed" = 1 ]; then say "installed"; else say "already up to date, nothing changed"; fi
