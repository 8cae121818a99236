/*
 * make_fuzz_seed_db: build-time tool that turns a fixture database into a small seed for the
 * database fuzz target.
 *
 *   make_fuzz_seed_db IN.db OUT                a database seed (fuzz_db)
 *   make_fuzz_seed_db --sql IN.db OUT          an SQL seed (fuzz_db_sql)
 *   make_fuzz_seed_db --manifest-sql IN.db OUT Manifest.db's Files and Properties as SQL
 *                                              (fuzz_manifest)
 *   make_fuzz_seed_db --mbfiles IN.db OUT      the first MBFile blobs of Manifest.db's
 *                                              Files.file, OUT-1, OUT-2... (fuzz_mbfile)
 *   make_fuzz_seed_db --wal OUT                a database with 512-byte pages and its WAL
 *                                              of two commits, as fuzz_wal reads them
 *
 * Copies the tables the scanner reads (message, handle, chat and their join tables), with
 * their rows and indexes, into a new database with 512-byte pages and no journal, then
 * vacuums it: the seed keeps the shapes of the fixture in a few KB, which the fuzzer mutates
 * far faster than a 300 KB file with 4 KB pages. With --sql the copy is made in memory and
 * written out as the SQL that rebuilds it (CREATE TABLE, INSERT, CREATE INDEX). IN is opened
 * read-only and immutable. A test tool: it uses SQLite directly and prints its own errors.
 * Exit 0 on success, 1 on failure.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

static const char *const message_tables[] = {"message",
                                             "handle",
                                             "chat",
                                             "chat_message_join",
                                             "chat_handle_join",
                                             "chat_recoverable_message_join",
                                             "message_attachment_join"};
static const char *const manifest_tables[] = {"Files", "Properties"};

/* The tables copied: the Messages tables, or Manifest.db's with --manifest-sql. */
static const char *const *tables = message_tables;
static size_t table_count = sizeof(message_tables) / sizeof(message_tables[0]);

static int fail(sqlite3 *db, const char *what)
{
    (void)fprintf(stderr, "make_fuzz_seed_db: %s: %s\n", what,
                  db != NULL ? sqlite3_errmsg(db) : "cannot open");
    return 1;
}

/* Runs every statement the query on the source returns (CREATE TABLE / CREATE INDEX text). */
static int copy_schema(sqlite3 *db, const char *type, const char *table)
{
    sqlite3_stmt *statement = NULL;
    int rc = sqlite3_prepare_v2(db,
                                "SELECT sql FROM src.sqlite_master WHERE type = ?1 AND "
                                "tbl_name = ?2 AND sql IS NOT NULL ORDER BY name",
                                -1, &statement, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(statement, 1, type, -1, SQLITE_STATIC);
        sqlite3_bind_text(statement, 2, table, -1, SQLITE_STATIC);
    }
    while (rc == SQLITE_OK && sqlite3_step(statement) == SQLITE_ROW) {
        const char *sql = (const char *)sqlite3_column_text(statement, 0);
        rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    }
    sqlite3_finalize(statement);
    return rc == SQLITE_OK ? 0 : fail(db, table);
}

/* Appends text to a growing buffer; aborts when out of memory (a build tool). */
static void append(char **buffer, size_t *length, const char *text)
{
    size_t extra = strlen(text);
    char *grown = realloc(*buffer, *length + extra + 1);
    if (grown == NULL) {
        abort();
    }
    memcpy(grown + *length, text, extra + 1);
    *buffer = grown;
    *length += extra;
}

/* Writes each row of the query (one text column) to file, one a line. */
static int write_rows(sqlite3 *db, const char *sql, FILE *file)
{
    sqlite3_stmt *statement = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &statement, NULL);
    while (rc == SQLITE_OK && sqlite3_step(statement) == SQLITE_ROW) {
        (void)fprintf(file, "%s;\n", (const char *)sqlite3_column_text(statement, 0));
    }
    sqlite3_finalize(statement);
    return rc == SQLITE_OK ? 0 : fail(db, sql);
}

