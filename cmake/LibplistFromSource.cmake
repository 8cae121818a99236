# libplist built from its source tree (BS_LIBPLIST_SOURCE_DIR: Debian's libplist 2.2 as
# tests/fuzz/fetch_libplist.sh unpacks it) as a static library compiled with the flags of
# everything else, so that under the fuzz preset libplist's own parsers get coverage feedback
# and AddressSanitizer sees their overreads. Only the C library (src/*.c without the C++
# wrappers, and libcnary); configured by hand for glibc instead of running its autotools.
set(plist_dir "${BS_LIBPLIST_SOURCE_DIR}")
add_library(bs_libplist_instrumented STATIC
    "${plist_dir}/src/base64.c" "${plist_dir}/src/bytearray.c" "${plist_dir}/src/hashtable.c"
    "${plist_dir}/src/ptrarray.c" "${plist_dir}/src/time64.c" "${plist_dir}/src/plist.c"
    "${plist_dir}/src/bplist.c" "${plist_dir}/src/xplist.c"
    "${plist_dir}/libcnary/node.c" "${plist_dir}/libcnary/node_list.c")
target_include_directories(bs_libplist_instrumented SYSTEM
    PUBLIC "${plist_dir}/include"
    PRIVATE "${plist_dir}/src" "${plist_dir}/libcnary/include")
target_compile_definitions(bs_libplist_instrumented PRIVATE
    _GNU_SOURCE HAVE_MEMMEM HAVE_STRPTIME HAVE_TM_TM_GMTOFF HAVE_TM_TM_ZONE HAVE_LOCALTIME_R
    HAVE_GMTIME_R)
# Its own code, its own dialect: GNU C, no warnings of ours.
set_target_properties(bs_libplist_instrumented PROPERTIES C_STANDARD 99 C_EXTENSIONS ON)
target_compile_options(bs_libplist_instrumented PRIVATE -w)
