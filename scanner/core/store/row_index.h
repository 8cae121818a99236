/*
 * The in-memory indexes of the Messages-database pass (sms_store.c): a set of membership
 * pairs that grows with distinct memberships, and ROWID -> array index for the chats and
 * handles, whose rows are sorted by ROWID first. Sized by chats, handles and memberships, never
 * by messages (SPEC 7). No SQLite here: plain arrays.
 */
#ifndef BS_CORE_ROW_INDEX_H
#define BS_CORE_ROW_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/base/status.h"

/* Open-addressing set of 64-bit keys (UINT64_MAX is not a valid key). Zero-initialise; free
 * slots with free(). */
struct bs_pair_set {
    uint64_t *slots; /* key + 1, 0 = empty; owned */
    size_t capacity; /* power of two */
    size_t count;
};

/* Adds key (a no-op when present). BS_ERR_LIMIT past BS_MAX_PARTICIPANT_PAIRS, BS_ERR_NOMEM. */
enum bs_status bs_pair_set_add(struct bs_pair_set *set, uint64_t key, struct bs_error *err);

/* The keys as a new sorted array (caller owns, free(); never NULL on success) of *count.
 * BS_ERR_NOMEM. The set is unchanged. */
enum bs_status bs_pair_set_sorted(const struct bs_pair_set *set, uint64_t **out, size_t *count,
                                  struct bs_error *err);

/* Open-addressing map of 64-bit keys (UINT64_MAX is not a valid key) to the order in which
 * they were first added (0, 1, 2...): the index of the caller's own record for the key.
 * Zero-initialise; free with bs_pair_map_free. */
struct bs_pair_map {
    uint64_t *slots;   /* key + 1, 0 = empty; owned */
    uint32_t *indexes; /* per slot; owned */
    size_t capacity;   /* power of two */
    size_t count;
};

/* The index of key in *index; when key is new it gets the next index (the count before)
 * and *is_new is set. BS_ERR_LIMIT past BS_MAX_PARTICIPANT_PAIRS keys, BS_ERR_NOMEM. */
enum bs_status bs_pair_map_index(struct bs_pair_map *map, uint64_t key, size_t *index, bool *is_new,
                                 struct bs_error *err);

void bs_pair_map_free(struct bs_pair_map *map);

/* ROWID -> array index without a search, when ROWIDs are compact (they are: SQLite assigns
 * them in order); a binary search otherwise. Each row of the indexed array starts with its
 * int64_t ROWID. Free slots with free(). */
struct bs_rowid_index {
    uint32_t *slots; /* index + 1 per ROWID from 0 to slot_count - 1; 0 = none. NULL = search */
    size_t slot_count;
};

/* Rows come ORDER BY ROWID, but a hostile table can declare a column of that name (text,
 * reals, duplicates): sorts rows (count of row_size bytes) by their leading ROWID when they are
 * not sorted already. */
void bs_rows_sort_by_rowid(void *rows, size_t row_size, size_t count);

/* Builds the direct table for sorted rows when the largest ROWID is at most a few times the row
 * count; otherwise (or out of memory) leaves lookups to a binary search. */
void bs_rowid_index_build(struct bs_rowid_index *index, const void *rows, size_t row_size,
                          size_t count);

/* Index of the row with that ROWID, or SIZE_MAX. */
size_t bs_rowid_index_lookup(const struct bs_rowid_index *index, const void *rows, size_t row_size,
                             size_t count, int64_t rowid);

#endif
