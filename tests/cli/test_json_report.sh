#!/usr/bin/env bash
# The --json output (SPEC 4) of every fixture (databases and backup folders): valid against schema/report.schema.json, equal
# to the CSVs row by row, strings equal to the database's (hostile ones included: controls,
# quotes, invalid UTF-8), counts that add up; a redacted run validates too.
# Needs Python 3 with jsonschema (Debian: python3-jsonschema, installed by .ci/install-deps):
# skipped without it, failed without it in CI.
# Usage: test_json_report.sh BUBBLESCAN BUILD_DIR SOURCE_DIR
set -u
bubblescan=$1 build=$2 source=$3
python=
for candidate in /usr/bin/python3 python3; do
    if command -v "$candidate" >/dev/null && "$candidate" -c 'import jsonschema' 2>/dev/null; then
        python=$candidate
        break
    fi
done
if [ -z "$python" ]; then
    echo "no Python 3 with jsonschema (apt-get install python3-jsonschema)"
    [ -n "${CI:-}" ] && exit 1
    exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
names=()
for db in "$build"/fixtures/*/sms.db "$build"/fixtures/*/chat.db "$build"/fixtures/backup_*/; do
    if [ -d "$db" ]; then
        db=${db%/}
        "$bubblescan" --quiet "$db" >/dev/null 2>&1 || continue # backups that scan
        name=$(basename "$db")
    else
        [ -f "$db" ] || continue
        name=$(basename "$(dirname "$db")")
    fi
    if ! "$bubblescan" --quiet --all --csv "$work/$name.csv" --signal "$work/$name.signal.csv" \
        --json "$work/$name.json" "$db" >/dev/null 2>"$work/$name.err"; then
        echo "FAIL: $name: bubblescan failed: $(head -n 1 "$work/$name.err")"
        exit 1
    fi
    if ! "$bubblescan" --quiet --redact --json "$work/$name.redacted.json" "$db" \
        >/dev/null 2>"$work/$name.err"; then
        echo "FAIL: $name: bubblescan --redact failed: $(head -n 1 "$work/$name.err")"
        exit 1
    fi
    names+=("$name")
done
[ ${#names[@]} -gt 0 ] || { echo "no fixtures built"; exit 1; }
"$python" "$source/tests/cli/check_json_report.py" "$source/schema/report.schema.json" "$work" \
    "$build/fixtures" "${names[@]}"
