/*
 * Backup keybag TLV and wrapped-key decoding (see keybag.h). Every byte goes through the
 * bounds-checked reader; the parser fills a fixed-size struct and never allocates. Strict on
 * purpose: a keybag decides which key material is trusted, so anything ambiguous (a repeated
 * tag, a header tag among the class records, trailing bytes) is refused rather than guessed.
 */
#include "core/backup/keybag.h"

#include <stdio.h>
#include <string.h>

#include "core/base/byte_reader.h"

/* A record header: 4-byte tag and 4-byte big-endian length. */
#define RECORD_HEADER_BYTES 8

enum known_tag {
    TAG_VERS,
    TAG_TYPE,
    TAG_UUID,
    TAG_WRAP,
    TAG_SALT,
    TAG_ITER,
    TAG_DPWT,
    TAG_DPIC,
    TAG_DPSL,
    TAG_CLAS,
    TAG_KTYP,
    TAG_WPKY,
    TAG_UNKNOWN
};

static const char *const known_tag_names[] = {
    [TAG_VERS] = "VERS", [TAG_TYPE] = "TYPE", [TAG_UUID] = "UUID", [TAG_WRAP] = "WRAP",
    [TAG_SALT] = "SALT", [TAG_ITER] = "ITER", [TAG_DPWT] = "DPWT", [TAG_DPIC] = "DPIC",
    [TAG_DPSL] = "DPSL", [TAG_CLAS] = "CLAS", [TAG_KTYP] = "KTYP", [TAG_WPKY] = "WPKY",
};

struct parse_state {
    struct bs_keybag keybag;
    struct bs_keybag_class *current_class; /* NULL while still in the header */
    size_t current_class_offset;
    uint32_t header_seen; /* bit (1 << enum known_tag) per tag already read */
    uint32_t class_seen;
};

static enum known_tag classify_tag(const uint8_t tag[4])
{
    for (size_t i = 0; i < TAG_UNKNOWN; i++) {
        if (memcmp(tag, known_tag_names[i], 4) == 0) {
            return (enum known_tag)i;
        }
    }
    return TAG_UNKNOWN;
}

/* A tag as text for messages: the 4 characters when printable, else hex. */
static void format_tag(const uint8_t tag[4], char out[16])
{
    bool printable = true;
    for (size_t i = 0; i < 4; i++) {
        if (tag[i] < 0x20 || tag[i] > 0x7e) {
            printable = false;
        }
    }
    if (printable) {
        (void)snprintf(out, 16, "%c%c%c%c", tag[0], tag[1], tag[2], tag[3]);
    } else {
        (void)snprintf(out, 16, "0x%02x%02x%02x%02x", tag[0], tag[1], tag[2], tag[3]);
    }
}

static enum bs_status read_u32_value(enum known_tag tag, size_t offset, const uint8_t *value,
                                     size_t length, uint32_t *out, struct bs_error *err)
{
    if (length != 4) {
        return bs_error_set(err, BS_ERR_FORMAT,
                            "keybag %s at offset %zu is %zu bytes long, expected 4",
                            known_tag_names[tag], offset, length);
    }
    struct bs_byte_reader reader;
    bs_byte_reader_init(&reader, value, length);
    if (!bs_byte_reader_u32_be(&reader, out)) {
        return bs_error_set(err, BS_ERR_INTERNAL, "keybag %s at offset %zu: short read",
                            known_tag_names[tag], offset);
    }
    return BS_OK;
}

static enum bs_status read_iterations(enum known_tag tag, size_t offset, const uint8_t *value,
                                      size_t length, uint32_t *out, struct bs_error *err)
{
    uint32_t count = 0;
    enum bs_status status = read_u32_value(tag, offset, value, length, &count, err);
    if (status != BS_OK) {
        return status;
    }
    if (count == 0) {
        return bs_error_set(err, BS_ERR_FORMAT, "keybag %s at offset %zu is 0 iterations",
                            known_tag_names[tag], offset);
    }
    if (count > BS_MAX_KDF_ITERATIONS) {
        return bs_error_set(err, BS_ERR_FORMAT,
                            "keybag %s at offset %zu is %u iterations, above the limit of %u",
                            known_tag_names[tag], offset, count, BS_MAX_KDF_ITERATIONS);
    }
    *out = count;
    return BS_OK;
}

