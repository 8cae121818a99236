#!/usr/bin/env bash
# Broken and hostile inputs (SPEC 2, 5, 7), made at test time from a fixture or with python3's
# sqlite3 module: truncated, zero-paged and random-byte databases; missing tables; text where
# integers belong; 1 MB names; groups of 100,000 and 3,000 members; deeply nested, exploding and
# oversized plists in chat.properties; values above SQLite's length cap; hostile backup folders
# (links leaving the folder, broken manifests and plists, a malformed keybag) when the build
# has backup fixtures. Every run must end within its time limit with the right
# exit code; a refused source gives exactly one "bubblescan: error:" line on stderr naming it;
# no output file (or temporary file) is left by a failed run; nothing is left in TMPDIR; no
# crash and no sanitizer report (run it in the ASan+UBSan build too: CI does).
# Usage: test_hostile.sh BUBBLESCAN BUILD_DIR SOURCE_DIR
set -u
bubblescan=$1 build=$2
fixtures=$build/fixtures
command -v python3 >/dev/null || { echo "python3 missing (.ci/install-deps installs it)"; exit 1; }
. "$(dirname "${BASH_SOURCE[0]}")/harness.sh"
esc=$'\x1b'
# Sanitizer builds are several times slower; the limits leave room for that.
limit=${BS_TEST_TIME_LIMIT:-120}

# run LABEL WANT_EXIT SOURCE [OPTIONS...]: scans SOURCE writing both CSVs into a fresh folder and
# checks the guarantees above. Leaves stdout/stderr in $work/LABEL.out / .err.
run() {
    local label=$1 want=$2 source=$3
    shift 3
    local out=$work/out-$label tmp=$work/tmp-$label
    mkdir -p "$out" "$tmp"
    TMPDIR=$tmp timeout "$limit" "$bubblescan" --quiet --csv "$out/threads.csv" \
        --signal "$out/signal.csv" "$@" "$source" >"$work/$label.out" 2>"$work/$label.err"
    local rc=$?
    local err=$work/$label.err
    if [ $rc -eq 124 ]; then
        fail "$label: still running after ${limit}s"
        return
    fi
    [ $rc -eq "$want" ] && pass || fail "$label: exit $rc, want $want: $(head -c 600 "$err")"
    grep -q -i -e 'sanitizer' -e 'runtime error' "$err" && fail "$label: sanitizer report" || pass
    grep -q "$esc" "$err" "$work/$label.out" && fail "$label: ESC byte on the terminal" || pass
    [ -z "$(ls -A "$tmp")" ] && pass || fail "$label: left in TMPDIR: $(ls -A "$tmp")"
    [ -z "$(find "$out" -name '.*bubblescan-*')" ] && pass || fail "$label: temporary output left"
    if [ "$want" -eq 0 ]; then
        [ -s "$out/threads.csv" ] && [ -s "$out/signal.csv" ] && pass ||
            fail "$label: outputs missing after a successful scan"
        for f in threads.csv signal.csv; do
            [ "$(stat -c %a "$out/$f" 2>/dev/null)" = 600 ] && pass || fail "$label: $f not 0600"
        done
        # Anything on stderr is a note or a warning, one line each.
        grep -v -e '^bubblescan: note: ' -e '^bubblescan: warning: ' "$err" >/dev/null &&
            fail "$label: unexpected stderr: $(head -c 600 "$err")" || pass
    else
        [ -z "$(ls -A "$out")" ] && pass || fail "$label: a failed run left $(ls -A "$out")"
        [ "$(wc -l <"$err")" -eq 1 ] && pass ||
            fail "$label: want one line on stderr, got: $(head -c 600 "$err")"
        local name
        name=$(basename "$source")
        case $name in
        *[[:cntrl:]]*) ;; # shown escaped: checked by the caller
        *)
            grep -q -F "$name" "$err" && grep -q "^bubblescan: error: " "$err" && pass ||
                fail "$label: the error does not name the source: $(head -c 600 "$err")"
            ;;
        esac
    fi
}

