# Hardening of every binary we build (BS_HARDEN, on by default; the sanitizer and fuzz builds
# turn it off: ASan replaces the checks FORTIFY adds and wants its own stack layout):
#   -D_FORTIFY_SOURCE=3   bounds-checked variants of memcpy, snprintf, read... (glibc 2.34+ and
#                         gcc 12 know level 3, which also covers sizes known only at run time;
#                         it needs optimisation, so a Debug build gets none)
#   -fstack-protector-strong  a canary in every function with a local array or address taken
#   PIE                   position-independent executables, so ASLR moves the code too
#   -z relro -z now       full RELRO: every symbol bound at start, then the GOT made read-only
# tests/lint/check_hardening.sh reads the result back from the binary with readelf.
option(BS_HARDEN "Build with FORTIFY_SOURCE, stack protector, PIE and full RELRO" ON)
# BS_HARDENED: whether this build is hardened (tests/lint skips its check when not).
set(BS_HARDENED ${BS_HARDEN})
if(BS_HARDEN AND (BS_SANITIZE OR BS_FUZZ))
    message(STATUS "Hardening is off in a sanitizer or fuzz build")
    set(BS_HARDENED OFF)
endif()
if(BS_HARDENED)
    include(CheckCSourceCompiles)
    include(CheckPIESupported)
    check_pie_supported(LANGUAGES C)
    set(CMAKE_POSITION_INDEPENDENT_CODE ON)
    set(CMAKE_REQUIRED_FLAGS "-O2 -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=3 -Werror")
    check_c_source_compiles("#include <string.h>
        int main(void) { return (int)strlen(\"x\"); }" BS_HAVE_FORTIFY_3)
    unset(CMAKE_REQUIRED_FLAGS)
    if(BS_HAVE_FORTIFY_3)
        set(bs_fortify 3)
    else()
        set(bs_fortify 2)
    endif()
    add_compile_options(-fstack-protector-strong
        "$<$<NOT:$<CONFIG:Debug>>:-U_FORTIFY_SOURCE;-D_FORTIFY_SOURCE=${bs_fortify}>")
    add_link_options(-Wl,-z,relro,-z,now)
endif()
