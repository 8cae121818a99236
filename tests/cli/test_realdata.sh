#!/usr/bin/env bash
# Scans the public real databases in ../shared/realdata (skipped when absent) and checks what
# PROVENANCE.md says of them. Usage: test_realdata.sh BUBBLESCAN BUILD_DIR SOURCE_DIR
set -u
bubblescan=$1
real=$3/../shared/realdata
[ -d "$real" ] || { echo "no ../shared/realdata: skipped"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0 passed=0
check() { # description, command...
    local what=$1
    shift
    if "$@"; then passed=$((passed + 1)); else echo "FAIL: $what"; failures=$((failures + 1)); fi
}
snapshot() { (cd "$1" && find . -printf '%p %m %s %T@\n' | sort && find . -type f -exec sha256sum {} + | sort); }

# iOS 13 (magnet CTF): 7 direct chats: 2 short codes, 3 SMS threads with people, 2 iMessage.
ios13=$real/magnet-ctf-ios13
before=$(snapshot "$ios13")
"$bubblescan" --quiet --all --csv "$work/ios13.csv" --signal "$work/ios13-signal.csv" \
    "$ios13/sms.db" >"$work/ios13.txt" 2>"$work/ios13.err"
check "iOS 13 exit 0" [ $? -eq 0 ]
check "iOS 13 folder unchanged" [ "$(snapshot "$ios13")" = "$before" ]
column() { awk -F, -v c="$1" 'NR > 1 { print $c }' "$2" | sort | uniq -c | awk '{ print $2 "=" $1 }' | tr '\n' ' '; }
check "iOS 13: 7 direct chats" [ "$(column 3 "$work/ios13.csv")" = "direct=7 " ]
check "iOS 13: risks 2 low, 3 medium, 2 none" \
    [ "$(column 5 "$work/ios13.csv")" = "low=2 medium=3 none=2 " ]
check "iOS 13: short codes 22000 and 40404 are the automated senders" \
    [ "$(awk -F, '$6 == "automated-sender" { print $1 ":" $4 }' "$work/ios13.csv" | sort | tr '\n' ' ')" = "11:40404 6:22000 " ]
check "iOS 13: SMS with people in chats 10, 28, 45" \
    [ "$(awk -F, '$5 == "medium" { print $1 }' "$work/ios13.csv" | sort -n | tr '\n' ' ')" = "10 28 45 " ]
check "iOS 13: iMessage threads 17 and 24" \
    [ "$(awk -F, '$7 == "imessage" { print $1 }' "$work/ios13.csv" | sort -n | tr '\n' ' ')" = "17 24 " ]
check "iOS 13: chat 28 has 49 messages, 5 of them MMS" \
    [ "$(awk -F, '$1 == 28 { print $11 "/" $14 }' "$work/ios13.csv")" = "49/5" ]
check "iOS 13: 105 messages scanned" grep -q "Scanned   105 messages in 7 threads" "$work/ios13.txt"
check "iOS 13: no note" [ ! -s "$work/ios13.err" ]

# macOS 15 era chat.db: 2 messages, no chats, no handles: a clean exit 0.
mac=$real/imessage-exporter-macos15
before=$(snapshot "$mac")
"$bubblescan" --quiet --csv "$work/mac.csv" "$mac/chat.db" >"$work/mac.txt" 2>&1
check "macOS 15 exit 0" [ $? -eq 0 ]
check "macOS 15: 2 messages, 0 threads" grep -q "Scanned   2 messages in 0 threads" "$work/mac.txt"
check "macOS 15 folder unchanged" [ "$(snapshot "$mac")" = "$before" ]

# iOS 14.3 stub sms.db inside the MVT backup: handle and message tables only -> exit 0 + notes.
stub=$real/mvt-ios14.3-backup/3d/3d0d7e5fb2ce288813306e4d4636395e047a3d28
if [ -f "$stub" ]; then
    before=$(snapshot "$real/mvt-ios14.3-backup")
    "$bubblescan" --quiet "$stub" >"$work/stub.txt" 2>"$work/stub.err"
    check "iOS 14.3 stub exit 0" [ $? -eq 0 ]
    check "iOS 14.3 stub: a note on stderr" grep -q "note: .*no chat table" "$work/stub.err"
    check "iOS 14.3 stub: the note in the summary" grep -q "no chat table" "$work/stub.txt"
    check "iOS 14.3 stub: 1 message of transport other" grep -q "other  *1  *100%" "$work/stub.txt"
    check "MVT backup unchanged" [ "$(snapshot "$real/mvt-ios14.3-backup")" = "$before" ]
fi
# The MVT backup folder itself (SPEC 2): no Manifest.plist, a WAL-mode Manifest.db with no -wal
# beside it, 11 of its 1,089 listed files present, one file (e7/e794...) without a row, and the
# stub sms.db. SPEC 2 makes the missing tables notes (exit 0) and SPEC 3.6 makes a backup with
# no Manifest.plist and a plain SQLite Manifest.db backup-unencrypted: a clean result. The folder
# is read-only as shipped; a writable copy is scanned too. Neither may change.
mvt=$real/mvt-ios14.3-backup
if [ -d "$mvt" ]; then
    before=$(snapshot "$mvt")
    mkdir "$work/tmp-mvt"
    TMPDIR=$work/tmp-mvt "$bubblescan" --quiet --all --csv "$work/mvt.csv" "$mvt" \
        >"$work/mvt.txt" 2>"$work/mvt.err"
    check "MVT backup folder exit 0" [ $? -eq 0 ]
    check "MVT backup: device facts from the binary Info.plist" \
        grep -q "^Device    iPhone: iPhone9,3, iOS 14.3 (18C66)$" "$work/mvt.txt"
    check "MVT backup: backup-unencrypted from the plain Manifest.db" \
        grep -q "backup-unencrypted: This backup is not encrypted (no Manifest.plist;" "$work/mvt.txt"
    check "MVT backup: adp-unknown" grep -q "adp-unknown:" "$work/mvt.txt"
    # Its WhatsApp group container holds ChatStorage.sqlite and ContactsV2.sqlite, plaintext
    # SQLite (SPEC 3.6); six more WhatsApp databases are listed but not shipped.
    check "MVT backup: app-data-at-rest for WhatsApp's plaintext databases" \
        grep -q "app-data-at-rest: WhatsApp keeps 2 plaintext SQLite databases" "$work/mvt.txt"
    check "MVT backup: the missing WhatsApp databases in one warning" \
        grep -q "6 WhatsApp databases listed in Manifest.db are missing" "$work/mvt.txt"
    check "MVT backup: no other finding" [ "$(grep -c '^  - [a-z-]*:' "$work/mvt.txt")" = 3 ]
    check "MVT backup: the stub's note on stderr" grep -q "note: .*no chat table" "$work/mvt.err"
    check "MVT backup: the missing files counted" \
        grep -q "warning: .*1,079 of the 1,089 files Manifest.db lists are missing" "$work/mvt.err"
    check "MVT backup: e7/e794... is not listed" \
        grep -q "warning: .*1 file in the folder is not listed in Manifest.db" "$work/mvt.err"
    check "MVT backup: 1 message of transport other" grep -q "other  *1  *100%" "$work/mvt.txt"
    check "MVT backup: no thread, so a CSV header only" [ "$(wc -l <"$work/mvt.csv")" -eq 1 ]
    check "MVT backup folder byte-identical, nothing created" [ "$(snapshot "$mvt")" = "$before" ]
    check "MVT backup: nothing left in TMPDIR" [ -z "$(ls -A "$work/tmp-mvt")" ]
    cp -a "$mvt" "$work/mvt-copy"
    chmod -R u+w "$work/mvt-copy"
    before=$(snapshot "$work/mvt-copy")
    TMPDIR=$work/tmp-mvt "$bubblescan" --quiet "$work/mvt-copy" >/dev/null 2>&1
    check "MVT backup, writable copy: exit 0" [ $? -eq 0 ]
    check "MVT backup, writable copy: unchanged" [ "$(snapshot "$work/mvt-copy")" = "$before" ]
    check "MVT backup, writable copy: nothing left in TMPDIR" [ -z "$(ls -A "$work/tmp-mvt")" ]
fi
echo "realdata: $passed passed, $failures failed"
[ $failures -eq 0 ]
