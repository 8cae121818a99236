#!/usr/bin/env bash
# The summary fits 80 columns (SPEC 4): no line of the expected stdout of any golden case is
# wider than 80 display columns (a wide character counts two, a combining mark none). Cases
# that write a machine-readable output to stdout ('-' as FILE) are not a summary and are left
# out. The help text is a golden case too, so it is held to the same width.
# Usage: test_summary_width.sh BUBBLESCAN BUILD_DIR SOURCE_DIR
set -u
source=$3
command -v python3 >/dev/null || { echo "python3 missing"; exit 1; }
python3 - "$source/tests/cli/cases" <<'PY'
import os
import sys
import unicodedata

def columns(line):
    width = 0
    for char in line:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width

cases = sys.argv[1]
passed = failed = 0
for case in sorted(os.listdir(cases)):
    folder = os.path.join(cases, case)
    stdout = os.path.join(folder, "expect.stdout")
    if not os.path.isfile(stdout):
        continue
    with open(os.path.join(folder, "args"), encoding="utf-8") as f:
        if "-" in f.read().splitlines():
            continue
    with open(stdout, encoding="utf-8", errors="replace") as f:
        for number, line in enumerate(f.read().splitlines(), 1):
            if columns(line) > 80:
                failed += 1
                print("FAIL: %s/expect.stdout:%d is %d columns: %s" % (case, number,
                                                                       columns(line), line))
            else:
                passed += 1
print("summary_width: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed or passed == 0 else 0)
PY
