#!/usr/bin/env bash
# clang-tidy with the checked-in .clang-tidy over every C source of scanner/ (and, through
# HeaderFilterRegex, the scanner/ headers they include), with the flags of the build's
# compile_commands.json: zero findings allowed. Skipped (77) when clang-tidy or the
# compilation database is absent. _FORTIFY_SOURCE is undefined for the analysis: the
# hardened build's inline fortify wrappers are glibc's code, not ours.
# Usage: check_tidy.sh SOURCE_DIR BUILD_DIR
set -u
source=$1 build=$2
tidy=$(command -v clang-tidy || command -v clang-tidy-14) ||
    { echo "clang-tidy not installed (.ci/install-deps installs it): skipped"; exit 77; }
[ -f "$build/compile_commands.json" ] ||
    { echo "no $build/compile_commands.json: skipped"; exit 77; }
cd "$source" || exit 1
log=$(mktemp)
trap 'rm -f "$log"' EXIT
started=$(date +%s)
# One file per call, as many calls as CPUs: the whole run stays near a minute on 2 cores.
find scanner -name '*.c' -print0 | sort -z |
    xargs -0 -n 1 -P "$(nproc)" "$tidy" -p "$build" --quiet --extra-arg=-U_FORTIFY_SOURCE \
        >"$log" 2>&1
status=$?
files=$(find scanner -name '*.c' | wc -l)
findings=$(grep -cE '(warning|error): ' "$log")
grep -E '(warning|error): ' "$log" | sort -u
echo "tidy: $files files in $(($(date +%s) - started)) s, $findings findings"
[ "$findings" -eq 0 ] && [ "$status" -eq 0 ] || { grep -v 'warnings generated' "$log" | head -n 60; exit 1; }
