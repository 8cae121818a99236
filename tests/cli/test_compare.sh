#!/usr/bin/env bash
# --compare OLD.json (SPEC 4) end to end, beyond the golden cases (tests/cli/cases/compare_*):
# - every fixture database compared with its own earlier report: the JSON validates against
#   schema/report.schema.json and nothing changed (no risk up or down, nothing gone, no new
#   unencrypted message), and the CSVs are the same as without --compare;
# - --redact with an earlier report: no name or guid of OLD's threads in any output;
# - --json written over the OLD it compares with: OLD is read first, the new report replaces it;
# - hostile OLDs (too large, nested too deep, too many values, binary, a folder, empty): exit 2,
#   exactly one line on stderr naming the file, and no output file.
# Needs Python 3 with jsonschema: skipped without it, failed without it in CI.
# Usage: test_compare.sh BUBBLESCAN BUILD_DIR SOURCE_DIR
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
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# Valid against the schema, with a compare object; with "same", an empty one.
check_json() { # FILE same|any
    "$python" - "$source/schema/report.schema.json" "$1" "$2" <<'PY' || return 1
import json, sys, jsonschema
schema, report, mode = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3]
jsonschema.validate(report, schema)
compare = report["compare"]
if mode == "same":
    for key in ("risk_up", "risk_down", "gone", "new_unencrypted"):
        if compare[key]:
            sys.exit("%s: %s is not empty: %r" % (sys.argv[2], key, compare[key]))
PY
}

count=0
for db in "$build"/fixtures/*/sms.db "$build"/fixtures/*/chat.db; do
    [ -f "$db" ] || continue
    name=$(basename "$(dirname "$db")")
    "$bubblescan" --quiet --all --csv "$work/$name.csv" --json "$work/$name.old.json" "$db" \
        >/dev/null 2>&1 || { fail "$name: the first scan failed"; continue; }
    if ! "$bubblescan" --quiet --all --csv "$work/$name.again.csv" --compare "$work/$name.old.json" \
        --json "$work/$name.json" "$db" >/dev/null 2>"$work/$name.err"; then
        fail "$name: --compare with its own report failed: $(head -n 1 "$work/$name.err")"
        continue
    fi
    check_json "$work/$name.json" same || fail "$name: its comparison with itself"
    cmp -s "$work/$name.csv" "$work/$name.again.csv" || fail "$name: --compare changed the CSV"
    count=$((count + 1))
done
[ "$count" -gt 0 ] || fail "no fixture database built"

demo=$build/fixtures/demo/chat.db
old=$build/fixtures/compare/demo_old.json
"$bubblescan" --quiet --redact --compare "$old" --json "$work/redacted.json" \
    --html "$work/redacted.html" "$demo" >"$work/redacted.txt" 2>&1 || fail "--redact --compare failed"
check_json "$work/redacted.json" any || fail "the redacted comparison is not valid"
for leak in "Running club" "0f1e2d3c4b5a69788796a5b4c3d2e1f0" "Family" "Book club" "+15555550189"; do
    if grep -qF "$leak" "$work/redacted.json" "$work/redacted.html" "$work/redacted.txt"; then
        fail "--redact --compare shows '$leak'"
    fi
done

# Compute once, render many: the summary, the HTML and the JSON say the same sentence.
"$bubblescan" --quiet --compare "$old" --json "$work/agree.json" --html "$work/agree.html" \
    "$demo" >"$work/agree.txt" 2>&1 || fail "the demo with --compare failed"
"$python" - "$work/agree.txt" "$work/agree.html" "$work/agree.json" <<'PY' || fail "the outputs disagree"
import html, json, re, sys
text, page, report = (open(p, encoding="utf-8").read() for p in sys.argv[1:4])
sentence = json.loads(report)["compare"]["summary"]
lines = text.split("\n")
start = next(i for i, line in enumerate(lines) if line.startswith("What changed"))
part = []
for line in lines[start + 1:]:
    if not line.startswith("  ") or line.startswith("  Risk") or line.startswith("  Gone") \
            or line.startswith("  Still"):
        break
    part.append(line.strip())
