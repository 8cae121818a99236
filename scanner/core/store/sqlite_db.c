/*
 * The SQLite adapter of sqlite_db.h, upper half: read-only, defensive connections to evidence
 * opened through a descriptor (the descriptor VFS, sqlite_vfs.c, or a private WAL copy made by
 * evidence_file.c), the one helper that resolves "$column"s, and typed access to rows.
 */
#include "core/store/sqlite_db.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>
#include <sys/stat.h>

#include "core/base/limits.h"
#include "core/base/text.h"
#include "core/base/wipe.h"
#include "core/store/evidence_file.h"
#include "core/store/queries.h"
#include "core/store/sqlite_vfs.h"

struct column_cache {
    char *table;
    char **columns;
    size_t column_count;
};

/* Every connection is used by one thread only: SQLITE_OPEN_NOMUTEX spares a mutex on each
 * sqlite3_column_* call, which showed as 9% of a 1M-message scan. */
struct bs_sqlite_db {
    sqlite3 *handle;
    void *image;       /* owned memory image, or NULL */
    size_t image_size; /* wiped before it is freed: it may be decrypted evidence */
    char *private_dir; /* owned private copy folder, or NULL */
    /* Told each private path as it is removed (bs_sqlite_open_options.on_private_path). */
    void (*on_private_path)(const char *path, bool is_removed, void *context);
    void *private_path_context;
    struct column_cache *caches;
    size_t cache_count;
    size_t cache_capacity;
    const volatile sig_atomic_t *interrupt_flag;
    /* The first SQLite error met while looking at the schema (has_table, has_column), which
     * answer yes or no: it is raised by the next query prepared, so a damaged schema stops the
     * scan instead of reading as "table or column absent". SQLITE_OK when none. */
    int schema_error;
};

struct bs_sqlite_query {
    sqlite3_stmt *statement;
    struct bs_sqlite_db *db;
};

/* Stops long statements when the caller's signal handler raised the flag. */
static int progress_check(void *context)
{
    const struct bs_sqlite_db *db = context;
    return db->interrupt_flag != NULL && *db->interrupt_flag != 0;
}

static enum bs_status error_from_sqlite(int rc, sqlite3 *handle, struct bs_error *err)
{
    const char *detail = handle != NULL ? sqlite3_errmsg(handle) : sqlite3_errstr(rc);
    switch (rc & 0xff) {
    case SQLITE_INTERRUPT:
        return bs_error_set(err, BS_ERR_INTERRUPTED, "interrupted");
    case SQLITE_NOMEM:
        return bs_error_set(err, BS_ERR_NOMEM, "out of memory in SQLite");
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_FORMAT:
    case SQLITE_SCHEMA:
    case SQLITE_ERROR:
    case SQLITE_TOOBIG:
    case SQLITE_MISMATCH:
    case SQLITE_RANGE:
    case SQLITE_CONSTRAINT:
        return bs_error_set(err, BS_ERR_FORMAT,
                            "the database is corrupt or not of the kind expected here "
                            "(SQLite: %s)",
                            detail);
    default:
        return bs_error_set(err, BS_ERR_IO, "SQLite: %s", detail);
    }
}

