#!/usr/bin/env bash
# The manual: scanner/cli/bubblescan.1 names every long option --help names and no other;
# groff reads it without a warning (when groff is there); cmake --install puts it in
# share/man/man1.
# Usage: test_manpage.sh BUBBLESCAN BUILD_DIR SOURCE_DIR
set -u
bubblescan=$1 build=$2 source=$3
page=$source/scanner/cli/bubblescan.1
. "$(dirname "${BASH_SOURCE[0]}")/harness.sh"

"$bubblescan" --help | grep -o -- '--[a-z][a-z-]*' | sort -u >"$work/help"
# In roff a hyphen is written \-: "\-\-fail\-on".
grep -o -- '\\-\\-[a-z]\([a-z]\|\\-\)*' "$page" | sed 's/\\-/-/g' | sort -u >"$work/man"
[ -s "$work/help" ] && [ -s "$work/man" ] || fail "no options found"
while read -r option; do
    grep -qx -- "$option" "$work/man" && pass || fail "$option is in --help but not in bubblescan.1"
done <"$work/help"
while read -r option; do
    grep -qx -- "$option" "$work/help" && pass || fail "$option is in bubblescan.1 but not in --help"
done <"$work/man"

if command -v groff >/dev/null; then
    warnings=$(groff -man -ww -z "$page" 2>&1)
    [ -z "$warnings" ] && pass || fail "groff: $warnings"
else
    echo "groff not installed: the roff is not checked"
fi

if cmake --install "$build" --prefix "$work/prefix" >"$work/install.log" 2>&1; then
    # Installed gzip'd, as Debian policy asks (cmake/Packaging.cmake).
    gzip -dc "$work/prefix/share/man/man1/bubblescan.1.gz" 2>/dev/null | cmp -s "$page" - && pass ||
        fail "cmake --install did not put bubblescan.1.gz in share/man/man1"
    [ -x "$work/prefix/bin/bubblescan" ] && pass || fail "cmake --install did not put bin/bubblescan"
else
    fail "cmake --install failed: $(tail -n 3 "$work/install.log")"
fi
finish manpage
