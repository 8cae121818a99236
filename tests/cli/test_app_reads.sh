#!/usr/bin/env bash
# Messaging apps' databases at rest (SPEC 3.6, issue 14): of each database file only its first
# 16 bytes are read, through one open, and nothing else of the apps' data is touched. Each
# backup with apps is scanned under `strace -f -y -e trace=open,openat,read,pread64`: every
# app database file must be opened exactly once and give at most 16 bytes (plain) or one AES
# block (encrypted); the decoys (-wal, -shm, .bak, -journal, a .sqlite outside the apps'
# domains) and the hostile rows (a link, a path outside the folder) are never opened.
# Skipped when strace is missing or ptrace is not allowed here, except on CI (CI=1).
# Usage: test_app_reads.sh BUBBLESCAN BUILD_DIR SOURCE_DIR
set -u
bubblescan=$1 build=$2
skip() {
    echo "$1"
    [ -n "${CI:-}" ] && exit 1
    exit 77
}
command -v strace >/dev/null || skip "strace missing (.ci/install-deps installs it)"
strace -f -o /dev/null true 2>/dev/null || skip "strace cannot trace here (ptrace not allowed)"
command -v python3 >/dev/null || skip "python3 missing"
. "$(dirname "${BASH_SOURCE[0]}")/harness.sh"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
fixtures=$build/fixtures
password=$fixtures/backup_encrypted.password

# check CASE LAYOUT READ|NEVER DOMAIN PATH...: the files (domain and path pairs) of the case.
check() {
    local case=$1 layout=$2 want=$3
    shift 3
    while [ $# -ge 2 ]; do
        local id
        id=$(printf '%s-%s' "$1" "$2" | sha1sum | cut -c1-40)
        local stored=$id
        [ "$layout" = flat ] || stored=${id:0:2}/$id
        if python3 - "$work/$case.trace" "$stored" "$want" <<'EOF'; then
import re, sys
trace, stored, want = sys.argv[1], sys.argv[2], sys.argv[3]
opens = reads = 0
for line in open(trace, errors="replace"):
    call = re.match(r"^(?:\d+ +)?(\w+)\((.*)\) += (-?\d+)", line)
    if call is None:
        continue
    name, args, result = call.group(1), call.group(2), int(call.group(3))
    if name in ("open", "openat") and stored in args.split(",", 2)[1] and result >= 0:
        opens += 1
    elif name in ("read", "pread64") and re.match(r"\d+<[^>]*" + re.escape(stored) + ">", args):
        reads += max(result, 0)
if want == "NEVER":
    sys.exit(0 if opens == 0 else "opened %d times" % opens)
sys.exit(0 if opens == 1 and 0 < reads <= 16 else "%d opens, %d bytes read" % (opens, reads))
EOF
            pass
        else
            fail "$case: $1 $2 ($stored)"
        fi
        shift 2
    done
}

trace() {
    local case=$1
    shift
    TMPDIR=$work strace -f -qq -y -e trace=open,openat,read,pread64 -o "$work/$case.trace" \
        "$bubblescan" --quiet "$@" "$fixtures/backup_$case" >/dev/null 2>"$work/$case.err"
    [ $? -eq 0 ] && pass || fail "$case: exit $? ($(head -c 300 "$work/$case.err"))"
}

WA=AppDomainGroup-group.net.whatsapp.WhatsApp.shared
# check_apps CASE: the apps case (fixtures/backups/apps), plain or encrypted: each database read
# once for 16 bytes at most; its decoys and hostile rows (a link, a linked folder) never
# opened, and what they point to never read.
check_apps() {
    local case=$1
    check "$case" tree READ "$WA" ChatStorage.sqlite "$WA" ContactsV2.sqlite \
        AppDomain-net.whatsapp.WhatsApp Library/Media/cache.db \
        AppDomainGroup-group.org.whispersystems.signal grdb/signal.sqlite \
        AppDomainGroup-group.ph.telegra.Telegraph telegram-data/account-1/postbox/db/db_sqlite \
        AppDomain-com.facebook.Messenger lightspeed-userDatabases/100004567890123.db
    check "$case" tree NEVER "$WA" ChatStorage.sqlite-wal "$WA" ChatStorage.sqlite-shm \
        "$WA" ChatStorage.sqlite.bak "$WA" Library/old.sqlite3-journal \
        HomeDomain Library/Notes/notes.sqlite \
        AppDomain-ph.telegra.Telegraph telegram-data/link/db_sqlite \
        AppDomain-com.facebook.Messenger Library/Caches/escape.db
    grep -q "/etc/passwd" "$work/$case.trace" && fail "$case: a link was followed" || pass
}

trace apps
check_apps apps

trace apps_legacy
check apps_legacy flat READ "$WA" ChatStorage.sqlite \
    AppDomain-ph.telegra.Telegraph telegram-data/account-1/postbox/db/db_sqlite
check apps_legacy flat NEVER "$WA" ChatStorage.sqlite-wal HomeDomain Library/Notes/notes.sqlite

# Encrypted: the first AES block alone (16 bytes) is read and decrypted in memory.
trace encrypted_demo --password-file "$password"
check encrypted_demo tree READ "$WA" ChatStorage.sqlite \
    AppDomainGroup-group.org.whispersystems.signal grdb/signal.sqlite

# The apps case encrypted: the same reads, one AES block each.
trace encrypted_apps --password-file "$password"
check_apps encrypted_apps

finish app_reads
