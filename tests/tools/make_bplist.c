/*
 * make_bplist: build-time tool that turns a committed XML plist into a binary one.
 *
 *   make_bplist IN.xml OUT.plist
 *
 * The conversion is bs_fixture_plist_xml_to_binary (fixture_plist.h: libplist 2.2's
 * plist_to_bin behind the scanner's own size and depth checks), so fixtures go through the
 * same checks the scanner trusts. The
 * output is written to OUT.plist.tmp and renamed: on failure no output file is left behind.
 * A test tool, not part of the scanner: it prints its own errors. Exit 0 on success, 1 on
 * failure, 2 on a usage error.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/limits.h"
#include "fixture_plist.h"

static const char program_name[] = "make_bplist";

/* Reads all of path into *bytes (malloc'd) up to BS_MAX_PLIST_BYTES + 1 bytes, so that an
 * oversized input reaches the converter's limit check rather than being cut silently. */
static int read_input(const char *path, char **bytes, size_t *size)
{
    FILE *file = fopen(path, "rb");
    if (file == NULL) {
        fprintf(stderr, "%s: cannot open %s\n", program_name, path);
        return 1;
    }
    size_t limit = (size_t)BS_MAX_PLIST_BYTES + 1;
    size_t capacity = 64 * 1024;
    size_t length = 0;
    char *buffer = malloc(capacity);
    int result = 1;
    if (buffer == NULL) {
        fprintf(stderr, "%s: out of memory reading %s\n", program_name, path);
        goto done;
    }
    for (;;) {
        if (length == capacity) {
            if (capacity == limit) {
                break;
            }
            size_t grown = capacity > limit / 2 ? limit : capacity * 2;
            char *bigger = realloc(buffer, grown);
            if (bigger == NULL) {
                fprintf(stderr, "%s: out of memory reading %s\n", program_name, path);
                goto done;
            }
            buffer = bigger;
            capacity = grown;
        }
        size_t got = fread(buffer + length, 1, capacity - length, file);
        length += got;
        if (got == 0) {
            break;
        }
    }
    if (ferror(file)) {
        fprintf(stderr, "%s: cannot read %s\n", program_name, path);
        goto done;
    }
    result = 0;
done:
    fclose(file);
    if (result != 0) {
        free(buffer);
        return result;
    }
    *bytes = buffer;
    *size = length;
    return 0;
}

static int write_output(const char *path, const void *bytes, size_t size)
{
    size_t temp_size = strlen(path) + sizeof(".tmp");
    char *temp = malloc(temp_size);
    if (temp == NULL) {
        fprintf(stderr, "%s: out of memory\n", program_name);
        return 1;
    }
    int written = snprintf(temp, temp_size, "%s.tmp", path);
    int result = 1;
    FILE *file = NULL;
    if (written < 0 || (size_t)written >= temp_size) {
        fprintf(stderr, "%s: output path too long\n", program_name);
        goto done;
    }
    file = fopen(temp, "wb");
    if (file == NULL) {
        fprintf(stderr, "%s: cannot create %s\n", program_name, temp);
        goto done;
    }
    bool ok = fwrite(bytes, 1, size, file) == size;
    ok = fclose(file) == 0 && ok;
    file = NULL;
    if (!ok) {
        fprintf(stderr, "%s: cannot write %s\n", program_name, temp);
        (void)remove(temp);
        goto done;
    }
    if (rename(temp, path) != 0) {
        fprintf(stderr, "%s: cannot rename %s to %s\n", program_name, temp, path);
        (void)remove(temp);
        goto done;
    }
    result = 0;
done:
    free(temp);
    return result;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--help") == 0) {
        printf("usage: %s IN.xml OUT.plist\n", program_name);
        return 0;
    }
    if (argc != 3) {
        fprintf(stderr, "usage: %s IN.xml OUT.plist\n", program_name);
        return 2;
    }
    char *xml = NULL;
    size_t xml_size = 0;
    if (read_input(argv[1], &xml, &xml_size) != 0) {
        return 1;
    }
    void *binary = NULL;
    size_t binary_size = 0;
    struct bs_error err = {0};
    int result = 1;
    if (bs_fixture_plist_xml_to_binary(xml, xml_size, &binary, &binary_size, &err) != BS_OK) {
        fprintf(stderr, "%s: %s: %s\n", program_name, argv[1], err.message);
    } else {
        result = write_output(argv[2], binary, binary_size);
    }
    free(binary);
    free(xml);
    return result;
}
