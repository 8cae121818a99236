#!/usr/bin/env bash
# --redact (SPEC 4): a redacted run of each fixture (databases and backup folders) writes no
# name, id or group name of its source in any output (summary, both CSVs, JSON, HTML); the pseudonyms are the same on a
# second run; and the same check finds the names in an unredacted run, so it can fail.
# Usage: test_redact.sh BUBBLESCAN BUILD_DIR SOURCE_DIR
set -u
bubblescan=$1 build=$2 source=$3
command -v python3 >/dev/null || { echo "python3 missing"; exit 1; }
check="$source/tests/cli/check_redacted.py"
. "$(dirname "${BASH_SOURCE[0]}")/harness.sh"

# Every output of one run into folder $2; extra arguments go to bubblescan.
run_all() {
    local db=$1 out=$2
    shift 2
    mkdir -p "$out"
    "$bubblescan" --quiet --all "$@" --csv "$out/threads.csv" --signal "$out/signal.csv" \
        --json "$out/report.json" --html "$out/report.html" "$db" >"$out/summary.txt" \
        2>"$out/stderr.txt"
}

count=0
# Every fixture database, and every backup folder that scans (contact names, device facts).
for db in "$build"/fixtures/*/sms.db "$build"/fixtures/*/chat.db "$build"/fixtures/backup_*/; do
    if [ -d "$db" ]; then
        db=${db%/}
        "$bubblescan" --quiet "$db" >/dev/null 2>&1 || continue
        name=$(basename "$db")
    else
        [ -f "$db" ] || continue
        name=$(basename "$(dirname "$db")")
    fi
    count=$((count + 1))
    if ! run_all "$db" "$work/$name" --redact || ! run_all "$db" "$work/$name.again" --redact; then
        fail "$name: bubblescan --redact failed: $(head -n 1 "$work/$name/stderr.txt")"
        continue
    fi
    if python3 "$check" "$db" "$work/$name"/{summary.txt,threads.csv,signal.csv,report.json,report.html}; then
        passed=$((passed + 1))
    else
        fail "$name: a redacted output shows a name or id"
    fi
    for file in summary.txt threads.csv signal.csv report.json report.html; do
        cmp -s "$work/$name/$file" "$work/$name.again/$file" ||
            fail "$name: $file differs between two redacted runs (pseudonyms not stable)"
    done
done
[ $count -gt 0 ] || { echo "no fixtures built"; exit 1; }

# The pseudonyms are there, and the check finds what an unredacted run shows.
demo=$build/fixtures/demo/chat.db
if [ -f "$demo" ]; then
    grep -q "Person 1" "$work/demo/summary.txt" && grep -q '"name": "Group 1"' "$work/demo/report.json" &&
        grep -q 'redacted: names and numbers are pseudonyms' "$work/demo/report.html" ||
        fail "demo: the redacted outputs show no pseudonyms"
    run_all "$demo" "$work/plain"
    if python3 "$check" "$demo" "$work/plain"/{summary.txt,threads.csv,signal.csv,report.json,report.html} \
        >"$work/plain.log"; then
        fail "the leak check found nothing in an unredacted run: it cannot fail"
    else
        passed=$((passed + 1))
    fi
fi
finish redact
