/*
 * The XML -> binary conversion of fixture_plist.h: the core's XML pre-check, then libplist 2.2
 * parses and writes the binary form. Not in scanner/: bubblescan never writes a plist.
 */
#include "fixture_plist.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <plist/plist.h>

#include "core/base/limits.h"
#include "core/store/plist_check.h"

/* libplist 2.2 parses an empty <data/> to a node whose buffer is NULL, and plist_to_bin then
 * compares two such nodes with memcmp(NULL, NULL, 0): undefined behaviour, which UBSan reports
 * in the instrumented libplist (fuzz_plist's round trip found it). Such nodes are given a
 * buffer of their own (plist_set_data_val mallocs one, also for 0 bytes) before writing.
 * Depth is bounded: bs_plist_check_xml capped it at BS_MAX_PLIST_DEPTH. */
static void give_empty_data_a_buffer(plist_t node)
{
    plist_type type = plist_get_node_type(node);
    if (type == PLIST_DATA) {
        uint64_t length = 0;
        (void)plist_get_data_ptr(node, &length);
        if (length == 0) {
            plist_set_data_val(node, "", 0);
        }
    } else if (type == PLIST_ARRAY) {
        uint32_t count = plist_array_get_size(node);
        for (uint32_t i = 0; i < count; i++) {
            give_empty_data_a_buffer(plist_array_get_item(node, i));
        }
    } else if (type == PLIST_DICT) {
        plist_dict_iter iter = NULL;
        plist_dict_new_iter(node, &iter);
        for (;;) {
            char *key = NULL;
            plist_t value = NULL;
            plist_dict_next_item(node, iter, &key, &value);
            free(key);
            if (value == NULL) {
                break;
            }
            give_empty_data_a_buffer(value);
        }
        free(iter);
    }
}

enum bs_status bs_fixture_plist_xml_to_binary(const char *xml, size_t size, void **out,
                                              size_t *out_size, struct bs_error *err)
{
    enum bs_status status = BS_OK;
    plist_t tree = NULL;
    char *text = NULL;
    char *encoded = NULL;
    uint32_t encoded_size = 0;
    void *copy = NULL;

    if (size > (size_t)BS_MAX_PLIST_BYTES) {
        status = bs_error_set(err, BS_ERR_LIMIT, "plist of %zu bytes is larger than %zu", size,
                              (size_t)BS_MAX_PLIST_BYTES);
        goto done;
    }
    if (xml == NULL || bs_plist_is_binary((const uint8_t *)xml, size)) {
        status = bs_error_set(err, BS_ERR_FORMAT, "not an XML plist");
        goto done;
    }
    status = bs_plist_check_xml(xml, size, err);
    if (status != BS_OK) {
        goto done;
    }
    /* libplist 2.2's XML parser calls str* functions on the buffer: hand it a terminated
     * copy. */
    text = malloc(size + 1);
    if (text == NULL) {
        status = bs_error_set(err, BS_ERR_NOMEM, "out of memory reading an XML plist");
        goto done;
    }
    memcpy(text, xml, size);
    text[size] = '\0';
    plist_from_xml(text, (uint32_t)size, &tree);
    if (tree == NULL) {
        status = bs_error_set(err, BS_ERR_FORMAT, "malformed XML plist");
        goto done;
    }
    give_empty_data_a_buffer(tree);
    plist_to_bin(tree, &encoded, &encoded_size);
    copy = encoded == NULL ? NULL : malloc(encoded_size);
    if (copy == NULL) {
        status = bs_error_set(err, BS_ERR_NOMEM, "out of memory writing a binary plist");
        goto done;
    }
    memcpy(copy, encoded, encoded_size);
done:
    free(text);
    free(encoded); /* plist_to_bin's buffer: malloc'd, free() in 2.2 */
    plist_free(tree);
    if (status == BS_OK) {
        *out = copy;
        *out_size = encoded_size;
    }
    return status;
}
