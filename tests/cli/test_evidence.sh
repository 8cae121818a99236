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

finish evidence
