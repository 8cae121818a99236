/* The SQL-to-image builder of sql_image.h. Test code: uses SQLite directly. */
#include "sql_image.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

/* Virtual machine steps one input may spend building its database, in progress callbacks of
 * 1000 steps each. */
#define MAX_PROGRESS_CALLS 20000
/* Longest SQL text run (the seeds are tens of KB). */
#define MAX_SQL_BYTES (1024 * 1024)

static int stop_after_budget(void *context)
{
    int *calls = context;
    return ++*calls > MAX_PROGRESS_CALLS;
}

/* Where the statement that starts at sql ends when it does not prepare: after the next ';'. */
static const char *skip_statement(const char *sql, const char *end)
{
    const char *semicolon = memchr(sql, ';', (size_t)(end - sql));
    return semicolon == NULL ? end : semicolon + 1;
}

static void run_script(sqlite3 *db, const char *sql, size_t size)
{
    const char *cursor = sql;
    const char *end = sql + size;
    while (cursor < end) {
        sqlite3_stmt *statement = NULL;
        const char *tail = NULL;
        int rc = sqlite3_prepare_v2(db, cursor, (int)(end - cursor), &statement, &tail);
        if (rc != SQLITE_OK || tail == NULL || tail <= cursor) {
            sqlite3_finalize(statement);
            cursor = skip_statement(cursor, end);
            continue;
        }
        if (statement != NULL) {
            while (sqlite3_step(statement) == SQLITE_ROW) {
            }
            sqlite3_finalize(statement);
        }
        cursor = tail;
    }
}

void *fuzz_sql_image(const uint8_t *sql, size_t size, size_t *image_size)
{
    static bool configured;
    if (!configured) {
        /* The scanner's own connections share this process: keep everything small. */
        (void)sqlite3_hard_heap_limit64(256 * 1024 * 1024);
        configured = true;
    }
    if (size > MAX_SQL_BYTES) {
        return NULL;
    }
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        sqlite3_close(db);
        return NULL;
    }
    int calls = 0;
    int applied = 0;
    sqlite3_limit(db, SQLITE_LIMIT_LENGTH, 1024 * 1024);
    sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, &applied);
    sqlite3_progress_handler(db, 1000, stop_after_budget, &calls);
    run_script(db, (const char *)sql, size);

    sqlite3_int64 serialized_size = 0;
    unsigned char *serialized = sqlite3_serialize(db, "main", &serialized_size, 0);
    sqlite3_close(db);
    void *copy = NULL;
    if (serialized != NULL && serialized_size > 0) {
        copy = malloc((size_t)serialized_size);
        if (copy != NULL) {
            memcpy(copy, serialized, (size_t)serialized_size);
            *image_size = (size_t)serialized_size;
        }
    }
    sqlite3_free(serialized);
    return copy;
}
