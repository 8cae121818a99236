#!/usr/bin/env bash
# What the shipped binary holds: no fixture support (tests/tools/fixture_*.c) and none of the
# inverse operations it exists for. bubblescan decrypts and reads; it never encrypts, draws
# random keys or writes a plist, so no symbol of that kind may be defined or imported.
# Usage: check_shipped.sh path/to/bubblescan
set -u
binary="$1"
command -v nm >/dev/null || { echo "nm not found: skipped"; exit 77; }
[ -x "$binary" ] || { echo "FAIL: no binary at $binary"; exit 1; }
symbols=$(nm "$binary" 2>/dev/null; nm -D "$binary" 2>/dev/null)
failures=0
for pattern in ' T bs_fixture_' ' U RAND_bytes' ' U EVP_EncryptInit_ex' ' U EVP_EncryptUpdate' \
    'xml_to_binary'; do
    if grep -q -- "$pattern" <<<"$symbols"; then
        echo "FAIL: bubblescan holds '$pattern' (fixture-only code belongs in tests/tools)"
        failures=$((failures + 1))
    fi
done
echo "shipped: $((failures == 0)) passed, $failures failed"
[ $failures -eq 0 ]
