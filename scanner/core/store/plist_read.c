/*
 * The libplist 2.2 adapter of plist_read.h (the only file of the scanner that includes
 * <plist/plist.h>).
 *
 * Three stages, in this order:
 * 1. The pre-checks of plist_check.h on the raw bytes, because libplist 2.2 trusts them.
 * 2. libplist parses the bytes (plist_from_bin / plist_from_xml return void: NULL = failure).
 * 3. The libplist tree is copied into our own value tree (plist_tree.h) and freed. Nothing
 *    here recurses: copying walks with a fixed stack of BS_MAX_PLIST_DEPTH frames and checks
 *    the depth again.
 */
#include "core/store/plist_read.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <plist/plist.h>

#include "core/base/limits.h"
#include "core/base/text.h"
#include "core/store/plist_check.h"
#include "core/store/plist_tree.h"

/* ---- Conversion from libplist -------------------------------------------------------------- */

/* The copy is iterative with a fixed stack of BS_MAX_PLIST_DEPTH containers: the pre-check
 * already capped the depth, convert_tree checks it again, so no tree we build is deeper than
 * bs_plist_tree_clear can walk. */

struct convert_context {
    /* An integer >= 2^63 may be an unsigned one; libplist 2.2 has no getter for that, so it is
     * asked by serialising the node (rare: only such integers, only when this is set). */
    bool may_hold_wide_integers;
};

/* True when libplist holds node (an integer) as unsigned: its binary form is 16 bytes. */
static enum bs_status integer_is_unsigned(plist_t node, bool *out, struct bs_error *err)
{
    char *encoded = NULL;
    uint32_t encoded_size = 0;
    plist_to_bin(node, &encoded, &encoded_size);
    if (encoded == NULL) {
        return bs_error_set(err, BS_ERR_NOMEM, "out of memory reading a plist integer");
    }
    enum bs_status status =
        bs_plist_binary_top_is_wide_integer((const uint8_t *)encoded, encoded_size, out, err);
    if (status != BS_OK) {
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
    enum bs_status status =
        bs_plist_binary_top_date((const uint8_t *)encoded, encoded_size, out, err);
    if (status != BS_OK) {
        status = bs_error_set(err, BS_ERR_INTERNAL, "libplist wrote an unreadable date");
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
 * ready for bs_plist_tree_clear. */
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

/* Runs the XML pre-check and libplist's XML parser. *tree is libplist's (plist_free). */
static enum bs_status parse_xml(const char *text, size_t size, plist_t *tree, struct bs_error *err)
{
    enum bs_status status = bs_plist_check_xml(text, size, err);
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
    if (input == NULL || size < BS_BPLIST_HEADER_BYTES) {
        status = bs_error_set(err, BS_ERR_FORMAT, "plist too short (%zu bytes)", size);
        goto done;
    }
    if (bs_plist_is_binary(input, size)) {
        if (memcmp(input + BS_BPLIST_MAGIC_BYTES, "00", 2) != 0) {
            status = bs_error_set(err, BS_ERR_UNSUPPORTED, "binary plist version \"%c%c\"",
                                  input[6], input[7]);
            goto done;
        }
        status = bs_plist_check_binary(input, size, &context.may_hold_wide_integers, err);
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
