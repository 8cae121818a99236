/*
 * make_fuzz_seed_keybag: build-time tool that takes the keybag of an encrypted fixture
 * backup as a seed of the keybag fuzz target.
 *
 *   make_fuzz_seed_keybag MANIFEST.plist OUT
 *
 * Writes Manifest.plist's BackupKeyBag to OUT and, when there is one, its ManifestKey (a
 * 44-byte wrapped key) to OUT-manifestkey. A test tool: it reads the plist with the scanner's
 * own reader and prints its own errors. Exit 0 or 1.
 */
#include <stdio.h>
#include <stdlib.h>

#include "core/store/plist_read.h"

static int write_data(const struct bs_plist_value *value, const char *path)
{
    const uint8_t *bytes = NULL;
    size_t size = 0;
    if (!bs_plist_get_data(value, &bytes, &size)) {
        (void)fprintf(stderr, "make_fuzz_seed_keybag: %s: not data\n", path);
        return 1;
    }
    FILE *file = fopen(path, "wb");
    int result = file != NULL && fwrite(bytes, 1, size, file) == size ? 0 : 1;
    if (file != NULL && fclose(file) != 0) {
        result = 1;
    }
    if (result != 0) {
        (void)fprintf(stderr, "make_fuzz_seed_keybag: cannot write %s\n", path);
    }
    return result;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        (void)fprintf(stderr, "usage: make_fuzz_seed_keybag MANIFEST.plist OUT\n");
        return 1;
    }
    FILE *file = fopen(argv[1], "rb");
    uint8_t bytes[1 << 16];
    size_t size = file != NULL ? fread(bytes, 1, sizeof(bytes), file) : 0;
    if (file != NULL) {
        (void)fclose(file);
    }
    struct bs_error err = {BS_OK, ""};
    struct bs_plist *plist = NULL;
    if (bs_plist_parse(bytes, size, &plist, &err) != BS_OK) {
        (void)fprintf(stderr, "make_fuzz_seed_keybag: %s: %s\n", argv[1], err.message);
        return 1;
    }
    const struct bs_plist_value *root = bs_plist_root(plist);
    const struct bs_plist_value *keybag = bs_plist_dict_get(root, "BackupKeyBag");
    const struct bs_plist_value *manifest_key = bs_plist_dict_get(root, "ManifestKey");
    int result = keybag != NULL ? write_data(keybag, argv[2]) : 1;
    if (result == 0 && manifest_key != NULL) {
        char path[4096];
        (void)snprintf(path, sizeof(path), "%s-manifestkey", argv[2]);
        result = write_data(manifest_key, path);
    }
    bs_plist_free(plist);
    return result;
}
