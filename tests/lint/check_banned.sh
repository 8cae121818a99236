#!/usr/bin/env bash
# Functions STYLE.md bans from shipped code, and placeholders that must not ship.
set -u
cd "$1/scanner" || exit 1
failures=0
if grep -nE '\b(sprintf|vsprintf|strcpy|strcat|strncpy|strncat|strtok|atoi|atol|atof|gets|sscanf|alloca)\s*\(' \
    core/*/*.[ch] cli/*.[ch]; then
    echo "FAIL: banned function"
    failures=$((failures + 1))
fi
if grep -nE 'TODO|FIXME|XXX|not (yet )?implemented' core/*/*.[ch] cli/*.[ch]; then
    echo "FAIL: placeholder"
    failures=$((failures + 1))
fi
echo "banned: $((failures == 0)) passed, $failures failed"
[ $failures -eq 0 ]
