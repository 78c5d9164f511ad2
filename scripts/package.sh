#!/usr/bin/env bash
# Builds the Debian package deskphone_<version>_<arch>.deb from this source tree, offline: the production build
# (dist/ with the web bundle and the SQL migrations, hardware/), the production npm dependencies from the
# lockfile (npm's cache; no dev and no optional ones: johnny-five's optional serialport 8 would compile native
# code), the unit, udev rule, avahi file and maintainer scripts from deploy/. The only native code is
# serialport's prebuilt binding: the package keeps the one for ARCH and is built per architecture. The
# dependencies are JavaScript plus those prebuilds, so an arm64 package builds on an amd64 machine.
#
#   npm run package                               -> ./deskphone_<package.json version>_<this machine's arch>.deb
#   npm run package -- --arch arm64 --out DIR     (amd64 | arm64 | armhf)
#   npm run package -- --version 0.1.0+test1      a different package version (tests build an upgrade this way)
#
# Needs node, npm, dpkg-deb (dpkg-dev); lintian is optional (scripts/package.sh --lintian runs it).
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
ARCH=$(dpkg --print-architecture)
VERSION=""
OUT=$SRC
LINTIAN=0
while [ $# -gt 0 ]; do
  case "$1" in
    --arch) ARCH=$2; shift 2 ;;
    --version) VERSION=$2; shift 2 ;;
    --out) OUT=$(mkdir -p "$2" && cd "$2" && pwd); shift 2 ;;
    --lintian) LINTIAN=1; shift ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "package: unknown option $1" >&2; exit 64 ;;
  esac
