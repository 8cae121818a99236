#!/usr/bin/env bash
# No network (SPEC 4: reports need no network; the tool has no reason to talk to anyone): every
# fixture database and backup is scanned with every output the build offers, plus help, usage
# errors and a refused source, under `strace -f -e trace=socket,connect`; not one socket() or
# connect() call may appear (not even a local one: no resolver, no syslog, no D-Bus).
# Skipped when strace is missing or ptrace is not allowed here, except on CI (CI=1).
# Usage: test_no_network.sh BUBBLESCAN BUILD_DIR SOURCE_DIR
set -u
bubblescan=$1 build=$2
skip() {
    echo "$1"
    [ -n "${CI:-}" ] && exit 1
    exit 77
}
command -v strace >/dev/null || skip "strace missing (.ci/install-deps installs it)"
strace -f -o /dev/null true 2>/dev/null || skip "strace cannot trace here (ptrace not allowed)"
. "$(dirname "${BASH_SOURCE[0]}")/harness.sh"
# LeakSanitizer stops the world with ptrace, which a traced process cannot do.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

outputs=()
help=$("$bubblescan" --help)
for option in csv signal json html; do
    case $help in *"--$option FILE"*) outputs+=("--$option" "@OUT@/$option.out") ;; esac
done

# traced LABEL ARGS...: runs bubblescan under strace and checks the trace.
traced() {
    local label=$1
    shift
    local out=$work/out-$label
    mkdir -p "$out"
    local args=()
    for arg in "$@"; do args+=("${arg//@OUT@/$out}"); done
    TMPDIR=$work strace -f -qq -e trace=socket,connect -o "$work/$label.trace" \
        "$bubblescan" "${args[@]}" >/dev/null 2>"$work/$label.err"
    local rc=$?
    [ $rc -lt 128 ] && pass || fail "$label: ended by a signal ($rc): $(head -c 300 "$work/$label.err")"
    if grep -E -q '(^|[^_a-z])(socket|connect)\(' "$work/$label.trace"; then
        fail "$label: network calls: $(grep -E '(socket|connect)\(' "$work/$label.trace" | head -n 3)"
    else
        pass
    fi
}

count=0
for source in "$build"/fixtures/*/sms.db "$build"/fixtures/*/chat.db "$build"/fixtures/backup_*/; do
    [ -e "$source" ] || continue
    source=${source%/}
    traced "$(basename "$(dirname "$source")")-$(basename "$source")" --all "${outputs[@]}" "$source"
    count=$((count + 1))
done
[ $count -gt 0 ] || fail "no fixture found in $build/fixtures"
traced help --help
traced usage --no-such-option
traced missing "$work/does-not-exist.db"
printf 'not a database' >"$work/text.db"
traced not-a-database --csv "@OUT@/t.csv" "$work/text.db"

finish no_network "$count sources"
