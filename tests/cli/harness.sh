# The shared frame of the tests/cli/test_*.sh scripts, sourced after `set -u`: a private work
# folder removed on exit (made writable first: some tests take write permission away), pass/fail
# counters, and `finish NAME [DETAIL]`, which prints the tally and exits non-zero on a failure.
# script(1) runs its command line with $SHELL, which CI may leave unset or set to sh; the command
# lines the tests give it use bash quoting ($'...' from printf %q).
export SHELL=$BASH
work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
failures=0
passed=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { passed=$((passed + 1)); }
finish() {
    echo "$1: $passed passed, $failures failed${2:+ ($2)}"
    [ "$failures" -eq 0 ] && exit 0
    exit 1
}