static enum bs_status read_salt(enum known_tag tag, size_t offset, const uint8_t *value,
                                size_t length, uint8_t out[BS_KEYBAG_MAX_SALT_BYTES],
                                size_t *out_size, struct bs_error *err)
{
    if (length == 0 || length > BS_KEYBAG_MAX_SALT_BYTES) {
        return bs_error_set(err, BS_ERR_FORMAT,
                            "keybag %s at offset %zu is %zu bytes long, expected 1 to %d",
                            known_tag_names[tag], offset, length, BS_KEYBAG_MAX_SALT_BYTES);
    }
    memcpy(out, value, length);
    *out_size = length;
    return BS_OK;
}

static enum bs_status read_fixed(enum known_tag tag, size_t offset, const uint8_t *value,
                                 size_t length, uint8_t *out, size_t expected_bytes,
                                 struct bs_error *err)
{
    if (length != expected_bytes) {
        return bs_error_set(err, BS_ERR_FORMAT,
                            "keybag %s at offset %zu is %zu bytes long, expected %zu",
                            known_tag_names[tag], offset, length, expected_bytes);
    }
    memcpy(out, value, length);
    return BS_OK;
}

/* Checks the class record being closed and that its class is not a duplicate. */
static enum bs_status finish_class(struct parse_state *state, struct bs_error *err)
{
    struct bs_keybag_class *record = state->current_class;
    if (record == NULL) {
        return BS_OK;
    }
    if ((state->class_seen & (1u << TAG_CLAS)) == 0) {
        return bs_error_set(err, BS_ERR_FORMAT, "keybag class record at offset %zu has no CLAS",
                            state->current_class_offset);
    }
    for (size_t i = 0; i + 1 < state->keybag.class_count; i++) {
        if (state->keybag.classes[i].protection_class == record->protection_class) {
            return bs_error_set(err, BS_ERR_FORMAT,
                                "keybag has two class records for protection class %u "
                                "(second at offset %zu)",
                                record->protection_class, state->current_class_offset);
        }
    }
    return BS_OK;
}

static enum bs_status start_class(struct parse_state *state, size_t offset, const uint8_t *value,
                                  size_t length, struct bs_error *err)
{
    enum bs_status status = finish_class(state, err);
    if (status != BS_OK) {
        return status;
    }
    if (state->keybag.class_count >= BS_MAX_KEYBAG_CLASSES) {
        return bs_error_set(err, BS_ERR_FORMAT,
                            "keybag has more than %d class records (offset %zu)",
                            BS_MAX_KEYBAG_CLASSES, offset);
    }
    struct bs_keybag_class *record = &state->keybag.classes[state->keybag.class_count];
    memset(record, 0, sizeof(*record));
    status = read_fixed(TAG_UUID, offset, value, length, record->uuid, BS_KEYBAG_UUID_BYTES, err);
    if (status != BS_OK) {
        return status;
    }
    state->keybag.class_count++;
    state->current_class = record;
    state->current_class_offset = offset;
    state->class_seen = 1u << TAG_UUID;
    return BS_OK;
}

static enum bs_status read_header_record(struct parse_state *state, enum known_tag tag,
                                         size_t offset, const uint8_t *value, size_t length,
                                         struct bs_error *err)
{
    struct bs_keybag *keybag = &state->keybag;
    switch (tag) {
    case TAG_VERS:
        keybag->has_version = true;
        return read_u32_value(tag, offset, value, length, &keybag->version, err);
    case TAG_TYPE:
        keybag->has_type = true;
        return read_u32_value(tag, offset, value, length, &keybag->type, err);
    case TAG_UUID:
        keybag->has_uuid = true;
        return read_fixed(tag, offset, value, length, keybag->uuid, BS_KEYBAG_UUID_BYTES, err);
    case TAG_WRAP:
        return read_u32_value(tag, offset, value, length, &keybag->wrap_flags, err);
    case TAG_SALT:
        return read_salt(tag, offset, value, length, keybag->salt, &keybag->salt_size_bytes, err);
    case TAG_ITER:
        return read_iterations(tag, offset, value, length, &keybag->iteration_count, err);
    case TAG_DPWT:
        return read_u32_value(tag, offset, value, length, &keybag->dp_wrap_type, err);
    case TAG_DPIC:
        return read_iterations(tag, offset, value, length, &keybag->dp_iteration_count, err);
    case TAG_DPSL:
        return read_salt(tag, offset, value, length, keybag->dp_salt, &keybag->dp_salt_size_bytes,
                         err);
    case TAG_CLAS:
    case TAG_KTYP:
    case TAG_WPKY:
        return bs_error_set(err, BS_ERR_FORMAT,
                            "keybag %s at offset %zu comes before the first class record",
                            known_tag_names[tag], offset);
    case TAG_UNKNOWN:
        break;
    }
    return BS_OK;
}