/* Runs one of our embedded batches (schema/queries), which return no rows we read. */
static enum bs_status exec_pragma(sqlite3 *handle, const char *sql, struct bs_error *err)
{
    int rc = sqlite3_exec(handle, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? BS_OK : error_from_sqlite(rc, handle, err);
}

/* Sets one sqlite3_db_config switch and reads back that it holds. */
static bool set_config(sqlite3 *handle, int option, int value)
{
    int applied = -1;
    return sqlite3_db_config(handle, option, value, &applied) == SQLITE_OK && applied == value;
}

/* Settings every connection gets before its first query (STYLE: SQLite). A library that
 * refuses one of the switches (triggers or views of the evidence would run) is not used. */
static enum bs_status harden(struct bs_sqlite_db *db, struct bs_error *err)
{
    sqlite3 *handle = db->handle;
    if (!set_config(handle, SQLITE_DBCONFIG_DEFENSIVE, 1) ||
        !set_config(handle, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0) ||
        !set_config(handle, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0) ||
        !set_config(handle, SQLITE_DBCONFIG_ENABLE_VIEW, 0) ||
        !set_config(handle, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0)) {
        return bs_error_set(err, BS_ERR_INTERNAL,
                            "this SQLite library refuses the defensive settings the scan needs "
                            "(defensive mode, no triggers, views or extensions)");
    }
    sqlite3_limit(handle, SQLITE_LIMIT_LENGTH, BS_MAX_SQL_VALUE_BYTES);
    sqlite3_limit(handle, SQLITE_LIMIT_ATTACHED, 0);
    sqlite3_progress_handler(handle, 10000, progress_check, db);
    enum bs_status status = exec_pragma(handle, bs_sql_connection_settings, err);
    if (status != BS_OK) {
        return status;
    }
    return exec_pragma(handle, bs_sql_connection_read_schema, err);
}

static struct bs_sqlite_db *db_create(const struct bs_sqlite_open_options *options)
{
    struct bs_sqlite_db *db = calloc(1, sizeof(*db));
    if (db != NULL && options != NULL) {
        db->interrupt_flag = options->interrupt_flag;
        db->on_private_path = options->on_private_path;
        db->private_path_context = options->context;
    }
    return db;
}

/* file: URI for path with immutable=1: nothing is created or locked beside the evidence. */
static char *immutable_uri(const char *path)
{
    struct bs_strbuf uri = {0};
    bs_strbuf_append_str(&uri, "file:");
    for (const unsigned char *p = (const unsigned char *)path; *p != '\0'; p++) {
        if (*p == '%' || *p == '?' || *p == '#' || *p < 0x20 || *p >= 0x7f) {
            bs_strbuf_appendf(&uri, "%%%02X", *p);
        } else {
            bs_strbuf_append(&uri, (const char *)p, 1);
        }
    }
    bs_strbuf_append_str(&uri, "?immutable=1");
    return bs_strbuf_take(&uri);
}

/* A regular file's size through its descriptor; -1 when it is not one. */
static int64_t regular_size(int fd)
{
    struct stat info;
    if (fd < 0 || fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
        return -1;
    }
    return (int64_t)info.st_size;
}

enum bs_status bs_sqlite_db_open_fd(int fd, int wal_fd,
                                    const struct bs_sqlite_open_options *options,
                                    struct bs_sqlite_db **out, struct bs_error *err)
{
    enum bs_status status = BS_OK;
    char *uri = NULL;
    struct bs_sqlite_db *db = db_create(options);
    if (db == NULL) {
        return bs_error_set(err, BS_ERR_NOMEM, "out of memory");
    }
    if (regular_size(fd) < 0) {
        status = bs_error_set(err, BS_ERR_FORMAT, "not a regular file");
        goto done;
    }
    status = bs_evidence_read_header(fd, NULL, err);
    if (status != BS_OK) {
        goto done;
    }
    int rc;
    if (regular_size(wal_fd) > 0) { /* an empty WAL holds nothing, as SQLite sees it */
        char copy_path[4096];
        status = bs_evidence_private_copy(fd, wal_fd, options, &db->private_dir, copy_path,
                                          sizeof(copy_path), err);
        if (status != BS_OK) {
            goto done;
        }
        /* Read-write on our own copy only: SQLite needs it to apply the WAL. */
        rc = sqlite3_open_v2(copy_path, &db->handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                             NULL);
    } else {
        char name[64];
        status = bs_sqlite_vfs_fd_name(fd, name, sizeof(name))
                     ? BS_OK
                     : bs_error_set(err, BS_ERR_INTERNAL, "descriptor name too long");
        if (status == BS_OK && bs_sqlite_vfs_register() != 0) {
            status = bs_error_set(err, BS_ERR_INTERNAL, "SQLite refused the descriptor VFS");
        }
        uri = status == BS_OK ? immutable_uri(name) : NULL;
        if (status == BS_OK && uri == NULL) {
            status = bs_error_set(err, BS_ERR_NOMEM, "out of memory");
        }
        if (status != BS_OK) {
            goto done;
        }
        rc = sqlite3_open_v2(uri, &db->handle,
                             SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX,
                             BS_SQLITE_VFS_NAME);
    }
    if (rc != SQLITE_OK) {
        status = error_from_sqlite(rc, db->handle, err);
        goto done;
    }
    status = harden(db, err);
done:
    free(uri);
    if (status != BS_OK) {
        bs_sqlite_db_close(db);
        return status;
    }
    *out = db;
    return BS_OK;
}

enum bs_status bs_sqlite_db_open_file(const char *path, const char *wal_path,
                                      const struct bs_sqlite_open_options *options,
                                      struct bs_sqlite_db **out, struct bs_error *err)
{
    /* Without blocking: a FIFO must not hang the scan (it is then refused as not regular). */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        return bs_error_set(err, errno == ENOENT ? BS_ERR_NOT_FOUND : BS_ERR_IO, "%s",
                            strerror(errno));
    }
    int wal_fd = -1;
    if (wal_path == NULL || wal_path[0] != '\0') {
        struct bs_strbuf name = {0};
        bs_strbuf_append_str(&name, wal_path != NULL ? wal_path : path);
        bs_strbuf_append_str(&name, wal_path != NULL ? "" : "-wal");
        if (!name.failed) {
            wal_fd = open(bs_strbuf_str(&name), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        }
        bs_strbuf_free(&name);
    }
    enum bs_status status = bs_sqlite_db_open_fd(fd, wal_fd, options, out, err);
    (void)close(fd);
    if (wal_fd >= 0) {
        (void)close(wal_fd);
    }
    return status;
}

enum bs_status bs_sqlite_db_open_memory(void *bytes, size_t size,
                                        const struct bs_sqlite_open_options *options,
                                        struct bs_sqlite_db **out, struct bs_error *err)
{
    enum bs_status status = BS_OK;
    struct bs_sqlite_db *db = db_create(options);
    if (db == NULL) {
        bs_wipe(bytes, bytes == NULL ? 0 : size); /* it may be decrypted evidence */
        free(bytes);
        return bs_error_set(err, BS_ERR_NOMEM, "out of memory");
    }
    db->image = bytes;
    db->image_size = bytes == NULL ? 0 : size;
    unsigned char *header = bytes;
    status = bytes == NULL ? bs_error_set(err, BS_ERR_FORMAT, "empty database image")
                           : bs_evidence_check_header(header, size, err);
    if (status != BS_OK || header == NULL) {
        goto done;
    }
    /* Bytes 18 and 19 are the read and write format versions: 2 means WAL, which a memory
     * image cannot have; 1 (rollback journal) reads the same pages. */
    if (header[18] == 2) {
        header[18] = 1;
    }
    if (header[19] == 2) {
        header[19] = 1;
    }
    int rc =
        sqlite3_open_v2(":memory:", &db->handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_deserialize(db->handle, "main", bytes, (sqlite3_int64)size,
                                 (sqlite3_int64)size, SQLITE_DESERIALIZE_READONLY);
    }
    if (rc != SQLITE_OK) {
        status = error_from_sqlite(rc, db->handle, err);
        goto done;
    }
    status = harden(db, err);
done:
    if (status != BS_OK) {
        bs_sqlite_db_close(db);
        return status;
    }
    *out = db;
    return BS_OK;
}

enum bs_status bs_sqlite_db_open_cipher(const struct bs_sqlite_cipher *cipher,
                                        const struct bs_sqlite_open_options *options,
                                        struct bs_sqlite_db **out, struct bs_error *err)
{
    enum bs_status status = BS_OK;
    char *uri = NULL;
    char name[64];
    bool staged = false;
    struct bs_sqlite_db *db = db_create(options);
    if (db == NULL) {
        status = bs_error_set(err, BS_ERR_NOMEM, "out of memory");
    } else if (bs_sqlite_vfs_register() != 0) {
        status = bs_error_set(err, BS_ERR_INTERNAL, "SQLite refused the descriptor VFS");
    } else if (!bs_sqlite_vfs_cipher_stage(cipher, name, sizeof(name))) {
        status = bs_error_set(err, BS_ERR_INTERNAL, "cipher name too long");
    } else {
        staged = true;
        uri = immutable_uri(name);
        int rc = uri == NULL
                     ? SQLITE_NOMEM
                     : sqlite3_open_v2(uri, &db->handle,
                                       SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX,
                                       BS_SQLITE_VFS_NAME);
        if (rc != SQLITE_OK) {
            status = error_from_sqlite(rc, db->handle, err);
        }
    }
    if (!staged || bs_sqlite_vfs_cipher_unstage(NULL)) {
        /* The VFS never took it: the context is still ours to release. */
        if (cipher->release != NULL) {
            cipher->release(cipher->context);
        }
    }
    free(uri);
    if (status == BS_OK) {
        status = harden(db, err);
    }
    if (status == BS_OK) {
        status = exec_pragma(db->handle, bs_sql_connection_cipher_settings, err);
    }
    if (status != BS_OK) {
        bs_sqlite_db_close(db);
        return status;
    }
    *out = db;
    return BS_OK;
}

void bs_sqlite_db_close(struct bs_sqlite_db *db)
{
    if (db == NULL) {
        return;
    }
    (void)sqlite3_close_v2(db->handle);
    if (db->image != NULL) {
        bs_wipe(db->image, db->image_size);
        free(db->image);
    }
    if (db->private_dir != NULL) {
        bs_evidence_private_remove(db->private_dir, db->on_private_path, db->private_path_context);
        free(db->private_dir);
    }
    for (size_t i = 0; i < db->cache_count; i++) {
        free(db->caches[i].table);
        for (size_t c = 0; c < db->caches[i].column_count; c++) {
            free(db->caches[i].columns[c]);
        }
        free(db->caches[i].columns);
    }
    free(db->caches);
    free(db);
}

static void note_schema_error(struct bs_sqlite_db *db, int rc)
{
    if (db->schema_error == SQLITE_OK && rc != SQLITE_OK) {
        db->schema_error = rc;
    }
}

bool bs_sqlite_db_has_table(struct bs_sqlite_db *db, const char *table)
{
    sqlite3_stmt *statement = NULL;
    bool found = false;
    int rc = sqlite3_prepare_v2(db->handle, bs_sql_schema_has_table, -1, &statement, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_bind_text(statement, 1, table, -1, SQLITE_STATIC);
    }
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(statement);
        found = rc == SQLITE_ROW;
        rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
    }
    note_schema_error(db, rc);
    sqlite3_finalize(statement);
    return found;
}

