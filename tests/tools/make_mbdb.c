/*
 * make_mbdb: build-time tool that turns a text listing into a Manifest.mbdb, the file list of
 * an iOS 4-9 backup (reference/backup-format.md section 1.8), for the legacy backup fixtures.
 *
 *   make_mbdb LISTING OUT.mbdb
 *
 * LISTING holds one record per line, fields separated by '|':
 *     domain|relativePath|mode|size|key|linkTarget
 * mode is octal (100644 a file, 40755 a folder, 120755 a link); size in bytes; key is "key"
 * for a record carrying a 44-byte EncryptionKey (an encrypted backup) or empty; linkTarget may
 * be empty. Empty lines and lines starting with '#' are skipped. Records are written in order,
 * big-endian, after the "mbdb" 05 00 header, with no digest and no extended attributes. The
 * output is written to OUT.mbdb.tmp and renamed: on failure no output file is left behind.
 * A test tool, not part of the scanner: it prints its own errors. Exit 0, 1 on failure, 2 on
 * a usage error.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char program_name[] = "make_mbdb";

/* Fields of one listing line; the listing is a small hand-written file. */
#define MAX_LINE_BYTES 4096
#define FIELD_COUNT    6

static bool put_u8(FILE *out, unsigned value)
{
    return fputc((int)(value & 0xffu), out) != EOF;
}

static bool put_be(FILE *out, uint64_t value, int bytes)
{
    bool ok = true;
    for (int i = bytes - 1; i >= 0 && ok; i--) {
        ok = put_u8(out, (unsigned)(value >> (8 * i)));
    }
    return ok;
}

/* A u16-length string; NULL writes the absent marker 0xFFFF. */
static bool put_item(FILE *out, const char *bytes, size_t length)
{
    if (bytes == NULL) {
        return put_be(out, 0xffff, 2);
    }
    return length < 0xffff && put_be(out, length, 2) &&
           (length == 0 || fwrite(bytes, 1, length, out) == length);
}

/* Splits line at '|' into fields (in place); false unless there are exactly FIELD_COUNT. */
static bool split(char *line, char *fields[FIELD_COUNT])
{
    int count = 0;
    char *start = line;
    for (char *p = line;; p++) {
        if (*p == '|' || *p == '\0') {
            bool is_end = *p == '\0';
            if (count == FIELD_COUNT) {
                return false;
            }
            *p = '\0';
            fields[count++] = start;
            start = p + 1;
            if (is_end) {
                break;
            }
        }
    }
    return count == FIELD_COUNT;
}

static bool parse_number(const char *text, int base, uint64_t max, uint64_t *out)
{
    char *end = NULL;
    errno = 0;
    unsigned long long value = strtoull(text, &end, base);
    if (errno != 0 || end == text || *end != '\0' || value > max) {
        return false;
    }
    *out = value;
    return true;
}

static bool write_record(FILE *out, char *fields[FIELD_COUNT], unsigned long line_number)
{
    uint64_t mode = 0;
    uint64_t size = 0;
    if (!parse_number(fields[2], 8, 0xffff, &mode) ||
        !parse_number(fields[3], 10, UINT64_MAX, &size)) {
        fprintf(stderr, "%s: line %lu: mode (octal) or size is not a number\n", program_name,
                line_number);
        return false;
    }
    bool has_key = strcmp(fields[4], "key") == 0;
    if (!has_key && fields[4][0] != '\0') {
        fprintf(stderr, "%s: line %lu: the key field is \"key\" or empty\n", program_name,
                line_number);
        return false;
    }
    /* Protection class 4 (little-endian, as in the real format) and 40 bytes of a wrapped
     * key; the bytes are placeholders: nothing decrypts them. */
    char key[44] = {4, 0, 0, 0};
    for (int i = 4; i < 44; i++) {
        key[i] = (char)(0xa0 + i);
    }
    const char *target = fields[5][0] != '\0' ? fields[5] : NULL;
    bool ok = put_item(out, fields[0], strlen(fields[0])) &&
              put_item(out, fields[1], strlen(fields[1])) &&
              put_item(out, target, target != NULL ? strlen(target) : 0) &&
              put_item(out, NULL, 0) && put_item(out, has_key ? key : NULL, sizeof(key)) &&
              put_be(out, mode, 2) && put_be(out, 1000 + line_number, 8) && /* inode */
              put_be(out, 501, 4) && put_be(out, 501, 4) &&                 /* uid, gid */
              put_be(out, 1300000000, 4) && put_be(out, 1300000000, 4) &&   /* mtime, ctime */
              put_be(out, 1300000000, 4) &&                                 /* birth */
              put_be(out, size, 8) && put_u8(out, 4) &&                     /* class */
              put_u8(out, 0);                                               /* no xattrs */
    if (!ok) {
        fprintf(stderr, "%s: line %lu: write failed or a field is too long\n", program_name,
                line_number);
    }
    return ok;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s LISTING OUT.mbdb\n", program_name);
        return 2;
    }
    char temp[4096];
    int n = snprintf(temp, sizeof(temp), "%s.tmp", argv[2]);
    if (n < 0 || (size_t)n >= sizeof(temp)) {
        fprintf(stderr, "%s: output path too long\n", program_name);
        return 1;
    }
    FILE *in = fopen(argv[1], "r");
    if (in == NULL) {
        fprintf(stderr, "%s: cannot open %s: %s\n", program_name, argv[1], strerror(errno));
        return 1;
    }
    FILE *out = fopen(temp, "wb");
    if (out == NULL) {
        fprintf(stderr, "%s: cannot create %s: %s\n", program_name, temp, strerror(errno));
        fclose(in);
        return 1;
    }
    static const char magic[6] = {'m', 'b', 'd', 'b', 5, 0};
    bool ok = fwrite(magic, 1, sizeof(magic), out) == sizeof(magic);
    char line[MAX_LINE_BYTES];
    unsigned long line_number = 0;
    while (ok && fgets(line, sizeof(line), in) != NULL) {
        line_number++;
        size_t length = strlen(line);
        if (length > 0 && line[length - 1] == '\n') {
            line[--length] = '\0';
        } else if (!feof(in)) {
            fprintf(stderr, "%s: line %lu is too long\n", program_name, line_number);
            ok = false;
            break;
        }
        if (length == 0 || line[0] == '#') {
            continue;
        }
        char *fields[FIELD_COUNT];
        if (!split(line, fields)) {
            fprintf(stderr, "%s: line %lu: want %d fields separated by '|'\n", program_name,
                    line_number, FIELD_COUNT);
            ok = false;
            break;
        }
        ok = write_record(out, fields, line_number);
    }
    ok = !ferror(in) && ok;
    fclose(in);
    ok = fclose(out) == 0 && ok;
    if (ok && rename(temp, argv[2]) != 0) {
        fprintf(stderr, "%s: cannot rename %s: %s\n", program_name, temp, strerror(errno));
        ok = false;
    }
    if (!ok) {
        remove(temp);
    }
    return ok ? 0 : 1;
}
