#!/usr/bin/env bash
# Evidence guarantees (SPEC 2, 4): scanning leaves the source folder byte-identical with
# nothing created in it, in a writable folder and in a read-only one; the private copy made to
# apply a WAL is gone afterwards; output files are mode 0600; a failed run leaves no output.
# Usage: test_evidence.sh BUBBLESCAN BUILD_DIR SOURCE_DIR
set -u
bubblescan=$1 build=$2
fixtures=$build/fixtures
. "$(dirname "${BASH_SOURCE[0]}")/harness.sh"

# Every file below a folder with its hash, mode and size: any change shows as a diff.
snapshot() { (cd "$1" && find . -printf '%p %m %s\n' | sort && find . -type f -exec sha256sum {} + | sort); }

# The databases to try: each fixture, plus the public real ones when ../shared is there.
sources=()
for db in "$fixtures"/*/sms.db "$fixtures"/*/chat.db; do
    [ -f "$db" ] && sources+=("$db")
done
real=$3/../shared/realdata
for db in "$real"/magnet-ctf-ios13/sms.db "$real"/imessage-exporter-macos15/chat.db; do
    [ -f "$db" ] && sources+=("$db")
done
[ ${#sources[@]} -gt 0 ] || { echo "no fixtures built"; exit 1; }

can_mount_readonly=0
if unshare -m true 2>/dev/null; then can_mount_readonly=1; fi

for db in "${sources[@]}"; do
    name=$(basename "$(dirname "$db")")
    copy=$work/src-$name
    cp -a "$(dirname "$db")" "$copy"
    chmod -R u+w "$copy"
    before=$(snapshot "$copy")
    tmp=$work/tmp-$name
    mkdir "$tmp"
    TMPDIR=$tmp "$bubblescan" --quiet "$copy/$(basename "$db")" >/dev/null 2>"$work/err"
    rc=$?
    [ $rc -eq 0 ] || fail "$name: exit $rc in a writable folder: $(cat "$work/err")"
    [ "$(snapshot "$copy")" = "$before" ] && pass || fail "$name: the source folder changed"
    [ -z "$(ls -A "$tmp")" ] && pass || fail "$name: left files in TMPDIR: $(ls -A "$tmp")"

    if [ $can_mount_readonly = 1 ]; then
        unshare -m bash -c '
            mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" || exit 90
            touch "$1/probe" 2>/dev/null && exit 91
            TMPDIR=$3 "$2" --quiet "$1/$4" >/dev/null' _ "$copy" "$bubblescan" "$tmp" \
            "$(basename "$db")" 2>"$work/err"
        rc=$?
        [ $rc -eq 0 ] && pass || fail "$name: exit $rc in a read-only folder: $(cat "$work/err")"
        [ "$(snapshot "$copy")" = "$before" ] && pass || fail "$name: changed (read-only run)"
    fi
done

# Backup folders (fixtures/backup_*, SOURCE a folder): the same guarantees, with the exit each
# case is built for (the unsafe and encrypted ones stop with 3). The folder is copied with its
# links as they are; a link in a hostile case must never be followed, written or created.
for dir in "$fixtures"/backup_*/; do
    [ -d "$dir" ] || continue
    name=$(basename "$dir")
    extra=()
    case $name in
        backup_hostile_smsdb | backup_symlink_smsdb | backup_legacy_encrypted | backup_encrypted)
            want=3 ;;
        backup_encrypted_*) # decrypted in memory: the same guarantees, with the password
            want=0 extra=(--password-file "$fixtures/backup_encrypted.password") ;;
        *) want=0 ;;
    esac
    copy=$work/src-$name
    cp -a "$dir" "$copy"
    chmod -R u+w "$copy"
    before=$(snapshot "$copy")
    tmp=$work/tmp-$name
    mkdir "$tmp"
    TMPDIR=$tmp "$bubblescan" --quiet "${extra[@]}" "$copy" >/dev/null 2>"$work/err"
    rc=$?
    [ $rc -eq $want ] && pass || fail "$name: exit $rc in a writable folder, want $want: $(cat "$work/err")"
    [ "$(snapshot "$copy")" = "$before" ] && pass || fail "$name: the backup folder changed"
    [ -z "$(ls -A "$tmp")" ] && pass || fail "$name: left files in TMPDIR: $(ls -A "$tmp")"

    if [ $can_mount_readonly = 1 ]; then
        unshare -m bash -c '
            mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" || exit 90
            touch "$1/probe" 2>/dev/null && exit 91
            TMPDIR=$3 "$2" --quiet "${@:4}" "$1" >/dev/null' _ "$copy" "$bubblescan" "$tmp" \
            "${extra[@]}" 2>"$work/err"
        rc=$?
        [ $rc -eq $want ] && pass || fail "$name: exit $rc in a read-only folder: $(cat "$work/err")"
        [ "$(snapshot "$copy")" = "$before" ] && pass || fail "$name: changed (read-only run)"
        [ -z "$(ls -A "$tmp")" ] && pass || fail "$name: left files in TMPDIR (read-only run)"
    fi
