/*
 * Fuzz target: the CSV cell writer (core/report_csv), round-tripped through libcsv's parser.
 *
 * The input, up to its first NUL, is an untrusted string from the source. It becomes a cell
 * (bs_report_csv_cell) and is written as the middle field of a row "A,<cell>,B" with
 * bs_report_csv_write_field; libcsv parses the row back in strict mode. Checked:
 * - the row reads back as exactly three fields and the middle one is the cell, byte for byte;
 * - the cell is what SPEC 4 and README describe, computed here independently: a leading "'"
 *   when the text starts with = @ + - tab or CR and is not a plain phone number, then the
 *   text with control characters, DEL and invalid UTF-8 as \xHH and bidirectional controls
 *   as \u{HHHH};
 * - the cell is valid UTF-8 with no control character and does not start a formula;
 * - the exact inverse (drop the "'", decode \xHH and \u{HHHH}) gives the text back, whenever
 *   the text does not itself contain something that reads as an escape ("\x41" typed by
 *   someone): the escaping keeps backslashes as they are, so that case is ambiguous by design.
 */
#include <string.h>

#include <csv.h>

#include "core/report/report_csv.h"
#include "fuzz.h"

struct bytes {
    char *data;
    size_t length;
};

static void append(struct bytes *out, const void *bytes, size_t length)
{
    char *grown = realloc(out->data, out->length + length + 1);
    if (grown == NULL) {
        abort();
    }
    out->data = grown;
    if (length > 0) {
        memcpy(out->data + out->length, bytes, length);
    }
    out->length += length;
    out->data[out->length] = '\0';
}

static void append_text(struct bytes *out, const char *text)
{
    append(out, text, strlen(text));
}

/* Strict UTF-8 decoding of the sequence at p: its length, or 0 when invalid. */
static size_t utf8_length(const unsigned char *p, uint32_t *code_point)
{
    size_t length = 0;
    uint32_t value = 0;
    uint32_t minimum = 0;
    if (p[0] < 0x80) {
        *code_point = p[0];
        return 1;
    }
    if (p[0] >= 0xC2 && p[0] <= 0xDF) {
        length = 2;
        value = p[0] & 0x1Fu;
        minimum = 0x80;
    } else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
        length = 3;
        value = p[0] & 0x0Fu;
        minimum = 0x800;
    } else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
        length = 4;
        value = p[0] & 0x07u;
        minimum = 0x10000;
    } else {
        return 0;
    }
    for (size_t i = 1; i < length; i++) {
        if ((p[i] & 0xC0) != 0x80) {
            return 0;
        }
        value = (value << 6) | (p[i] & 0x3Fu);
    }
    if (value < minimum || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
        return 0;
    }
    *code_point = value;
    return length;
}

static bool is_control(uint32_t c)
{
    return c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F);
}

static bool is_bidi(uint32_t c)
{
    return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0x200E ||
           c == 0x200F || c == 0x061C;
}

static bool is_plain_phone(const char *text)
{
    size_t length = strlen(text);
    if (length < 8 || length > 16 || text[0] != '+') {
        return false;
    }
    for (size_t i = 1; i < length; i++) {
        if (text[i] < '0' || text[i] > '9') {
            return false;
        }
    }
    return true;
}

static bool starts_formula(const char *text)
{
    return text[0] != '\0' && strchr("=@+-\t\r", text[0]) != NULL && !is_plain_phone(text);
}