fixture=$fixtures/ios12_people/sms.db
[ -f "$fixture" ] || { echo "fixtures not built"; exit 1; }
size=$(stat -c %s "$fixture")
page=4096

# ---- Broken files made from a fixture
head -c 100 "$fixture" >"$work/header-only.db"
run header-only 3 "$work/header-only.db"
head -c $page "$fixture" >"$work/one-page.db"
run one-page 3 "$work/one-page.db"
head -c $((size / 2)) "$fixture" >"$work/half.db"
run half 3 "$work/half.db"
cp "$fixture" "$work/zero-paged.db"
dd if=/dev/zero of="$work/zero-paged.db" bs=$page seek=1 count=$((size / page - 1)) \
    conv=notrunc status=none
run zero-paged 3 "$work/zero-paged.db"
cp "$fixture" "$work/zero-first-page.db"
dd if=/dev/zero of="$work/zero-first-page.db" bs=$page count=1 conv=notrunc status=none
run zero-first-page 3 "$work/zero-first-page.db"
python3 - "$fixture" "$work" <<'EOF'
import random, sqlite3, sys
fixture, work = sys.argv[1], sys.argv[2]
data = open(fixture, 'rb').read()
rng = random.Random(7)
# Random bytes, with and without a valid SQLite header in front.
open(work + '/random.db', 'wb').write(bytes(rng.getrandbits(8) for _ in range(len(data))))
open(work + '/random-body.db', 'wb').write(
    data[:100] + bytes(rng.getrandbits(8) for _ in range(len(data) - 100)))
# The root page of message overwritten with random bytes.
db = sqlite3.connect('file:%s?immutable=1' % fixture, uri=True)
root = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'message'").fetchone()[0]
page = db.execute('PRAGMA page_size').fetchone()[0]
db.close()
body = bytearray(data)
body[(root - 1) * page:root * page] = bytes(rng.getrandbits(8) for _ in range(page))
open(work + '/random-page.db', 'wb').write(bytes(body))
EOF
run random 3 "$work/random.db"
run random-body 3 "$work/random-body.db"
run random-page 3 "$work/random-page.db"
: >"$work/empty.db"
run empty 3 "$work/empty.db"
mkfifo "$work/fifo.db"
run fifo 3 "$work/fifo.db"

# ---- Databases built with python3: schema and values a real sms.db never has
python3 - "$work" <<'EOF'
import os, sqlite3, struct, sys
work = sys.argv[1]

def make(name, script, rows=()):
    path = os.path.join(work, name)
    db = sqlite3.connect(path)
    db.executescript(script)
    for sql, values in rows:
        db.executemany(sql, values)
    db.commit()
    db.close()

schema = """
CREATE TABLE handle (ROWID INTEGER PRIMARY KEY, id TEXT, service TEXT, country TEXT);
CREATE TABLE chat (ROWID INTEGER PRIMARY KEY, guid TEXT, style INTEGER, display_name TEXT,
                   chat_identifier TEXT, properties BLOB);
CREATE TABLE message (ROWID INTEGER PRIMARY KEY, service TEXT, date INTEGER,
                      is_from_me INTEGER, handle_id INTEGER, item_type INTEGER);
CREATE TABLE chat_message_join (chat_id INTEGER, message_id INTEGER);
CREATE TABLE chat_handle_join (chat_id INTEGER, handle_id INTEGER);
"""

make('no-message-table.db', "CREATE TABLE handle (ROWID INTEGER PRIMARY KEY, id TEXT);")
make('message-view.db', "CREATE TABLE m (x); CREATE VIEW message AS SELECT * FROM m;")
make('message-only.db', "CREATE TABLE message (ROWID INTEGER PRIMARY KEY, text TEXT);"
     "INSERT INTO message (text) VALUES ('hello');")

