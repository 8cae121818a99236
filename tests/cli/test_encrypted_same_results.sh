#!/usr/bin/env bash
# Same results (SPEC 6): scanning an encrypted fixture gives the same CSVs, byte for byte, as
# scanning the plain backup folder it was made from (every thread, and the Signal list), and
# the same JSON except where it must differ: the source path, backup.encrypted and the
# backup-encrypted finding in place of backup-unencrypted.
# Usage: test_encrypted_same_results.sh BUBBLESCAN BUILD_DIR SOURCE_DIR
set -u
bubblescan=$1 build=$2
fixtures=$build/fixtures
password=$fixtures/backup_encrypted.password
command -v python3 >/dev/null || { echo "python3 missing (.ci/install-deps installs it)"; exit 1; }
[ -f "$password" ] || { echo "encrypted fixtures not built"; exit 1; }
. "$(dirname "${BASH_SOURCE[0]}")/harness.sh"

scan() { # OUT SOURCE [ARGS...]
    local out=$1 source=$2
    shift 2
    mkdir -p "$out"
    "$bubblescan" --quiet --all "$@" --csv "$out/threads.csv" --signal "$out/signal.csv" \
        --json "$out/report.json" "$source" >"$out/summary.txt" 2>"$out/stderr.txt"
}

# Each twin and the plain folder it was made from (fixtures/backups/CMakeLists.txt).
twins="encrypted_demo=demo encrypted_wal=wal encrypted_unpadded=demo encrypted_ios10=wal
       encrypted_apps=apps"
for twin in $twins; do
    encrypted=backup_${twin%%=*} plain=backup_${twin##*=}
    scan "$work/$plain" "$fixtures/$plain" || { fail "$plain: exit $?"; continue; }
    scan "$work/$encrypted" "$fixtures/$encrypted" --password-file "$password" ||
        { fail "$encrypted: exit $?: $(cat "$work/$encrypted/stderr.txt")"; continue; }
    # The warnings name the folder scanned: the twin's name stands for the plain one's.
    sed -i "s/$encrypted/$plain/g" "$work/$encrypted/stderr.txt"
    for f in threads.csv signal.csv stderr.txt; do
        cmp -s "$work/$plain/$f" "$work/$encrypted/$f" && pass ||
            fail "$encrypted: $f differs from $plain's: $(diff "$work/$plain/$f" "$work/$encrypted/$f" | head -n 5)"
    done
    [ "$(wc -l <"$work/$encrypted/threads.csv")" -gt 1 ] && pass || fail "$encrypted: no threads"
    if python3 - "$work/$plain/report.json" "$work/$encrypted/report.json" <<'EOF'; then
import json, sys
plain, encrypted = (json.load(open(path)) for path in sys.argv[1:3])
problems = []
if plain["backup"]["encrypted"] is not False or encrypted["backup"]["encrypted"] is not True:
    problems.append("backup.encrypted is not false/true")
codes = lambda report: [f["code"] for f in report["findings"]]
if codes(encrypted) != ["backup-encrypted"] + codes(plain)[1:] or codes(plain)[0] != "backup-unencrypted":
    problems.append("findings: %s vs %s" % (codes(plain), codes(encrypted)))
# The plain backup's advice adds "encrypt-backup"; the rest is the same.
advice = lambda report: [a["code"] for a in report["advice"]]
if [a for a in advice(plain) if a != "encrypt-backup"] != advice(encrypted) or \
        "encrypt-backup" not in advice(plain):
    problems.append("advice: %s vs %s" % (advice(plain), advice(encrypted)))
# Who can read an app's plaintext databases: anyone with the folder, or whoever holds the
# backup and its password; the counts (JSON apps) are the same.
who = lambda report: [f["text"].replace("anyone with this folder",
                                        "whoever holds this backup and its password")
                      for f in report["findings"] if f["code"] == "app-data-at-rest"]
if who(plain) != who(encrypted):
    problems.append("app-data-at-rest: %s vs %s" % (who(plain), who(encrypted)))
for report in (plain, encrypted):
    report["findings"] = [f for f in report["findings"] if f["code"] != "app-data-at-rest"]
    del report["source"]["path"]
    del report["backup"]["encrypted"]
    report["findings"] = report["findings"][1:]
    report["advice"] = [a for a in report["advice"] if a["code"] != "encrypt-backup"]
for key in plain:
    if plain[key] != encrypted.get(key):
        problems.append("%s differs" % key)
if set(plain) != set(encrypted):
    problems.append("keys differ")
if problems:
    sys.exit("; ".join(problems))
EOF
        pass
    else
        fail "$encrypted: the JSON report differs from $plain's beyond the encryption"
    fi
done

finish encrypted_same_results
