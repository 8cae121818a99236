/* The Manifest.mbdb parser of backup_mbdb.h, through the bounds-checked byte reader. */
#include "core/backup/backup_mbdb.h"

#include <string.h>

#include "core/base/byte_reader.h"
#include "core/base/limits.h"

/* A u16-length string or data item; 0xFFFF means absent (NULL, length 0). */
static bool read_item(struct bs_byte_reader *reader, const char **out, size_t *length)
{
    uint16_t size = 0;
    if (!bs_byte_reader_u16_be(reader, &size)) {
        return false;
    }
    if (size == 0xFFFF) {
        *out = NULL;
        *length = 0;
        return true;
    }
    const uint8_t *bytes = NULL;
    if (!bs_byte_reader_bytes(reader, size, &bytes)) {
        return false;
    }
    *out = (const char *)bytes;
    *length = size;
    return true;
}

static bool read_record(struct bs_byte_reader *reader, struct bs_backup_mbdb_record *record)
{
    const char *digest = NULL;
    const char *key = NULL;
    size_t digest_length = 0;
    size_t key_length = 0;
    uint64_t inode = 0;
    uint32_t ignored = 0;
    uint8_t xattr_count = 0;
    memset(record, 0, sizeof(*record));
    if (!read_item(reader, &record->domain, &record->domain_length) ||
        !read_item(reader, &record->path, &record->path_length) ||
        !read_item(reader, &record->link_target, &record->link_target_length) ||
        !read_item(reader, &digest, &digest_length) || !read_item(reader, &key, &key_length) ||
        !bs_byte_reader_u16_be(reader, &record->mode) || !bs_byte_reader_u64_be(reader, &inode)) {
        return false;
    }
    for (int i = 0; i < 5; i++) { /* uid, gid, modified, changed, created */
        if (!bs_byte_reader_u32_be(reader, &ignored)) {
            return false;
        }
    }
    if (!bs_byte_reader_u64_be(reader, &record->size_bytes) ||
        !bs_byte_reader_u8(reader, &record->protection_class) ||
        !bs_byte_reader_u8(reader, &xattr_count)) {
        return false;
    }
    for (unsigned i = 0; i < xattr_count; i++) {
        const char *name = NULL;
        const char *value = NULL;
        size_t name_length = 0;
        size_t value_length = 0;
        if (!read_item(reader, &name, &name_length) || !read_item(reader, &value, &value_length)) {
            return false;
        }
    }
    record->has_encryption_key = key != NULL && key_length > 0;
    return true;
}

enum bs_status bs_backup_mbdb_parse(const uint8_t *bytes, size_t size,
                                    const struct bs_backup_mbdb_visitor *visitor,
                                    struct bs_error *err)
{
    static const uint8_t magic[6] = {'m', 'b', 'd', 'b', 0x05, 0x00};
    struct bs_byte_reader reader;
    bs_byte_reader_init(&reader, bytes, size);
    const uint8_t *header = NULL;
    if (!bs_byte_reader_bytes(&reader, sizeof(magic), &header) ||
        memcmp(header, magic, sizeof(magic)) != 0) {
        return bs_error_set(err, BS_ERR_FORMAT,
                            "not a Manifest.mbdb (it must start with \"mbdb\" 05 00)");
    }
    size_t count = 0;
    while (bs_byte_reader_remaining(&reader) > 0) {
        size_t offset = reader.offset;
        struct bs_backup_mbdb_record record;
        if (!read_record(&reader, &record)) {
            return bs_error_set(err, BS_ERR_FORMAT, "record %zu at byte %zu is truncated",
                                count + 1, offset);
        }
        if (++count > BS_MAX_BACKUP_FILES) {
            return bs_error_set(err, BS_ERR_LIMIT, "more than %d records", BS_MAX_BACKUP_FILES);
        }
        enum bs_status status = visitor->on_record(&record, visitor->context, err);
        if (status != BS_OK) {
            return status;
        }
    }
    return BS_OK;
}
