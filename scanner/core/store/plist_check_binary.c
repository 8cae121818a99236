/*
 * The binary half of plist_check.h: a bplist00 is read from its 32-byte trailer (offset and
 * reference widths, object count, top object, offset table), then every object libplist
 * would parse is visited depth first with an explicit stack, checking each marker, length,
 * offset and reference against the file before libplist forms a pointer from it.
 */
#include <inttypes.h>
#include <string.h>

#include "core/base/byte_reader.h"
#include "core/base/limits.h"
#include "core/store/plist_check.h"

#define BPLIST_TRAILER_BYTES 32

/* Object kinds: the high nibble of an object's marker byte. */
enum bplist_kind {
    BPLIST_SPECIAL = 0x0, /* 0x08 false, 0x09 true (libplist 2.2 rejects null and fill) */
    BPLIST_INT = 0x1,
    BPLIST_REAL = 0x2,
    BPLIST_DATE = 0x3,
    BPLIST_DATA = 0x4,
    BPLIST_ASCII = 0x5,
    BPLIST_UTF16 = 0x6,
    BPLIST_UID = 0x8,
    BPLIST_ARRAY = 0xA,
    BPLIST_SET = 0xC,
    BPLIST_DICT = 0xD
};

struct bplist_layout {
    const uint8_t *bytes;
    size_t size;
    unsigned offset_bytes; /* width of one offset-table entry, 1..8 */
    unsigned ref_bytes;    /* width of one object reference, 1..8 */
    uint64_t object_count;
    uint64_t top_index;
    size_t offset_table_at; /* also the end of the object area */
};

struct bplist_object {
    unsigned kind;     /* enum bplist_kind */
    unsigned info;     /* low nibble of the marker */
    uint64_t count;    /* elements, dict pairs, or string/data length */
    size_t content_at; /* offset of the first byte after the marker and length */
    size_t content_bytes;
};

/* Reads a big-endian unsigned integer of width 1..8 at bytes[at..at+width) of [0, size). */
static bool read_be_uint(const uint8_t *bytes, size_t size, size_t at, unsigned width,
                         uint64_t *out)
{
    if (at > size || width == 0 || width > 8) {
        return false;
    }
    struct bs_byte_reader reader;
    bs_byte_reader_init(&reader, bytes + at, size - at);
    const uint8_t *field = NULL;
    if (!bs_byte_reader_bytes(&reader, width, &field)) {
        return false;
    }
    uint64_t value = 0;
    for (unsigned i = 0; i < width; i++) {
        value = (value << 8) | field[i];
    }
    *out = value;
    return true;
}

static enum bs_status bplist_read_layout(const uint8_t *bytes, size_t size,
                                         struct bplist_layout *out, struct bs_error *err)
{
    if (size < BS_BPLIST_HEADER_BYTES + BPLIST_TRAILER_BYTES) {
        return bs_error_set(err, BS_ERR_FORMAT, "binary plist too short (%zu bytes)", size);
    }
    struct bs_byte_reader reader;
    bs_byte_reader_init(&reader, bytes + size - BPLIST_TRAILER_BYTES, BPLIST_TRAILER_BYTES);
    uint8_t offset_bytes = 0;
    uint8_t ref_bytes = 0;
    uint64_t object_count = 0;
    uint64_t top_index = 0;
    uint64_t offset_table_at = 0;
    /* Trailer: 5 unused bytes, sort version, offset width, reference width, object count,
     * top object, offset table offset. */
    if (!bs_byte_reader_skip(&reader, 6) || !bs_byte_reader_u8(&reader, &offset_bytes) ||
        !bs_byte_reader_u8(&reader, &ref_bytes) || !bs_byte_reader_u64_be(&reader, &object_count) ||
        !bs_byte_reader_u64_be(&reader, &top_index) ||
        !bs_byte_reader_u64_be(&reader, &offset_table_at)) {
        return bs_error_set(err, BS_ERR_INTERNAL, "binary plist trailer unreadable");
    }
    if (offset_bytes < 1 || offset_bytes > 8 || ref_bytes < 1 || ref_bytes > 8) {
        return bs_error_set(err, BS_ERR_FORMAT,
                            "binary plist trailer has offset width %u and reference width %u",
                            offset_bytes, ref_bytes);
    }
    if (object_count == 0 || top_index >= object_count) {
        return bs_error_set(err, BS_ERR_FORMAT,
                            "binary plist top object %" PRIu64 " of %" PRIu64 " objects", top_index,
                            object_count);
    }
    size_t table_end = size - BPLIST_TRAILER_BYTES;
    if (offset_table_at <= BS_BPLIST_HEADER_BYTES || offset_table_at >= table_end) {
        return bs_error_set(err, BS_ERR_FORMAT,
                            "binary plist offset table at %" PRIu64 " is outside the file",
                            offset_table_at);
    }
    if (object_count > (table_end - (size_t)offset_table_at) / offset_bytes) {
        return bs_error_set(err, BS_ERR_FORMAT,
                            "binary plist offset table of %" PRIu64 " objects runs past the end",
                            object_count);
    }
    out->bytes = bytes;
    out->size = size;
    out->offset_bytes = offset_bytes;
    out->ref_bytes = ref_bytes;
    out->object_count = object_count;
    out->top_index = top_index;
    out->offset_table_at = (size_t)offset_table_at;
    return BS_OK;
}