/* The SQL that rebuilds the copied tables: schema, rows as INSERTs, indexes. */
static int dump_sql(sqlite3 *db, FILE *file)
{
    int result = write_rows(db,
                            "SELECT sql FROM main.sqlite_master WHERE type = 'table' AND sql IS "
                            "NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY rowid",
                            file);
    for (size_t i = 0; i < table_count && result == 0; i++) {
        char *select = NULL;
        size_t length = 0;
        char part[512];
        (void)snprintf(part, sizeof(part), "SELECT 'INSERT INTO \"%s\" VALUES(' || ", tables[i]);
        append(&select, &length, part);
        sqlite3_stmt *columns = NULL;
        (void)snprintf(part, sizeof(part), "SELECT name FROM pragma_table_info('%s')", tables[i]);
        int count = 0;
        if (sqlite3_prepare_v2(db, part, -1, &columns, NULL) == SQLITE_OK) {
            while (sqlite3_step(columns) == SQLITE_ROW) {
                (void)snprintf(part, sizeof(part), "%squote(\"%s\")",
                               count++ > 0 ? " || ',' || " : "",
                               (const char *)sqlite3_column_text(columns, 0));
                append(&select, &length, part);
            }
        }
        sqlite3_finalize(columns);
        (void)snprintf(part, sizeof(part), " || ')' FROM main.\"%s\" ORDER BY rowid", tables[i]);
        append(&select, &length, part);
        if (count > 0) {
            result = write_rows(db, select, file);
        }
        free(select);
    }
    if (result == 0) {
        result = write_rows(db,
                            "SELECT sql FROM main.sqlite_master WHERE type = 'index' AND sql IS "
                            "NOT NULL ORDER BY rowid",
                            file);
    }
    return result;
}

/* Reads a whole file (malloc'd), or NULL. */
static unsigned char *read_all(const char *path, long *size)
{
    FILE *file = fopen(path, "rb");
    unsigned char *bytes = NULL;
    if (file != NULL && fseek(file, 0, SEEK_END) == 0 && (*size = ftell(file)) >= 0 &&
        fseek(file, 0, SEEK_SET) == 0) {
        bytes = malloc((size_t)*size + 1);
        if (bytes != NULL && fread(bytes, 1, (size_t)*size, file) != (size_t)*size) {
            free(bytes);
            bytes = NULL;
        }
    }
    if (file != NULL) {
        (void)fclose(file);
    }
    return bytes;
}

/* A database in WAL mode with 512-byte pages, left with its WAL (no checkpoint on close): two
 * commits, the second growing the database. Written as fuzz_wal's input: the image's size
 * (4 bytes, big-endian), the image, the WAL. */
static int write_wal_seed(const char *out)
{
    char dir[] = "/tmp/bs-fuzz-wal-XXXXXX";
    char path[64];
    char wal_path[80];
    if (mkdtemp(dir) == NULL) {
        return fail(NULL, "mkdtemp");
    }
    (void)snprintf(path, sizeof(path), "%s/w.db", dir);
    (void)snprintf(wal_path, sizeof(wal_path), "%s-wal", path);
    sqlite3 *db = NULL;
    int result = 0;
    if (sqlite3_open(path, &db) != SQLITE_OK ||
        sqlite3_exec(db,
                     "PRAGMA page_size = 512; PRAGMA journal_mode = WAL;"
                     "CREATE TABLE message (ROWID INTEGER PRIMARY KEY, guid TEXT, date INTEGER);"
                     "INSERT INTO message VALUES (1, 'g1', 700000000);",
                     NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE);", NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL) != SQLITE_OK ||
        sqlite3_exec(db,
                     "INSERT INTO message VALUES (2, 'g2', 700000001);"
                     "BEGIN; INSERT INTO message SELECT ROWID + 2, 'more-' || guid || "
                     "hex(zeroblob(200)), date FROM message; COMMIT;",
                     NULL, NULL, NULL) != SQLITE_OK) {
        result = fail(db, path);
    }
    if (sqlite3_close(db) != SQLITE_OK && result == 0) {
        result = 1;
    }
    long image_size = 0;
    long wal_size = 0;
    unsigned char *image = result == 0 ? read_all(path, &image_size) : NULL;
    unsigned char *wal = result == 0 ? read_all(wal_path, &wal_size) : NULL;
    FILE *file = image != NULL && wal != NULL && wal_size > 0 ? fopen(out, "wb") : NULL;
    if (file == NULL) {
        result = fail(NULL, out);
    } else {
        unsigned char length[4] = {(unsigned char)(image_size >> 24),
                                   (unsigned char)(image_size >> 16),
                                   (unsigned char)(image_size >> 8), (unsigned char)image_size};
        if (fwrite(length, 1, 4, file) != 4 ||
            fwrite(image, 1, (size_t)image_size, file) != (size_t)image_size ||
            fwrite(wal, 1, (size_t)wal_size, file) != (size_t)wal_size) {
            result = 1;
        }
        if (fclose(file) != 0) {
            result = 1;
        }
    }
    free(image);
    free(wal);
    (void)unlink(wal_path);
    (void)snprintf(wal_path, sizeof(wal_path), "%s-shm", path);
    (void)unlink(wal_path);
    (void)unlink(path);
    (void)rmdir(dir);
    return result;
}