static enum bs_status read_class_record(struct parse_state *state, enum known_tag tag,
                                        size_t offset, const uint8_t *value, size_t length,
                                        struct bs_error *err)
{
    struct bs_keybag_class *record = state->current_class;
    switch (tag) {
    case TAG_CLAS:
        return read_u32_value(tag, offset, value, length, &record->protection_class, err);
    case TAG_WRAP:
        return read_u32_value(tag, offset, value, length, &record->wrap_flags, err);
    case TAG_KTYP:
        return read_u32_value(tag, offset, value, length, &record->key_type, err);
    case TAG_WPKY:
        record->has_wrapped_key = true;
        return read_fixed(tag, offset, value, length, record->wrapped_key,
                          BS_KEYBAG_WRAPPED_KEY_BYTES, err);
    case TAG_VERS:
    case TAG_TYPE:
    case TAG_SALT:
    case TAG_ITER:
    case TAG_DPWT:
    case TAG_DPIC:
    case TAG_DPSL:
        return bs_error_set(err, BS_ERR_FORMAT,
                            "keybag header tag %s at offset %zu is inside the class record "
                            "that starts at offset %zu",
                            known_tag_names[tag], offset, state->current_class_offset);
    case TAG_UUID: /* starts a new record: handled by the caller */
    case TAG_UNKNOWN:
        break;
    }
    return BS_OK;
}

static enum bs_status read_record(struct parse_state *state, const uint8_t raw_tag[4],
                                  size_t offset, const uint8_t *value, size_t length,
                                  struct bs_error *err)
{
    enum known_tag tag = classify_tag(raw_tag);
    if (tag == TAG_UNKNOWN) {
        return BS_OK; /* HMCK, PBKY, SIGN and future tags carry nothing we use */
    }
    /* The first UUID is the keybag's; each later one opens a class record. */
    if (tag == TAG_UUID && (state->header_seen & (1u << TAG_UUID)) != 0) {
        return start_class(state, offset, value, length, err);
    }
    uint32_t *seen = state->current_class == NULL ? &state->header_seen : &state->class_seen;
    uint32_t bit = 1u << tag;
    if ((*seen & bit) != 0) {
        return bs_error_set(err, BS_ERR_FORMAT, "keybag %s at offset %zu is repeated in its %s",
                            known_tag_names[tag], offset,
                            state->current_class == NULL ? "header" : "class record");
    }
    *seen |= bit;
    if (state->current_class == NULL) {
        return read_header_record(state, tag, offset, value, length, err);
    }
    return read_class_record(state, tag, offset, value, length, err);
}

static enum bs_status check_complete(const struct bs_keybag *keybag, struct bs_error *err)
{
    if (keybag->salt_size_bytes == 0) {
        return bs_error_set(err, BS_ERR_FORMAT, "keybag has no SALT");
    }
    if (keybag->iteration_count == 0) {
        return bs_error_set(err, BS_ERR_FORMAT, "keybag has no ITER");
    }
    if (keybag->dp_salt_size_bytes != 0 && keybag->dp_iteration_count == 0) {
        return bs_error_set(err, BS_ERR_FORMAT, "keybag has DPSL but no DPIC");
    }
    if (keybag->dp_salt_size_bytes == 0 && keybag->dp_iteration_count != 0) {
        return bs_error_set(err, BS_ERR_FORMAT, "keybag has DPIC but no DPSL");
    }
    return BS_OK;
}

enum bs_status bs_keybag_parse(const void *bytes, size_t size, struct bs_keybag *out,
                               struct bs_error *err)
{
    enum bs_status status = BS_OK;
    struct parse_state state;
    memset(&state, 0, sizeof(state));

