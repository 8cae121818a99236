#!/usr/bin/env bash
# The terminal (SPEC 4), driven through a pseudo-terminal made by script(1) from util-linux:
# colour on a terminal, none in a pipe, none with NO_COLOR; escape sequences in hostile names
# never reach the terminal raw; the progress bar appears on a terminal during a long scan
# (over a second: a few million messages, built once into the build folder), and not with
# --quiet, not when stderr is a file, not in a pipe.
# Usage: test_terminal.sh BUBBLESCAN BUILD_DIR SOURCE_DIR
set -u
bubblescan=$1 build=$2 source=$3
if ! command -v script >/dev/null; then
    echo "script(1) missing (util-linux)"
    [ -n "${CI:-}" ] && exit 1
    exit 77
fi
. "$(dirname "${BASH_SOURCE[0]}")/harness.sh"
esc=$'\x1b'

# Runs a shell command line in a pseudo-terminal; what the terminal shows goes to stdout.
in_pty() { script -qec "$1" /dev/null </dev/null; }
quote() { printf '%q' "$1"; }

demo=$build/fixtures/demo/chat.db
hostile=$build/fixtures/hostile_strings/sms.db
[ -f "$demo" ] && [ -f "$hostile" ] || { echo "fixtures not built"; exit 1; }
b=$(quote "$bubblescan")

# ---- colour
in_pty "$b $(quote "$demo")" >"$work/tty.txt"
grep -q "$esc\[" "$work/tty.txt" && pass || fail "no colour on a terminal"
grep -q "bubblescan .*where iMessage encryption does not hold" "$work/tty.txt" && pass ||
    fail "no summary on a terminal"
"$bubblescan" "$demo" 2>&1 | cat >"$work/pipe.txt"
grep -q "$esc" "$work/pipe.txt" && fail "colour in a pipe" || pass
NO_COLOR=1 in_pty "$b $(quote "$demo")" >"$work/nocolor.txt"
grep -q "$esc" "$work/nocolor.txt" && fail "colour on a terminal with NO_COLOR=1" || pass
grep -q "where iMessage encryption does not hold" "$work/nocolor.txt" && pass ||
    fail "no summary with NO_COLOR"
NO_COLOR= in_pty "$b $(quote "$demo")" >"$work/empty.txt"
grep -q "$esc\[" "$work/empty.txt" && pass || fail "an empty NO_COLOR turned colour off"

# ---- hostile names on a terminal: the only escape sequences are the summary's own colours
in_pty "$b $(quote "$hostile")" >"$work/hostile.txt"
others=$(grep -o "$esc[^m]*m\?" "$work/hostile.txt" | grep -v -x -e "$esc\[0m" -e "$esc\[1m" \
    -e "$esc\[32m" -e "$esc\[1;31m" -e "$esc\[1;33m" | sort -u)
[ -z "$others" ] && pass ||
    fail "escape sequences from the data reach the terminal: $(printf '%s' "$others" | od -c | head -n 2)"
grep -q $'\a' "$work/hostile.txt" && fail "a BEL from the data reaches the terminal" || pass

# ---- progress: a database that takes seconds, made once and kept in the build folder
big_dir=$build/tests/cli/terminal
big=$big_dir/big.db
bq=$(quote "$big")
size=3000000
mkdir -p "$big_dir"
while :; do
    if [ ! -f "$big" ] || [ "$(cat "$big.size" 2>/dev/null)" != "$size" ]; then
        rm -f "$big" "$big.size"
        python3 "$source/tests/cli/make_big_db.py" "$big" "$size" || { fail "make_big_db.py"; break; }
        echo "$size" >"$big.size"
    fi
    start=$(date +%s%N)
    in_pty "$b --quiet $bq" >"$work/quiet.txt"
    ms=$((($(date +%s%N) - start) / 1000000))
    echo "a scan of $size messages takes $ms ms"
    # Long enough that the bar (after 1 s) surely shows; a faster machine gets a bigger one.
    [ "$ms" -ge 2500 ] || [ $size -ge 48000000 ] && break
    size=$((size * 2))
done
grep -q "where iMessage encryption does not hold" "$work/quiet.txt" && pass ||
    fail "no summary with --quiet"
grep -q "scanning messages" "$work/quiet.txt" && fail "progress with --quiet" || pass
in_pty "$b $bq" >"$work/progress.txt"
grep -q "scanning messages \[" "$work/progress.txt" && pass ||
    fail "no progress bar on a terminal during a long scan"
grep -q "where iMessage encryption does not hold" "$work/progress.txt" && pass ||
    fail "no summary after the progress bar"
in_pty "$b $bq 2>$(quote "$work/stderr.txt")" >"$work/stderr-file.txt"
grep -q "scanning messages" "$work/stderr.txt" "$work/stderr-file.txt" &&
    fail "progress when stderr is a file" || pass
"$bubblescan" "$big" 2>&1 | cat >"$work/big-pipe.txt"
grep -q "scanning messages" "$work/big-pipe.txt" && fail "progress in a pipe" || pass

finish terminal
