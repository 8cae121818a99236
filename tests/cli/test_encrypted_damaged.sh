#!/usr/bin/env bash
# Damaged and unsupported encrypted backups (SPEC 2, 5, 6): each stops with exit 3 and one line
# that says what is wrong, before a password is asked when the backup cannot be opened anyway
# (no password is given here and stdin is not a terminal, which would be exit 4); a file other
# than the Messages database that cannot be decrypted is a warning and the scan goes on.
#   - an iOS 4-9 backup (Manifest.mbdb) whose Manifest.plist says IsEncrypted: refused;
#   - IsEncrypted true with no BackupKeyBag (fixtures/backup_encrypted);
#   - a Manifest.db from another backup (its ManifestKey does not fit), or a plain one, or
#     cut short, or its ciphertext corrupt;
#   - sms.db cut short (not whole AES blocks, or whole blocks that end in neither padding nor
#     whole pages), its padding broken, its ciphertext corrupt (the header page, later pages),
#     or swapped for another backup's sms.db; sms.db given another file's key (a wrong key);
#   - a wrong Size in sms.db's MBFile record: not an error, the size comes from the padding;
#   - sms.db not listed in Manifest.db (its key unknown), its MBFile record unreadable;
#   - the AddressBook's MBFile record unreadable: a warning, people shown by number.
# Usage: test_encrypted_damaged.sh BUBBLESCAN BUILD_DIR SOURCE_DIR
set -u
bubblescan=$1 build=$2
fixtures=$build/fixtures
password=$fixtures/backup_encrypted.password
generator=$build/tests/tools/make_encrypted_backup
command -v python3 >/dev/null || { echo "python3 missing (.ci/install-deps installs it)"; exit 1; }
[ -f "$password" ] && [ -x "$generator" ] || { echo "encrypted fixtures not built"; exit 1; }
. "$(dirname "${BASH_SOURCE[0]}")/harness.sh"
sms=3d/3d0d7e5fb2ce288813306e4d4636395e047a3d28

copy() { rm -rf "$work/$2" && cp -a "$fixtures/$1" "$work/$2" && chmod -R u+w "$work/$2"; }

# check LABEL EXIT TEXT [ARGS...]: scans $work/LABEL.
check() {
    local label=$1 want=$2 text=$3
    shift 3
    "$bubblescan" --quiet "$@" "$work/$label" </dev/null >/dev/null 2>"$work/err"
    local rc=$?
    [ $rc -eq "$want" ] && pass || fail "$label: exit $rc, want $want: $(cat "$work/err")"
    if [ -n "$text" ]; then
        grep -qF -- "$text" "$work/err" && pass || fail "$label: stderr lacks '$text': $(cat "$work/err")"
    fi
    [ -n "${VERBOSE:-}" ] && cat "$work/err"
    if [ "$want" -ne 0 ]; then
        [ "$(wc -l <"$work/err")" -eq 1 ] && pass || fail "$label: not one line: $(cat "$work/err")"
    fi
}

# Rewrites Files.file of one row of a plain Manifest.db (the iOS 10.0-10.1 form).
set_blob() { # FOLDER RELATIVE_PATH PYTHON_EXPRESSION (NULL, bytes, or DELETE)
    python3 - "$1/Manifest.db" "$2" "$3" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
if sys.argv[3] == "DELETE":
    db.execute("DELETE FROM Files WHERE relativePath = ?", (sys.argv[2],))
else:
    db.execute("UPDATE Files SET file = ? WHERE relativePath = ?", (eval(sys.argv[3]), sys.argv[2]))
db.commit()
db.close()
EOF
}

copy backup_legacy legacy
cp "$fixtures/backup_encrypted_demo/Manifest.plist" "$work/legacy/Manifest.plist"
check legacy 3 "an encrypted iOS 4-9 backup"

copy backup_encrypted no_keybag
check no_keybag 3 "holds no BackupKeyBag"

copy backup_encrypted_demo other_manifest
cp "$fixtures/backup_encrypted_unpadded/Manifest.db" "$work/other_manifest/Manifest.db"
check other_manifest 3 "Manifest.db does not decrypt to a SQLite database" --password-file "$password"

copy backup_encrypted_demo decrypted_manifest
cp "$fixtures/backup_demo/Manifest.db" "$work/decrypted_manifest/Manifest.db"
check decrypted_manifest 3 "was the backup decrypted by another tool?" --password-file "$password"

