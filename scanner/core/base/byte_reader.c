/* The bounds-checked byte cursor of byte_reader.h. */
#include "core/base/byte_reader.h"

void bs_byte_reader_init(struct bs_byte_reader *reader, const void *bytes, size_t size)
{
    reader->bytes = bytes;
    reader->size = bytes == NULL ? 0 : size;
    reader->offset = 0;
}

size_t bs_byte_reader_remaining(const struct bs_byte_reader *reader)
{
    return reader->size - reader->offset;
}

bool bs_byte_reader_bytes(struct bs_byte_reader *reader, size_t n, const uint8_t **out)
{
    if (n > bs_byte_reader_remaining(reader)) {
        return false;
    }
    *out = reader->bytes + reader->offset;
    reader->offset += n;
    return true;
}

bool bs_byte_reader_skip(struct bs_byte_reader *reader, size_t n)
{
    const uint8_t *ignored = NULL;
    return bs_byte_reader_bytes(reader, n, &ignored);
}

static bool read_unsigned(struct bs_byte_reader *reader, size_t width, bool big_endian,
                          uint64_t *out)
{
    const uint8_t *p = NULL;
    if (!bs_byte_reader_bytes(reader, width, &p)) {
        return false;
    }
    uint64_t value = 0;
    for (size_t i = 0; i < width; i++) {
        size_t index = big_endian ? i : width - 1 - i;
        value = (value << 8) | p[index];
    }
    *out = value;
    return true;
}

bool bs_byte_reader_u8(struct bs_byte_reader *reader, uint8_t *out)
{
    uint64_t value = 0;
    if (!read_unsigned(reader, 1, true, &value)) {
        return false;
    }
    *out = (uint8_t)value;
    return true;
}

bool bs_byte_reader_u16_be(struct bs_byte_reader *reader, uint16_t *out)
{
    uint64_t value = 0;
    if (!read_unsigned(reader, 2, true, &value)) {
        return false;
    }
    *out = (uint16_t)value;
    return true;
}

bool bs_byte_reader_u32_be(struct bs_byte_reader *reader, uint32_t *out)
{
    uint64_t value = 0;
    if (!read_unsigned(reader, 4, true, &value)) {
        return false;
    }
    *out = (uint32_t)value;
    return true;
}

bool bs_byte_reader_u32_le(struct bs_byte_reader *reader, uint32_t *out)
{
    uint64_t value = 0;
    if (!read_unsigned(reader, 4, false, &value)) {
        return false;
    }
    *out = (uint32_t)value;
    return true;
}

bool bs_byte_reader_u64_be(struct bs_byte_reader *reader, uint64_t *out)
{
    return read_unsigned(reader, 8, true, out);
}
