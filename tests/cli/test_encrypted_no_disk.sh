#!/usr/bin/env bash
# No plaintext on disk (SPEC 6): scanning an encrypted backup decrypts Manifest.db, sms.db, its
# WAL, the AddressBook and the plists in memory only. Each encrypted fixture is scanned with
# every output under
#   strace -f -e trace=openat,open,creat,rename,renameat,renameat2,link,linkat,symlink,
#                      symlinkat,mkdir,mkdirat,mknod,mknodat,truncate
# and the trace may show a file created or opened for writing (O_CREAT, O_WRONLY, O_RDWR,
# O_TRUNC, O_APPEND; creat, mkdir, link, symlink, mknod, truncate) only for the declared
# outputs' temporary files (OUT/.NAME.bubblescan-XXXXXX), renamed onto those outputs and
# nothing else; TMPDIR points to an empty folder that must stay empty, and the backup folder
# must not change. Writes are traced too (write, pwrite64, writev): none may carry a database
# page ("SQLite format 3", the first bytes of every database file), and no output or file in
# TMPDIR may contain it. The checker proves it can fail: the plain wal backup, whose WAL is
# applied on a private copy in TMPDIR, must be caught by the same checks.
# Skipped when strace is missing or ptrace is not allowed here, except on CI (CI=1).
# Usage: test_encrypted_no_disk.sh BUBBLESCAN BUILD_DIR SOURCE_DIR
set -u
bubblescan=$1 build=$2
fixtures=$build/fixtures
password=$fixtures/backup_encrypted.password
skip() {
    echo "$1"
    [ -n "${CI:-}" ] && exit 1
    exit 77
}
command -v strace >/dev/null || skip "strace missing (.ci/install-deps installs it)"
strace -f -o /dev/null true 2>/dev/null || skip "strace cannot trace here (ptrace not allowed)"
[ -d "$fixtures/backup_encrypted_demo" ] && [ -f "$password" ] || {
    echo "encrypted fixtures not built"
    exit 1
}
. "$(dirname "${BASH_SOURCE[0]}")/harness.sh"
# LeakSanitizer stops the world with ptrace, which a traced process cannot do.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

snapshot() { (cd "$1" && find . -printf '%p %m %s\n' | sort && find . -type f -exec sha256sum {} + | sort); }

outputs=(t.csv s.csv r.json r.html)

# Prints every traced call that creates or writes a file other than an output's temporary
# file, or that renames anything but such a file onto its output. $1 trace, $2 output folder.
disk_writes() {
    local trace=$1 out=$2 line path
    local temp_re="^${out//./\\.}/\\.(t\\.csv|s\\.csv|r\\.json|r\\.html)\\.bubblescan-[A-Za-z0-9]{6}\$"
    while IFS= read -r line; do
        [[ $line =~ ^[0-9]+\ +(write|pwrite64|writev)\( ]] && continue # data: page_writes
        case $line in
        *'openat('* | *'open('*)
            [[ $line =~ O_CREAT|O_WRONLY|O_RDWR|O_TRUNC|O_APPEND ]] || continue
            path=$(sed -E 's/^[^"]*"([^"]*)".*/\1/' <<<"$line")
            [[ $path =~ $temp_re ]] || echo "$line"
            ;;
        *'rename'*)
            local from to
            from=$(sed -E 's/^[^"]*"([^"]*)".*/\1/' <<<"$line")
            to=$(sed -E 's/^[^"]*"[^"]*"[^"]*"([^"]*)".*/\1/' <<<"$line")
            if ! [[ $from =~ $temp_re ]] || [ "${from%.bubblescan-*}" != "$out/.$(basename "$to")" ]; then
                echo "$line"
            fi
            ;;
        *'creat('* | *'mkdir'* | *'link'* | *'mknod'* | *'truncate('*)
            echo "$line"
            ;;
        esac
    done <"$trace"
}

# Prints every traced write whose data starts a database file. $1 trace.
page_writes() {
    grep -E '^[0-9]+ +(write|pwrite64|writev)\(' "$1" | grep -F 'SQLite format 3'
}

# Scans $2 under strace with TMPDIR an empty folder; $1 is a label, the rest extra arguments.
traced_scan() {
    local label=$1 source=$2
    shift 2
    local out=$work/out-$label tmp=$work/tmp-$label
    mkdir -p "$out" "$tmp"
    TMPDIR=$tmp strace -f -qq -s 32 -o "$work/$label.trace" \
        -e trace=openat,open,creat,rename,renameat,renameat2,link,linkat,symlink,symlinkat,mkdir,mkdirat,mknod,mknodat,truncate,write,pwrite64,writev \
        "$bubblescan" --quiet --all "$@" --csv "$out/t.csv" --signal "$out/s.csv" \
        --json "$out/r.json" --html "$out/r.html" "$source" >"$work/$label.stdout" \
        2>"$work/$label.err"
}

count=0
for dir in "$fixtures"/backup_encrypted_*/; do
    name=$(basename "$dir")
    copy=$work/src-$name
    cp -a "$dir" "$copy"
    before=$(snapshot "$copy")
    traced_scan "$name" "$copy" --password-file "$password"
    rc=$?
    count=$((count + 1))
    [ $rc -eq 0 ] && pass || { fail "$name: exit $rc: $(head -c 400 "$work/$name.err")"; continue; }
    writes=$(disk_writes "$work/$name.trace" "$work/out-$name")
    [ -z "$writes" ] && pass || fail "$name: a file was created or written outside the outputs:
$writes"
    pages=$(page_writes "$work/$name.trace")
    [ -z "$pages" ] && pass || fail "$name: a database page was written: $pages"
    found=$(grep -rlaF 'SQLite format 3' "$work/out-$name" "$work/tmp-$name")
    [ -z "$found" ] && pass || fail "$name: a database in an output or TMPDIR: $found"
    grep -q 'openat(.*3d0d7e5fb2ce288813306e4d4636395e047a3d28' "$work/$name.trace" && pass ||
        fail "$name: the trace does not show sms.db being read (is strace tracing openat?)"
    [ -z "$(ls -A "$work/tmp-$name")" ] && pass ||
        fail "$name: TMPDIR is not empty: $(ls -A "$work/tmp-$name")"
    [ "$(snapshot "$copy")" = "$before" ] && pass || fail "$name: the backup folder changed"
    for f in "${outputs[@]}"; do
        [ -s "$work/out-$name/$f" ] && pass || fail "$name: no output $f"
    done
    [ "$(ls -A "$work/out-$name" | wc -l)" -eq ${#outputs[@]} ] && pass ||
        fail "$name: the output folder holds more than the outputs: $(ls -A "$work/out-$name")"
done
[ $count -ge 4 ] && pass || fail "only $count encrypted fixtures found, want 4"

# The check itself can fail: a plain backup with a WAL gets a private copy in TMPDIR (SPEC 2),
# which must show up as a write outside the outputs.
if [ -d "$fixtures/backup_wal" ]; then
    traced_scan control "$fixtures/backup_wal"
    writes=$(disk_writes "$work/control.trace" "$work/out-control")
    grep -q 'evidence.db' <<<"$writes" && pass ||
        fail "control: the private copy of the plain wal backup was not caught: '$writes'"
    [ -n "$(page_writes "$work/control.trace")" ] && pass ||
        fail "control: the private copy's database page was not caught in the writes"
fi

finish encrypted_no_disk "$count encrypted fixtures"
