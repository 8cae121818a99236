#!/usr/bin/env bash
# The Debian package (cmake/Packaging.cmake): `cpack -G DEB` in this build tree makes
# bubblescan_<version>_<arch>.deb; it must hold the binary, the manual page and the README,
# depend on the libraries the binary links (computed by dpkg-shlibdeps), unpack into a scratch
# root with `dpkg -x`, and run from there: --version, and a scan of the demo backup giving the
# summary the build tree's binary gives. lintian, when installed, must report no error or
# warning beyond the tags justified below. Skipped (77) without cpack, dpkg-deb or
# dpkg-shlibdeps.
# Usage: test_package.sh BUBBLESCAN BUILD_DIR SOURCE_DIR
set -u
bubblescan=$1 build=$2 source=$3
for tool in cpack dpkg-deb dpkg-shlibdeps; do
    command -v "$tool" >/dev/null || { echo "$tool missing: skipped"; exit 77; }
done
. "$(dirname "${BASH_SOURCE[0]}")/harness.sh"

# cpack installs the build tree into its own staging folder and writes the package here.
(cd "$work" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/pkg" >"$work/cpack.log" 2>&1) ||
    { fail "cpack failed: $(tail -n 3 "$work/cpack.log")"; finish package; }
deb=$(ls "$work"/pkg/bubblescan_*_*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] && pass || { fail "no bubblescan_<version>_<arch>.deb in $work/pkg"; finish package; }
version=$("$bubblescan" --version | awk '{print $2}')
arch=$(dpkg --print-architecture 2>/dev/null || echo amd64)
[ "$(basename "$deb")" = "bubblescan_${version}_${arch}.deb" ] && pass ||
    fail "package name $(basename "$deb"), want bubblescan_${version}_${arch}.deb"

contents=$(dpkg-deb -c "$deb" | awk '{print $6}')
for path in ./usr/bin/bubblescan ./usr/share/man/man1/bubblescan.1.gz \
    ./usr/share/doc/bubblescan/README.md ./usr/share/doc/bubblescan/copyright \
    ./usr/share/doc/bubblescan/changelog.gz; do
    grep -qx -- "$path" <<<"$contents" && pass || fail "the package lacks $path"
done
# Nothing of the tests, tools or fixtures is shipped.
extra=$(grep -v -x -e './' -e './usr/' -e './usr/bin/' -e './usr/share/' -e './usr/share/doc/' \
    -e './usr/share/doc/bubblescan/' -e './usr/share/man/' -e './usr/share/man/man1/' \
    -e './usr/bin/bubblescan' -e './usr/share/man/man1/bubblescan.1.gz' \
    -e './usr/share/doc/bubblescan/README.md' -e './usr/share/doc/bubblescan/copyright' \
    -e './usr/share/doc/bubblescan/changelog.gz' <<<"$contents")
[ -z "$extra" ] && pass || fail "the package holds more than it should: $extra"

depends=$(dpkg-deb -f "$deb" Depends)
# libplist is a dependency where the binary links it: the fuzz preset builds libplist from
# source into the binary (instrumented), so that build's package rightly does without it.
libraries="libsqlite3-0 libpcre2-8-0 libcsv3 libssl3 libjansson4 libc6"
if ! command -v readelf >/dev/null || readelf -d "$bubblescan" | grep -q 'Shared library: \[libplist'; then
    libraries="$libraries libplist3"
fi
for library in $libraries; do
    grep -q "\b$library\b" <<<"$depends" && pass || fail "Depends lacks $library: $depends"
done

# Installed into a scratch root, it runs from there.
root=$work/root
dpkg -x "$deb" "$root" && pass || fail "dpkg -x failed"
"$root/usr/bin/bubblescan" --version >"$work/version" 2>&1 && pass || fail "--version failed"
grep -q "^bubblescan $version" "$work/version" && pass || fail "--version says $(cat "$work/version")"
"$root/usr/bin/bubblescan" "$build/fixtures/backup_demo" >"$work/installed.txt" 2>/dev/null
rc=$?
[ $rc -eq 0 ] && pass || fail "scanning the demo from the scratch root: exit $rc"
"$bubblescan" "$build/fixtures/backup_demo" >"$work/built.txt" 2>/dev/null
cmp -s "$work/installed.txt" "$work/built.txt" && pass ||
    fail "the installed binary's summary of the demo differs from the build tree's"
gzip -dc "$root/usr/share/man/man1/bubblescan.1.gz" | grep -q '^\.TH BUBBLESCAN' && pass ||
    fail "the manual page does not decompress to a manual page"

if command -v lintian >/dev/null; then
    # One tag is accepted: copyright-without-copyright-notice, because the project has not
    # chosen a license yet and cmake/debian/copyright says so instead of inventing one.
    # lintian leaves a temporary file of its own (mldbm-elf-*): in our folder, not in TMPDIR.
    mkdir -p "$work/lintian-tmp"
    TMPDIR=$work/lintian-tmp lintian --no-tag-display-limit "$deb" 2>/dev/null >"$work/lintian.txt"
    problems=$(grep -E '^(E|W): ' "$work/lintian.txt" |
        grep -v -e 'copyright-without-copyright-notice' || true)
    [ -z "$problems" ] && pass || fail "lintian: $problems"
else
    echo "lintian not installed: its check skipped"
fi
finish package
