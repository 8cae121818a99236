#!/usr/bin/env bash
# Fetches the source of the distribution's libplist (Debian 12: 2.2.0 with Debian's patches)
# into build-fuzz/libplist-src, where the fuzz preset builds it instrumented
# (cmake/LibplistFromSource.cmake; BS_LIBPLIST_SOURCE_DIR). Run once, as root or with sudo
# rights for apt, then `cmake --workflow --preset fuzz`:
#
#   tests/fuzz/fetch_libplist.sh [DEST]
#
# `apt-get source` needs a deb-src entry: when none is configured, one for bookworm main is
# added as /etc/apt/sources.list.d/bubblescan-deb-src.sources, then `apt-get update` runs.
# It also needs dpkg-dev (dpkg-source), installed when missing.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
dest="${1:-$repo/build-fuzz/libplist-src}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

if ! grep -rqs '^Types:.*deb-src\|^deb-src ' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    $sudo tee /etc/apt/sources.list.d/bubblescan-deb-src.sources >/dev/null <<'SOURCES'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
    $sudo apt-get update
fi
command -v dpkg-source >/dev/null || $sudo apt-get install -y --no-install-recommends dpkg-dev

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get source libplist)
unpacked="$(find "$work" -mindepth 1 -maxdepth 1 -type d -name 'libplist-*' | head -n 1)"
if [ -z "$unpacked" ] || [ ! -f "$unpacked/src/bplist.c" ]; then
    echo "$0: apt-get source libplist gave no source tree" >&2
    exit 1
fi
rm -rf "$dest"
mkdir -p "$(dirname "$dest")"
cp -a "$unpacked" "$dest"
echo "libplist source in $dest ($(basename "$unpacked")); now: cmake --workflow --preset fuzz"
