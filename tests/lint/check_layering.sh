#!/usr/bin/env bash
# The boundaries of STYLE.md and scanner/core/README.md, checked: core never includes cli,
# never prints to the terminal, exits or reads the environment; no SQL is written in C; each third-party library is
# included by exactly one core file (its adapter); our includes name their layer; and a core
# folder includes only its own layer and the layers below it, in the order of RANKS.
set -u
cd "$1/scanner" || exit 1
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
# The layers from the bottom up (scanner/core/README.md).
RANKS=(base model store backup scan report)
rank_of() {
    local i
    for i in "${!RANKS[@]}"; do [ "${RANKS[$i]}" = "$1" ] && { echo "$i"; return; }; done
    echo -1
}

core_files=$(find core -name '*.[ch]' | sort)
for file in $core_files; do
    layer=$(echo "$file" | cut -d/ -f2)
    [ "$(rank_of "$layer")" -ge 0 ] || fail "$file is not in a layer folder (${RANKS[*]})"
done
# shellcheck disable=SC2086
if grep -n '#include "cli/' $core_files; then fail "core includes cli"; fi
# shellcheck disable=SC2086
if grep -nE '\b(printf|puts|exit|abort|getenv|perror)\s*\(|\b(stdout|stderr)\b' \
    $(echo "$core_files" | grep '\.c$'); then
    fail "core prints, exits or reads the environment"
fi
# SQL in one place (schema/queries, embedded through core/store/queries.h): no statement is
# written in C; bs_sqlite_query_prepare_columns is the one helper that assembles identifiers.
# shellcheck disable=SC2086
if grep -nE '"[^"]*\b(SELECT|PRAGMA|INSERT|UPDATE|DELETE|CREATE|ATTACH|WITH)\b[^"]*"' \
    $(echo "$core_files" | grep '\.c$') cli/*.c; then
    fail "SQL written in C: put it in schema/queries/*.sql"
fi
check_adapter() { # header, the adapter's files allowed to include it (sorted)
    local found want
    # shellcheck disable=SC2086
    found=$(grep -l "#include <$1" $core_files cli/*.[ch] | sort | tr '\n' ' ')
    want="${*:2} "
    [ "$found" = "$want" ] || fail "<$1> is included by '${found}', want only ${*:2}"
}
# The SQLite adapter has two halves: connections and rows above, the descriptor VFS below.
check_adapter 'sqlite3.h' core/store/sqlite_db.c core/store/sqlite_vfs.c
check_adapter 'plist/plist.h' core/store/plist_read.c
check_adapter 'pcre2.h' core/model/ids.c
check_adapter 'csv.h' core/report/report_csv.c
check_adapter 'jansson.h' core/report/json_io.c
check_adapter 'openssl/' core/backup/backup_crypto.c
# Outside the core, only the fixture support library (tests/tools/fixture_*.c, never linked
# into bubblescan: check_shipped.sh) may use OpenSSL, and the scanner never includes it.
found=$(grep -l '#include <openssl/' ../tests/*/*.[ch] | sort | tr '\n' ' ')
[ "$found" = "../tests/tools/fixture_crypto.c " ] ||
    fail "<openssl/> is included in tests by '${found}', want only tests/tools/fixture_crypto.c"
# shellcheck disable=SC2086
if grep -n '#include "fixture_' $core_files cli/*.[ch]; then fail "scanner includes fixture support"; fi
# shellcheck disable=SC2086
if grep -nE '#include "[^/]+\.h"|#include "core/[^/]+\.h"' $core_files cli/*.[ch]; then
    fail "an include does not name its layer"
fi
# The direction: an include of core/<layer>/ from a file of a lower layer is an error.
for file in $core_files; do
    own=$(rank_of "$(echo "$file" | cut -d/ -f2)")
    while IFS= read -r included; do
        [ -n "$included" ] || continue
        target=$(rank_of "$included")
        if [ "$target" -lt 0 ] || [ "$target" -gt "$own" ]; then
            fail "$file (layer ${RANKS[$own]}) includes core/$included/: against the layer order"
        fi
    done < <(sed -n 's|^#include "core/\([a-z_]*\)/.*|\1|p' "$file")
done
for file in $core_files cli/*.c; do
    case "$file" in *.c) ;; *) continue ;; esac
    header="${file%.c}.h"
    [ -f "$header" ] || continue
    first=$(grep -m1 '#include' "$file")
    [ "$first" = "#include \"$header\"" ] || fail "$file does not include its own header first"
done
echo "layering: $((failures == 0)) passed, $failures failed"
[ $failures -eq 0 ]
