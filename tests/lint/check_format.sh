#!/usr/bin/env bash
# Every C file is formatted with the repository's .clang-format (clang-format 14).
set -u
cd "$1" || exit 1
command -v clang-format >/dev/null || { echo "clang-format not installed: skipped"; exit 77; }
bad=$(git ls-files '*.c' '*.h' 2>/dev/null || find scanner tests fixtures -name '*.[ch]')
failures=0
for file in $bad; do
    clang-format --dry-run -Werror "$file" >/dev/null 2>&1 || { echo "FAIL: $file"; failures=$((failures + 1)); }
done
echo "format: $((failures == 0)) passed, $failures failed"
[ $failures -eq 0 ]
