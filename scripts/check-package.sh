#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds the Debian package (clwb_<version>_<arch>.deb) and checks it the way a user gets it:
# contents, Depends:, desktop entry, AppStream metainfo, man pages and lintian; `apt-get install`
# of the file; `clwb-run --demo` and the window (`clwb --demo --quit-when-done`, under Xvfb) from
# /usr/bin with the source and build trees hidden; every library those two loaded must come from
# a package in the closure of the package's Depends:; then the package is purged again.
# Works as root, or as a user with sudo. docs/packaging.md.
#   scripts/check-package.sh             build the targets it needs first
#   scripts/check-package.sh --no-build  the build tree is already built (scripts/test.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
src=$PWD
build=$(realpath "${CLWB_BUILD_DIR:-build}")
app_id=org.clworkbench.clwb

step() { echo "== check-package: $*"; }
fail() {
  echo "check-package: FAIL: $*" >&2
  exit 1
}

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null; then
  SUDO=(sudo)
else
  fail "installing the package needs root or sudo"
fi
if [ "$(dpkg-query -W -f='${db:Status-Status}' clwb 2>/dev/null || true)" = installed ]; then
  fail "a clwb package is already installed; remove it first (apt-get remove clwb)"
fi

if [ "${1:-}" != --no-build ]; then
  cmake --build "$build" --target clwb clwb-run clwb-package-files
fi

step "cpack -G DEB"
version=$(sed -n 's/^set(CPACK_PACKAGE_VERSION "\(.*\)")$/\1/p' "$build/CPackConfig.cmake")
deb_name=clwb_${version}_$(dpkg --print-architecture).deb
rm -f "$build/$deb_name"
(cd "$build" && cpack -G DEB)
[ -f "$build/$deb_name" ] || fail "cpack wrote no $deb_name"

# Work in a world-readable temporary folder: apt's _apt user reads the .deb from there.
work=$(mktemp -d /tmp/clwb-package.XXXXXX)
chmod 755 "$work"
installed=0
cleanup() {
  if [ $installed -eq 1 ]; then
    step "apt-get purge clwb"
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get purge -y -q clwb >/dev/null
  fi
  rm -rf "$work"
}
trap cleanup EXIT
deb=$work/$deb_name
cp "$build/$deb_name" "$deb"

step "contents of $deb_name"
dpkg-deb -I "$deb" | sed -n '/^ Package:/,$p'
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libc6 libstdc++6 libtorch1.13 libqt6widgets6 libqcustomplot2.1-qt6 libsqlite3-0; do
  [[ ", $depends," == *", $lib "* || ", $depends," == *", $lib,"* ]] ||
    fail "Depends: lacks $lib (dpkg-shlibdeps did not run?)"
done
dpkg-deb -c "$deb" | awk '{ print $6 }' >"$work/files"
expected=(
  usr/bin/clwb usr/bin/clwb-run usr/share/clwb/backbone.pt usr/share/clwb/demo.json
  "usr/share/applications/$app_id.desktop" "usr/share/metainfo/$app_id.metainfo.xml"
  usr/share/icons/hicolor/scalable/apps/clwb.svg
  usr/share/man/man1/clwb.1.gz usr/share/man/man1/clwb-run.1.gz
  usr/share/doc/clwb/copyright usr/share/doc/clwb/changelog.gz usr/share/lintian/overrides/clwb
)
for size in 16 22 24 32 48 64 128 256; do
  expected+=("usr/share/icons/hicolor/${size}x${size}/apps/clwb.png")
done
for f in "${expected[@]}"; do
  grep -qxF "./$f" "$work/files" || fail "the package lacks /$f"
done
echo "all ${#expected[@]} expected files present ($(wc -l <"$work/files") entries)"
dpkg-deb -x "$deb" "$work/root"
for exe in clwb clwb-run; do
  if readelf -d "$work/root/usr/bin/$exe" | grep -qE 'RPATH|RUNPATH'; then
    fail "/usr/bin/$exe has an RPATH/RUNPATH"
  fi
done

step "desktop-file-validate"
desktop-file-validate "$work/root/usr/share/applications/$app_id.desktop"
echo ok
step "appstreamcli validate --no-net --pedantic"
appstreamcli validate --no-net --pedantic "$work/root/usr/share/metainfo/$app_id.metainfo.xml"
step "man --warnings"
for page in clwb clwb-run; do
  warnings=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 \
    man --warnings -E UTF-8 -l -Tutf8 -Z "$work/root/usr/share/man/man1/$page.1.gz" 2>&1 >/dev/null)
  [ -z "$warnings" ] || fail "man --warnings on $page.1: $warnings"
  echo "$page.1: no warnings"
done
step "lintian (overridden tags shown with O:, each has its reason in packaging/linux/clwb.lintian-overrides)"
lintian --fail-on error,warning --display-info --show-overrides "$deb"
echo "lintian: no errors or warnings"

step "apt-get install $deb"
installed=1
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$deb" | grep -v '^(Reading database'