# Text, blobs and reals where integers belong; a declared ROWID column holding a NULL, a number
# and text (it shadows the real rowid: "ORDER BY ROWID" is not numeric order).
make('wrong-types.db', """
CREATE TABLE handle (ROWID, id TEXT, service TEXT, country TEXT);
CREATE TABLE chat (ROWID INTEGER PRIMARY KEY, guid, style, display_name, chat_identifier,
                   properties);
CREATE TABLE message (ROWID INTEGER PRIMARY KEY, service, date, is_from_me, handle_id,
                      item_type, other_handle, was_downgraded, cache_has_attachments);
CREATE TABLE chat_message_join (chat_id, message_id);
CREATE TABLE chat_handle_join (chat_id, handle_id);
INSERT INTO handle VALUES (7, '+15555550101', 'SMS', 'us'), ('a', X'FF00', 3, 4.5),
                          (NULL, NULL, NULL, NULL);
INSERT INTO chat VALUES (1, 'SMS;+;x', 'forty-three', X'1B5B326A', 9, 'not a plist'),
                        (2, 12, 43.5, NULL, NULL, X'00');
INSERT INTO message VALUES (1, 'SMS', 'yesterday', 'yes', '7', 'zero', NULL, 'x', 1.5),
                           (2, X'534D53', 9e300, 1, 7.0, 0, 'a', 1, 0),
                           (3, 42, -1, 1, -7, 0.0, 7, NULL, NULL);
INSERT INTO chat_message_join VALUES (1, 1), ('1', '2'), (1, 'three'), (NULL, 3), (2, 3),
                                     (99, 2), (1, 1);
INSERT INTO chat_handle_join VALUES (1, 7), (1, 'a'), ('x', 7), (2, NULL);
""")

# 1 MB names, ids and guids, with terminal escapes in them.
big = '\x1b]0;pwned\x07' + 'A' * (1024 * 1024) + '\x1b[31m'
make('megabyte-names.db', schema, [
    ("INSERT INTO handle VALUES (?, ?, 'SMS', 'us')", [(1, '+1555' + '5' * (1024 * 1024)), (2, big)]),
    ("INSERT INTO chat VALUES (1, ?, 43, ?, ?, NULL)", [(big, big, big)]),
    ("INSERT INTO message VALUES (?, 'SMS', 700000000, ?, ?, 0)", [(1, 1, 0), (2, 0, 1), (3, 0, 2)]),
    ("INSERT INTO chat_message_join VALUES (1, ?)", [(1,), (2,), (3,)]),
    ("INSERT INTO chat_handle_join VALUES (1, ?)", [(1,), (2,)]),
])

# A group of 100,000 members, the owner among the senders: a critical group and a Signal list
# of 100,000 rows. A named one, and an unnamed one of 3,000 whose name is made of its
# members' names (bounded to BS_MAX_STRING_BYTES: it is repeated in every Signal row).
def group(name, members, display_name):
    make(name, schema, [
        ("INSERT INTO handle VALUES (?, ?, ?, 'us')",
         [(i, '+1555%07d' % i, 'iMessage' if i % 2 else 'SMS') for i in range(1, members + 1)]),
        ("INSERT INTO chat VALUES (1, 'SMS;+;big', 43, ?, 'big', NULL)", [(display_name,)]),
        ("INSERT INTO message VALUES (?, 'SMS', 700000000, ?, ?, 0)",
         [(1, 1, 0), (2, 0, 1), (3, 0, 2)]),
        ("INSERT INTO chat_message_join VALUES (1, ?)", [(1,), (2,), (3,)]),
        ("INSERT INTO chat_handle_join VALUES (1, ?)", [(i,) for i in range(1, members + 1)]),
    ])

group('group-100k.db', 100000, 'Everyone')
group('group-3000-unnamed.db', 3000, None)