if " ".join(part) != sentence:
    sys.exit("summary %r, JSON %r" % (" ".join(part), sentence))
if html.escape(sentence, quote=True).replace("&#x27;", "&#39;") not in page:
    sys.exit("the HTML lacks the sentence")
PY

# Hostile names in every part: an earlier report with no thread makes each risky thread of
# hostile_strings "risk up"; nothing raw reaches the terminal, and the JSON stays valid.
printf '{"format_version": 1, "generator": {"name": "bubblescan"}, "redacted": false, "threads": []}\n' \
    >"$work/empty.json"
"$bubblescan" --quiet --compare "$work/empty.json" --json "$work/hostile.json" \
    --html "$work/hostile.html" "$build/fixtures/hostile_strings/sms.db" >"$work/hostile.txt" \
    2>&1 || fail "hostile_strings with --compare failed"
check_json "$work/hostile.json" any || fail "hostile_strings: the comparison is not valid"
grep -q "Risk up" "$work/hostile.txt" || fail "hostile_strings: no thread at higher risk"
if LC_ALL=C grep -q "$(printf '\033')" "$work/hostile.txt"; then
    fail "hostile_strings: a raw escape in the summary"
fi
"$python" -c 'import sys
long = [l for l in open(sys.argv[1], encoding="utf-8").read().split("\n") if len(l) > 80]
sys.exit("over 80 columns: %r" % long[:3] if long else 0)' "$work/hostile.txt" ||
    fail "hostile_strings: the summary is wider than 80 columns"

# The new report over the old one: read first, then replaced.
cp "$old" "$work/rolling.json"
"$bubblescan" --quiet --compare "$work/rolling.json" --json "$work/rolling.json" "$demo" \
    >"$work/rolling.txt" 2>&1 || fail "--json over the --compare file failed"
grep -q "1 new critical group" "$work/rolling.txt" || fail "--json over OLD: OLD not read first"
"$bubblescan" --quiet --compare "$work/rolling.json" --json "$work/rolling.json" "$demo" \
    >"$work/rolling.txt" 2>&1 || fail "the second rolling scan failed"
check_json "$work/rolling.json" same || fail "comparing with the report just written"

# Hostile OLDs: exit 2, one line naming the file, no output.
hostile=$work/hostile
mkdir "$hostile"
truncate -s 70M "$hostile/huge.json"
"$python" -c 'print("[" * 100000)' >"$hostile/deep.json"
"$python" -c 'print("[" + "0," * 9000000 + "0]")' >"$hostile/many.json"
head -c 4096 /dev/urandom >"$hostile/random.json"
: >"$hostile/empty.json"
mkdir "$hostile/folder.json"
printf '{"format_version": 1, "redacted": false, "threads": [{"chat_guid": 1}]}' >"$hostile/types.json"
for file in "$hostile"/*.json; do
    out=$work/out
    rm -rf "$out" && mkdir "$out"
    "$bubblescan" --quiet --compare "$file" --json "$out/report.json" "$demo" >"$work/stdout" \
        2>"$work/stderr"
    code=$?
    base=$(basename "$file")
    [ "$code" -eq 2 ] || fail "$base: exit $code, want 2"
    [ "$(wc -l <"$work/stderr")" -eq 1 ] || fail "$base: stderr is not one line: $(cat "$work/stderr")"
    grep -qF -- "--compare $file: " "$work/stderr" || fail "$base: the error does not name the file"
    [ -s "$work/stdout" ] && fail "$base: something on stdout"
    [ -z "$(ls -A "$out")" ] || fail "$base: an output was written"
done

[ "$failures" -eq 0 ] || exit 1
echo "ok: $count fixtures compared with themselves, redaction, rolling reports, hostile OLDs"
