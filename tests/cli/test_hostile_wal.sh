#!/usr/bin/env bash
# A hostile WAL in a backup: 4 KB whose one valid frame is a commit claiming 262,144 or
# 1,048,576 pages (1 GiB, 4 GiB). The scan must refuse it as corrupt (exit 3, one line) in the
# plain backup, where SQLite replays the WAL on a private copy, and in the encrypted twin,
# where the WAL is replayed in memory — without allocating what the header claims: peak RSS,
# measured with getrusage, stays under 64 MB (SPEC 7). Memory, not time: stable on a shared
# machine. The intact WAL of the same backups still applies (exit 0).
# Usage: test_hostile_wal.sh BUBBLESCAN BUILD_DIR SOURCE_DIR
set -u
bubblescan=$1 build=$2 source=$3
fixtures=$build/fixtures
password=$fixtures/backup_encrypted.password
generator=$build/tests/tools/make_encrypted_backup
command -v python3 >/dev/null || { echo "python3 missing (.ci/install-deps installs it)"; exit 1; }
[ -f "$password" ] && [ -x "$generator" ] || { echo "encrypted fixtures not built"; exit 1; }
. "$(dirname "${BASH_SOURCE[0]}")/harness.sh"
wal=cd/cd47480f213dba9bc38ee792775d17e3f5a73a59 # HomeDomain-Library/SMS/sms.db-wal
limit_kb=$((64 * 1024))

# Runs the scan, prints "EXIT PEAK_RSS_KB" (the scan's own, through getrusage).
measure() {
    python3 - "$@" <<'PY'
import resource, subprocess, sys
result = subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                        stderr=open(sys.argv[-1] + ".err", "w"))
print(result.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
PY
}

# check LABEL WANT_EXIT ARGS... (the source is the last argument)
check() {
    local label=$1 want=$2
    shift 2
    read -r rc rss < <(measure "$bubblescan" --quiet "$@")
    local err="${*: -1}.err"
    [ "$rc" = "$want" ] && pass || fail "$label: exit $rc, want $want: $(cat "$err")"
    [ "$rss" -lt "$limit_kb" ] && pass || fail "$label: peak RSS $rss KB, limit $limit_kb KB"
    if [ "$want" -ne 0 ]; then
        grep -q "corrupt WAL: its last commit claims" "$err" && pass ||
            fail "$label: stderr does not name the corrupt WAL: $(cat "$err")"
        [ "$(wc -l <"$err")" -eq 1 ] && pass || fail "$label: not one line: $(cat "$err")"
    fi
    [ -n "${VERBOSE:-}" ] && echo "$label: exit $rc, peak RSS $rss KB: $(cat "$err")"
}

for pages in 262144 1048576; do
    plain=$work/plain_$pages encrypted=$work/encrypted_$pages
    cp -a "$fixtures/backup_wal" "$plain" && chmod -R u+w "$plain"
    python3 "$source/tests/cli/make_hostile_wal.py" "$plain/$wal" "$pages"
    [ "$(stat -c %s "$plain/$wal")" -eq 4152 ] && pass || fail "hostile WAL is not 4,152 bytes"
    "$generator" --from "$plain" --out "$encrypted" --password-file "$password" --seed 7 \
        >/dev/null || fail "make_encrypted_backup failed"
    check "plain, $pages pages" 3 "$plain"
    check "encrypted, $pages pages" 3 --password-file "$password" "$encrypted"
done
# The intact WAL, plain and encrypted, is applied as before.
cp -a "$fixtures/backup_wal" "$work/intact" && cp -a "$fixtures/backup_encrypted_wal" "$work/intact_enc"
check "intact WAL, plain" 0 "$work/intact"
check "intact WAL, encrypted" 0 --password-file "$password" "$work/intact_enc"
finish hostile_wal
