/* The indexes of row_index.h. */
#include "core/store/row_index.h"

#include <stdlib.h>

#include "core/base/limits.h"

static uint64_t mix64(uint64_t key)
{
    key ^= key >> 33;
    key *= 0xff51afd7ed558ccdULL;
    key ^= key >> 33;
    return key;
}

enum bs_status bs_pair_set_add(struct bs_pair_set *set, uint64_t key, struct bs_error *err)
{
    if ((set->count + 1) * 4 > set->capacity * 3) {
        size_t grown = set->capacity == 0 ? 1024 : set->capacity * 2;
        if (set->count >= BS_MAX_PARTICIPANT_PAIRS) {
            return bs_error_set(err, BS_ERR_LIMIT, "more than %d thread memberships",
                                BS_MAX_PARTICIPANT_PAIRS);
        }
        uint64_t *slots = calloc(grown, sizeof(*slots));
        if (slots == NULL) {
            return bs_error_set(err, BS_ERR_NOMEM, "out of memory for thread memberships");
        }
        for (size_t i = 0; i < set->capacity; i++) {
            if (set->slots[i] != 0) {
                size_t at = mix64(set->slots[i]) & (grown - 1);
                while (slots[at] != 0) {
                    at = (at + 1) & (grown - 1);
                }
                slots[at] = set->slots[i];
            }
        }
        free(set->slots);
        set->slots = slots;
        set->capacity = grown;
    }
    uint64_t stored = key + 1;
    size_t at = mix64(stored) & (set->capacity - 1);
    while (set->slots[at] != 0) {
        if (set->slots[at] == stored) {
            return BS_OK;
        }
        at = (at + 1) & (set->capacity - 1);
    }
    set->slots[at] = stored;
    set->count++;
    return BS_OK;
}

/* Doubles the map's table (or makes its first), moving every key to its new slot. */
static enum bs_status pair_map_grow(struct bs_pair_map *map, struct bs_error *err)
{
    size_t grown = map->capacity == 0 ? 1024 : map->capacity * 2;
    uint64_t *slots = calloc(grown, sizeof(*slots));
    uint32_t *indexes = calloc(grown, sizeof(*indexes));
    if (slots == NULL || indexes == NULL) {
        free(slots);
        free(indexes);
        return bs_error_set(err, BS_ERR_NOMEM, "out of memory for the timeline of threads");
    }
    for (size_t i = 0; i < map->capacity; i++) {
        if (map->slots[i] != 0) {
            size_t at = mix64(map->slots[i]) & (grown - 1);
            while (slots[at] != 0) {
                at = (at + 1) & (grown - 1);
            }
            slots[at] = map->slots[i];
            indexes[at] = map->indexes[i];
        }
    }
    free(map->slots);
    free(map->indexes);
    map->slots = slots;
    map->indexes = indexes;
    map->capacity = grown;
    return BS_OK;
}

enum bs_status bs_pair_map_index(struct bs_pair_map *map, uint64_t key, size_t *index, bool *is_new,
                                 struct bs_error *err)
{
    *is_new = false;
    if ((map->count + 1) * 4 > map->capacity * 3) {
        if (map->count >= BS_MAX_PARTICIPANT_PAIRS) {
            return bs_error_set(err, BS_ERR_LIMIT, "more than %d thread memberships",
                                BS_MAX_PARTICIPANT_PAIRS);
        }
        enum bs_status status = pair_map_grow(map, err);
        if (status != BS_OK) {
            return status;
        }
    }
    uint64_t stored = key + 1;
    size_t at = mix64(stored) & (map->capacity - 1);
    while (map->slots[at] != 0) {
        if (map->slots[at] == stored) {
            *index = map->indexes[at];
            return BS_OK;
        }
        at = (at + 1) & (map->capacity - 1);
    }
    map->slots[at] = stored;
    map->indexes[at] = (uint32_t)map->count;
    *index = map->count++;
    *is_new = true;
    return BS_OK;
}

void bs_pair_map_free(struct bs_pair_map *map)
{
    free(map->slots);
    free(map->indexes);
    map->slots = NULL;
    map->indexes = NULL;
    map->capacity = 0;
    map->count = 0;
}

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a;
    uint64_t y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Index of the row with that ROWID in rows sorted by ROWID (each row's ROWID at
 * rowid_of(i)), or SIZE_MAX. */
static size_t search_rowid(const void *rows, size_t row_size, size_t count, int64_t rowid)
{
    size_t low = 0;
    size_t high = count;
    while (low < high) {
        size_t mid = low + (high - low) / 2;
        int64_t here = *(const int64_t *)(const void *)((const char *)rows + mid * row_size);
        if (here == rowid) {
            return mid;
        }
        if (here < rowid) {
            low = mid + 1;
        } else {
            high = mid;
        }
    }
    return SIZE_MAX;
}

static int compare_rowids(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a;
    int64_t y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

void bs_rows_sort_by_rowid(void *rows, size_t row_size, size_t count)
{
    for (size_t i = 1; i < count; i++) {
        if (compare_rowids((const char *)rows + (i - 1) * row_size,
                           (const char *)rows + i * row_size) > 0) {
            qsort(rows, count, row_size, compare_rowids);
            return;
        }
    }
}

void bs_rowid_index_build(struct bs_rowid_index *index, const void *rows, size_t row_size,
                          size_t count)
{
    index->slots = NULL;
    index->slot_count = 0;
    if (count == 0) {
        return;
    }
    int64_t first = *(const int64_t *)rows;
    int64_t last = *(const int64_t *)(const void *)((const char *)rows + (count - 1) * row_size);
    if (first < 0 || last < 0 || (uint64_t)last >= 4 * (uint64_t)count + 1024 ||
        count >= UINT32_MAX) {
        return; /* sparse or odd ROWIDs: search instead */
    }
    index->slots = calloc((size_t)last + 1, sizeof(uint32_t));
    if (index->slots == NULL) {
        return; /* searching still works */
    }
    index->slot_count = (size_t)last + 1;
    for (size_t i = 0; i < count; i++) {
        int64_t rowid = *(const int64_t *)(const void *)((const char *)rows + i * row_size);
        index->slots[rowid] = (uint32_t)(i + 1);
    }
}

size_t bs_rowid_index_lookup(const struct bs_rowid_index *index, const void *rows, size_t row_size,
                             size_t count, int64_t rowid)
{
    if (index->slots == NULL) {
        return search_rowid(rows, row_size, count, rowid);
    }
    if (rowid < 0 || (uint64_t)rowid >= index->slot_count || index->slots[rowid] == 0) {
        return SIZE_MAX;
    }
    return index->slots[rowid] - 1;
}

enum bs_status bs_pair_set_sorted(const struct bs_pair_set *set, uint64_t **out, size_t *count,
                                  struct bs_error *err)
{
    uint64_t *pairs = malloc((set->count == 0 ? 1 : set->count) * sizeof(*pairs));
    if (pairs == NULL) {
        return bs_error_set(err, BS_ERR_NOMEM, "out of memory for thread memberships");
    }
    size_t n = 0;
    for (size_t i = 0; i < set->capacity; i++) {
        if (set->slots[i] != 0) {
            pairs[n++] = set->slots[i] - 1;
        }
    }
    qsort(pairs, n, sizeof(*pairs), compare_u64);
    *out = pairs;
    *count = n;
    return BS_OK;
}