static struct column_cache *load_columns(struct bs_sqlite_db *db, const char *table)
{
    for (size_t i = 0; i < db->cache_count; i++) {
        if (sqlite3_stricmp(db->caches[i].table, table) == 0) {
            return &db->caches[i];
        }
    }
    void *caches = db->caches;
    if (bs_array_reserve(&caches, &db->cache_capacity, db->cache_count + 1,
                         sizeof(struct column_cache), 64) != BS_OK) {
        return NULL;
    }
    db->caches = caches;
    struct column_cache *cache = &db->caches[db->cache_count];
    memset(cache, 0, sizeof(*cache));
    cache->table = bs_strdup(table);
    if (cache->table == NULL) {
        return NULL;
    }
    db->cache_count++;
    size_t capacity = 0;
    sqlite3_stmt *statement = NULL;
    int rc = sqlite3_prepare_v2(db->handle, bs_sql_schema_table_columns, -1, &statement, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_bind_text(statement, 1, table, -1, SQLITE_STATIC);
    }
    while (rc == SQLITE_OK && (rc = sqlite3_step(statement)) == SQLITE_ROW) {
        const unsigned char *name = sqlite3_column_text(statement, 0);
        void *columns = cache->columns;
        if (name == NULL || bs_array_reserve(&columns, &capacity, cache->column_count + 1,
                                             sizeof(char *), 100000) != BS_OK) {
            rc = SQLITE_NOMEM; /* a partial column list would read as columns missing */
            break;
        }
        cache->columns = columns;
        char *copy =
            bs_strndup_bounded((const char *)name, (size_t)sqlite3_column_bytes(statement, 0));
        if (copy == NULL) {
            rc = SQLITE_NOMEM;
            break;
        }
        cache->columns[cache->column_count++] = copy;
        rc = SQLITE_OK;
    }
    note_schema_error(db, rc == SQLITE_DONE ? SQLITE_OK : rc);
    sqlite3_finalize(statement);
    return cache;
}

