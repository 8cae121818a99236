/* Tests of core/sqlite_db's column readers: every storage class a hostile database can put in
 * an integer or a text column reads as the header promises (an integer or absent; bytes or
 * NULL), from an image opened in memory. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "check.h"
#include "core/store/sqlite_db.h"

/* A database image (malloc'd, as bs_sqlite_db_open_memory takes it) with one row per
 * storage class in table v, in rowid order. */
static void *make_image(size_t *size)
{
    sqlite3 *db = NULL;
    void *image = NULL;
    *size = 0;
    if (sqlite3_open(":memory:", &db) == SQLITE_OK &&
        sqlite3_exec(db,
                     "CREATE TABLE v (x);"
                     "INSERT INTO v VALUES (42), (-9223372036854775808), (NULL), ('17'), (2.9),"
                     " (-2.9), (1e300), (x'00ff'), (x''), (''), ('SMS'), (7.0);",
                     NULL, NULL, NULL) == SQLITE_OK) {
        sqlite3_int64 length = 0;
        unsigned char *bytes = sqlite3_serialize(db, "main", &length, 0);
        if (bytes != NULL && length > 0 && (image = malloc((size_t)length)) != NULL) {
            memcpy(image, bytes, (size_t)length);
            *size = (size_t)length;
        }
        sqlite3_free(bytes);
    }
    sqlite3_close(db);
    return image;
}

int main(void)
{
    size_t size = 0;
    void *image = make_image(&size);
    CHECK(image != NULL);
    if (image == NULL) {
        return check_report("sqlite_db");
    }
    struct bs_sqlite_db *db = NULL;
    struct bs_error err = {BS_OK, ""};
    CHECK_INT_EQ(bs_sqlite_db_open_memory(image, size, NULL, &db, &err), BS_OK);
    struct bs_sqlite_query *query = NULL;
    CHECK_INT_EQ(bs_sqlite_query_prepare(db, "SELECT x, x FROM v ORDER BY rowid", &query, &err),
                 BS_OK);
    /* key: bs_sqlite_query_key, a join key as SQL's = matches it (whole numbers only). */
    static const struct {
        bool is_present;
        int64_t value;
        const char *bytes; /* NULL: no text */
        size_t length;
        bool is_key;
        int64_t key;
    } rows[] = {
        {true, 42, NULL, 0, true, 42},
        {true, INT64_MIN, NULL, 0, true, INT64_MIN},
        {false, 0, NULL, 0, false, 0}, /* NULL */
        {false, 0, "17", 2, false, 0}, /* text where an integer belongs is not a number */
        {true, 2, NULL, 0, false, 0},  /* a real is truncated; as a key it matches nothing */
        {true, -2, NULL, 0, false, 0},
        {false, 0, NULL, 0, false, 0},     /* a real beyond int64 is absent, not undefined */
        {false, 0, "\0\xff", 2, false, 0}, /* a blob reads as its bytes */
        {false, 0, "", 0, false, 0},       /* a zero-length blob is "", not NULL */
        {false, 0, "", 0, false, 0},       /* empty text */
        {false, 0, "SMS", 3, false, 0},
        {true, 7, NULL, 0, true, 7}, /* a whole real is a key: 7.0 = 7 in SQL */
    };
    size_t count = 0;
    bool has_row = true;
    while (query != NULL && bs_sqlite_query_step(query, &has_row, &err) == BS_OK && has_row &&
           count < sizeof(rows) / sizeof(rows[0])) {
        bool is_present = !rows[count].is_present;
        CHECK_INT_EQ(bs_sqlite_query_int(query, 0, &is_present), rows[count].value);
        CHECK(is_present == rows[count].is_present);
        bool is_key = !rows[count].is_key;
        CHECK_INT_EQ(bs_sqlite_query_key(query, 0, &is_key), rows[count].key);
        CHECK(is_key == rows[count].is_key);
        size_t length = 99;
        const char *bytes = bs_sqlite_query_text(query, 1, &length);
        if (rows[count].bytes == NULL) {
            CHECK(bytes == NULL);
            CHECK_INT_EQ(length, 0);
        } else {
            CHECK(bytes != NULL);
            CHECK_INT_EQ(length, rows[count].length);
            CHECK(bytes != NULL && memcmp(bytes, rows[count].bytes, rows[count].length) == 0);
        }
        count++;
    }
    CHECK_INT_EQ(count, sizeof(rows) / sizeof(rows[0]));
    bs_sqlite_query_free(query);
    bs_sqlite_db_close(db);
    return check_report("sqlite_db");
}