# An unnamed group whose first two names fill its generated name to within a few bytes of
# BS_MAX_STRING_BYTES: the second must give way to " and N more" so the name stays in bounds.
ids = ['a' * 2000, 'b' * 2089] + ['c%02d' % i for i in range(23)]
make('group-long-names.db', schema, [
    ("INSERT INTO handle VALUES (?, ?, 'SMS', 'us')", list(enumerate(ids, 1))),
    ("INSERT INTO chat VALUES (1, 'SMS;+;long', 43, NULL, 'long', NULL)", [()]),
    ("INSERT INTO message VALUES (1, 'SMS', 700000000, 1, 0, 0)", [()]),
    ("INSERT INTO chat_message_join VALUES (1, 1)", [()]),
    ("INSERT INTO chat_handle_join VALUES (1, ?)", [(i,) for i in range(1, len(ids) + 1)]),
])

# chat.properties plists that crash or exhaust an unguarded libplist 2.2.
def bplist(objects, top, ref_bytes):
    """objects: list of encoded object bodies; returns a binary plist."""
    out = bytearray(b'bplist00')
    offsets = []
    for body in objects:
        offsets.append(len(out))
        out += body
    table = len(out)
    width = 8
    for offset in offsets:
        out += offset.to_bytes(width, 'big')
    out += bytes(6) + bytes([width, ref_bytes])
    out += struct.pack('>QQQ', len(objects), top, table)
    return bytes(out)

def array(refs, ref_bytes):
    n = len(refs)
    head = bytes([0xA0 | n]) if n < 15 else bytes([0xAF, 0x12]) + n.to_bytes(4, 'big')
    return head + b''.join(r.to_bytes(ref_bytes, 'big') for r in refs)

depth = 100000
deep = [array([i + 1], 4) for i in range(depth)] + [b'\x09']
laughs_levels = 40
laughs = [array([i + 1] * 8, 4) for i in range(laughs_levels)] + [b'\x09']
# {"shouldForceToSMS": true}
forced = bplist([b'\xd1\x01\x02', b'\x5f\x10\x10shouldForceToSMS', b'\x09'], 0, 1)
properties = [
    (1, bplist(deep, 0, 4)),
    (2, b'<plist>' + b'<array>' * depth + b'<true/>' + b'</array>' * depth + b'</plist>'),
    (3, bplist(laughs, 0, 4)),
    (4, b'<plist><array>' + b'<true/>' * 600000 + b'</array></plist>'),
    (5, b'<plist><dict>' + b'<key>k</key><array>' * 70 + b'</array></dict>' * 70 + b'</plist>'),
    (6, bplist([array([0], 1)], 0, 1)),            # an array that contains itself
    (7, bplist([array([5], 1)], 0, 1)),            # a reference to a missing object
    (8, forced[:-10]),                            # truncated trailer
    (9, forced),                                  # a good one: forced-sms
]
make('hostile-plists.db', schema, [
    ("INSERT INTO handle VALUES (1, '+15555550101', 'SMS', 'us')", [()]),
    ("INSERT INTO chat VALUES (?, 'SMS;-;+15555550101', 45, NULL, NULL, ?)", properties),
    ("INSERT INTO message VALUES (1, 'SMS', 700000000, 1, 1, 0)", [()]),
    ("INSERT INTO chat_message_join VALUES (?, 1)", [(i,) for i, _ in properties]),
    ("INSERT INTO chat_handle_join VALUES (?, 1)", [(i,) for i, _ in properties]),
])

# One SMS joined to 40 chats (and twice to chat 1), as no device writes: every chat counts it
# once. Each chat also has two iMessages dated around it but stored before it, so every
# thread's exposure is recounted (core/model/timeline.h): the pass and the recount must agree.
chats = range(1, 41)
make('message-in-40-chats.db', schema, [
    ("INSERT INTO handle VALUES (1, '+15555550101', 'SMS', 'us')", [()]),
    ("INSERT INTO chat VALUES (?, ?, 45, NULL, '+15555550101', NULL)",
     [(i, 'SMS;-;%d' % i) for i in chats]),
    ("INSERT INTO message VALUES (?, 'iMessage', ?, 1, 1, 0)",
     [(2 * i - 1 + b, 700000000 + 200 * b) for i in chats for b in (0, 1)]),
    ("INSERT INTO message VALUES (1000, 'SMS', 700000100, 0, 1, 0)", [()]),
    ("INSERT INTO chat_message_join VALUES (?, ?)",
     [(i, m) for i in chats for m in (2 * i - 1, 2 * i, 1000)] + [(1, 1000)]),
    ("INSERT INTO chat_handle_join VALUES (?, 1)", [(i,) for i in chats]),
])