bool bs_sqlite_db_has_column(struct bs_sqlite_db *db, const char *table, const char *column)
{
    const struct column_cache *cache = load_columns(db, table);
    if (cache == NULL) {
        return false;
    }
    for (size_t i = 0; i < cache->column_count; i++) {
        if (sqlite3_stricmp(cache->columns[i], column) == 0) {
            return true;
        }
    }
    return false;
}

enum bs_status bs_sqlite_query_prepare(struct bs_sqlite_db *db, const char *sql,
                                       struct bs_sqlite_query **out, struct bs_error *err)
{
    struct bs_sqlite_query *query = calloc(1, sizeof(*query));
    if (query == NULL) {
        return bs_error_set(err, BS_ERR_NOMEM, "out of memory");
    }
    query->db = db;
    int rc = db->schema_error != SQLITE_OK
                 ? db->schema_error
                 : sqlite3_prepare_v2(db->handle, sql, -1, &query->statement, NULL);
    if (rc != SQLITE_OK) {
        enum bs_status status = error_from_sqlite(rc, db->handle, err);
        bs_sqlite_query_free(query);
        return status;
    }
    *out = query;
    return BS_OK;
}

/* The one place SQL text is assembled: each "$name" of template (our embedded query, never
 * data) becomes the quoted identifier "name" when table has that column, else NULL. The
 * identifiers are checked against the table's own column list (schema_table_columns.sql) and
 * may hold only [A-Za-z0-9_], so no quote can enter; NULL when out of memory or a name is
 * empty or longer than BS_MAX_SQL_IDENTIFIER_BYTES. */
