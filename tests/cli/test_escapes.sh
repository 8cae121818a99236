#!/usr/bin/env bash
# Strings from the source never reach the terminal raw (SPEC 4): terminal escapes, other
# control characters and bidirectional overrides in the data, in file names and in arguments
# come out escaped in the summary, in every diagnostic (errors, warnings, notes, usage errors)
# and in every output written to standard output ("-"). Checked on stdout and stderr: no
# control byte but newline (and CR in CSV line ends), valid UTF-8, no bidirectional control
# (U+202A-U+202E, U+2066-U+2069; JSON, data for programs, may keep those); on a terminal with
# colour on (script(1)), ESC only in the summary's own colour codes. test_terminal.sh checks
# the colour rules themselves.
# Usage: test_escapes.sh BUBBLESCAN BUILD_DIR SOURCE_DIR
set -u
bubblescan=$1 build=$2
command -v python3 >/dev/null || { echo "python3 missing (.ci/install-deps installs it)"; exit 1; }
. "$(dirname "${BASH_SOURCE[0]}")/harness.sh"
hostile=$build/fixtures/hostile_strings/sms.db
[ -f "$hostile" ] || { echo "fixtures not built"; exit 1; }

# check_clean LABEL FILE ALLOWED: FILE holds no control byte but those in ALLOWED ("\n",
# "\r\n"), is valid UTF-8, has no bidi control; with ALLOWED "colour", also SGR colour codes.
check_clean() {
    python3 - "$@" <<'EOF'
import re, sys
label, path, allowed = sys.argv[1:4]
data = open(path, 'rb').read()
if allowed == 'colour':
    data = re.sub(rb'\x1b\[[0-9;]*m', b'', data)
    allowed = '\r\n'  # the pseudo-terminal turns LF into CR LF
# JSON is data for programs: it keeps bidi characters as they are (valid, lossless JSON);
# control characters must still be \u-escaped.
bidi_allowed = allowed == 'json'
if bidi_allowed:
    allowed = '\n'
try:
    text = data.decode('utf-8')
except UnicodeDecodeError as error:
    sys.exit('%s: not UTF-8 at byte %d' % (label, error.start))
for i, c in enumerate(text):
    o = ord(c)
    if (o < 0x20 or 0x7f <= o <= 0x9f) and c not in allowed:
        sys.exit('%s: control U+%04X at %d: %r' % (label, o, i, text[max(0, i - 20):i + 20]))
    if (0x202a <= o <= 0x202e or 0x2066 <= o <= 0x2069) and not bidi_allowed:
        sys.exit('%s: bidi control U+%04X at %d' % (label, o, i))
EOF
}

# run LABEL ALLOWED_ON_STDOUT ARGS...: runs bubblescan and checks stdout and stderr.
run() {
    local label=$1 allowed=$2
    shift 2
    TMPDIR=$work "$bubblescan" "$@" >"$work/$label.out" 2>"$work/$label.err"
    local rc=$?
    [ $rc -lt 128 ] && pass || fail "$label: ended by a signal ($rc)"
    check_clean "$label stdout" "$work/$label.out" "$allowed" && pass || fail "$label: stdout"
    check_clean "$label stderr" "$work/$label.err" $'\n' && pass || fail "$label: stderr"
}

bad=$'\x1b]0;owned\x07\x1b[2J\x1b[31m\xe2\x80\xae\x9b\r'
mkdir -p "$work/dir$bad"
evil_db="$work/dir$bad/sms$bad.db"
cp "$hostile" "$evil_db"
python3 - "$work/stub$bad.db" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute('CREATE TABLE message (ROWID INTEGER PRIMARY KEY, text TEXT)')
db.commit()
EOF

# The summary and the notes of the hostile fixture, named by a hostile path.
run summary $'\n' "$evil_db"
grep -q 'x1B' "$work/summary.out" && pass || fail "summary: the escaped path is not shown"
run notes $'\n' --quiet "$work/stub$bad.db"
grep -q '^bubblescan: note: .*x1B' "$work/notes.err" && pass || fail "notes: no escaped note"
# Every output written to standard output.
run csv-stdout $'\r\n' --all --csv - "$evil_db"
run signal-stdout $'\r\n' --signal - "$evil_db"
help=$("$bubblescan" --help)
case $help in *"--json FILE"*) run json-stdout json --json - "$evil_db" ;; esac
case $help in *"--html FILE"*) run html-stdout $'\n' --html - "$evil_db" ;; esac
# Errors and usage errors that quote what they were given.
run missing $'\n' "$work/missing$bad.db"
run not-a-db $'\n' "$work/dir$bad"
printf 'plain text' >"$work/text$bad.db"
run not-sqlite $'\n' "$work/text$bad.db"
run unwritable-output $'\n' --csv "$work/nowhere$bad/t.csv" "$evil_db"
run country $'\n' --country "$bad" "$evil_db"
run since $'\n' --since "$bad" "$evil_db"
run fail-on $'\n' --fail-on "$bad" "$evil_db"
run long-option $'\n' --"$bad" "$evil_db"
run short-option $'\n' -$'\x1b' "$evil_db"
run two-sources $'\n' "$evil_db" "$bad"
case $help in
*"--contacts FILE"*) run contacts $'\n' --contacts "$work/missing$bad.db" "$evil_db" ;;
esac
for backup in "$build"/fixtures/backup_*/; do
    [ -d "$backup" ] && run "$(basename "$backup")" $'\n' --quiet "$backup"
done

# On a terminal, with colour: only the summary's own colour codes.
if command -v script >/dev/null; then
    script -qec "$(printf '%q ' "$bubblescan" "$evil_db")" /dev/null </dev/null >"$work/tty.out"
    grep -q $'\x1b\\[' "$work/tty.out" && pass || fail "tty: no colour on a terminal"
    check_clean "tty" "$work/tty.out" colour && pass || fail "tty: escapes beyond colour codes"
fi

finish escapes
