#!/usr/bin/env bash
# Every schema in ../shared/reference/schemas (iOS 5 to macOS 27), as an empty database built
# from its dump, scans without error (skipped when ../shared is absent).
# Usage: test_schema_dumps.sh BUBBLESCAN BUILD_DIR SOURCE_DIR
set -u
bubblescan=$1 build=$2
dumps=$3/../shared/reference/schemas
[ -d "$dumps" ] || { echo "no ../shared/reference/schemas: skipped"; exit 77; }
tool=$build/tests/tools/make_fixture_db
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0 passed=0
for dump in "$dumps"/*.sql; do
    name=$(basename "$dump" .sql)
    if ! "$tool" --schema-dump "$dump" --out "$work/$name.db" >/dev/null 2>"$work/$name.err"; then
        echo "FAIL: $name: the dump did not build: $(cat "$work/$name.err")"
        failures=$((failures + 1))
        continue
    fi
    "$bubblescan" --quiet --all --csv "$work/$name.csv" "$work/$name.db" >/dev/null 2>"$work/$name.err"
    rc=$?
    if [ $rc -eq 0 ] && [ -f "$work/$name.csv" ]; then
        passed=$((passed + 1))
    else
        echo "FAIL: $name: exit $rc: $(cat "$work/$name.err")"
        failures=$((failures + 1))
    fi
done
echo "schema_dumps: $passed passed, $failures failed"
[ $failures -eq 0 ] && [ $passed -gt 0 ]