# A value above SQLite's length cap (BS_MAX_SQL_VALUE_BYTES, 16 MB) in a column the scan reads.
make('value-above-cap.db', schema, [
    ("INSERT INTO chat VALUES (1, 'g', 43, ?, NULL, NULL)", [('x' * (17 * 1024 * 1024),)]),
])
EOF

run no-message-table 3 "$work/no-message-table.db"
grep -q "no message table" "$work/no-message-table.err" && pass ||
    fail "no-message-table: the error does not say what is missing"
run message-view 3 "$work/message-view.db"
run message-only 0 "$work/message-only.db"
grep -q '^bubblescan: note: ' "$work/message-only.err" && pass ||
    fail "message-only: no note about the missing tables"
run wrong-types 0 "$work/wrong-types.db"

run megabyte-names 0 "$work/megabyte-names.db"
out=$work/out-megabyte-names
longest=$(awk '{ if (length($0) > max) max = length($0) } END { print max + 0 }' \
    "$out/threads.csv" "$out/signal.csv" "$work/megabyte-names.out")
[ "$longest" -lt 65536 ] && pass || fail "megabyte-names: a line of $longest bytes in the outputs"
grep -q 'AAAAAAAA' "$out/threads.csv" && pass || fail "megabyte-names: the name is not in the CSV"

run group-100k 0 "$work/group-100k.db"
out=$work/out-group-100k
rows=$(($(wc -l <"$out/signal.csv") - 1))
[ "$rows" -eq 100000 ] && pass || fail "group-100k: $rows Signal rows, want 100000"
grep -q '^1,.*critical,mixed-platform-group' "$out/threads.csv" && pass ||
    fail "group-100k: the group is not critical"
# Large counts read as every count of the summary does (1,234), in lists cut short too.
grep -q 'and 49,99[0-9] more$' "$work/group-100k.out" && grep -q 'Invite all 100,000 and' \
    "$work/group-100k.out" && pass || fail "group-100k: counts in the summary without separators"

run group-3000-unnamed 0 "$work/group-3000-unnamed.db"
out=$work/out-group-3000-unnamed
rows=$(($(wc -l <"$out/signal.csv") - 1))
[ "$rows" -eq 3000 ] && pass || fail "group-3000-unnamed: $rows Signal rows, want 3000"
name=$(python3 -c 'import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
print(len(rows[1][3]), rows[1][3][-9:])' "$out/threads.csv")
case $name in
[0-9]*" more") [ "${name%% *}" -le 4200 ] && pass || fail "group-3000-unnamed: name of ${name%% *} bytes" ;;
*) fail "group-3000-unnamed: the generated name is not cut: $name" ;;
esac