/* The cell of SPEC 4, computed independently of report_csv.c and text.c. */
static void expected_cell(const char *text, struct bytes *out)
{
    if (starts_formula(text)) {
        append_text(out, "'");
    }
    const unsigned char *p = (const unsigned char *)text;
    while (*p != '\0') {
        uint32_t code_point = 0;
        size_t length = utf8_length(p, &code_point);
        char escape[16];
        if (length == 0 || is_control(code_point)) {
            size_t count = length == 0 ? 1 : length;
            for (size_t i = 0; i < count; i++) {
                (void)snprintf(escape, sizeof(escape), "\\x%02X", p[i]);
                append_text(out, escape);
            }
            p += count;
        } else if (is_bidi(code_point)) {
            (void)snprintf(escape, sizeof(escape), "\\u{%04X}", (unsigned)code_point);
            append_text(out, escape);
            p += length;
        } else {
            append(out, p, length);
            p += length;
        }
    }
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* Length of an escape at text (6 or 8 bytes) with its value, or 0 when there is none. */
static size_t escape_at(const char *text, size_t remaining, uint32_t *value)
{
    if (remaining >= 4 && text[0] == '\\' && text[1] == 'x' && hex_value(text[2]) >= 0 &&
        hex_value(text[3]) >= 0) {
        *value = (uint32_t)(hex_value(text[2]) * 16 + hex_value(text[3]));
        return 4;
    }
    if (remaining >= 8 && memcmp(text, "\\u{", 3) == 0 && text[7] == '}') {
        uint32_t v = 0;
        for (size_t i = 3; i < 7; i++) {
            if (hex_value(text[i]) < 0) {
                return 0;
            }
            v = v * 16 + (uint32_t)hex_value(text[i]);
        }
        *value = v;
        return 8;
    }
    return 0;
}

static bool looks_escaped(const char *text)
{
    size_t length = strlen(text);
    uint32_t value = 0;
    for (size_t i = 0; i < length; i++) {
        if (escape_at(text + i, length - i, &value) > 0) {
            return true;
        }
    }
    return false;
}

/* The exact inverse of the cell: drop the formula "'", decode the escapes. */
static void decode_cell(const char *cell, size_t length, bool had_prefix, struct bytes *out)
{
    size_t i = 0;
    if (had_prefix) {
        FUZZ_CHECK(length > 0 && cell[0] == '\'');
        i = 1;
    }
    while (i < length) {
        uint32_t value = 0;
        size_t used = escape_at(cell + i, length - i, &value);
        if (used == 4) {
            unsigned char byte = (unsigned char)value;
            append(out, &byte, 1);
        } else if (used == 8) {
            unsigned char utf8[3] = {(unsigned char)(0xE0 | (value >> 12)),
                                     (unsigned char)(0x80 | ((value >> 6) & 0x3F)),
                                     (unsigned char)(0x80 | (value & 0x3F))};
            if (value < 0x800) {
                utf8[0] = (unsigned char)(0xC0 | (value >> 6));
                utf8[1] = (unsigned char)(0x80 | (value & 0x3F));
                append(out, utf8, 2);
            } else {
                append(out, utf8, 3);
            }
        } else {
            append(out, cell + i, 1);
            used = 1;
        }
        i += used;
    }
}

struct parsed_row {
    struct bytes fields[4];
    size_t field_count;
    size_t row_count;
};

static void on_field(void *bytes, size_t length, void *context)
{
    struct parsed_row *row = context;
    if (row->field_count < 4) {
        append(&row->fields[row->field_count], bytes == NULL ? "" : bytes, length);
    }
    row->field_count++;
}

static void on_row(int terminator, void *context)
{
    (void)terminator;
    struct parsed_row *row = context;
    row->row_count++;
}

static void check_cell_is_safe(const char *cell)
{
    const unsigned char *p = (const unsigned char *)cell;
    while (*p != '\0') {
        uint32_t code_point = 0;
        size_t length = utf8_length(p, &code_point);
        FUZZ_CHECK(length > 0);
        FUZZ_CHECK(!is_control(code_point) && !is_bidi(code_point));
        p += length;
    }
    FUZZ_CHECK(!starts_formula(cell) || cell[0] == '\'');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (text == NULL) {
        return 0;
    }
    memcpy(text, data, size);
    text[size] = '\0';

    FUZZ_CHECK(bs_report_csv_is_plain_phone(text) == is_plain_phone(text));
    char *cell = bs_report_csv_cell(text);
    FUZZ_CHECK(cell != NULL);
    struct bytes want = {NULL, 0};
    append(&want, "", 0);
    expected_cell(text, &want);
    FUZZ_CHECK(strcmp(cell, want.data) == 0);
    check_cell_is_safe(cell);

    char *written = NULL;
    size_t written_size = 0;
    FILE *out = open_memstream(&written, &written_size);
    FUZZ_CHECK(out != NULL);
    FUZZ_CHECK(fputs("A,", out) >= 0);
    FUZZ_CHECK(bs_report_csv_write_field(out, cell));
    FUZZ_CHECK(fputs(",B\r\n", out) >= 0);
    FUZZ_CHECK(fclose(out) == 0);

    struct csv_parser parser;
    FUZZ_CHECK(csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI) == 0);
    struct parsed_row row;
    memset(&row, 0, sizeof(row));
    FUZZ_CHECK(csv_parse(&parser, written, written_size, on_field, on_row, &row) == written_size);
    FUZZ_CHECK(csv_fini(&parser, on_field, on_row, &row) == 0);
    csv_free(&parser);
    FUZZ_CHECK(row.row_count == 1 && row.field_count == 3);
    FUZZ_CHECK(row.fields[0].length == 1 && row.fields[0].data[0] == 'A');
    FUZZ_CHECK(row.fields[2].length == 1 && row.fields[2].data[0] == 'B');
    FUZZ_CHECK(row.fields[1].length == strlen(cell));
    FUZZ_CHECK(row.fields[1].length == 0 || memcmp(row.fields[1].data, cell, strlen(cell)) == 0);

    if (!looks_escaped(text)) {
        struct bytes back = {NULL, 0};
        append(&back, "", 0);
        decode_cell(row.fields[1].data == NULL ? "" : row.fields[1].data, row.fields[1].length,
                    starts_formula(text), &back);
        FUZZ_CHECK(back.length == strlen(text) && memcmp(back.data, text, back.length) == 0);
        free(back.data);
    }

    for (size_t i = 0; i < 4; i++) {
        free(row.fields[i].data);
    }
    free(written);
    free(want.data);
    free(cell);
    free(text);
    return 0;
}
