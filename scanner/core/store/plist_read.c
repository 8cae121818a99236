/*
 * The libplist 2.2 adapter of plist_read.h.
 *
 * Three stages, in this order:
 * 1. A pre-check of the raw bytes, because libplist 2.2 trusts them: its binary parser and
 *    plist_free recurse with no depth limit (about 100k nested arrays overflow an 8 MB stack),
 *    it copies an object at every reference (a small file can expand to billions of nodes),
 *    and it forms pointers from untrusted offsets before range-checking them. The binary check
 *    reads the trailer and walks the object graph iteratively with a fixed stack of
 *    BS_MAX_PLIST_DEPTH frames, validating every offset, length and reference it follows. The
 *    XML check tokenises the text the way libplist's XML parser does and counts open containers.
 * 2. libplist parses the bytes (plist_from_bin / plist_from_xml return void: NULL = failure).
 * 3. The libplist tree is copied into our own value tree and freed. Nothing here recurses:
 *    copying and freeing walk with fixed stacks of BS_MAX_PLIST_DEPTH frames, and the copy
 *    checks the depth again. Known libplist 2.2 aborts are refused in stage 1 as well: a dict
 *    key holding a NUL (plist_get_key_val asserts on it).
 */
#include "core/store/plist_read.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <plist/plist.h>

#include "core/base/byte_reader.h"
#include "core/base/limits.h"
#include "core/base/text.h"

struct plist_entry;

struct bs_plist_value {
    enum bs_plist_type type;
    bool is_unsigned; /* integer stored as unsigned and >= 2^63 */
    union {
        bool boolean;
        uint64_t integer_bits; /* two's complement unless is_unsigned */
        double real;
        double date_seconds_since_2001;
        uint64_t uid;
        char *string; /* owned, NUL-terminated */
        struct {
            uint8_t *bytes; /* owned, never NULL */
            size_t size;
        } data;
        struct {
            struct bs_plist_value *items; /* owned */
            size_t count;
        } array;
        struct {
            struct plist_entry *entries; /* owned */
            size_t count;
        } dict;
    } as;
};

struct plist_entry {
    char *key; /* owned */
    struct bs_plist_value value;
};

struct bs_plist {
    struct bs_plist_value root;
};

/* ---- Binary plist pre-check ---------------------------------------------------------------- */