# Runs "$@" as the calling user from $work with a clean environment, inside a private mount
# namespace where the build and source trees are empty folders, so only installed files can
# be found. Where namespaces are refused (some containers), runs it without hiding them.
mkdir -p "$work/home" "$work/xdg" "$work/ld"
chmod 700 "$work/xdg"
clean_env=(HOME="$work/home" XDG_RUNTIME_DIR="$work/xdg" PATH=/usr/bin:/bin LANG=C.UTF-8)
as_user=()
[ ${#SUDO[@]} -gt 0 ] && as_user=(setpriv --reuid="$(id -u)" --regid="$(id -g)" --init-groups --)
hide=1
if ! "${SUDO[@]}" unshare --mount --propagation private -- \
  mount -t tmpfs -o ro,size=4k clwb-hidden "$build" 2>/dev/null; then
  hide=0
  echo "check-package: no mount namespaces here; the build tree stays visible (runs use a clean" \
    "environment from $work)" >&2
fi
sealed() {
  if [ $hide -eq 1 ]; then
    # shellcheck disable=SC2016  # the inner sh expands "$1" and "$@"
    "${SUDO[@]}" unshare --mount --propagation private -- sh -c '
      while [ "$1" != -- ]; do mount -t tmpfs -o ro,size=4k clwb-hidden "$1" || exit 1; shift; done
      shift; exec "$@"' sh "$build" "$src" -- \
      "${as_user[@]}" env -i -C "$work" "${clean_env[@]}" "$@"
  else
    env -i -C "$work" "${clean_env[@]}" "$@"
  fi
}
if [ $hide -eq 1 ] && { sealed test -e "$src/CMakeLists.txt" || sealed test -e "$build/CMakeCache.txt"; }; then
  fail "the source or build tree is still visible inside the namespace"
fi

step "clwb-run --demo from /usr/bin$([ $hide -eq 1 ] && echo " ($src and $build hidden)")"
sealed LD_DEBUG=files LD_DEBUG_OUTPUT="$work/ld/clwb-run" \
  timeout 900 /usr/bin/clwb-run --demo --quiet --db "$work/home/runs.sqlite" >"$work/summary.json"
grep -q '"status": *"finished"' "$work/summary.json" || fail "the demo did not finish: $(cat "$work/summary.json")"
python3 -c 'import json, sys; s = json.load(open(sys.argv[1])); m = s["accuracy_matrix"]
print("demo finished: %d tasks, final row %s" % (len(m), " ".join("%.3f" % a for a in m[-1])))' \
  "$work/summary.json"

step "clwb --demo --quit-when-done under Xvfb from /usr/bin"
sealed timeout 900 xvfb-run -a -s "-screen 0 1366x768x24" \
  env LD_DEBUG=files LD_DEBUG_OUTPUT="$work/ld/clwb" \
  /usr/bin/clwb --demo --quit-when-done --db "$work/home/gui.sqlite" --screenshot "$work/clwb.png"
status=$(sqlite3 "$work/home/gui.sqlite" 'SELECT status FROM runs ORDER BY id DESC LIMIT 1')
[ "$status" = finished ] || fail "the window's demo run ended as '$status'"
[ -s "$work/clwb.png" ] || fail "the window saved no screenshot"
cp "$work/clwb.png" "$build/check-package-window.png"
echo "window ran the demo (run status $status), saved a $(stat -c %s "$work/clwb.png")-byte screenshot and quit"

step "every library clwb and clwb-run loaded comes from Depends: (with its dependencies)"
apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
  --no-replaces --no-enhances clwb | grep -v '^ ' | tr -d '<>' | sort -u >"$work/closure"
owner() {  # the package owning a file, trying the /usr-merged and resolved spellings of its path
  local p pkg
  for p in "$1" "$(realpath "$1")" "${1#/usr}" "/usr$1"; do
    pkg=$(dpkg-query -S "$p" 2>/dev/null | grep -v '^diversion' | head -n1 | cut -d: -f1)
    [ -n "$pkg" ] && echo "$pkg" && return
  done
  return 0
}
# Lines read "calling init: /path/lib.so [namespace]".
libs=$(sed -n 's/.*calling \(init\|fini\): \(\/[^ ]*\).*$/\2/p' "$work"/ld/* | sort -u)
# Libraries Qt opens only when present and does without otherwise.
optional=(
  libXcursor.so.1  # Qt's xcb plugin dlopens it for themed cursors (qxcbcursor.cpp)
)
count=0 problems=()
for lib in $libs; do
  case $lib in /usr/bin/clwb | /usr/bin/clwb-run) continue ;; esac
  pkg=$(owner "$lib")
  count=$((count + 1))
  if [ -z "$pkg" ]; then
    problems+=("$lib: no package owns it")
  elif ! grep -qxF "$pkg" "$work/closure"; then
    if [[ " ${optional[*]} " == *" ${lib##*/} "* ]]; then
      echo "optional, from $pkg (not in Depends:, loaded only when present): $lib"
    else
      problems+=("$lib comes from $pkg, which Depends: does not pull in")
    fi
  fi
done
[ ${#problems[@]} -eq 0 ] || fail "$(printf '\n  %s' "${problems[@]}")"
[ $count -gt 20 ] || fail "only $count libraries seen in the LD_DEBUG logs"
echo "$count libraries, all from the $(wc -l <"$work/closure") packages Depends: pulls in"
echo "Depends: $depends"
step "package OK: $deb_name"