/* Decodes the marker and length of object index and checks that its content (including the
 * references of a container) lies inside the object area. */
static enum bs_status bplist_read_object(const struct bplist_layout *layout, uint64_t index,
                                         struct bplist_object *out, struct bs_error *err)
{
    uint64_t offset = 0;
    if (index >= layout->object_count ||
        !read_be_uint(layout->bytes, layout->size,
                      layout->offset_table_at + (size_t)index * layout->offset_bytes,
                      layout->offset_bytes, &offset)) {
        return bs_error_set(err, BS_ERR_FORMAT, "binary plist object %" PRIu64 " does not exist",
                            index);
    }
    if (offset < BS_BPLIST_HEADER_BYTES || offset >= layout->offset_table_at) {
        return bs_error_set(err, BS_ERR_FORMAT,
                            "binary plist object %" PRIu64 " starts outside the object area",
                            index);
    }
    struct bs_byte_reader reader;
    bs_byte_reader_init(&reader, layout->bytes + offset, layout->offset_table_at - offset);
    uint8_t marker = 0;
    if (!bs_byte_reader_u8(&reader, &marker)) {
        return bs_error_set(err, BS_ERR_INTERNAL, "binary plist marker unreadable");
    }
    unsigned kind = (unsigned)marker >> 4;
    unsigned info = (unsigned)marker & 0x0Fu;
    bool has_length = false;
    size_t unit_bytes = 1;
    size_t fixed_bytes = 0;
    bool valid = true;
    switch (kind) {
    case BPLIST_SPECIAL:
        valid = info == 0x8 || info == 0x9;
        break;
    case BPLIST_INT:
        valid = info <= 4; /* 1, 2, 4, 8 or 16 bytes */
        fixed_bytes = (size_t)1 << (info & 7u);
        break;
    case BPLIST_REAL:
        valid = info == 2 || info == 3;
        fixed_bytes = (size_t)1 << (info & 7u);
        break;
    case BPLIST_DATE:
        valid = info == 3;
        fixed_bytes = 8;
        break;
    case BPLIST_UID:
        valid = info <= 7;
        fixed_bytes = info + 1;
        break;
    case BPLIST_DATA:
    case BPLIST_ASCII:
        has_length = true;
        break;
    case BPLIST_UTF16:
        has_length = true;
        unit_bytes = 2;
        break;
    case BPLIST_ARRAY:
    case BPLIST_SET:
        has_length = true;
        unit_bytes = layout->ref_bytes;
        break;
    case BPLIST_DICT:
        has_length = true;
        unit_bytes = 2 * (size_t)layout->ref_bytes;
        break;
    default:
        valid = false;
        break;
    }
    if (!valid) {
        return bs_error_set(err, BS_ERR_FORMAT,
                            "binary plist object %" PRIu64 " has unsupported marker 0x%02x", index,
                            marker);
    }
    uint64_t count = 0;
    size_t content_bytes = fixed_bytes;
    if (has_length) {
        count = info;
        if (info == 0x0F) {
            /* The length follows as an integer object of 1, 2, 4 or 8 bytes. */
            uint8_t length_marker = 0;
            const uint8_t *field = NULL;
            if (!bs_byte_reader_u8(&reader, &length_marker) || (length_marker >> 4) != 0x1 ||
                (length_marker & 0x0Fu) > 3) {
                return bs_error_set(err, BS_ERR_FORMAT,
                                    "binary plist object %" PRIu64 " has a bad length", index);
            }
            unsigned width = 1u << (length_marker & 0x0Fu);
            if (!bs_byte_reader_bytes(&reader, width, &field)) {
                return bs_error_set(err, BS_ERR_FORMAT,
                                    "binary plist object %" PRIu64 " is truncated", index);
            }
            count = 0;
            for (unsigned i = 0; i < width; i++) {
                count = (count << 8) | field[i];
            }
        }
        if (count > bs_byte_reader_remaining(&reader) / unit_bytes) {
            return bs_error_set(err, BS_ERR_FORMAT,
                                "binary plist object %" PRIu64 " runs past the object area", index);
        }
        content_bytes = (size_t)count * unit_bytes;
    } else if (content_bytes > bs_byte_reader_remaining(&reader)) {
        return bs_error_set(err, BS_ERR_FORMAT,
                            "binary plist object %" PRIu64 " runs past the object area", index);
    }
    out->kind = kind;
    out->info = info;
    out->count = count;
    out->content_at = (size_t)offset + reader.offset;
    out->content_bytes = content_bytes;
    return BS_OK;
}

