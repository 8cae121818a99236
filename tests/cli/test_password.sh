#!/usr/bin/env bash
# The backup password (SPEC 5, 6): --password-file and --password-stdin, with one trailing LF
# or CR LF not part of the password (and nothing more taken away); the length limit
# (BS_MAX_PASSWORD_BYTES, 4096); exit 4 with one clear line for a wrong, missing, empty or
# over-long password; exit 2 for --password on the command line, whose value is never
# repeated; a plain source never reads the password. On a terminal (script(1) from
# util-linux): the no-echo prompt, the key-derivation progress on stderr (not with --quiet),
# the typed password nowhere in the transcript, and the terminal restored (echo back on) when
# a signal ends the prompt.
# Usage: test_password.sh BUBBLESCAN BUILD_DIR SOURCE_DIR
set -u
bubblescan=$1 build=$2
fixtures=$build/fixtures
encrypted=$fixtures/backup_encrypted_demo
right_file=$fixtures/backup_encrypted.password
[ -d "$encrypted" ] && [ -f "$right_file" ] || { echo "encrypted fixtures not built"; exit 1; }
right=$(cat "$right_file") # without its newline
. "$(dirname "${BASH_SOURCE[0]}")/harness.sh"
[ -n "${KEEP:-}" ] && trap 'echo "kept $work"' EXIT