done

# Outputs: mode 0600, and only when the whole run succeeds.
db=${sources[0]}
out=$work/out
mkdir "$out"
umask 022
"$bubblescan" --quiet --csv "$out/t.csv" --signal "$out/s.csv" "$db" >/dev/null || fail "outputs run"
for f in t.csv s.csv; do
    mode=$(stat -c %a "$out/$f" 2>/dev/null)
    [ "$mode" = 600 ] && pass || fail "$f has mode '$mode', want 600"
done
"$bubblescan" --quiet --csv "$out/new.csv" --signal "$out/missing/s.csv" "$db" >/dev/null 2>&1
rc=$?
[ $rc -eq 5 ] && pass || fail "unwritable output: exit $rc, want 5"
[ ! -e "$out/new.csv" ] && pass || fail "a failed run left new.csv behind"
[ -z "$(find "$out" -name '.*bubblescan-*')" ] && pass || fail "temporary output left behind"
"$bubblescan" --quiet --csv "$out/x.csv" "$work/does-not-exist.db" >/dev/null 2>&1
rc=$?
[ $rc -eq 3 ] && pass || fail "missing source: exit $rc, want 3"
[ ! -e "$out/x.csv" ] && pass || fail "a failed scan wrote an output"

# An output never lands on the evidence: the database itself, a file beside it under one of
# SQLite's companion names, anything inside a backup folder being scanned, the --contacts book
# or the --password-file: each refused before anything is read (exit 2, one line), the source
# unchanged and nothing created.
guard=$work/guard
mkdir -p "$guard" && cp -a "$fixtures/demo" "$guard/db" && cp -a "$fixtures/backup_demo" "$guard/bk"
chmod -R u+w "$guard"
cp "$fixtures/contacts/AddressBook.sqlitedb" "$guard/book.sqlitedb"
guard_before=$(snapshot "$guard")
refused() { # LABEL ARGS...
    local label=$1
    shift
    "$bubblescan" --quiet "$@" </dev/null >/dev/null 2>"$work/err"
    local rc=$?
    [ $rc -eq 2 ] && pass || fail "$label: exit $rc, want 2: $(cat "$work/err")"
    [ "$(wc -l <"$work/err")" -eq 1 ] && grep -q "the evidence is never written to" "$work/err" &&
        pass || fail "$label: not the one-line refusal: $(cat "$work/err")"
}
refused "output is the database" --csv "$guard/db/chat.db" "$guard/db/chat.db"
refused "output as its WAL" --json "$guard/db/chat.db-wal" "$guard/db/chat.db"
refused "output inside the backup" --html "$guard/bk/report.html" "$guard/bk"
refused "output in a backup subfolder" --csv "$guard/bk/3d/x.csv" "$guard/bk"
refused "output is the contact book" --contacts "$guard/book.sqlitedb" \
    --signal "$guard/book.sqlitedb" "$guard/db/chat.db"
[ "$(snapshot "$guard")" = "$guard_before" ] && pass || fail "a refused run changed the evidence"
# Beside a database, under another name, an output is fine.
"$bubblescan" --quiet --csv "$guard/db/risky.csv" "$guard/db/chat.db" >/dev/null 2>"$work/err" &&
    [ -s "$guard/db/risky.csv" ] && pass || fail "an output beside the database: $(cat "$work/err")"

finish evidence
