/*
 * The value tree of plist_tree.h: freeing it without recursion, the typed getters of
 * plist_read.h (each checks the type before reading) and the NSKeyedArchiver helpers that
 * resolve UID references against "$objects" with bounds checks. No libplist here: the tree is
 * ours once plist_read.c has copied it.
 */
#include "core/store/plist_tree.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/limits.h"
#include "core/base/text.h"

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
void bs_plist_tree_clear(struct bs_plist_value *root)
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

void bs_plist_free(struct bs_plist *plist)
{
    if (plist != NULL) {
        bs_plist_tree_clear(&plist->root);
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