/* The first few Files.file blobs (MBFile records) of a Manifest.db, one a file. */
static int write_mbfile_seeds(const char *in, const char *out)
{
    enum {
        MAX_SEEDS = 6
    };
    sqlite3 *db = NULL;
    sqlite3_stmt *statement = NULL;
    int result = 0;
    int written = 0;
    if (sqlite3_open_v2(in, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "SELECT file FROM Files WHERE file IS NOT NULL ORDER BY "
                           "flags DESC, relativePath",
                           -1, &statement, NULL) != SQLITE_OK) {
        result = fail(db, in);
    }
    while (result == 0 && written < MAX_SEEDS && sqlite3_step(statement) == SQLITE_ROW) {
        char path[4096];
        (void)snprintf(path, sizeof(path), "%s-%d", out, ++written);
        const void *blob = sqlite3_column_blob(statement, 0);
        size_t size = (size_t)sqlite3_column_bytes(statement, 0);
        FILE *file = fopen(path, "wb");
        if (file == NULL || fwrite(blob, 1, size, file) != size) {
            result = fail(NULL, path);
        }
        if (file != NULL && fclose(file) != 0) {
            result = 1;
        }
    }
    sqlite3_finalize(statement);
    (void)sqlite3_close(db);
    return result;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--wal") == 0) {
        return write_wal_seed(argv[2]);
    }
    if (argc == 4 && strcmp(argv[1], "--mbfiles") == 0) {
        return write_mbfile_seeds(argv[2], argv[3]);
    }
    bool as_manifest = argc == 4 && strcmp(argv[1], "--manifest-sql") == 0;
    bool as_sql = (argc == 4 && strcmp(argv[1], "--sql") == 0) || as_manifest;
    if (argc != 3 && !as_sql) {
        (void)fprintf(stderr, "usage: make_fuzz_seed_db [--sql|--manifest-sql|--mbfiles] IN.db "
                              "OUT, or --wal OUT\n");
        return 1;
    }
    if (as_manifest) {
        tables = manifest_tables;
        table_count = sizeof(manifest_tables) / sizeof(manifest_tables[0]);
    }
    const char *in = argv[as_sql ? 2 : 1];
    const char *out = argv[as_sql ? 3 : 2];
    (void)unlink(out);
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(as_sql ? ":memory:" : out, &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI,
                        NULL) != SQLITE_OK) {
        return fail(db, out);
    }
    size_t uri_size = strlen(in) + 64;
    char *attach = malloc(uri_size);
    if (attach == NULL) {
        return fail(db, "out of memory");
    }
    (void)snprintf(attach, uri_size, "file:%s?immutable=1&mode=ro", in);
    sqlite3_stmt *statement = NULL;
    int result = 0;
    if (sqlite3_exec(db, "PRAGMA page_size = 512; PRAGMA journal_mode = OFF;", NULL, NULL, NULL) !=
            SQLITE_OK ||
        sqlite3_prepare_v2(db, "ATTACH ?1 AS src", -1, &statement, NULL) != SQLITE_OK ||
        sqlite3_bind_text(statement, 1, attach, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_step(statement) != SQLITE_DONE) {
        result = fail(db, in);
    }
    sqlite3_finalize(statement);
    free(attach);
    for (size_t i = 0; i < table_count && result == 0; i++) {
        char sql[256];
        (void)snprintf(sql, sizeof(sql),
                       "SELECT 1 FROM src.sqlite_master WHERE type = 'table' AND name = '%s'",
                       tables[i]);
        sqlite3_stmt *exists = NULL;
        bool present = sqlite3_prepare_v2(db, sql, -1, &exists, NULL) == SQLITE_OK &&
                       sqlite3_step(exists) == SQLITE_ROW;
        sqlite3_finalize(exists);
        if (!present) {
            continue;
        }
        result = copy_schema(db, "table", tables[i]);
        (void)snprintf(sql, sizeof(sql), "INSERT INTO main.\"%s\" SELECT * FROM src.\"%s\"",
                       tables[i], tables[i]);
        if (result == 0 && sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
            result = fail(db, tables[i]);
        }
        if (result == 0) {
            result = copy_schema(db, "index", tables[i]);
        }
    }
    if (result == 0 && (sqlite3_exec(db, "DETACH src; VACUUM;", NULL, NULL, NULL) != SQLITE_OK)) {
        result = fail(db, out);
    }
    if (result == 0 && as_sql) {
        FILE *file = fopen(out, "w");
        result = file == NULL ? fail(NULL, out) : dump_sql(db, file);
        if (file != NULL && fclose(file) != 0 && result == 0) {
            result = fail(NULL, out);
        }
    }
    if (sqlite3_close(db) != SQLITE_OK && result == 0) {
        result = 1;
    }
    if (result != 0) {
        (void)unlink(out);
    }
    return result;
}
