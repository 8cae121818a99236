/*
 * The value tree of a parsed plist, shared by the files of store/ that build and read it and
 * by nothing else (plist_read.h is the public face; no other layer includes this header).
 *
 * plist_read.c (the libplist adapter) fills the tree; plist_tree.c frees it and answers the
 * typed getters and NSKeyedArchiver lookups of plist_read.h. Every container owns its
 * children, every string and byte buffer is owned by its value.
 */
#ifndef BS_CORE_PLIST_TREE_H
#define BS_CORE_PLIST_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/store/plist_read.h"

struct plist_entry;

struct bs_plist_value {
    enum bs_plist_type type;
    bool is_unsigned; /* integer stored as unsigned and >= 2^63 */
    union {
        bool boolean;
        uint64_t integer_bits; /* two's complement unless is_unsigned */
        double real;
        double date_seconds_since_2001;
        uint64_t uid;
        char *string; /* owned, NUL-terminated */
        struct {
            uint8_t *bytes; /* owned, never NULL */
            size_t size;
        } data;
        struct {
            struct bs_plist_value *items; /* owned */
            size_t count;
        } array;
        struct {
            struct plist_entry *entries; /* owned */
            size_t count;
        } dict;
    } as;
};

struct plist_entry {
    char *key; /* owned */
    struct bs_plist_value value;
};

struct bs_plist {
    struct bs_plist_value root;
};

/* Frees everything root owns, depth first with a fixed stack of BS_MAX_PLIST_DEPTH frames (the
 * builder never nests deeper); root is left zeroed. */
void bs_plist_tree_clear(struct bs_plist_value *root);

#endif
