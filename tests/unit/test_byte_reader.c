/* Unit tests for core/byte_reader: every read is bounds-checked and leaves the reader
 * unchanged on failure. */
#include <stdint.h>

#include "check.h"
#include "core/base/byte_reader.h"

static void test_reads_in_both_orders(void)
{
    const uint8_t bytes[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09};
    struct bs_byte_reader reader;
    bs_byte_reader_init(&reader, bytes, sizeof(bytes));
    uint32_t value = 0;
    CHECK(bs_byte_reader_u32_be(&reader, &value));
    CHECK_INT_EQ(value, 0x01020304);
    CHECK(bs_byte_reader_u32_le(&reader, &value));
    CHECK_INT_EQ(value, 0x08070605);
    CHECK_INT_EQ(bs_byte_reader_remaining(&reader), 1);
}

static void test_short_reads_fail_without_moving(void)
{
    const uint8_t bytes[] = {0xAA, 0xBB, 0xCC};
    struct bs_byte_reader reader;
    bs_byte_reader_init(&reader, bytes, sizeof(bytes));
    uint32_t value = 7;
    CHECK(!bs_byte_reader_u32_be(&reader, &value));
    CHECK_INT_EQ(value, 7);
    CHECK_INT_EQ(reader.offset, 0);
    uint64_t wide = 0;
    CHECK(!bs_byte_reader_u64_be(&reader, &wide));
    CHECK(!bs_byte_reader_skip(&reader, 4));
    CHECK(bs_byte_reader_skip(&reader, 3));
    uint8_t byte = 0;
    CHECK(!bs_byte_reader_u8(&reader, &byte));
    const uint8_t *view = NULL;
    CHECK(!bs_byte_reader_bytes(&reader, SIZE_MAX, &view));
}

static void test_null_buffer_is_empty(void)
{
    struct bs_byte_reader reader;
    bs_byte_reader_init(&reader, NULL, 100);
    CHECK_INT_EQ(bs_byte_reader_remaining(&reader), 0);
}

int main(void)
{
    test_reads_in_both_orders();
    test_short_reads_fail_without_moving();
    test_null_buffer_is_empty();
    return check_report("byte_reader");
}
