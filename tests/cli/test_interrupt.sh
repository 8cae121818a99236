#!/usr/bin/env bash
# Temporary files are gone after SIGINT or SIGTERM (SPEC 2, 4): a scan is stopped by a signal
# (1) while it reads a large WAL-mode database, whose private copy (database and WAL, in a
# mode-0700 folder under TMPDIR) exists at that moment, (2) while it writes a large CSV to
# a temporary name beside the target, and (3) in the middle of the message pass over a large
# synthetic database (fixtures/generator), where it must stop at the next batch of rows, within
# a second or two, not at the end of the scan. Afterwards TMPDIR and the output folder hold
# nothing (no output file appears), the source folder is byte-identical, and the exit status is
# 130 for SIGINT and 143 for SIGTERM. The databases are made once and kept in the build folder;
# a machine fast enough to finish before the signal gets a bigger one.
# Usage: test_interrupt.sh BUBBLESCAN BUILD_DIR SOURCE_DIR
set -u
bubblescan=$1 build=$2 source=$3
command -v python3 >/dev/null || { echo "python3 missing (.ci/install-deps installs it)"; exit 1; }
. "$(dirname "${BASH_SOURCE[0]}")/harness.sh"
cache=$build/tests/cli/interrupt
mkdir -p "$cache"

