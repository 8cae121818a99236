# The warning set of STYLE.md as an INTERFACE target, linked only to our own targets.
add_library(bs_warnings INTERFACE)
target_compile_options(bs_warnings INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wformat=2 -Wstrict-prototypes
    -Wmissing-prototypes -Wvla -Wcast-qual -Wwrite-strings -Wundef -Wimplicit-fallthrough
    -Werror=implicit-function-declaration)
if(BS_WERROR)
    target_compile_options(bs_warnings INTERFACE -Werror)
endif()
