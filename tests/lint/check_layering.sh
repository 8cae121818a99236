#!/usr/bin/env bash
# The boundaries of STYLE.md, checked: core never includes cli, never prints to the terminal,
# exits or reads the environment; each third-party library is included by exactly one core file
# (its adapter); our includes name their layer.
set -u
cd "$1/scanner" || exit 1
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

if grep -n '#include "cli/' core/*.[ch]; then fail "core includes cli"; fi
if grep -nE '\b(printf|puts|exit|abort|getenv|perror)\s*\(|\b(stdout|stderr)\b' core/*.c; then
    fail "core prints, exits or reads the environment"
fi
check_adapter() { # header, the one file allowed to include it
    local found
    found=$(grep -l "#include <$1" core/*.[ch] cli/*.[ch] | sort | tr '\n' ' ')
    [ "$found" = "$2 " ] || fail "<$1> is included by '${found}', want only $2"
}
check_adapter 'sqlite3.h' core/sqlite_db.c
check_adapter 'plist/plist.h' core/plist_read.c
check_adapter 'pcre2.h' core/ids.c
check_adapter 'csv.h' core/report_csv.c
check_adapter 'openssl/' core/backup_crypto.c
if grep -nE '#include "[^/]+\.h"' core/*.[ch] cli/*.[ch]; then fail "an include does not name its layer"; fi
for file in core/*.c cli/*.c; do
    header="${file%.c}.h"
    [ -f "$header" ] || continue
    first=$(grep -m1 '#include' "$file")
    [ "$first" = "#include \"$header\"" ] || fail "$file does not include its own header first"
done
echo "layering: $((failures == 0)) passed, $failures failed"
[ $failures -eq 0 ]
