#!/usr/bin/env bash
# Boots a Debian root with its own systemd (systemd-nspawn -b) for the install tests, and runs commands in it.
#
#   scripts/systemd-container.sh base SUITE DEB       path of a cached root of SUITE (trixie | bookworm, amd64)
#                                                     with the .deb's dependencies installed from the archive
#   scripts/systemd-container.sh boot SUITE DEB DIR   copy that root to DIR/root and boot it; waits until systemd
#                                                     reports the boot finished; prints the container's PID 1
#   scripts/systemd-container.sh run DIR CMD...       run CMD inside (as root, in the container's namespaces)
#   scripts/systemd-container.sh stop DIR             power the container off (killed after 20 s), remove DIR
#
# The base root: a copy of scripts/debian-root.sh's root in which `apt-get install ./DEB` pulled every
# dependency from the archive (then the package itself was purged again), avahi-daemon masked (nothing announced
# on the machine's network), cached under /var/cache/deskphone-roots keyed by the suite and the .deb's
# Depends/Recommends. Debian 12's archive has Node 18, below the package's nodejs (>= 20.15), and this machine
# reaches no other archive: there a locally made `nodejs` package carrying this machine's own node (v20) stands
# in for NodeSource's (see make_node_deb). The container shares the machine's network (tests bind everything
# to 127.0.0.1); with no systemd-machined here it runs unregistered (--register=no), and commands enter its
# namespaces with nsenter.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${DESKPHONE_ROOTS:-/var/cache/deskphone-roots}
# Bump when base() changes what it puts in the root: cached bases are keyed by it.
BASE_REV=1
say() { echo "systemd-container: $*" >&2; }
die() { say "$*"; exit 1; }
[ "$(id -u)" -eq 0 ] || die "run as root"