static char *resolve_columns(struct bs_sqlite_db *db, const char *template, const char *table)
{
    struct bs_strbuf sql = {0};
    for (const char *p = template; *p != '\0';) {
        if (*p != '$') {
            const char *next = strchr(p, '$');
            size_t run = next == NULL ? strlen(p) : (size_t)(next - p);
            bs_strbuf_append(&sql, p, run);
            p += run;
            continue;
        }
        const char *name = ++p;
        while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
               *p == '_') {
            p++;
        }
        char column[BS_MAX_SQL_IDENTIFIER_BYTES];
        size_t length = (size_t)(p - name);
        if (length == 0 || length >= sizeof(column)) {
            bs_strbuf_reset(&sql);
            sql.failed = true;
            break;
        }
        memcpy(column, name, length);
        column[length] = '\0';
        if (bs_sqlite_db_has_column(db, table, column)) {
            bs_strbuf_appendf(&sql, "\"%s\"", column);
        } else {
            bs_strbuf_append_str(&sql, "NULL");
        }
    }
    return bs_strbuf_take(&sql);
}

enum bs_status bs_sqlite_query_prepare_columns(struct bs_sqlite_db *db, const char *template,
                                               const char *table, struct bs_sqlite_query **out,
                                               struct bs_error *err)
{
    char *sql = resolve_columns(db, template, table);
    if (sql == NULL) {
        return bs_error_set(err, BS_ERR_NOMEM, "out of memory preparing a query");
    }
    enum bs_status status = bs_sqlite_query_prepare(db, sql, out, err);
    free(sql);
    return status;
}