# make_db DIR MESSAGES CHATS: DIR/sms.db holds MESSAGES messages over CHATS chats, and DIR/sms.db-wal
# a quarter more that are only in the WAL (never checkpointed).
make_db() {
    python3 - "$@" <<'EOF'
import os, shutil, sqlite3, sys
folder, messages, chats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
shutil.rmtree(folder, ignore_errors=True)
os.makedirs(folder)
path = os.path.join(folder, 'sms.db')
db = sqlite3.connect(path)
db.executescript("""
    PRAGMA journal_mode = DELETE;
    CREATE TABLE handle (ROWID INTEGER PRIMARY KEY, id TEXT, service TEXT, country TEXT);
    CREATE TABLE chat (ROWID INTEGER PRIMARY KEY, guid TEXT, style INTEGER, display_name TEXT);
    CREATE TABLE chat_handle_join (chat_id INTEGER, handle_id INTEGER);
    CREATE TABLE message (ROWID INTEGER PRIMARY KEY, service TEXT, date INTEGER,
                          is_from_me INTEGER, handle_id INTEGER, item_type INTEGER);
    CREATE TABLE chat_message_join (chat_id INTEGER, message_id INTEGER,
                                    PRIMARY KEY (message_id, chat_id)) WITHOUT ROWID;
""")
def fill(first, count):
    db.execute("""
        WITH RECURSIVE n(i) AS (SELECT ?1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1 + ?2 - 1)
        INSERT INTO message SELECT i, CASE i % 3 WHEN 0 THEN 'iMessage' ELSE 'SMS' END,
                                   700000000000000000 + i * 1000000000, i % 2, i % ?3 + 1, 0
        FROM n""", (first, count, chats))
    db.execute("""
        INSERT INTO chat_message_join SELECT handle_id, ROWID FROM message
        WHERE ROWID BETWEEN ?1 AND ?1 + ?2 - 1""", (first, count))
db.execute("""
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
    INSERT INTO handle SELECT i, '+1555' || printf('%07d', i), 'SMS', 'us' FROM n""", (chats,))
db.execute("INSERT INTO chat SELECT ROWID, 'SMS;-;' || id, 45, NULL FROM handle")
db.execute("INSERT INTO chat_handle_join SELECT ROWID, ROWID FROM handle")
fill(1, messages)
db.commit()
db.close()
# The rest goes to the WAL only: no checkpoint, and the process ends without closing.
db = sqlite3.connect(path)
db.execute('PRAGMA journal_mode = WAL')
db.execute('PRAGMA wal_autocheckpoint = 0')
fill(messages + 1, messages // 4)
db.commit()
os.remove(path + '-shm')
sys.stdout.flush()
os._exit(0)
EOF
    [ -s "$1/sms.db-wal" ]
}

# interrupt SIGNAL TRIGGER DB OUT TMP [OPTIONS...]: starts a scan, sends SIGNAL as soon as
# TRIGGER holds ("private": the private copy of the WAL is complete, plus half a second;
# "output": a temporary output file exists; "scan": $DELAY seconds after the start, in the
# message pass of a database without WAL), and prints how the process ended and how long after
# the signal.
interrupt() {
    python3 - "$bubblescan" "$@" <<'EOF'
import os, signal, subprocess, sys, time
bubblescan, signame, trigger, db, out, tmp = sys.argv[1:7]
options = sys.argv[7:]
env = dict(os.environ, TMPDIR=tmp)
process = subprocess.Popen([bubblescan, '--quiet'] + options + [db], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wal_size = os.path.getsize(db + '-wal') if trigger == 'private' else 0
started = time.monotonic()
def ready():
    if trigger == 'scan':
        return time.monotonic() - started >= float(os.environ['DELAY'])
    if trigger == 'private':
        for entry in os.listdir(tmp):
            wal = os.path.join(tmp, entry, 'evidence.db-wal')
            if os.path.exists(wal) and os.path.getsize(wal) >= wal_size:
                time.sleep(0.5)
                return True
        return False
    return any(name.startswith('.') and '.bubblescan-' in name for name in os.listdir(out))
deadline = time.monotonic() + 600
sent = False
while process.poll() is None and time.monotonic() < deadline:
    try:
        if ready():
            # "SIGINT2": twice, 10 ms apart (signals of one kind pending together merge), so
            # the second comes before the scan reached its next batch, and the handler itself
            # removes every path the core registered and ends the process.
            for second in range(2 if signame.endswith('2') else 1):
                time.sleep(0.01 * second)
                process.send_signal(getattr(signal, signame.rstrip('2')))
            sent = time.monotonic()
            break
    except FileNotFoundError:
        pass  # the folder went away while it was being listed
    time.sleep(0.001)
_, err = process.communicate(timeout=600)
status = process.returncode
print('sent' if sent else 'not-sent', -status if status < 0 else 'exit-%d' % status,
      '%.2f' % (time.monotonic() - sent) if sent else '-')
sys.stderr.write(err.decode(errors='replace'))
EOF
}

snapshot() { (cd "$1" && find . -printf '%p %m %s\n' | sort && find . -type f -exec sha256sum {} + | sort); }

# check LABEL SIGNAL TRIGGER SOURCE_DIR [OPTIONS...]: one interrupted run; false when the scan
# ended before the signal could be sent (the database is too small for this machine). The scan
# reads SOURCE_DIR/sms.db; MAX_SECONDS (default 60) bounds the time from the signal to the end.
check() {
    local label=$1 sig=$2 trigger=$3 src=$4
    shift 4
    local want=exit-$((128 + $(kill -l "${sig%2}")))
    local out=$work/out-$label tmp=$work/tmp-$label
    rm -rf "$out" "$tmp"
    mkdir -p "$out" "$tmp"
    local before
    before=$(snapshot "$src")
    local result
    result=$(interrupt "$sig" "$trigger" "$src/sms.db" "$out" "$tmp" "$@" 2>"$work/$label.err")
    echo "$label: $result (signal sent, exit status, seconds from the signal to the end)"
    case $result in
    "not-sent exit-0 -") return 1 ;;
    "sent $want "*)
        # WHERE: the stop must have come from that part of the scan, else the signal was late.
        [ -z "${WHERE:-}" ] || grep -q "$WHERE: interrupted" "$work/$label.err" || return 1
        pass ;;
    *) fail "$label: ended with '$result', want $want: $(head -c 400 "$work/$label.err")" ;;
    esac
    local seconds=${result##* }
    case $seconds in
    [0-9]*) awk -v s="$seconds" -v m="${MAX_SECONDS:-60}" 'BEGIN { exit !(s <= m) }' && pass ||
        fail "$label: ended $seconds s after the signal, want at most ${MAX_SECONDS:-60} s" ;;
    esac
    [ -z "$(ls -A "$tmp")" ] && pass || fail "$label: left in TMPDIR: $(ls -AR "$tmp" | head -n 5)"
    [ -z "$(ls -A "$out")" ] && pass || fail "$label: left in the output folder: $(ls -A "$out")"
    [ "$(snapshot "$src")" = "$before" ] && pass || fail "$label: the source folder changed"
    grep -q -i 'sanitizer' "$work/$label.err" && fail "$label: sanitizer report" || pass
    return 0
}