# make_node_deb OUT: an equivs-style nodejs package (Version 20.x from the binary) with this machine's /usr/bin/node.
make_node_deb() {
  local out=$1 tmp ver
  tmp=$(mktemp -d)
  ver=$(/usr/bin/node -p process.versions.node)
  install -D -m 0755 /usr/bin/node "$tmp/usr/bin/node"
  mkdir -p "$tmp/DEBIAN"
  cat >"$tmp/DEBIAN/control" <<CTL
Package: nodejs
Version: $ver-0local1
Architecture: $(dpkg --print-architecture)
Maintainer: deskphone tests <tests@deskphone.example>
Depends: libc6, libstdc++6, libgcc-s1
Provides: nodejs-abi-$(/usr/bin/node -p process.versions.modules)
Description: Node.js $ver (this machine's binary, for the Debian 12 install test only)
 Stands in for NodeSource's nodejs package, which the test cannot download.
CTL
  dpkg-deb --root-owner-group --build "$tmp" "$out" >/dev/null
  rm -rf "$tmp"
}

# nspawn_run ROOT CMD...: run CMD in ROOT (no boot), with the machine's network for apt.
nspawn_run() {
  local root=$1; shift
  systemd-nspawn -q -D "$root" --register=no --keep-unit --pipe --resolv-conf=replace-host -E DEBIAN_FRONTEND=noninteractive -E LC_ALL=C.UTF-8 "$@"
}

base() {
  local suite=$1 deb=$2 key root cached
  key=$(printf '%s\n' "$suite" "$(dpkg-deb -f "$deb" Depends Recommends)" "$BASE_REV" | sha256sum | cut -c1-12)
  root=$CACHE/base-$suite-$(dpkg-deb -f "$deb" Architecture)-$key
  if [ -f "$root/.deskphone-root-ok" ]; then echo "$root"; return; fi
  cached=$("$HERE/debian-root.sh" "$suite" "$(dpkg-deb -f "$deb" Architecture)")
  say "making the $suite base root with the package's dependencies (once; cached as $root)"
  rm -rf "$root.partial"
  cp -a --reflink=auto "$cached" "$root.partial"
  mkdir -p "$root.partial/var/cache/deskphone-test"
  cp "$deb" "$root.partial/var/cache/deskphone-test/deskphone.deb"
  local node_deb=""
  if [ "$suite" = bookworm ]; then
    make_node_deb "$root.partial/var/cache/deskphone-test/nodejs.deb"
    node_deb=/var/cache/deskphone-test/nodejs.deb
  fi
  # avahi-daemon is recommended: installed, then masked so the container never announces on the network.
  # The .deb is purged again: the base holds only what apt pulled for it.
  nspawn_run "$root.partial" /bin/sh -ec "
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends systemd dbus avahi-daemon ${node_deb} /var/cache/deskphone-test/deskphone.deb >/dev/null
    apt-get purge -y -qq deskphone >/dev/null
    systemctl mask avahi-daemon.service avahi-daemon.socket
    apt-get clean
    rm -rf /var/cache/deskphone-test /var/lib/apt/lists/*_Packages
    echo deskphone-test > /etc/hostname" >&2
  # nspawn cannot remove its propagation directory where /run is not a tmpfs (as here): tidy it.
  rm -rf "/run/systemd/nspawn/propagate/$(basename "$root.partial")"
  touch "$root.partial/.deskphone-root-ok"
  mv "$root.partial" "$root"
  echo "$root"
}

leader_of() { # PID of the container's init: nspawn's child process
  local nspawn=$1 i
  for i in $(seq 1 100); do
    for p in $(pgrep -P "$nspawn" 2>/dev/null); do
      if [ "$(awk '/^NSpid:/ { print $NF }' "/proc/$p/status" 2>/dev/null)" = 1 ]; then echo "$p"; return 0; fi
    done
    sleep 0.1
  done
  return 1
}

in_ct() { # in_ct DIR CMD...
  local dir=$1; shift
  local leader
  leader=$(cat "$dir/leader.pid")
  nsenter --target "$leader" --mount --uts --ipc --pid --root -- \
    /usr/bin/env -i -C / PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8 HOME=/root TERM=dumb "$@"
}

boot() {
  local suite=$1 deb=$2 dir=$3 root nspawn leader state
  root=$(base "$suite" "$deb")
  stop "$dir" # a container left over from an interrupted run
  mkdir -p "$dir"
  cp -a --reflink=auto "$root" "$dir/root"
  # Debian 13's systemd needs the unified cgroup hierarchy; nspawn gives the container one.
  SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1 setsid systemd-nspawn -q -b -D "$dir/root" --register=no --keep-unit \
    -M "deskphone-$suite" --console=passive --link-journal=no --resolv-conf=off --timezone=off \
    </dev/null >"$dir/nspawn.log" 2>&1 &
  nspawn=$!
  echo "$nspawn" >"$dir/nspawn.pid"
  leader=$(leader_of "$nspawn") || { cat "$dir/nspawn.log" >&2; stop "$dir"; die "the container did not start"; }
  echo "$leader" >"$dir/leader.pid"
  echo "$suite" >"$dir/suite"
  # Wait until the container's systemd has finished booting (running, or degraded: some unit failed).
  for _ in $(seq 1 600); do
    in_ct "$dir" test -S /run/systemd/private 2>/dev/null && break
    kill -0 "$nspawn" 2>/dev/null || { cat "$dir/nspawn.log" >&2; stop "$dir"; die "systemd-nspawn exited"; }
    sleep 0.1
  done
  state=$(timeout 120 "$0" run "$dir" systemctl is-system-running --wait 2>/dev/null || true)
  case "$state" in
    running) ;;
    degraded) say "$suite booted degraded: $("$0" run "$dir" systemctl --failed --no-legend --plain | awk '{ print $1 }' | tr '\n' ' ')" ;;
    *) cat "$dir/nspawn.log" >&2; stop "$dir"; die "$suite did not finish booting (state '$state')" ;;
  esac
  echo "$leader"
}

stop() {
  local dir=$1 nspawn leader
  [ -d "$dir" ] || return 0
  nspawn=$(cat "$dir/nspawn.pid" 2>/dev/null || true)
  leader=$(cat "$dir/leader.pid" 2>/dev/null || true)
  if [ -n "$nspawn" ] && kill -0 "$nspawn" 2>/dev/null; then
    # SIGRTMIN+4 asks systemd to power off.
    [ -n "$leader" ] && kill -s RTMIN+4 "$leader" 2>/dev/null || true
    for _ in $(seq 1 200); do kill -0 "$nspawn" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$nspawn" 2>/dev/null; then
      say "the container did not power off in 20 s: killing it"
      kill -9 "$nspawn" 2>/dev/null || true
      [ -n "$leader" ] && kill -9 "$leader" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$nspawn" 2>/dev/null || break; sleep 0.1; done
    fi
  fi
  rm -rf "$dir" "/run/systemd/nspawn/propagate/deskphone-$(cat "$dir/suite" 2>/dev/null)"
}

cmd=${1:?usage: systemd-container.sh base|boot|run|stop ...}; shift
case "$cmd" in
  base) base "$@" ;;
  boot) boot "$@" ;;
  run) in_ct "$@" ;;
  stop) stop "$@" ;;
  *) die "unknown command $cmd" ;;
esac
