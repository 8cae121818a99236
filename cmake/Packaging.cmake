# The Debian package: `cpack -G DEB` in a build tree (the release preset's build/) makes
# bubblescan_<version>_<arch>.deb with the binary, the manual page and the README, its runtime
# dependencies computed by dpkg-shlibdeps from the binary (libsqlite3-0, libplist3,
# libpcre2-8-0, libcsv3, libssl3, libjansson4, libc6). tests/cli/test_package.sh builds it,
# unpacks it into a scratch root and scans the demo from there; lintian runs when installed.
# Only what scanner/ installs goes in: tests, tools and fixtures install nothing.
include(GNUInstallDirs)

# What Debian policy asks of every package: a gzip'd manual page and changelog (no time stamp
# in the gzip header, so the package is reproducible), and the copyright file.
set(BS_DEB_DIR "${PROJECT_BINARY_DIR}/debian")
add_custom_command(
    OUTPUT "${BS_DEB_DIR}/bubblescan.1.gz" "${BS_DEB_DIR}/changelog.gz"
    COMMAND "${CMAKE_COMMAND}" -E make_directory "${BS_DEB_DIR}"
    COMMAND gzip -9nc "${PROJECT_SOURCE_DIR}/scanner/cli/bubblescan.1" > "${BS_DEB_DIR}/bubblescan.1.gz"
    COMMAND gzip -9nc "${PROJECT_SOURCE_DIR}/cmake/debian/changelog" > "${BS_DEB_DIR}/changelog.gz"
    DEPENDS "${PROJECT_SOURCE_DIR}/scanner/cli/bubblescan.1" "${PROJECT_SOURCE_DIR}/cmake/debian/changelog"
    COMMENT "Compressing the manual page and changelog for the package")
add_custom_target(bs_package_docs ALL DEPENDS "${BS_DEB_DIR}/bubblescan.1.gz" "${BS_DEB_DIR}/changelog.gz")
install(FILES "${PROJECT_SOURCE_DIR}/README.md" "${PROJECT_SOURCE_DIR}/cmake/debian/copyright"
              "${BS_DEB_DIR}/changelog.gz"
        DESTINATION "${CMAKE_INSTALL_DOCDIR}")
install(FILES "${BS_DEB_DIR}/bubblescan.1.gz" DESTINATION "${CMAKE_INSTALL_MANDIR}/man1")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME bubblescan)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_CONTACT "bubblescan maintainers <maintainers@bubblescan.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "shows where iMessage encryption does not hold")
# The synopsis is CPACK_PACKAGE_DESCRIPTION_SUMMARY; this is the extended description, lines
# under 80 columns as Debian policy asks.
string(CONCAT CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "bubblescan reads the Messages database of an iPhone backup (plain or\n"
    "encrypted), a bare sms.db or a Mac's chat.db, and tells its owner, thread by\n"
    "thread, where end-to-end encryption does not hold: groups dropped to MMS by a\n"
    "member not on iMessage, SMS and RCS conversations, messages at rest in\n"
    "unencrypted backups and iCloud. It reads metadata only, never message text,\n"
    "never writes to the evidence, and writes a summary, CSV, JSON and HTML.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
include(CPack)