# expect LABEL EXIT [TEXT]: the last run exited EXIT and, unless EXIT is 0, said one line on
# stderr containing TEXT.
expect() {
    local label=$1 want=$2 text=${3:-}
    [ "$rc" -eq "$want" ] && pass || fail "$label: exit $rc, want $want: $(head -c 400 "$work/err")"
    if [ "$want" -ne 0 ]; then
        [ "$(wc -l <"$work/err")" -eq 1 ] && pass || fail "$label: want one line on stderr: $(cat "$work/err")"
        grep -qF -- "$text" "$work/err" && pass || fail "$label: stderr lacks '$text': $(cat "$work/err")"
    else
        [ ! -s "$work/err" ] && pass || fail "$label: stderr not empty: $(cat "$work/err")"
    fi
}
with_file() { # LABEL CONTENT(printf format) EXIT [TEXT]
    printf "$2" >"$work/pw"
    "$bubblescan" --quiet --password-file "$work/pw" "$encrypted" >/dev/null 2>"$work/err"
    rc=$?
    expect "file $1" "$3" "${4:-}"
}
with_stdin() {
    printf "$2" | "$bubblescan" --quiet --password-stdin "$encrypted" >/dev/null 2>"$work/err"
    rc=$?
    expect "stdin $1" "$3" "${4:-}"
}
escaped=${right//%/%%}

# One trailing newline, LF or CR LF, is not part of the password; nothing else is dropped.
for how in file stdin; do
    with_$how "lf" "$escaped\n" 0
    with_$how "crlf" "$escaped\r\n" 0
    with_$how "no newline" "$escaped" 0
    with_$how "two newlines" "$escaped\n\n" 4 "wrong password"
    with_$how "cr only" "$escaped\r" 4 "wrong password"
    with_$how "leading space" " $escaped\n" 4 "wrong password"
    with_$how "empty" "" 4 "is empty"
    with_$how "newline only" "\n" 4 "is empty"
done
long=$(head -c 4096 /dev/zero | tr '\0' 'x')
with_file "4096 bytes" "$long\r\n" 4 "wrong password"
with_file "4097 bytes" "${long}y\n" 4 "longer than 4096 bytes"
with_stdin "4097 bytes" "${long}y" 4 "longer than 4096 bytes"
"$bubblescan" --quiet --password-file - "$encrypted" <"$right_file" >/dev/null 2>"$work/err"
rc=$?
expect "file -" 0
"$bubblescan" --quiet --password-file "$work/missing" "$encrypted" >/dev/null 2>"$work/err"
rc=$?
expect "missing file" 4 "--password-file $work/missing: No such file or directory"
"$bubblescan" --quiet "$encrypted" </dev/null >/dev/null 2>"$work/err"
rc=$?
expect "no password" 4 "give --password-file FILE or --password-stdin"
"$bubblescan" --quiet --password-file "$fixtures/backup_encrypted.wrong-password" \
    "$fixtures/backup_encrypted_wal" >/dev/null 2>"$work/err"
rc=$?
expect "wrong password" 4 "wrong password for this encrypted backup"
"$bubblescan" --quiet --password-file "$right_file" --csv "$work/t.csv" "$encrypted" \
    >/dev/null 2>/dev/null
[ -s "$work/t.csv" ] && pass || fail "a right password gave no CSV"
"$bubblescan" --quiet --password-file "$fixtures/backup_encrypted.wrong-password" \
    --csv "$work/u.csv" "$encrypted" >/dev/null 2>&1
[ ! -e "$work/u.csv" ] && pass || fail "a wrong password left an output behind"

# Never on the command line, and its value never repeated.
for form in "--password=hunter2" "--password hunter2"; do
    # shellcheck disable=SC2086
    "$bubblescan" $form "$encrypted" >/dev/null 2>"$work/err"
    rc=$?
    expect "$form" 2 "never taken on the command line"
    ! grep -q hunter2 "$work/err" && pass || fail "$form: the value is repeated on stderr"
done
"$bubblescan" --password-file "$right_file" --password-stdin "$encrypted" >/dev/null 2>"$work/err"
rc=$?
expect "both options" 2 "use one"

# A plain source never reads the password (the file does not even exist).
"$bubblescan" --quiet --password-file "$work/missing" "$fixtures/backup_demo" >/dev/null 2>"$work/err"
rc=$?
expect "plain backup" 0
"$bubblescan" --quiet --password-stdin "$fixtures/backup_demo" </dev/null >/dev/null 2>"$work/err"
rc=$?
expect "plain backup, stdin" 0

# ---- on a terminal ----------------------------------------------------------------------------
if ! command -v script >/dev/null || ! script -qec true /dev/null </dev/null >/dev/null 2>&1; then
    echo "script (util-linux) missing or unusable: the terminal checks are skipped"
    finish password
fi
prompt_text="Password of the encrypted backup"

# tty LABEL INPUT ARGS...: runs bubblescan ARGS on a terminal; INPUT is typed once the prompt
# shows. The transcript is $work/LABEL.tty, the exit code in rc.
tty_run() {
    local label=$1 input=$2
    shift 2
    local transcript=$work/$label.tty
    local command
    command=$(printf '%q ' "$bubblescan" "$@")
    : >"$transcript"
    {
        for _ in $(seq 300); do
            grep -q "$prompt_text" "$transcript" 2>/dev/null && break
            sleep 0.05
        done
        printf '%s' "$input"
        sleep 1
    } | script -qfec "$command" "$transcript" >/dev/null 2>&1
    rc=$?
}

tty_run prompt "$right"$'\r' --csv "$work/tty.csv" "$encrypted"
[ $rc -eq 0 ] && pass || fail "tty: exit $rc, want 0: $(tail -c 400 "$work/prompt.tty")"
grep -q "$prompt_text" "$work/prompt.tty" && pass || fail "tty: no prompt"
grep -q "deriving the backup key (1,000 iterations)\.\.\. done" "$work/prompt.tty" && pass ||
    fail "tty: no key-derivation progress: $(cat "$work/prompt.tty")"
! grep -qF "$right" "$work/prompt.tty" && pass || fail "tty: the password was echoed"
! grep -q "horse" "$work/prompt.tty" && pass || fail "tty: part of the password was echoed"
cmp -s "$work/tty.csv" "$work/t.csv" && pass ||
    fail "tty: the CSV differs from the one read with --password-file"

tty_run quiet "$right"$'\r' --quiet "$encrypted"
[ $rc -eq 0 ] && pass || fail "tty --quiet: exit $rc"
! grep -q "deriving" "$work/quiet.tty" && pass || fail "tty --quiet: progress shown"

tty_run wrong "not the password"$'\r' "$encrypted"
[ $rc -eq 4 ] && pass || fail "tty wrong password: exit $rc, want 4"
grep -q "wrong password" "$work/wrong.tty" && pass || fail "tty: no wrong-password line"
! grep -q "not the password" "$work/wrong.tty" && pass || fail "tty: the wrong password was echoed"

tty_run stdin "$right"$'\r' --quiet --password-stdin "$encrypted"
[ $rc -eq 0 ] && pass || fail "tty --password-stdin: exit $rc, want 0"
! grep -qF "$right" "$work/stdin.tty" && pass || fail "tty --password-stdin: echoed"

# A signal while the prompt waits: echo was off then, is on again after, the signal ends the
# run as usual (128 + its number).
# script(1) gets an input that stays open (and silent) until the inner command is done: at
# the end of its input it would send an end-of-file to the prompt.
for signal in TERM INT HUP; do
    inner=$(printf '%q ' "$bubblescan" --password-stdin "$encrypted")
    err=$work/sig-$signal.err done=$work/sig-$signal.done
    {
        for _ in $(seq 600); do [ -e "$done" ] && break; sleep 0.05; done
    } | script -qfec "bash -c '
        $inner </dev/tty >/dev/null 2>$err & p=\$!
        for _ in \$(seq 300); do grep -q \"$prompt_text\" $err && break; sleep 0.05; done
        echo during: \$(stty -a </dev/tty | tr -s \" ;\" \"\\n\\n\" | grep -x -- \"-\\?echo\")
        kill -$signal \$p; wait \$p; echo status: \$?
        echo after: \$(stty -a </dev/tty | tr -s \" ;\" \"\\n\\n\" | grep -x -- \"-\\?echo\")
        touch $done'" "$work/sig-$signal.tty" >/dev/null 2>&1
    transcript=$work/sig-$signal.tty
    grep -q "during: -echo" "$transcript" && pass ||
        fail "SIG$signal: echo was not off during the prompt: $(cat "$transcript")"
    grep -q "after: echo" "$transcript" && pass ||
        fail "SIG$signal: the terminal was not restored: $(cat "$transcript")"
    want=$((128 + $(kill -l "$signal")))
    grep -q "status: $want" "$transcript" && pass ||
        fail "SIG$signal: want status $want: $(cat "$transcript")"
done

finish password
