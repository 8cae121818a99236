#!/usr/bin/env bash
# The shipped binary is hardened as cmake/Hardening.cmake asks, read back from the ELF file
# itself (what checksec reports): a position-independent executable, full RELRO (a GNU_RELRO
# segment and BIND_NOW), a non-executable stack, the stack protector (__stack_chk_fail) and
# FORTIFY_SOURCE (glibc's __*_chk functions) linked in. Skipped (77) without readelf, and in a
# build that is not hardened (sanitizer and fuzz builds, or BS_HARDEN=OFF).
# Usage: check_hardening.sh BUBBLESCAN HARDENED(ON|OFF)
set -u
binary=$1 hardened=$2
command -v readelf >/dev/null || { echo "readelf (binutils) not installed: skipped"; exit 77; }
case $hardened in
ON | on | 1 | TRUE | true) ;;
*) echo "not a hardened build (BS_HARDEN off, or a sanitizer/fuzz build): skipped"; exit 77 ;;
esac
failures=0
passed=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { passed=$((passed + 1)); }
header=$(readelf -h "$binary") || { echo "FAIL: readelf -h $binary"; exit 1; }
dynamic=$(readelf -d "$binary")
segments=$(readelf -lW "$binary")
symbols=$(readelf --dyn-syms -W "$binary")

# checksec-style summary, for the log.
echo "$header" | grep -E '^ *Type:'
echo "$dynamic" | grep -E '\((FLAGS|FLAGS_1|BIND_NOW)\)'
echo "$segments" | grep -E 'GNU_RELRO|GNU_STACK'
echo "$symbols" | grep -oE '__[a-z_]*(_chk|_chk_fail)\b' | sort -u | tr '\n' ' '
echo

echo "$header" | grep -qE '^ *Type: *DYN' && pass || fail "not PIE: ELF type is not DYN"
echo "$dynamic" | grep -qE '\(FLAGS_1\).*\bPIE\b' && pass || fail "not PIE: no PIE in FLAGS_1"
echo "$segments" | grep -q 'GNU_RELRO' && pass || fail "no GNU_RELRO segment (RELRO)"
echo "$dynamic" | grep -qE '\(BIND_NOW\)|\(FLAGS\).*\bBIND_NOW\b|\(FLAGS_1\).*\bNOW\b' && pass ||
    fail "no BIND_NOW: RELRO is partial, not full"
echo "$segments" | grep -E 'GNU_STACK' | grep -qE ' RW  ' && pass ||
    fail "the stack is executable (GNU_STACK is not RW)"
echo "$symbols" | grep -qw '__stack_chk_fail' && pass || fail "no __stack_chk_fail: no stack protector"
echo "$symbols" | grep -qE '\b__[a-z]+_chk\b' && pass ||
    fail "no __*_chk function: FORTIFY_SOURCE is not on"
echo "hardening: $passed passed, $failures failed"
[ "$failures" -eq 0 ]