static enum bs_status bind_result(int rc, struct bs_error *err)
{
    if (rc == SQLITE_OK) {
        return BS_OK;
    }
    if (rc == SQLITE_NOMEM || rc == SQLITE_TOOBIG) {
        return bs_error_set(err, BS_ERR_NOMEM, "out of memory binding a parameter");
    }
    return bs_error_set(err, BS_ERR_INTERNAL, "binding a parameter: %s", sqlite3_errstr(rc));
}

enum bs_status bs_sqlite_query_bind_text(struct bs_sqlite_query *query, int index, const char *text,
                                         size_t length, struct bs_error *err)
{
    return bind_result(
        sqlite3_bind_text64(query->statement, index, text, length, SQLITE_TRANSIENT, SQLITE_UTF8),
        err);
}

enum bs_status bs_sqlite_query_bind_int(struct bs_sqlite_query *query, int index, int64_t value,
                                        struct bs_error *err)
{
    return bind_result(sqlite3_bind_int64(query->statement, index, value), err);
}

void bs_sqlite_query_rewind(struct bs_sqlite_query *query)
{
    sqlite3_reset(query->statement); /* its error, if any, was the last step's: already seen */
}

enum bs_status bs_sqlite_query_step(struct bs_sqlite_query *query, bool *has_row,
                                    struct bs_error *err)
{
    int rc = sqlite3_step(query->statement);
    if (rc == SQLITE_ROW) {
        *has_row = true;
        return BS_OK;
    }
    *has_row = false;
    if (rc == SQLITE_DONE) {
        return BS_OK;
    }
    return error_from_sqlite(rc, query->db->handle, err);
}

/* Column value as an integer: an integer, or a real within int64's range, truncated unless
 * whole_only (then a real with a fraction is absent). *is_present false (and 0) otherwise. */
static int64_t column_int(struct bs_sqlite_query *query, int column, bool whole_only,
                          bool *is_present)
{
    /* One column fetch, then the value's own accessors: half the API calls of asking the
     * statement twice, on every column of every message. The connection is single-threaded
     * (SQLITE_OPEN_NOMUTEX, one thread), so the unprotected value is safe to read. */
    sqlite3_value *value = sqlite3_column_value(query->statement, column);
    switch (sqlite3_value_type(value)) {
    case SQLITE_INTEGER:
        *is_present = true;
        return sqlite3_value_int64(value);
    case SQLITE_FLOAT: {
        double real = sqlite3_value_double(value);
        if (real >= -9.2e18 && real <= 9.2e18 && (!whole_only || (double)(int64_t)real == real)) {
            *is_present = true;
            return (int64_t)real;
        }
        break;
    }
    default:
        break;
    }
    *is_present = false;
    return 0;
}

int64_t bs_sqlite_query_int(struct bs_sqlite_query *query, int column, bool *is_present)
{
    return column_int(query, column, false, is_present);
}

int64_t bs_sqlite_query_key(struct bs_sqlite_query *query, int column, bool *is_present)
{
    return column_int(query, column, true, is_present);
}

const char *bs_sqlite_query_text(struct bs_sqlite_query *query, int column, size_t *length)
{
    sqlite3_value *value = sqlite3_column_value(query->statement, column); /* as above */
    int type = sqlite3_value_type(value);
    *length = 0;
    if (type != SQLITE_TEXT && type != SQLITE_BLOB) {
        return NULL;
    }
    const void *bytes =
        type == SQLITE_TEXT ? (const void *)sqlite3_value_text(value) : sqlite3_value_blob(value);
    int size = sqlite3_value_bytes(value);
    if (bytes == NULL) {
        return type == SQLITE_BLOB ? "" : NULL; /* a zero-length blob */
    }
    *length = size > 0 ? (size_t)size : 0;
    return bytes;
}

void bs_sqlite_query_free(struct bs_sqlite_query *query)
{
    if (query != NULL) {
        sqlite3_finalize(query->statement);
        free(query);
    }
}