# Manifest.db damaged: cut short (not whole AES blocks), then its ciphertext corrupt (noise at
# the start of every page: the header page's schema, the Files pages).
copy backup_encrypted_demo short_manifest
truncate -s -1 "$work/short_manifest/Manifest.db"
check short_manifest 3 "Manifest.db" --password-file "$password"
copy backup_encrypted_demo corrupt_manifest
python3 - "$work/corrupt_manifest/Manifest.db" <<'EOF'
import os, sys
with open(sys.argv[1], "r+b") as f:
    for page in range(os.path.getsize(sys.argv[1]) // 4096):
        f.seek(page * 4096 + 32)
        f.write(bytes((page * 53 + i * 7) % 256 for i in range(64)))
EOF
check corrupt_manifest 3 "Manifest.db" --password-file "$password"

copy backup_encrypted_demo short_sms
truncate -s -1 "$work/short_sms/$sms"
check short_sms 3 "not a multiple of the 16-byte AES block" --password-file "$password"

# Whole blocks, but 1008 bytes short: neither padding nor whole pages at the end.
copy backup_encrypted_demo cut_sms
truncate -s -1008 "$work/cut_sms/$sms"
check cut_sms 3 "ends in neither valid padding nor whole database pages" --password-file "$password"

flip() { # FILE OFFSET: xors one byte with 0x5a
    python3 - "$1" "$2" <<'EOF'
import sys
with open(sys.argv[1], "r+b") as f:
    f.seek(int(sys.argv[2]))
    b = f.read(1)[0]
    f.seek(int(sys.argv[2]))
    f.write(bytes([b ^ 0x5A]))
EOF
}
# The pad broken: a flipped byte in the next-to-last ciphertext block flips the last byte of
# the last plaintext block.
copy backup_encrypted_demo bad_pad_sms
flip "$work/bad_pad_sms/$sms" $(($(stat -c %s "$work/bad_pad_sms/$sms") - 17))
check bad_pad_sms 3 "ends in neither valid padding nor whole database pages" \
    --password-file "$password"

# Corrupt ciphertext: the first page's b-tree header (bytes 96-127), then later pages.
copy backup_encrypted_demo corrupt_header_sms
for offset in 96 100 110 120; do flip "$work/corrupt_header_sms/$sms" $offset; done
check corrupt_header_sms 3 "corrupt" --password-file "$password"
copy backup_encrypted_demo corrupt_page_sms
python3 - "$work/corrupt_page_sms/$sms" <<'EOF'
import sys
with open(sys.argv[1], "r+b") as f:
    for page in range(1, 80):  # 64 noisy bytes near the start of every page from the second on
        f.seek(page * 4096 + 32)
        f.write(bytes((page * 37 + i * 11) % 256 for i in range(64)))
EOF
check corrupt_page_sms 3 "corrupt" --password-file "$password"

copy backup_encrypted_demo other_sms
cp "$fixtures/backup_encrypted_unpadded/$sms" "$work/other_sms/$sms"
check other_sms 3 "does not decrypt to a SQLite database with the key Manifest.db gives it" \
    --password-file "$password"

# A Manifest.db in plain SQLite lets the test edit the records (an iOS 10.0-10.1 backup).
rm -rf "$work/plain_manifest"
"$generator" --from "$fixtures/backup_demo" --out "$work/plain_manifest" \
    --password-file "$password" --seed 7 --plain-manifest-db >/dev/null || fail "generator failed"
check plain_manifest 0 "" --password-file "$password"

cp -a "$work/plain_manifest" "$work/unlisted_sms"
set_blob "$work/unlisted_sms" Library/SMS/sms.db DELETE
check unlisted_sms 3 "not listed in Manifest.db, so its key is unknown" --password-file "$password"

cp -a "$work/plain_manifest" "$work/bad_record"
set_blob "$work/bad_record" Library/SMS/sms.db "b'bplist00 not really'"
check bad_record 3 "its Manifest.db record (MBFile)" --password-file "$password"

cp -a "$work/plain_manifest" "$work/no_record"
set_blob "$work/no_record" Library/SMS/sms.db None
check no_record 3 "has no MBFile" --password-file "$password"

# A wrong key: sms.db's record carries the AddressBook's key, which unwraps fine.
cp -a "$work/plain_manifest" "$work/wrong_key_sms"
set_blob "$work/wrong_key_sms" Library/SMS/sms.db \
    "db.execute(\"SELECT file FROM Files WHERE relativePath = 'Library/AddressBook/AddressBook.sqlitedb'\").fetchone()[0]"
check wrong_key_sms 3 "does not decrypt to a SQLite database with the key Manifest.db gives it" \
    --password-file "$password"

# A wrong Size in sms.db's record (1 byte, then 1 TB): never trusted, the padding gives the
# size, so the scan reads the whole database as with the true one.
"$bubblescan" --quiet --all --password-file "$password" --csv "$work/size_want.csv" \
    "$work/plain_manifest" </dev/null >/dev/null 2>"$work/size_want.err" || fail "plain_manifest: no CSV"
grep -q "the Manifest records" "$work/size_want.err" && fail "a true Size was warned about" || pass
for bad_size in 1 1000000000000; do
    cp -a "$work/plain_manifest" "$work/size_$bad_size"
    python3 - "$work/size_$bad_size/Manifest.db" "$bad_size" <<'EOF' || fail "size_$bad_size: not rewritten"
import plistlib, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
path = "Library/SMS/sms.db"
archive = plistlib.loads(db.execute("SELECT file FROM Files WHERE relativePath = ?", (path,)).fetchone()[0])
records = [o for o in archive["$objects"] if isinstance(o, dict) and "Size" in o]
assert records, "no MBFile with a Size"
for record in records:
    record["Size"] = int(sys.argv[2])
db.execute("UPDATE Files SET file = ? WHERE relativePath = ?",
           (plistlib.dumps(archive, fmt=plistlib.FMT_BINARY), path))
db.commit()
EOF
    check "size_$bad_size" 0 "" --password-file "$password" --all --csv "$work/size_got.csv"
    cmp -s "$work/size_want.csv" "$work/size_got.csv" && pass ||
        fail "size_$bad_size: a wrong Size changed the results"
    # ... and the difference is told in one warning (reference/backup-format.md: warn only).
    grep -q "^bubblescan: warning: .*the Manifest records $bad_size bytes, the decrypted file holds" \
        "$work/err" && pass || fail "size_$bad_size: no warning: $(cat "$work/err")"
done

cp -a "$work/plain_manifest" "$work/bad_book"
set_blob "$work/bad_book" Library/AddressBook/AddressBook.sqlitedb "b'junk'"
check bad_book 0 "people are shown by number" --password-file "$password"
grep -q "^bubblescan: warning: .*AddressBook.sqlitedb could not be read" "$work/err" && pass ||
    fail "bad_book: no warning line: $(cat "$work/err")"

finish encrypted_damaged
