/* Tests of core/report_csv's cell rules: formula neutralising, plain phone numbers, control
 * characters, and quoting that libcsv's own parser reads back unchanged. */
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "check.h"
#include "core/report/report_csv.h"

static void test_cells(void)
{
    static const struct {
        const char *raw;
        const char *cell;
    } rows[] = {
        {"Family", "Family"},
        {"=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"},
        {"@SUM(A1)", "'@SUM(A1)"},
        {"+1 (555) 0100", "'+1 (555) 0100"},
        {"-2+3", "'-2+3"},
        {"\tx", "'\\x09x"},
        {"\rx", "'\\x0Dx"},
        {"+15551234567", "+15551234567"},
        {"+1555123", "+1555123"},                    /* 7 digits: still a plain number */
        {"+155512", "'+155512"},                     /* 6 digits: not one */
        {"+1234567890123456", "'+1234567890123456"}, /* 16 digits: not one */
        {"a\x1b[31mred", "a\\x1B[31mred"},
        {"bad \xC3\x28", "bad \\xC3("},
        {"caf\xC3\xA9", "caf\xC3\xA9"},
        {"", ""},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char *cell = bs_report_csv_cell(rows[i].raw);
        CHECK_STR_EQ(cell, rows[i].cell);
        free(cell);
    }
    CHECK(bs_report_csv_is_plain_phone("+15551234567"));
    CHECK(!bs_report_csv_is_plain_phone("15551234567"));
    CHECK(!bs_report_csv_is_plain_phone("+1555123456a"));
    CHECK(!bs_report_csv_is_plain_phone(NULL));
}

struct parsed {
    char fields[8][64];
    size_t count;
};

static void on_field(void *bytes, size_t size, void *context)
{
    struct parsed *parsed = context;
    if (parsed->count < 8 && size < 64) {
        memcpy(parsed->fields[parsed->count], bytes, size);
        parsed->fields[parsed->count][size] = '\0';
    }
    parsed->count++;
}

/* Written fields read back by libcsv's parser equal what was written. */
static void test_round_trip(void)
{
    static const char *const fields[] = {"plain",        "a,b",    "say \"hi\"",
                                         "two\r\nlines", " edge ", ""};
    const size_t count = sizeof(fields) / sizeof(fields[0]);
    char *buffer = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&buffer, &size);
    CHECK(out != NULL);
    if (out == NULL) {
        return;
    }
    for (size_t i = 0; i < count; i++) {
        if (i > 0) {
            fputc(',', out);
        }
        CHECK(bs_report_csv_write_field(out, fields[i]));
    }
    fputs("\r\n", out);
    fclose(out);
    struct csv_parser parser;
    struct parsed parsed = {.count = 0};
    CHECK_INT_EQ(csv_init(&parser, CSV_STRICT), 0);
    CHECK_INT_EQ(csv_parse(&parser, buffer, size, on_field, NULL, &parsed), size);
    csv_fini(&parser, on_field, NULL, &parsed);
    csv_free(&parser);
    CHECK_INT_EQ(parsed.count, count);
    for (size_t i = 0; i < count && i < parsed.count; i++) {
        CHECK_STR_EQ(parsed.fields[i], fields[i]);
    }
    /* A field that needs no quotes is written bare, so the header line is exact. */
    CHECK(strncmp(buffer, "plain,\"a,b\",", 12) == 0);
    free(buffer);
}

/* The headers are the contract of SPEC 4, kept in schema/csv_headers.txt (threads, then
 * Signal): the writer's and the file's must be the same bytes. */
static void test_headers(void)
{
    FILE *file = fopen(BS_SCHEMA_DIR "/csv_headers.txt", "r");
    CHECK(file != NULL);
    if (file == NULL) {
        return;
    }
    char threads[1024] = "";
    char signal[1024] = "";
    CHECK(fgets(threads, sizeof(threads), file) != NULL);
    CHECK(fgets(signal, sizeof(signal), file) != NULL);
    fclose(file);
    threads[strcspn(threads, "\n")] = '\0';
    signal[strcspn(signal, "\n")] = '\0';
    CHECK_STR_EQ(bs_report_csv_threads_header, threads);
    CHECK_STR_EQ(bs_report_csv_signal_header, signal);
    /* SPEC 3.7: the timeline's three columns end the threads header. */
    const char *tail = ",exposed_since,exposure_cause,broken_by";
    size_t length = strlen(bs_report_csv_threads_header);
    CHECK(length > strlen(tail) &&
          strcmp(bs_report_csv_threads_header + length - strlen(tail), tail) == 0);
}

int main(void)
{
    test_cells();
    test_round_trip();
    test_headers();
    return check_report("report_csv");
}