done
[ -n "$VERSION" ] || VERSION=$(node -p 'require(process.argv[1]).version' "$SRC/package.json")
case "$ARCH" in
  amd64) PREBUILDS=(linux-x64/*glibc*) ;;
  arm64) PREBUILDS=(linux-arm64/*glibc*) ;;
  armhf) PREBUILDS=(linux-arm/*armv6.glibc* linux-arm/*armv7.glibc*) ;;
  *) echo "package: no serialport prebuild for $ARCH (amd64, arm64, armhf)" >&2; exit 64 ;;
esac
say() { echo "package: $*" >&2; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/deskphone-package.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
BUILD=$WORK/build
PKG=$WORK/pkg
APP=$PKG/usr/lib/deskphone

# 1. The production build, made in a copy of the sources so that the tree's own dist/ is left alone.
say "building $VERSION for $ARCH"
mkdir -p "$BUILD"
cp -a "$SRC/src" "$SRC/web" "$SRC/scripts" "$SRC/hardware" "$SRC/package.json" "$SRC/package-lock.json" \
  "$SRC/tsconfig.json" "$SRC/tsconfig.build.json" "$BUILD/"
ln -s "$SRC/node_modules" "$BUILD/node_modules"
(cd "$BUILD" && npm run -s build >&2)

# 2. The program: /usr/lib/deskphone (dist/, hardware/, package files, production node_modules).
mkdir -p "$APP"
cp -a "$BUILD/dist" "$APP/dist"
mkdir -p "$APP/hardware"
cp -a "$BUILD/hardware/"*.json "$APP/hardware/"
node -e '
  const fs = require("fs"); const [src, dest, version] = process.argv.slice(1);
  const p = JSON.parse(fs.readFileSync(src, "utf8"));
  delete p.devDependencies; delete p.scripts; p.version = version.replace(/[^0-9A-Za-z.+-]/g, "");
  fs.writeFileSync(dest, JSON.stringify(p, null, 2) + "\n");' "$SRC/package.json" "$APP/package.json" "$VERSION"
cp "$SRC/package-lock.json" "$APP/"
# Offline from npm's cache (the tree's own install filled it); install scripts skipped: the one production
# dependency that has one (serialport's binding) only checks for its prebuild, kept below.
if ! (cd "$APP" && npm ci --omit=dev --omit=optional --ignore-scripts --offline --no-audit --no-fund --loglevel=error >&2); then
  say "npm's cache lacks a package: trying with the registry"
  (cd "$APP" && npm ci --omit=dev --omit=optional --ignore-scripts --prefer-offline --no-audit --no-fund --loglevel=error >&2)
fi
rm -f "$APP/package-lock.json" "$APP/node_modules/.package-lock.json"
# Native prebuilds of this ARCH only (other arches' binaries would be lintian errors and dead weight).
for b in "$APP"/node_modules/@serialport/bindings-cpp; do
  [ -d "$b/prebuilds" ] || continue
  keep=$WORK/prebuilds
  mkdir -p "$keep"
  (cd "$b/prebuilds" && for p in "${PREBUILDS[@]}"; do for f in $p; do [ -f "$f" ] && cp --parents "$f" "$keep/"; done; done)
  rm -rf "$b/prebuilds" "$b/build"
  mv "$keep" "$b/prebuilds"
  [ -n "$(find "$b/prebuilds" -name '*.node')" ] || { say "no serialport prebuild for $ARCH"; exit 1; }
done
# Files a program does not run: C++ sources of the binding, TypeScript sources, the packages' own tests, docs
# pages and editor, CI and git leftovers.
find "$APP/node_modules" \( -name '*.ts' ! -name '*.d.ts' -o -name '*.gyp' -o -name '*.cc' -o -name '*.h' \
  -o -name '.npmignore' -o -name '.gitattributes' -o -name '.travis.yml' -o -name '.eslintrc*' -o -name '.editorconfig' \
  -o -name '.github' -o -name '.husky' -o -name '.taprc' -o -name '*.sh' \
  -o -type d \( -name test -o -name tests -o -name integration -o -name docs \) \) -prune -exec rm -rf {} +
rm -f "$APP/node_modules/pino/index.html"
# Directories 0755, files 0644; scripts (#! first line) 0755.
find "$APP" -type d -exec chmod 0755 {} +
find "$APP" -type f -exec chmod 0644 {} +
find "$APP/node_modules" -type f -size -2M -exec sh -c 'for f; do [ "$(head -c2 "$f")" = "#!" ] && chmod 0755 "$f"; done; true' _ {} +
# The config's JSON Schema, for editors; made by the build tree (its node_modules run on this machine's arch).
node "$BUILD/dist/cli/main.js" config-schema --out "$APP/config.schema.json"
chmod 0644 "$APP/config.schema.json"

# 3. The system files.
install -D -m 0755 /dev/stdin "$PKG/usr/bin/deskphone" <<'LAUNCH'
#!/bin/sh
# deskphone: the installer's commands (init, status, token, greeting, check-config, self-test, ports, ...)
exec /usr/bin/node /usr/lib/deskphone/dist/cli/main.js "$@"
LAUNCH
install -D -m 0644 "$SRC/deploy/deskphone.service" "$PKG/usr/lib/systemd/system/deskphone.service"
install -D -m 0644 "$SRC/deploy/60-deskphone-panel.rules" "$PKG/usr/lib/udev/rules.d/60-deskphone-panel.rules"
install -D -m 0644 "$SRC/deploy/config.default.json" "$PKG/usr/share/deskphone/config.default.json"
install -D -m 0644 "$SRC/deploy/deskphone.avahi.service" "$PKG/usr/share/deskphone/deskphone.avahi.service"
DOC=$PKG/usr/share/doc/deskphone
mkdir -p "$DOC"
"$SRC/scripts/package-copyright.sh" "$APP/node_modules" > "$DOC/copyright"
{
  echo "deskphone ($VERSION) unstable; urgency=medium"
  echo
  echo "  * Built from the source tree with scripts/package.sh."
  echo
  echo " -- deskphone maintainers <maintainers@deskphone.example>  $(date -R -d "@${SOURCE_DATE_EPOCH:-$(git -C "$SRC" log -1 --format=%ct 2>/dev/null || stat -c %Y "$SRC/package.json")}")"
} | gzip -9n > "$DOC/changelog.gz"
install -D -m 0644 "$SRC/deploy/debian/deskphone.8" "$PKG/usr/share/man/man8/deskphone.8"
gzip -9n "$PKG/usr/share/man/man8/deskphone.8"

# 4. Control data and the archive.
mkdir -p "$PKG/DEBIAN"
for s in postinst prerm postrm; do install -m 0755 "$SRC/deploy/debian/$s" "$PKG/DEBIAN/$s"; done
size=$(du -sk --exclude=DEBIAN "$PKG" | cut -f1)
sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@SIZE@/$size/" "$SRC/deploy/debian/control.in" > "$PKG/DEBIAN/control"
(cd "$PKG" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) > "$PKG/DEBIAN/md5sums"
chmod 0644 "$PKG/DEBIAN/control" "$PKG/DEBIAN/md5sums"
DEB=$OUT/deskphone_${VERSION}_$ARCH.deb
dpkg-deb --root-owner-group -Zxz -z6 --build "$PKG" "$DEB" >/dev/null
say "wrote $DEB ($(du -h "$DEB" | cut -f1))"
if [ "$LINTIAN" = 1 ]; then lintian --fail-on error "$DEB" >&2; fi
echo "$DEB"