# (1) during the scan of a WAL-mode database: its private copy must go.
messages=2000000
while :; do
    db=$cache/scan-$messages
    [ -s "$db/sms.db-wal" ] || make_db "$db" $messages 64 || { fail "making $db"; break; }
    check scan-int SIGINT private "$db" --csv "$work/out-scan-int/threads.csv" &&
        check scan-term SIGTERM private "$db" --csv "$work/out-scan-term/threads.csv" &&
        check scan-int-twice SIGINT2 private "$db" --csv "$work/out-scan-int-twice/t.csv" && break
    [ $messages -ge 32000000 ] && { fail "scans end before a signal can be sent"; break; }
    rm -rf "$db"
    messages=$((messages * 2))
done

# (2) while a large CSV is being written: the temporary output must go.
chats=300000
while :; do
    db=$cache/output-$chats
    [ -s "$db/sms.db-wal" ] || make_db "$db" $chats $chats || { fail "making $db"; break; }
    check output-term SIGTERM output "$db" --all --csv "$work/out-output-term/threads.csv" \
        --signal "$work/out-output-term/signal.csv" &&
        check output-int SIGINT output "$db" --all --csv "$work/out-output-int/threads.csv" \
            --signal "$work/out-output-int/signal.csv" && break
    [ $chats -ge 2400000 ] && { fail "outputs are written before a signal can be sent"; break; }
    rm -rf "$db"
    chats=$((chats * 2))
done

# (3) in the middle of the message pass over a large synthetic database without WAL: the scan
# stops at its next batch of rows (SQLite's progress handler checks the flag every 10,000
# steps), long before it would have ended. Both signals, with every output asked for.
generator=$build/fixtures/generator/make_synthetic_db
if [ -x "$generator" ]; then
    messages=300000
    while :; do
        db=$cache/synthetic-$messages
        if ! [ -s "$db/sms.db" ]; then
            rm -rf "$db" && mkdir -p "$db" &&
                "$generator" --quiet --ddl "$source/schema/ddl/macos26.sql" --messages $messages \
                    --seed 1 --out "$db/sms.db" || { fail "making $db"; break; }
        fi
        # Half of an uninterrupted scan's time on this machine, now: inside the message pass,
        # which is most of a scan, however loaded the machine is.
        seconds=$(python3 -c 'import subprocess, sys, time
t = time.monotonic()
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)
print("%.2f" % (time.monotonic() - t))' "$bubblescan" --quiet "$db/sms.db") ||
            { fail "scanning $db"; break; }
        export DELAY
        DELAY=$(awk -v s="$seconds" 'BEGIN { print s / 2 }')
        echo "synthetic-$messages: an uninterrupted scan takes $seconds s; signal after $DELAY s"
        outputs() { echo --all --csv "$work/out-$1/t.csv" --signal "$work/out-$1/s.csv" \
            --json "$work/out-$1/r.json" --html "$work/out-$1/r.html"; }
        # batch LABEL SIGNAL: up to three tries on this database (a loaded machine may be
        # slower or faster than the measure), each wanting the stop in the message pass.
        batch() {
            local try
            for try in 1 2 3; do
                # shellcheck disable=SC2046
                MAX_SECONDS=2 WHERE='reading messages' check "$1" "$2" scan "$db" \
                    $(outputs "$1") && return 0
                echo "$1: try $try stopped elsewhere: $(head -c 200 "$work/$1.err")"
            done
            return 1
        }
        batch batch-int SIGINT && batch batch-term SIGTERM && break
        [ $messages -ge 2400000 ] && { fail "synthetic scans end before a signal can be sent"; break; }
        rm -rf "$db"
        messages=$((messages * 2))
    done
else
    fail "no $generator"
fi

finish interrupt
