#!/usr/bin/env bash
# Text, HTML and JSON say the same things (issue: one report model rendered four ways): for
# every fixture database and every backup fixture that scans, the summary, the HTML page and
# the JSON report give the same risk counts, message counts, advice items and notes
# (check_agreement.py parses each). orphan_only is the case that once drifted.
# Usage: test_report_agreement.sh BUBBLESCAN BUILD_DIR SOURCE_DIR
set -u
bubblescan=$1 build=$2 source=$3
command -v python3 >/dev/null || { echo "python3 missing (.ci/install-deps installs it)"; exit 1; }
. "$(dirname "${BASH_SOURCE[0]}")/harness.sh"
password=$build/fixtures/backup_encrypted.password
seen_orphan_only=false
for db in "$build"/fixtures/*/sms.db "$build"/fixtures/*/chat.db "$build"/fixtures/backup_*/; do
    db=${db%/}
    [ -e "$db" ] || continue
    case "$db" in */backup_*) name=$(basename "$db") ;; *) name=$(basename "$(dirname "$db")") ;; esac
    args=(--quiet --json "$work/$name.json" --html "$work/$name.html")
    case "$name" in backup_encrypted_*) args+=(--password-file "$password") ;; esac
    for redact in "" --redact; do
        "$bubblescan" "${args[@]}" $redact "$db" >"$work/$name.txt" 2>/dev/null </dev/null ||
            continue # sources that do not scan (hostile, damaged) have no report to compare
        if python3 "$source/tests/cli/check_agreement.py" "$name${redact:+ $redact}" \
            "$work/$name.txt" "$work/$name.html" "$work/$name.json"; then
            pass
        else
            fail "$name${redact:+ $redact}: the outputs disagree"
        fi
    done
    [ "$name" = orphan_only ] && seen_orphan_only=true
done
$seen_orphan_only && pass || fail "the orphan_only fixture was not scanned"
[ "$passed" -ge 20 ] && pass || fail "only $passed comparisons ran"
finish report_agreement