/* A container being walked: which of its references to follow next. */
struct bplist_frame {
    uint64_t index;     /* object index of the container */
    size_t refs_at;     /* offset of its first reference */
    uint64_t ref_count; /* references to follow (keys then values for a dict) */
    uint64_t key_count; /* leading references that are dict keys */
    uint64_t next_ref;
};

struct bplist_walk {
    const struct bplist_layout *layout;
    struct bplist_frame frames[BS_MAX_PLIST_DEPTH];
    size_t depth;
    size_t node_count;
    size_t expanded_bytes;
    bool has_wide_integers;
};

static bool utf16_has_nul(const uint8_t *units, size_t size_bytes)
{
    for (size_t i = 0; i + 1 < size_bytes; i += 2) {
        if (units[i] == 0 && units[i + 1] == 0) {
            return true;
        }
    }
    return false;
}

/* One reference followed: counts it, checks the object, and pushes a container. */
static enum bs_status bplist_visit(struct bplist_walk *walk, uint64_t index, bool is_key,
                                   struct bs_error *err)
{
    walk->node_count++;
    if (walk->node_count > BS_MAX_PLIST_NODES) {
        return bs_error_set(err, BS_ERR_LIMIT, "plist expands to more than %d values",
                            BS_MAX_PLIST_NODES);
    }
    struct bplist_object object;
    enum bs_status status = bplist_read_object(walk->layout, index, &object, err);
    if (status != BS_OK) {
        return status;
    }
    if (is_key && object.kind != BPLIST_ASCII && object.kind != BPLIST_UTF16) {
        return bs_error_set(err, BS_ERR_FORMAT, "binary plist dict key %" PRIu64 " is not a string",
                            index);
    }
    if (is_key && object.kind == BPLIST_UTF16 &&
        utf16_has_nul(walk->layout->bytes + object.content_at, object.content_bytes)) {
        /* libplist 2.2 asserts (aborts) reading a key whose text holds a NUL. */
        return bs_error_set(err, BS_ERR_FORMAT, "binary plist dict key %" PRIu64 " holds U+0000",
                            index);
    }
    switch (object.kind) {
    case BPLIST_INT:
        if (object.info == 4) {
            walk->has_wide_integers = true;
        }
        return BS_OK;
    case BPLIST_DATA:
    case BPLIST_ASCII:
    case BPLIST_UTF16:
        if (object.content_bytes > BS_MAX_PLIST_EXPANDED_BYTES - walk->expanded_bytes) {
            return bs_error_set(err, BS_ERR_LIMIT,
                                "plist expands to more than %zu bytes of strings and data",
                                (size_t)BS_MAX_PLIST_EXPANDED_BYTES);
        }
        walk->expanded_bytes += object.content_bytes;
        return BS_OK;
    case BPLIST_ARRAY:
    case BPLIST_SET:
    case BPLIST_DICT:
        break;
    default:
        return BS_OK;
    }
    for (size_t level = 0; level < walk->depth; level++) {
        if (walk->frames[level].index == index) {
            return bs_error_set(err, BS_ERR_FORMAT,
                                "binary plist object %" PRIu64 " contains itself", index);
        }
    }
    if (walk->depth == BS_MAX_PLIST_DEPTH) {
        return bs_error_set(err, BS_ERR_LIMIT, "plist nests deeper than %d levels",
                            BS_MAX_PLIST_DEPTH);
    }
    struct bplist_frame *frame = &walk->frames[walk->depth++];
    frame->index = index;
    frame->refs_at = object.content_at;
    frame->ref_count = object.kind == BPLIST_DICT ? 2 * object.count : object.count;
    frame->key_count = object.kind == BPLIST_DICT ? object.count : 0;
    frame->next_ref = 0;
    return BS_OK;
}

