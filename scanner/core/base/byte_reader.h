/*
 * A bounds-checked cursor over untrusted bytes (keybag TLV, Manifest.mbdb, WAL headers).
 * Every read checks the remaining length first and advances only on success; integers are
 * decoded with explicit byte order. The reader borrows the bytes; it never allocates.
 */
#ifndef BS_CORE_BYTE_READER_H
#define BS_CORE_BYTE_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bs_byte_reader {
    const uint8_t *bytes; /* borrowed; must outlive the reader */
    size_t size;
    size_t offset;
};

/* Starts a reader over bytes[0..size). bytes may be NULL only when size is 0. */
void bs_byte_reader_init(struct bs_byte_reader *reader, const void *bytes, size_t size);

size_t bs_byte_reader_remaining(const struct bs_byte_reader *reader);

/* Each returns false, leaving the reader unchanged, when fewer bytes remain than needed. */
bool bs_byte_reader_u8(struct bs_byte_reader *reader, uint8_t *out);
bool bs_byte_reader_u16_be(struct bs_byte_reader *reader, uint16_t *out);
bool bs_byte_reader_u32_be(struct bs_byte_reader *reader, uint32_t *out);
bool bs_byte_reader_u32_le(struct bs_byte_reader *reader, uint32_t *out);
bool bs_byte_reader_u64_be(struct bs_byte_reader *reader, uint64_t *out);

/* Points *out at the next n bytes (borrowed, inside the reader's buffer) and skips them. */
bool bs_byte_reader_bytes(struct bs_byte_reader *reader, size_t n, const uint8_t **out);

bool bs_byte_reader_skip(struct bs_byte_reader *reader, size_t n);

#endif