#define BPLIST_MAGIC         "bplist"
#define BPLIST_MAGIC_BYTES   6
#define BPLIST_HEADER_BYTES  8
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
    if (size < BPLIST_HEADER_BYTES + BPLIST_TRAILER_BYTES) {
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
    if (offset_table_at <= BPLIST_HEADER_BYTES || offset_table_at >= table_end) {
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
    if (offset < BPLIST_HEADER_BYTES || offset >= layout->offset_table_at) {
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
static enum bs_status bplist_check(const uint8_t *bytes, size_t size, bool *has_wide_integers,
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

/* ---- XML plist pre-check ------------------------------------------------------------------- */

/* Tokenising follows libplist 2.2's XML parser, including where it skips double-quoted text
 * (inside tags, <?...?> and <!DOCTYPE ...>), so that every <dict>/<array> libplist opens is
 * seen here and no close tag is counted that libplist would not see. */

static bool xml_starts_with(const char *text, size_t size, size_t at, const char *prefix)
{
    size_t length = strlen(prefix);
    return size - at >= length && memcmp(text + at, prefix, length) == 0;
}

/* Moves *at (on a double quote) to the closing quote; false when there is none. */
static bool xml_skip_quoted(const char *text, size_t size, size_t *at)
{
    const char *close = memchr(text + *at + 1, '"', size - *at - 1);
    if (close == NULL) {
        return false;
    }
    *at = (size_t)(close - text);
    return true;
}

/* Sets *at to the first occurrence of needle at or after *at. */
static bool xml_find_text(const char *text, size_t size, size_t *at, const char *needle,
                          bool skip_quotes)
{
    size_t length = strlen(needle);
    size_t pos = *at;
    while (pos <= size && size - pos >= length) {
        if (memcmp(text + pos, needle, length) == 0) {
            *at = pos;
            return true;
        }
        if (skip_quotes && text[pos] == '"' && !xml_skip_quoted(text, size, &pos)) {
            return false;
        }
        pos++;
    }
    return false;
}

/* Sets *at to the first byte at or after *at that is one of chars. */
static bool xml_find_any(const char *text, size_t size, size_t *at, const char *chars,
                         bool skip_quotes)
{
    for (size_t pos = *at; pos < size; pos++) {
        if (skip_quotes && text[pos] == '"' && !xml_skip_quoted(text, size, &pos)) {
            return false;
        }
        if (text[pos] != '\0' && strchr(chars, text[pos]) != NULL) {
            *at = pos;
            return true;
        }
    }
    return false;
}

static bool xml_name_is(const char *name, size_t length, const char *expected)
{
    return length == strlen(expected) && memcmp(name, expected, length) == 0;
}

struct xml_scan {
    uint64_t dict_levels; /* bit d set when the container at depth d + 1 is a dict */
    size_t depth;
    size_t node_count;
};

static enum bs_status xml_tag(struct xml_scan *scan, const char *name, size_t length, bool is_empty,
                              struct bs_error *err)
{
    bool is_dict = xml_name_is(name, length, "dict");
    if (is_dict || xml_name_is(name, length, "array")) {
        scan->node_count++;
        if (!is_empty) {
            if (scan->depth == BS_MAX_PLIST_DEPTH) {
                return bs_error_set(err, BS_ERR_LIMIT, "plist nests deeper than %d levels",
                                    BS_MAX_PLIST_DEPTH);
            }
            uint64_t bit = (uint64_t)1 << scan->depth;
            scan->dict_levels = is_dict ? scan->dict_levels | bit : scan->dict_levels & ~bit;
            scan->depth++;
        }
    } else if (xml_name_is(name, length, "/dict") || xml_name_is(name, length, "/array")) {
        bool closes_dict = name[1] == 'd';
        if (scan->depth == 0 ||
            ((scan->dict_levels >> (scan->depth - 1)) & 1u) != (closes_dict ? 1u : 0u)) {
            return bs_error_set(err, BS_ERR_FORMAT, "XML plist has an unmatched <%.*s>",
                                (int)length, name);
        }
        scan->depth--;
    } else if (length > 0 && name[0] != '/') {
        scan->node_count++;
    }
    if (scan->node_count > BS_MAX_PLIST_NODES) {
        return bs_error_set(err, BS_ERR_LIMIT, "plist holds more than %d values",
                            BS_MAX_PLIST_NODES);
    }
    return BS_OK;
}

static enum bs_status xml_check(const char *text, size_t size, struct bs_error *err)
{
    struct xml_scan scan = {0};
    size_t at = 0;
    if (memchr(text, '\0', size) != NULL) {
        /* Not allowed in XML, and libplist 2.2 asserts (aborts) on a key that holds one. */
        return bs_error_set(err, BS_ERR_FORMAT, "XML plist contains a NUL byte");
    }
    while (at < size) {
        const char *open = memchr(text + at, '<', size - at);
        if (open == NULL) {
            break;
        }
        at = (size_t)(open - text) + 1;
        bool found = true;
        if (at < size && text[at] == '?') {
            found = xml_find_text(text, size, &at, "?>", true);
            at += 2;
        } else if (xml_starts_with(text, size, at, "!--")) {
            at += 3;
            found = xml_find_text(text, size, &at, "-->", false);
            at += 3;
        } else if (xml_starts_with(text, size, at, "![CDATA[")) {
            at += 8;
            found = xml_find_text(text, size, &at, "]]>", false);
            at += 3;
        } else if (xml_starts_with(text, size, at, "!DOCTYPE")) {
            at += 8;
            found = xml_find_any(text, size, &at, "[>", true);
            if (found && text[at] == '[') {
                found = xml_find_text(text, size, &at, "]>", true);
                at++;
            }
            at++;
        } else if (at < size && text[at] == '!') {
            return bs_error_set(err, BS_ERR_FORMAT, "XML plist has unsupported <! markup");
        } else {
            size_t name_at = at;
            found = xml_find_any(text, size, &at, " \r\n\t<>", false);
            size_t name_end = at;
            if (found && text[at] != '>') {
                found = xml_find_any(text, size, &at, "<>", true);
            }
            if (found && text[at] != '>') {
                return bs_error_set(err, BS_ERR_FORMAT, "XML plist has a tag without '>'");
            }
            if (found) {
                /* text[name_at - 1] is '<', so a '/' before '>' is at or after name_at. */
                bool is_empty = text[at - 1] == '/';
                size_t length = name_end - name_at;
                if (is_empty && at - 1 - name_at < length) {
                    length = at - 1 - name_at; /* "<array/>": the '/' ended the name */
                }
                enum bs_status status = xml_tag(&scan, text + name_at, length, is_empty, err);
                if (status != BS_OK) {
                    return status;
                }
                at++;
            }
        }
        if (!found) {
            return bs_error_set(err, BS_ERR_FORMAT, "XML plist ends inside markup");
        }
    }
    return BS_OK;
}

/* ---- Conversion from libplist -------------------------------------------------------------- */

/* Both walks below are iterative with a fixed stack of BS_MAX_PLIST_DEPTH containers: the
 * pre-check already capped the depth, convert_tree checks it again, so no tree we build is
 * deeper and no walk recurses. */

struct convert_context {
    /* An integer >= 2^63 may be an unsigned one; libplist 2.2 has no getter for that, so it is
     * asked by serialising the node (rare: only such integers, only when this is set). */
    bool may_hold_wide_integers;
};

static size_t container_count(const struct bs_plist_value *value)
{
    switch (value->type) {
    case BS_PLIST_ARRAY:
        return value->as.array.count;
    case BS_PLIST_DICT:
        return value->as.dict.count;
    default:
        return 0;
    }
}

/* Frees what a value owns except the children of a container (its own arrays included). */
static void value_release(struct bs_plist_value *value)
{
    switch (value->type) {
    case BS_PLIST_STRING:
        free(value->as.string);
        break;
    case BS_PLIST_DATA:
        free(value->as.data.bytes);
        break;
    case BS_PLIST_ARRAY:
        free(value->as.array.items);
        break;
    case BS_PLIST_DICT:
        free(value->as.dict.entries);
        break;
    default:
        break;
    }
    memset(value, 0, sizeof(*value));
}

/* Frees everything root owns, depth first; root is left zeroed. */
static void value_clear(struct bs_plist_value *root)
{
    struct clear_frame {
        struct bs_plist_value *value;
        size_t next_child;
    } frames[BS_MAX_PLIST_DEPTH];
    size_t depth = 0;
    struct bs_plist_value *value = root;
    while (value != NULL) {
        if (container_count(value) > 0 && depth < BS_MAX_PLIST_DEPTH) {
            frames[depth].value = value;
            frames[depth].next_child = 0;
            depth++;
        } else {
            value_release(value); /* a leaf, or an empty container */
        }
        value = NULL;
        while (value == NULL && depth > 0) {
            struct clear_frame *frame = &frames[depth - 1];
            struct bs_plist_value *parent = frame->value;
            if (frame->next_child == container_count(parent)) {
                value_release(parent);
                depth--;
            } else if (parent->type == BS_PLIST_ARRAY) {
                value = &parent->as.array.items[frame->next_child++];
            } else {
                struct plist_entry *entry = &parent->as.dict.entries[frame->next_child++];
                free(entry->key);
                entry->key = NULL;
                value = &entry->value;
            }
        }
    }
}

/* True when libplist holds node (an integer) as unsigned: its binary form is 16 bytes. */
static enum bs_status integer_is_unsigned(plist_t node, bool *out, struct bs_error *err)
{
    char *encoded = NULL;
    uint32_t encoded_size = 0;
    plist_to_bin(node, &encoded, &encoded_size);
    if (encoded == NULL) {
        return bs_error_set(err, BS_ERR_NOMEM, "out of memory reading a plist integer");
    }
    struct bplist_layout layout = {0};
    struct bplist_object object = {0};
    enum bs_status status =
        bplist_read_layout((const uint8_t *)encoded, encoded_size, &layout, err);
    if (status == BS_OK) {
        status = bplist_read_object(&layout, layout.top_index, &object, err);
    }
    if (status == BS_OK) {
        *out = object.kind == BPLIST_INT && object.info == 4;
    } else {
        status = bs_error_set(err, BS_ERR_INTERNAL, "libplist wrote an unreadable integer");
    }
    free(encoded);
    return status;
}

/* The seconds since 2001 a date node holds. libplist 2.2's plist_get_date_val converts the
 * stored double to int32_t without a range check: undefined behaviour for a date before 1933
 * or after 2069, which a hostile plist holds with a few bytes (UBSan reports it once libplist
 * is instrumented, tests/fuzz). The double is read from the node's binary form instead, as
 * integer_is_unsigned reads an integer's width. */
static enum bs_status date_seconds(plist_t node, double *out, struct bs_error *err)
{
    char *encoded = NULL;
    uint32_t encoded_size = 0;
    plist_to_bin(node, &encoded, &encoded_size);
    if (encoded == NULL) {
        return bs_error_set(err, BS_ERR_NOMEM, "out of memory reading a plist date");
    }
    struct bplist_layout layout = {0};
    struct bplist_object object = {0};
    uint64_t bits = 0;
    enum bs_status status =
        bplist_read_layout((const uint8_t *)encoded, encoded_size, &layout, err);
    if (status == BS_OK) {
        status = bplist_read_object(&layout, layout.top_index, &object, err);
    }
    if (status != BS_OK || object.kind != BPLIST_DATE ||
        !read_be_uint(layout.bytes, layout.size, object.content_at, 8, &bits)) {
        status = bs_error_set(err, BS_ERR_INTERNAL, "libplist wrote an unreadable date");
    } else {
        memcpy(out, &bits, sizeof(*out));
    }
    free(encoded);
    return status;
}

/* Copies a scalar node into *out (zeroed), or starts a container: sets its type and allocates
 * room for its children, which convert_tree then fills. */
static enum bs_status convert_value(plist_t node, const struct convert_context *context,
                                    struct bs_plist_value *out, struct bs_error *err)
{
    switch (plist_get_node_type(node)) {
    case PLIST_ARRAY: {
        uint32_t count = plist_array_get_size(node);
        out->type = BS_PLIST_ARRAY;
        if (count > 0) {
            out->as.array.items = calloc(count, sizeof(*out->as.array.items));
            if (out->as.array.items == NULL) {
                return bs_error_set(err, BS_ERR_NOMEM, "out of memory copying a plist array");
            }
        }
        return BS_OK;
    }
    case PLIST_DICT: {
        uint32_t count = plist_dict_get_size(node);
        out->type = BS_PLIST_DICT;
        if (count > 0) {
            out->as.dict.entries = calloc(count, sizeof(*out->as.dict.entries));
            if (out->as.dict.entries == NULL) {
                return bs_error_set(err, BS_ERR_NOMEM, "out of memory copying a plist dict");
            }
        }
        return BS_OK;
    }
    case PLIST_BOOLEAN: {
        uint8_t flag = 0;
        plist_get_bool_val(node, &flag);
        out->type = BS_PLIST_BOOLEAN;
        out->as.boolean = flag != 0;
        return BS_OK;
    }
    case PLIST_UINT: {
        /* 2.2 has one integer type; negative numbers come back as two's complement. */
        uint64_t bits = 0;
        bool is_unsigned = false;
        plist_get_uint_val(node, &bits);
        if (bits > (uint64_t)INT64_MAX && context->may_hold_wide_integers) {
            enum bs_status status = integer_is_unsigned(node, &is_unsigned, err);
            if (status != BS_OK) {
                return status;
            }
        }
        out->type = BS_PLIST_INTEGER;
        out->as.integer_bits = bits;
        out->is_unsigned = is_unsigned;
        return BS_OK;
    }
    case PLIST_REAL: {
        double real = 0.0;
        plist_get_real_val(node, &real);
        out->type = BS_PLIST_REAL;
        out->as.real = real;
        return BS_OK;
    }
    case PLIST_DATE: {
        double seconds = 0.0;
        enum bs_status status = date_seconds(node, &seconds, err);
        if (status != BS_OK) {
            return status;
        }
        out->type = BS_PLIST_DATE;
        out->as.date_seconds_since_2001 = seconds;
        return BS_OK;
    }
    case PLIST_UID: {
        uint64_t uid = 0;
        plist_get_uid_val(node, &uid);
        out->type = BS_PLIST_UID;
        out->as.uid = uid;
        return BS_OK;
    }
    case PLIST_STRING: {
        uint64_t length = 0;
        const char *text = plist_get_string_ptr(node, &length); /* borrowed from libplist */
        if (text == NULL) {
            return bs_error_set(err, BS_ERR_INTERNAL, "libplist string without text");
        }
        out->type = BS_PLIST_STRING;
        out->as.string = bs_strndup_bounded(text, length > BS_MAX_STRING_BYTES ? BS_MAX_STRING_BYTES
                                                                               : (size_t)length);
        if (out->as.string == NULL) {
            return bs_error_set(err, BS_ERR_NOMEM, "out of memory copying a plist string");
        }
        return BS_OK;
    }
    case PLIST_DATA: {
        uint64_t size = 0;
        const char *bytes = plist_get_data_ptr(node, &size); /* borrowed from libplist */
        if (size > BS_MAX_PLIST_EXPANDED_BYTES || (bytes == NULL && size > 0)) {
            return bs_error_set(err, BS_ERR_LIMIT, "plist data of %" PRIu64 " bytes", size);
        }
        out->type = BS_PLIST_DATA;
        out->as.data.bytes = malloc(size > 0 ? (size_t)size : 1);
        if (out->as.data.bytes == NULL) {
            return bs_error_set(err, BS_ERR_NOMEM, "out of memory copying plist data");
        }
        if (size > 0) {
            memcpy(out->as.data.bytes, bytes, (size_t)size);
        }
        out->as.data.size = (size_t)size;
        return BS_OK;
    }
    default:
        return bs_error_set(err, BS_ERR_FORMAT, "plist holds a value of unexpected type %d",
                            (int)plist_get_node_type(node));
    }
}

/* A libplist container being copied: which child comes next. */
struct convert_frame {
    plist_t node;
    struct bs_plist_value *value;
    void *iter; /* libplist's array or dict iterator; malloc'd, free() in 2.2 */
    uint32_t next_child;
    uint32_t child_count;
};

/* Pushes a container just started by convert_value. */
static enum bs_status convert_push(struct convert_frame *frames, size_t *depth, plist_t node,
                                   struct bs_plist_value *value, struct bs_error *err)
{
    if (value->type != BS_PLIST_ARRAY && value->type != BS_PLIST_DICT) {
        return BS_OK;
    }
    if (*depth == BS_MAX_PLIST_DEPTH) {
        return bs_error_set(err, BS_ERR_LIMIT, "plist nests deeper than %d levels",
                            BS_MAX_PLIST_DEPTH);
    }
    struct convert_frame *frame = &frames[*depth];
    frame->node = node;
    frame->value = value;
    frame->iter = NULL;
    frame->next_child = 0;
    if (value->type == BS_PLIST_ARRAY) {
        frame->child_count = plist_array_get_size(node);
        plist_array_new_iter(node, &frame->iter);
    } else {
        frame->child_count = plist_dict_get_size(node);
        plist_dict_new_iter(node, &frame->iter);
    }
    if (frame->iter == NULL) {
        return bs_error_set(err, BS_ERR_NOMEM, "out of memory copying a plist container");
    }
    (*depth)++;
    return BS_OK;
}

/* Copies libplist's tree into *out (zeroed). On failure *out holds what was copied so far,
 * ready for value_clear. */
static enum bs_status convert_tree(plist_t root, const struct convert_context *context,
                                   struct bs_plist_value *out, struct bs_error *err)
{
    struct convert_frame frames[BS_MAX_PLIST_DEPTH];
    size_t depth = 0;
    enum bs_status status = convert_value(root, context, out, err);
    if (status == BS_OK) {
        status = convert_push(frames, &depth, root, out, err);
    }
    while (status == BS_OK && depth > 0) {
        struct convert_frame *frame = &frames[depth - 1];
        if (frame->next_child == frame->child_count) {
            free(frame->iter);
            depth--;
            continue;
        }
        uint32_t index = frame->next_child++;
        plist_t child = NULL;
        struct bs_plist_value *slot = NULL;
        if (frame->value->type == BS_PLIST_ARRAY) {
            plist_array_next_item(frame->node, frame->iter, &child);
            frame->value->as.array.count = (size_t)index + 1;
            slot = &frame->value->as.array.items[index];
        } else {
            char *key = NULL; /* libplist's copy, released with free() in 2.2 */
            plist_dict_next_item(frame->node, frame->iter, &key, &child);
            if (key == NULL || child == NULL) {
                free(key);
                status = bs_error_set(err, BS_ERR_INTERNAL, "plist dict shorter than its size");
                break;
            }
            struct plist_entry *entry = &frame->value->as.dict.entries[index];
            frame->value->as.dict.count = (size_t)index + 1;
            entry->key = bs_strdup(key);
            free(key);
            if (entry->key == NULL) {
                status = bs_error_set(err, BS_ERR_NOMEM, "out of memory copying a plist key");
                break;
            }
            slot = &entry->value;
        }
        if (child == NULL) {
            status = bs_error_set(err, BS_ERR_INTERNAL, "plist array shorter than its size");
            break;
        }
        status = convert_value(child, context, slot, err);
        if (status == BS_OK) {
            status = convert_push(frames, &depth, child, slot, err);
        }
    }
    for (size_t level = 0; level < depth; level++) {
        free(frames[level].iter);
    }
    return status;
}

/* ---- Parsing ------------------------------------------------------------------------------- */

static bool is_binary_plist(const uint8_t *bytes, size_t size)
{
    return size >= BPLIST_MAGIC_BYTES && memcmp(bytes, BPLIST_MAGIC, BPLIST_MAGIC_BYTES) == 0;
}

/* Runs the XML pre-check and libplist's XML parser. *tree is libplist's (plist_free). */
static enum bs_status parse_xml(const char *text, size_t size, plist_t *tree, struct bs_error *err)
{
    enum bs_status status = xml_check(text, size, err);
    if (status != BS_OK) {
        return status;
    }
    /* libplist 2.2's XML parser calls str* functions on the buffer: hand it a terminated
     * copy. */
    char *copy = malloc(size + 1);
    if (copy == NULL) {
        return bs_error_set(err, BS_ERR_NOMEM, "out of memory reading an XML plist");
    }
    memcpy(copy, text, size);
    copy[size] = '\0';
    plist_t parsed = NULL;
    plist_from_xml(copy, (uint32_t)size, &parsed);
    free(copy);
    if (parsed == NULL) {
        return bs_error_set(err, BS_ERR_FORMAT, "malformed XML plist");
    }
    *tree = parsed;
    return BS_OK;
}

enum bs_status bs_plist_parse(const void *bytes, size_t size, struct bs_plist **out,
                              struct bs_error *err)
{
    enum bs_status status = BS_OK;
    struct convert_context context = {0};
    struct bs_plist *plist = NULL;
    plist_t tree = NULL;
    const uint8_t *input = bytes;

    if (size > (size_t)BS_MAX_PLIST_BYTES) {
        status = bs_error_set(err, BS_ERR_LIMIT, "plist of %zu bytes is larger than %zu", size,
                              (size_t)BS_MAX_PLIST_BYTES);
        goto done;
    }
    if (input == NULL || size < BPLIST_HEADER_BYTES) {
        status = bs_error_set(err, BS_ERR_FORMAT, "plist too short (%zu bytes)", size);
        goto done;
    }
    if (is_binary_plist(input, size)) {
        if (memcmp(input + BPLIST_MAGIC_BYTES, "00", 2) != 0) {
            status = bs_error_set(err, BS_ERR_UNSUPPORTED, "binary plist version \"%c%c\"",
                                  input[6], input[7]);
            goto done;
        }
        status = bplist_check(input, size, &context.may_hold_wide_integers, err);
        if (status != BS_OK) {
            goto done;
        }
        plist_from_bin((const char *)input, (uint32_t)size, &tree);
        if (tree == NULL) {
            status = bs_error_set(err, BS_ERR_FORMAT, "malformed binary plist");
            goto done;
        }
    } else {
        status = parse_xml((const char *)input, size, &tree, err);
        if (status != BS_OK) {
            goto done;
        }
        context.may_hold_wide_integers = true;
    }
    plist = calloc(1, sizeof(*plist));
    if (plist == NULL) {
        status = bs_error_set(err, BS_ERR_NOMEM, "out of memory reading a plist");
        goto done;
    }
    status = convert_tree(tree, &context, &plist->root, err);
done:
    plist_free(tree);
    if (status == BS_OK) {
        *out = plist;
    } else {
        bs_plist_free(plist);
    }
    return status;
}

void bs_plist_free(struct bs_plist *plist)
{
    if (plist != NULL) {
        value_clear(&plist->root);
        free(plist);
    }
}

/* ---- Reading values ------------------------------------------------------------------------ */

const struct bs_plist_value *bs_plist_root(const struct bs_plist *plist)
{
    return plist == NULL ? NULL : &plist->root;
}

bool bs_plist_is_type(const struct bs_plist_value *value, enum bs_plist_type type)
{
    return value != NULL && value->type == type;
}

enum bs_plist_type bs_plist_value_type(const struct bs_plist_value *value)
{
    return value == NULL ? BS_PLIST_NULL : value->type;
}

const char *bs_plist_type_name(enum bs_plist_type type)
{
    switch (type) {
    case BS_PLIST_DICT:
        return "dict";
    case BS_PLIST_ARRAY:
        return "array";
    case BS_PLIST_STRING:
        return "string";
    case BS_PLIST_INTEGER:
        return "integer";
    case BS_PLIST_REAL:
        return "real";
    case BS_PLIST_BOOLEAN:
        return "boolean";
    case BS_PLIST_DATE:
        return "date";
    case BS_PLIST_DATA:
        return "data";
    case BS_PLIST_UID:
        return "uid";
    case BS_PLIST_NULL:
        return "null";
    }
    return "unknown";
}

bool bs_plist_get_bool(const struct bs_plist_value *value, bool *out)
{
    if (!bs_plist_is_type(value, BS_PLIST_BOOLEAN)) {
        return false;
    }
    *out = value->as.boolean;
    return true;
}

bool bs_plist_get_int(const struct bs_plist_value *value, int64_t *out)
{
    if (!bs_plist_is_type(value, BS_PLIST_INTEGER) || value->is_unsigned) {
        return false;
    }
    uint64_t bits = value->as.integer_bits;
    /* Two's complement without implementation-defined conversion. */
    *out = bits <= (uint64_t)INT64_MAX ? (int64_t)bits : -(int64_t)(~bits) - 1;
    return true;
}

bool bs_plist_get_uint(const struct bs_plist_value *value, uint64_t *out)
{
    if (!bs_plist_is_type(value, BS_PLIST_INTEGER) ||
        (!value->is_unsigned && value->as.integer_bits > (uint64_t)INT64_MAX)) {
        return false;
    }
    *out = value->as.integer_bits;
    return true;
}

bool bs_plist_get_real(const struct bs_plist_value *value, double *out)
{
    if (!bs_plist_is_type(value, BS_PLIST_REAL)) {
        return false;
    }
    *out = value->as.real;
    return true;
}

bool bs_plist_get_date(const struct bs_plist_value *value, double *seconds_since_2001)
{
    if (!bs_plist_is_type(value, BS_PLIST_DATE)) {
        return false;
    }
    *seconds_since_2001 = value->as.date_seconds_since_2001;
    return true;
}

bool bs_plist_get_string(const struct bs_plist_value *value, const char **out)
{
    if (!bs_plist_is_type(value, BS_PLIST_STRING)) {
        return false;
    }
    *out = value->as.string;
    return true;
}

bool bs_plist_get_data(const struct bs_plist_value *value, const uint8_t **bytes, size_t *size)
{
    if (!bs_plist_is_type(value, BS_PLIST_DATA)) {
        return false;
    }
    *bytes = value->as.data.bytes;
    *size = value->as.data.size;
    return true;
}

bool bs_plist_get_uid(const struct bs_plist_value *value, uint64_t *out)
{
    if (!bs_plist_is_type(value, BS_PLIST_UID)) {
        return false;
    }
    *out = value->as.uid;
    return true;
}

const struct bs_plist_value *bs_plist_dict_get(const struct bs_plist_value *value, const char *key)
{
    if (!bs_plist_is_type(value, BS_PLIST_DICT) || key == NULL) {
        return NULL;
    }
    for (size_t i = 0; i < value->as.dict.count; i++) {
        if (strcmp(value->as.dict.entries[i].key, key) == 0) {
            return &value->as.dict.entries[i].value;
        }
    }
    return NULL;
}

size_t bs_plist_dict_count(const struct bs_plist_value *value)
{
    return bs_plist_is_type(value, BS_PLIST_DICT) ? value->as.dict.count : 0;
}

const char *bs_plist_dict_key_at(const struct bs_plist_value *value, size_t index)
{
    return index < bs_plist_dict_count(value) ? value->as.dict.entries[index].key : NULL;
}

const struct bs_plist_value *bs_plist_dict_value_at(const struct bs_plist_value *value,
                                                    size_t index)
{
    return index < bs_plist_dict_count(value) ? &value->as.dict.entries[index].value : NULL;
}

size_t bs_plist_array_count(const struct bs_plist_value *value)
{
    return bs_plist_is_type(value, BS_PLIST_ARRAY) ? value->as.array.count : 0;
}

const struct bs_plist_value *bs_plist_array_at(const struct bs_plist_value *value, size_t index)
{
    return index < bs_plist_array_count(value) ? &value->as.array.items[index] : NULL;
}

/* ---- NSKeyedArchiver ----------------------------------------------------------------------- */

static bool is_keyed_archive(const struct bs_plist_value *archive)
{
    return bs_plist_is_type(bs_plist_dict_get(archive, "$archiver"), BS_PLIST_STRING) &&
           bs_plist_is_type(bs_plist_dict_get(archive, "$objects"), BS_PLIST_ARRAY);
}

static enum bs_status not_keyed_archive(struct bs_error *err)
{
    return bs_error_set(err, BS_ERR_FORMAT,
                        "not a keyed archive (no $archiver string and $objects array)");
}

bool bs_plist_keyed_archive_uid(const struct bs_plist_value *value, uint64_t *out)
{
    if (bs_plist_get_uid(value, out)) {
        return true;
    }
    /* XML archives spell a reference {"CF$UID": n}; libplist 2.2 returns that as a dict. */
    return bs_plist_dict_count(value) == 1 &&
           strcmp(bs_plist_dict_key_at(value, 0), "CF$UID") == 0 &&
           bs_plist_get_uint(bs_plist_dict_value_at(value, 0), out);
}

enum bs_status bs_plist_keyed_archive_object(const struct bs_plist_value *archive,
                                             const struct bs_plist_value *ref,
                                             const struct bs_plist_value **out,
                                             struct bs_error *err)
{
    if (!is_keyed_archive(archive)) {
        return not_keyed_archive(err);
    }
    const struct bs_plist_value *objects = bs_plist_dict_get(archive, "$objects");
    uint64_t uid = 0;
    if (!bs_plist_keyed_archive_uid(ref, &uid)) {
        return bs_error_set(err, BS_ERR_FORMAT, "keyed archive: expected a reference, found %s",
                            ref == NULL ? "nothing" : bs_plist_type_name(ref->type));
    }
    if (uid >= bs_plist_array_count(objects)) {
        return bs_error_set(err, BS_ERR_FORMAT,
                            "keyed archive: reference %" PRIu64 " is outside $objects (%zu)", uid,
                            bs_plist_array_count(objects));
    }
    *out = bs_plist_array_at(objects, (size_t)uid);
    return BS_OK;
}

enum bs_status bs_plist_keyed_archive_top(const struct bs_plist_value *archive, const char *key,
                                          const struct bs_plist_value **out, struct bs_error *err)
{
    if (!is_keyed_archive(archive)) {
        return not_keyed_archive(err);
    }
    const struct bs_plist_value *top = bs_plist_dict_get(archive, "$top");
    if (!bs_plist_is_type(top, BS_PLIST_DICT)) {
        return bs_error_set(err, BS_ERR_FORMAT, "keyed archive: $top is not a dict");
    }
    const struct bs_plist_value *ref = bs_plist_dict_get(top, key);
    if (ref == NULL) {
        return bs_error_set(err, BS_ERR_NOT_FOUND, "keyed archive: $top has no \"%s\"",
                            key == NULL ? "" : key);
    }
    enum bs_status status = bs_plist_keyed_archive_object(archive, ref, out, err);
    if (status != BS_OK) {
        bs_error_prefix(err, "$top.%s", key);
    }
    return status;
}

enum bs_status bs_plist_keyed_archive_member(const struct bs_plist_value *archive,
                                             const struct bs_plist_value *object, const char *key,
                                             const struct bs_plist_value **out,
                                             struct bs_error *err)
{
    if (!bs_plist_is_type(object, BS_PLIST_DICT)) {
        return bs_error_set(err, BS_ERR_FORMAT,
                            "keyed archive: member \"%s\" of a %s, not of an object",
                            key == NULL ? "" : key,
                            object == NULL ? "missing value" : bs_plist_type_name(object->type));
    }
    const struct bs_plist_value *member = bs_plist_dict_get(object, key);
    uint64_t uid = 0;
    if (member != NULL && bs_plist_keyed_archive_uid(member, &uid)) {
        const struct bs_plist_value *target = NULL;
        enum bs_status status = bs_plist_keyed_archive_object(archive, member, &target, err);
        if (status != BS_OK) {
            bs_error_prefix(err, "member \"%s\"", key);
            return status;
        }
        const char *text = NULL;
        member = bs_plist_get_string(target, &text) && strcmp(text, "$null") == 0 ? NULL : target;
    }
    *out = member;
    return BS_OK;
}

/* Resolves value when it is a reference; otherwise returns it as is. */
static enum bs_status archive_resolve(const struct bs_plist_value *archive,
                                      const struct bs_plist_value *value,
                                      const struct bs_plist_value **out, struct bs_error *err)
{
    uint64_t uid = 0;
    if (bs_plist_keyed_archive_uid(value, &uid)) {
        return bs_plist_keyed_archive_object(archive, value, out, err);
    }
    *out = value;
    return BS_OK;
}

/* value itself, or the inline-or-referenced member `wrapper_key` of a wrapper object. */
static enum bs_status archive_unwrap(const struct bs_plist_value *archive,
                                     const struct bs_plist_value *value, const char *wrapper_key,
                                     enum bs_plist_type type, const struct bs_plist_value **out,
                                     struct bs_error *err)
{
    const struct bs_plist_value *resolved = NULL;
    enum bs_status status = archive_resolve(archive, value, &resolved, err);
    if (status != BS_OK) {
        return status;
    }
    if (bs_plist_is_type(resolved, BS_PLIST_DICT)) {
        status = bs_plist_keyed_archive_member(archive, resolved, wrapper_key, &resolved, err);
        if (status != BS_OK) {
            return status;
        }
    }
    if (!bs_plist_is_type(resolved, type)) {
        return bs_error_set(err, BS_ERR_FORMAT, "keyed archive: expected %s, found %s",
                            bs_plist_type_name(type),
                            resolved == NULL ? "nothing" : bs_plist_type_name(resolved->type));
    }
    *out = resolved;
    return BS_OK;
}

enum bs_status bs_plist_keyed_archive_data(const struct bs_plist_value *archive,
                                           const struct bs_plist_value *value,
                                           const uint8_t **bytes, size_t *size,
                                           struct bs_error *err)
{
    const struct bs_plist_value *data = NULL;
    enum bs_status status = archive_unwrap(archive, value, "NS.data", BS_PLIST_DATA, &data, err);
    if (status == BS_OK) {
        (void)bs_plist_get_data(data, bytes, size);
    }
    return status;
}

enum bs_status bs_plist_keyed_archive_string(const struct bs_plist_value *archive,
                                             const struct bs_plist_value *value, const char **out,
                                             struct bs_error *err)
{
    const struct bs_plist_value *text = NULL;
    enum bs_status status =
        archive_unwrap(archive, value, "NS.string", BS_PLIST_STRING, &text, err);
    if (status == BS_OK) {
        (void)bs_plist_get_string(text, out);
    }
    return status;
}

/* ---- XML to binary ------------------------------------------------------------------------- */

enum bs_status bs_plist_xml_to_binary(const char *xml, size_t size, void **out, size_t *out_size,
                                      struct bs_error *err)
{
    enum bs_status status = BS_OK;
    plist_t tree = NULL;
    char *encoded = NULL;
    uint32_t encoded_size = 0;
    void *copy = NULL;

    if (size > (size_t)BS_MAX_PLIST_BYTES) {
        status = bs_error_set(err, BS_ERR_LIMIT, "plist of %zu bytes is larger than %zu", size,
                              (size_t)BS_MAX_PLIST_BYTES);
        goto done;
    }
    if (xml == NULL || is_binary_plist((const uint8_t *)xml, size)) {
        status = bs_error_set(err, BS_ERR_FORMAT, "not an XML plist");
        goto done;
    }
    status = parse_xml(xml, size, &tree, err);
    if (status != BS_OK) {
        goto done;
    }
    plist_to_bin(tree, &encoded, &encoded_size);
    if (encoded == NULL) {
        status = bs_error_set(err, BS_ERR_NOMEM, "out of memory writing a binary plist");
        goto done;
    }
    copy = malloc(encoded_size);
    if (copy == NULL) {
        status = bs_error_set(err, BS_ERR_NOMEM, "out of memory writing a binary plist");
        goto done;
    }
    memcpy(copy, encoded, encoded_size);
done:
    free(encoded); /* plist_to_bin's buffer: malloc'd, free() in 2.2 */
    plist_free(tree);
    if (status == BS_OK) {
        *out = copy;
        *out_size = encoded_size;
    }
    return status;
}