/* Walks everything libplist would parse, depth first with an explicit stack. Sets
 * *has_wide_integers when a 16-byte integer (an unsigned one >= 2^63) is present. */
enum bs_status bs_plist_check_binary(const uint8_t *bytes, size_t size, bool *has_wide_integers,
                                     struct bs_error *err)
{
    struct bplist_layout layout = {0};
    enum bs_status status = bplist_read_layout(bytes, size, &layout, err);
    if (status != BS_OK) {
        return status;
    }
    /* About 2.6 KB on the stack: a heap block this size costs more than the walk itself for
     * the small plists that dominate (Manifest.db rows). */
    struct bplist_walk walk_state = {0};
    struct bplist_walk *walk = &walk_state;
    walk->layout = &layout;
    status = bplist_visit(walk, layout.top_index, false, err);
    while (status == BS_OK && walk->depth > 0) {
        struct bplist_frame *frame = &walk->frames[walk->depth - 1];
        if (frame->next_ref == frame->ref_count) {
            walk->depth--;
            continue;
        }
        uint64_t ref_number = frame->next_ref++;
        bool is_key = ref_number < frame->key_count;
        uint64_t child = 0;
        /* In range: bplist_read_object checked the container's references. */
        if (!read_be_uint(bytes, layout.offset_table_at,
                          frame->refs_at + (size_t)ref_number * layout.ref_bytes, layout.ref_bytes,
                          &child)) {
            status = bs_error_set(err, BS_ERR_INTERNAL, "binary plist reference unreadable");
        } else if (child >= layout.object_count) {
            status =
                bs_error_set(err, BS_ERR_FORMAT,
                             "binary plist object %" PRIu64 " refers to missing object %" PRIu64,
                             frame->index, child);
        } else {
            status = bplist_visit(walk, child, is_key, err);
        }
    }
    if (status == BS_OK) {
        *has_wide_integers = walk->has_wide_integers;
    }
    return status;
}

bool bs_plist_is_binary(const uint8_t *bytes, size_t size)
{
    return size >= BS_BPLIST_MAGIC_BYTES &&
           memcmp(bytes, BS_BPLIST_MAGIC, BS_BPLIST_MAGIC_BYTES) == 0;
}

enum bs_status bs_plist_binary_top_is_wide_integer(const uint8_t *bytes, size_t size, bool *out,
                                                   struct bs_error *err)
{
    struct bplist_layout layout = {0};
    struct bplist_object object = {0};
    enum bs_status status = bplist_read_layout(bytes, size, &layout, err);
    if (status == BS_OK) {
        status = bplist_read_object(&layout, layout.top_index, &object, err);
    }
    if (status == BS_OK) {
        *out = object.kind == BPLIST_INT && object.info == 4;
    }
    return status;
}

enum bs_status bs_plist_binary_top_date(const uint8_t *bytes, size_t size, double *out,
                                        struct bs_error *err)
{
    struct bplist_layout layout = {0};
    struct bplist_object object = {0};
    uint64_t bits = 0;
    enum bs_status status = bplist_read_layout(bytes, size, &layout, err);
    if (status == BS_OK) {
        status = bplist_read_object(&layout, layout.top_index, &object, err);
    }
    if (status == BS_OK &&
        (object.kind != BPLIST_DATE ||
         !read_be_uint(layout.bytes, layout.size, object.content_at, 8, &bits))) {
        status = bs_error_set(err, BS_ERR_FORMAT, "the top object is not a date");
    }
    if (status == BS_OK) {
        memcpy(out, &bits, sizeof(*out));
    }
    return status;
}