run group-long-names 0 "$work/group-long-names.db"
name=$(python3 -c 'import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
print(len(rows[1][3].encode()), rows[1][3][-11:])' "$work/out-group-long-names/threads.csv")
[ "$name" = "2012 and 24 more" ] && pass ||
    fail "group-long-names: want the first name and 24 more in 2012 bytes, got: $name"

run hostile-plists 0 "$work/hostile-plists.db"
forced=$(grep -c 'forced-sms' "$work/out-hostile-plists/threads.csv")
[ "$forced" -eq 1 ] && pass || fail "hostile-plists: $forced threads with forced-sms, want 1 (chat 9)"
grep -q '^9,.*forced-sms' "$work/out-hostile-plists/threads.csv" && pass ||
    fail "hostile-plists: chat 9 lost its forced-sms"

run message-in-40-chats 0 "$work/message-in-40-chats.db" --json "$work/out-40-chats.json"
python3 - "$work/out-message-in-40-chats/threads.csv" "$work/out-40-chats.json" <<'EOF' && pass ||
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
threads = json.load(open(sys.argv[2]))["threads"]
counts = {(r["messages"], r["sms"], r["imessage"], r["exposed_since"]) for r in rows}
before = {t["encrypted_before"] for t in threads}
ok = len(rows) == 40 and len(counts) == 1 and next(iter(counts))[:3] == ("3", "1", "2")
if not ok or len(threads) != 40 or before != {1}:
    sys.exit("%d rows %s, %d threads, encrypted_before %s" % (len(rows), counts, len(threads), before))
EOF
    fail "message-in-40-chats: each of the 40 chats should count the SMS once, 1 iMessage before it"

run value-above-cap 3 "$work/value-above-cap.db"
grep -q 'too big' "$work/value-above-cap.err" && pass ||
    fail "value-above-cap: the error does not say the value is too big"

# ---- Hostile backup folders, made from the demo backup (when this build has backups): links
# that leave the folder are never followed, broken manifests are refused, broken optional
# plists are skipped with a warning. (Golden cases cover fileIDs that are not 40 hex digits
# and a symbolic link in place of sms.db.) Nothing outside the folder may change.
demo_backup=$fixtures/backup_demo
if [ -f "$demo_backup/Manifest.db" ]; then
    sms_id=3d0d7e5fb2ce288813306e4d4636395e047a3d28
    wal_id=$(printf 'HomeDomain-Library/SMS/sms.db-wal' | sha1sum | cut -c1-40)
    outside=$work/outside
    mkdir -p "$outside"
    cp "$demo_backup/3d/$sms_id" "$outside/$sms_id"
    cp "$demo_backup/Manifest.db" "$outside/Manifest.db"
    head -c 65536 /dev/urandom >"$outside/noise.bin"
    outside_before=$(cd "$outside" && ls -A && sha256sum ./*)
    backup() { # backup NAME: a fresh copy of the demo backup at $work/NAME
        rm -rf "${work:?}/$1"
        cp -a "$demo_backup" "$work/$1"
        chmod -R u+w "$work/$1"
    }
    backup linked-folder
    rm -r "$work/linked-folder/3d"
    ln -s "$outside" "$work/linked-folder/3d"
    run linked-folder 3 "$work/linked-folder"
    backup linked-manifest
    ln -sf "$outside/Manifest.db" "$work/linked-manifest/Manifest.db"
    run linked-manifest 3 "$work/linked-manifest"
    backup linked-manifest-wal
    ln -s "$outside/noise.bin" "$work/linked-manifest-wal/Manifest.db-wal"
    run linked-manifest-wal 3 "$work/linked-manifest-wal"
    backup linked-sms-wal
    mkdir -p "$work/linked-sms-wal/${wal_id:0:2}"
    ln -s "$outside/noise.bin" "$work/linked-sms-wal/${wal_id:0:2}/$wal_id"
    run linked-sms-wal 3 "$work/linked-sms-wal"
    backup sms-fifo
    rm "$work/sms-fifo/3d/$sms_id"
    mkfifo "$work/sms-fifo/3d/$sms_id"
    run sms-fifo 3 "$work/sms-fifo"
    backup sms-folder
    rm "$work/sms-folder/3d/$sms_id"
    mkdir "$work/sms-folder/3d/$sms_id"
    run sms-folder 3 "$work/sms-folder"
    backup upper-case-id
    python3 -c 'import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("UPDATE Files SET fileID = upper(fileID) WHERE relativePath = ?", ("Library/SMS/sms.db",))
db.commit()' "$work/upper-case-id/Manifest.db"
    run upper-case-id 3 "$work/upper-case-id"
    backup manifest-truncated
    head -c 5000 "$demo_backup/Manifest.db" >"$work/manifest-truncated/Manifest.db"
    run manifest-truncated 3 "$work/manifest-truncated"
    backup manifest-text
    printf 'not a database\n' >"$work/manifest-text/Manifest.db"
    run manifest-text 3 "$work/manifest-text"
    backup mbdb-random
    rm "$work/mbdb-random/Manifest.db"
    head -c 4096 /dev/urandom >"$work/mbdb-random/Manifest.mbdb"
    run mbdb-random 3 "$work/mbdb-random"
    backup mbdb-truncated
    rm "$work/mbdb-truncated/Manifest.db"
    printf 'mbdb\005\000\000\012HomeDomain\377' >"$work/mbdb-truncated/Manifest.mbdb"
    run mbdb-truncated 3 "$work/mbdb-truncated"
    backup linked-info
    ln -sf "$outside/noise.bin" "$work/linked-info/Info.plist"
    run linked-info 0 "$work/linked-info"
    grep -q 'warning: .*Info.plist' "$work/linked-info.err" && pass ||
        fail "linked-info: no warning about Info.plist"
    backup deep-manifest-plist
    python3 -c 'import sys
open(sys.argv[1], "w").write("<plist>" + "<array>" * 100000 + "</array>" * 100000 + "</plist>")' \
        "$work/deep-manifest-plist/Manifest.plist"
    run deep-manifest-plist 0 "$work/deep-manifest-plist"
    grep -q 'warning: .*Manifest.plist' "$work/deep-manifest-plist.err" && pass ||
        fail "deep-manifest-plist: no warning about Manifest.plist"
    backup random-status-plist
    head -c 8192 /dev/urandom >"$work/random-status-plist/Status.plist"
    run random-status-plist 0 "$work/random-status-plist"
    # An encrypted backup whose keybag is malformed: refused before any key derivation.
    encrypted=$fixtures/backup_encrypted
    if [ -f "$encrypted/Manifest.plist" ] && "$bubblescan" --help | grep -q -- '--password-file'; then
        rm -rf "$work/bad-keybag"
        cp -a "$encrypted" "$work/bad-keybag"
        chmod -R u+w "$work/bad-keybag"
        python3 - "$work/bad-keybag/Manifest.plist" <<'EOF'
import plistlib, sys
manifest = plistlib.load(open(sys.argv[1], 'rb'))
manifest['BackupKeyBag'] = b'VERS\x00\x00\x00\x04\x00\x00\x00\x05SALT\xff\xff\xff\xff'
manifest['ManifestKey'] = b'\x03\x00\x00\x00' + b'\x11' * 40
plistlib.dump(manifest, open(sys.argv[1], 'wb'), fmt=plistlib.FMT_BINARY)
EOF
        printf 'secret\n' >"$work/password.txt"
        run bad-keybag 3 "$work/bad-keybag" --password-file "$work/password.txt"
        grep -q 'keybag' "$work/bad-keybag.err" && pass ||
            fail "bad-keybag: the error does not say the keybag is bad"
    fi
    [ "$(cd "$outside" && ls -A && sha256sum ./*)" = "$outside_before" ] && pass ||
        fail "a file outside the backups changed"
    [ ! -e "$outside/Manifest.db-wal" ] && [ ! -e "$outside/Manifest.db-shm" ] && pass ||
        fail "files were created beside a linked Manifest.db"
fi

# ---- Hostile names on the command line: escaped in the error line
evil=$work/$'evil\x1b]0;title\x07\x1b[2J.db'
cp "$work/random.db" "$evil"
run evil-name 3 "$evil"
grep -q -F 'evil\x1B]0;title\x07\x1B[2J.db' "$work/evil-name.err" && pass ||
    fail "evil-name: the name is not shown escaped: $(od -c "$work/evil-name.err" | head -n 3)"

finish hostile