    if (bytes == NULL || size == 0) {
        status = bs_error_set(err, BS_ERR_FORMAT, "keybag is empty");
        goto done;
    }
    if (size > (size_t)BS_MAX_KEYBAG_BYTES) {
        status = bs_error_set(err, BS_ERR_FORMAT, "keybag is %zu bytes, above the limit of %zu",
                              size, (size_t)BS_MAX_KEYBAG_BYTES);
        goto done;
    }

    struct bs_byte_reader reader;
    bs_byte_reader_init(&reader, bytes, size);
    while (bs_byte_reader_remaining(&reader) > 0) {
        size_t offset = reader.offset;
        const uint8_t *raw_tag = NULL;
        uint32_t length = 0;
        if (bs_byte_reader_remaining(&reader) < RECORD_HEADER_BYTES) {
            status = bs_error_set(err, BS_ERR_FORMAT,
                                  "keybag record at offset %zu is cut short: %zu bytes left, "
                                  "a record header needs %d",
                                  offset, bs_byte_reader_remaining(&reader), RECORD_HEADER_BYTES);
            goto done;
        }
        if (!bs_byte_reader_bytes(&reader, 4, &raw_tag) ||
            !bs_byte_reader_u32_be(&reader, &length)) {
            status = bs_error_set(err, BS_ERR_INTERNAL, "keybag record at offset %zu: short read",
                                  offset);
            goto done;
        }
        const uint8_t *value = NULL;
        if (!bs_byte_reader_bytes(&reader, length, &value)) {
            char tag_text[16];
            format_tag(raw_tag, tag_text);
            status = bs_error_set(err, BS_ERR_FORMAT,
                                  "keybag %s at offset %zu claims %u bytes but only %zu remain",
                                  tag_text, offset, length, bs_byte_reader_remaining(&reader));
            goto done;
        }
        status = read_record(&state, raw_tag, offset, value, length, err);
        if (status != BS_OK) {
            goto done;
        }
    }
    status = finish_class(&state, err);
    if (status != BS_OK) {
        goto done;
    }
    status = check_complete(&state.keybag, err);
    if (status != BS_OK) {
        goto done;
    }
    *out = state.keybag;

done:
    return status;
}

bool bs_keybag_has_sha256_stage(const struct bs_keybag *keybag)
{
    return keybag->dp_salt_size_bytes > 0 && keybag->dp_iteration_count > 0;
}

const struct bs_keybag_class *bs_keybag_find_class(const struct bs_keybag *keybag,
                                                   uint32_t protection_class)
{
    size_t count = keybag->class_count;
    if (count > BS_MAX_KEYBAG_CLASSES) {
        count = BS_MAX_KEYBAG_CLASSES;
    }
    for (size_t i = 0; i < count; i++) {
        if (keybag->classes[i].protection_class == protection_class) {
            return &keybag->classes[i];
        }
    }
    return NULL;
}

enum bs_status bs_keybag_parse_wrapped_key(const void *bytes, size_t size,
                                           struct bs_keybag_wrapped_key *out, struct bs_error *err)
{
    enum bs_status status = BS_OK;
    struct bs_keybag_wrapped_key parsed;
    memset(&parsed, 0, sizeof(parsed));

    if (bytes == NULL || size != BS_KEYBAG_WRAPPED_VALUE_BYTES) {
        status = bs_error_set(err, BS_ERR_FORMAT,
                              "wrapped key is %zu bytes, expected %d (4-byte class and a "
                              "%d-byte RFC 3394 wrapped key)",
                              bytes == NULL ? (size_t)0 : size, BS_KEYBAG_WRAPPED_VALUE_BYTES,
                              BS_KEYBAG_WRAPPED_KEY_BYTES);
        goto done;
    }
    struct bs_byte_reader reader;
    bs_byte_reader_init(&reader, bytes, size);
    const uint8_t *wrapped = NULL;
    /* Unlike every integer inside the keybag, this class number is little-endian. */
    if (!bs_byte_reader_u32_le(&reader, &parsed.protection_class) ||
        !bs_byte_reader_bytes(&reader, BS_KEYBAG_WRAPPED_KEY_BYTES, &wrapped)) {
        status = bs_error_set(err, BS_ERR_INTERNAL, "wrapped key: short read");
        goto done;
    }
    memcpy(parsed.wrapped_key, wrapped, BS_KEYBAG_WRAPPED_KEY_BYTES);
    *out = parsed;

done:
    return status;
}
