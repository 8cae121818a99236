/*
 * The replay driver: links with one fuzz target instead of libFuzzer, so that every seed and
 * every crash reproducer runs in an ordinary ctest run, with any compiler.
 *
 *   replay_<target> PATH...
 *
 * Each PATH is a file, or a folder whose regular files (dotfiles skipped) run in name order.
 * Each input is copied into a malloc block of exactly its size, so AddressSanitizer catches a
 * read one byte past the end. A failed invariant aborts; exit 1 when a PATH cannot be read or
 * holds no input at all (a corpus that went missing must not pass silently).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dirent.h>
#include <sys/stat.h>

#include "fuzz.h"

static int read_file(const char *path, uint8_t **bytes, size_t *size)
{
    FILE *file = fopen(path, "rb");
    if (file == NULL) {
        (void)fprintf(stderr, "replay: cannot open %s: %s\n", path, strerror(errno));
        return 1;
    }
    size_t capacity = 4096;
    size_t length = 0;
    uint8_t *buffer = malloc(capacity);
    int result = 1;
    while (buffer != NULL) {
        if (length == capacity) {
            uint8_t *grown = realloc(buffer, capacity * 2);
            if (grown == NULL) {
                break;
            }
            buffer = grown;
            capacity *= 2;
        }
        size_t got = fread(buffer + length, 1, capacity - length, file);
        length += got;
        if (got == 0) {
            result = ferror(file) ? 1 : 0;
            break;
        }
    }
    (void)fclose(file);
    if (result != 0 || buffer == NULL) {
        (void)fprintf(stderr, "replay: cannot read %s\n", path);
        free(buffer);
        return 1;
    }
    /* An exact-size copy: the redzone starts right after the last byte. */
    uint8_t *exact = malloc(length > 0 ? length : 1);
    if (exact == NULL) {
        free(buffer);
        return 1;
    }
    memcpy(exact, buffer, length);
    free(buffer);
    *bytes = exact;
    *size = length;
    return 0;
}

static int run_file(const char *path, size_t *count)
{
    uint8_t *bytes = NULL;
    size_t size = 0;
    if (read_file(path, &bytes, &size) != 0) {
        return 1;
    }
    (void)fprintf(stderr, "replay: %s (%zu bytes)\n", path, size);
    (void)LLVMFuzzerTestOneInput(bytes, size);
    free(bytes);
    (*count)++;
    return 0;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_folder(const char *folder, size_t *count)
{
    DIR *dir = opendir(folder);
    if (dir == NULL) {
        (void)fprintf(stderr, "replay: cannot open %s: %s\n", folder, strerror(errno));
        return 1;
    }
    char **names = NULL;
    size_t name_count = 0;
    int result = 0;
    for (struct dirent *entry = readdir(dir); entry != NULL; entry = readdir(dir)) {
        if (entry->d_name[0] == '.') {
            continue;
        }
        char **grown = realloc(names, (name_count + 1) * sizeof(*names));
        if (grown == NULL) {
            result = 1;
            break;
        }
        names = grown;
        size_t length = strlen(folder) + strlen(entry->d_name) + 2;
        char *path = malloc(length);
        if (path == NULL) {
            result = 1;
            break;
        }
        (void)snprintf(path, length, "%s/%s", folder, entry->d_name);
        names[name_count++] = path;
    }
    (void)closedir(dir);
    if (name_count > 1) {
        qsort(names, name_count, sizeof(*names), compare_names);
    }
    for (size_t i = 0; i < name_count; i++) {
        struct stat info;
        if (result == 0 && stat(names[i], &info) == 0 && S_ISREG(info.st_mode)) {
            result = run_file(names[i], count);
        }
        free(names[i]);
    }
    free(names);
    return result;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        (void)fprintf(stderr, "usage: %s FILE-OR-FOLDER...\n", argv[0]);
        return 2;
    }
    size_t count = 0;
    for (int i = 1; i < argc; i++) {
        struct stat info;
        if (stat(argv[i], &info) != 0) {
            (void)fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
            return 1;
        }
        int result =
            S_ISDIR(info.st_mode) ? run_folder(argv[i], &count) : run_file(argv[i], &count);
        if (result != 0) {
            return 1;
        }
    }
    if (count == 0) {
        (void)fprintf(stderr, "replay: no input found\n");
        return 1;
    }
    (void)fprintf(stderr, "replay: %zu inputs, no failure\n", count);
    return 0;
}
