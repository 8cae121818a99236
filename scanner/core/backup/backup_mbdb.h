/*
 * Manifest.mbdb, the file list of iOS 4-9 backups: a pure parser of its bytes (no I/O), so
 * tests and the fuzzer feed it from memory. backup_manifest.c loads a backup's listing with it.
 */
#ifndef BS_CORE_BACKUP_MBDB_H
#define BS_CORE_BACKUP_MBDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/base/status.h"

/* One record of a Manifest.mbdb. Strings are borrowed from the parsed bytes, not
 * NUL-terminated, and NULL (length 0) when the record marks them absent (length 0xFFFF). */
struct bs_backup_mbdb_record {
    const char *domain;
    size_t domain_length;
    const char *path;
    size_t path_length;
    const char *link_target;
    size_t link_target_length;
    uint16_t mode; /* st_mode bits: 0x8000 file, 0x4000 folder, 0xA000 link */
    uint64_t size_bytes;
    uint8_t protection_class;
    bool has_encryption_key; /* the file is encrypted: the backup is */
};

/* Called once per record; a status other than BS_OK stops the parse and is returned. */
struct bs_backup_mbdb_visitor {
    enum bs_status (*on_record)(const struct bs_backup_mbdb_record *record, void *context,
                                struct bs_error *err);
    void *context;
};

/* Parses a Manifest.mbdb image ("mbdb" 05 00, then big-endian records: domain, path, link
 * target, digest, encryption key as u16-length strings, mode, inode, uid, gid, three times,
 * size, protection class, extended attributes) through the bounds-checked byte reader, calling
 * the visitor per record. BS_ERR_FORMAT for a bad header or a truncated record (the message
 * gives its offset); BS_ERR_LIMIT above BS_MAX_BACKUP_FILES records. */
enum bs_status bs_backup_mbdb_parse(const uint8_t *bytes, size_t size,
                                    const struct bs_backup_mbdb_visitor *visitor,
                                    struct bs_error *err);

#endif
