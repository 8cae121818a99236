/*
 * make_fixture_db: build-time tool that turns text into test databases.
 *
 *   make_fixture_db --ddl schema/ddl/X.sql --scenario fixtures/scenarios/Y.sql --out DIR/F.db
 *     creates a fresh database (removing F.db and any -wal/-shm/-journal first), runs the DDL,
 *     then the scenario inside one transaction (so a scenario holds no BEGIN/COMMIT of its
 *     own). A line "-- @wal" in the scenario splits it: what follows is written in WAL mode
 *     and stays only in F.db-wal (wal_autocheckpoint 0, no checkpoint on close, the -shm is
 *     removed). The tool then proves it: the main file alone, opened with ?immutable=1, must
 *     hold exactly the content (schema and every row) it held before the WAL part, and the
 *     WAL part must have changed something. Errors name the file and line of the statement.
 *
 *   make_fixture_db --schema-dump reference/schemas/X.sql --out F.db
 *     extracts the CREATE TABLE and CREATE INDEX statements from a schema dump and creates an
 *     empty database with that schema. Skipped: "--" comment lines, sqlite shell prompts and
 *     dot-commands, other transcript lines, triggers (they call Apple-only functions), views,
 *     pragmas and sqlite_* tables. Statements without a final ';' (pretty-printed per-table
 *     dumps) are recognised by their balanced column list. A table defined twice keeps its
 *     first definition (with a warning); any other failing statement is an error. Prints one
 *     summary line (tables, indexes, skipped statements).
 *
 * A test tool, not part of the scanner: it uses SQLite directly and prints its own errors.
 * On failure no output file is left behind.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>
#include <sys/stat.h>

/* Fixture sources are small hand-written text files; anything larger is a mistake. */
#define MAX_INPUT_BYTES (64u * 1024u * 1024u)
/* Longest path the tool builds (output name plus "-wal" and the "file:" URI form). */
#define MAX_PATH_BYTES 4096u

static const char *program_name = "make_fixture_db";

static void fail(const char *format, ...) __attribute__((format(printf, 1, 2)));

static void fail(const char *format, ...)
{
    va_list args;
    fprintf(stderr, "%s: ", program_name);
    va_start(args, format);
    vfprintf(stderr, format, args);
    va_end(args);
    fputc('\n', stderr);
}

/* Reads a whole file into a NUL-terminated heap buffer; the caller frees *out. */
static bool read_text_file(const char *path, char **out, size_t *out_length)
{
    bool ok = false;
    char *buffer = NULL;
    size_t length = 0;
    size_t capacity = 0;
    FILE *file = fopen(path, "rb");
    if (file == NULL) {
        fail("%s: cannot open: %s", path, strerror(errno));
        goto done;
    }
    for (;;) {
        if (capacity - length < 4096u + 1u) {
            size_t grown = capacity == 0 ? 65536u : capacity * 2u;
            if (grown > MAX_INPUT_BYTES + 1u) {
                fail("%s: larger than %u bytes", path, MAX_INPUT_BYTES);
                goto done;
            }
            char *bigger = realloc(buffer, grown);
            if (bigger == NULL) {
                fail("%s: out of memory", path);
                goto done;
            }
            buffer = bigger;
            capacity = grown;
        }
        size_t got = fread(buffer + length, 1, capacity - length - 1u, file);
        length += got;
        if (got == 0) {
            break;
        }
    }
    if (ferror(file)) {
        fail("%s: read error", path);
        goto done;
    }
    buffer[length] = '\0';
    if (strlen(buffer) != length) {
        fail("%s: contains a NUL byte (write binary values as X'..' literals)", path);
        goto done;
    }
    *out = buffer;
    *out_length = length;
    buffer = NULL;
    ok = true;
done:
    if (file != NULL) {
        fclose(file);
    }
    free(buffer);
    return ok;
}

static bool join_path(char *out, size_t size, const char *base, const char *suffix)
{
    int written = snprintf(out, size, "%s%s", base, suffix);
    if (written < 0 || (size_t)written >= size) {
        fail("%s%s: path too long", base, suffix);
        return false;
    }
    return true;
}

static bool remove_if_present(const char *path)
{
    if (unlink(path) != 0 && errno != ENOENT) {
        fail("%s: cannot remove: %s", path, strerror(errno));
        return false;
    }
    return true;
}

/* Removes the database and every companion file SQLite may create beside it. */
static bool remove_database_files(const char *db_path)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    char path[MAX_PATH_BYTES];
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        if (!join_path(path, sizeof path, db_path, suffixes[i]) || !remove_if_present(path)) {
            return false;
        }
    }
    return true;
}

/* 1-based line number of offset in text. */
static unsigned long line_of(const char *text, size_t offset)
{
    unsigned long line = 1;
    for (size_t i = 0; i < offset && text[i] != '\0'; i++) {
        if (text[i] == '\n') {
            line++;
        }
    }
    return line;
}

/* Offset of the first byte of the statement at from: past blanks and "--" comment lines. */
static size_t statement_start(const char *sql, size_t from)
{
    size_t i = from;
    for (;;) {
        while (sql[i] != '\0' && isspace((unsigned char)sql[i])) {
            i++;
        }
        if (sql[i] != '-' || sql[i + 1u] != '-') {
            return i;
        }
        while (sql[i] != '\0' && sql[i] != '\n') {
            i++;
        }
    }
}

/*
 * Runs every statement of sql (rows are discarded). On error names the file and the line
 * where the failing statement starts; first_line is the line of sql[0] in that file.
 */
static bool run_script(sqlite3 *db, const char *sql, const char *file_name,
                       unsigned long first_line)
{
    const char *cursor = sql;
    while (*cursor != '\0') {
        sqlite3_stmt *statement = NULL;
        const char *tail = NULL;
        unsigned long line =
            first_line - 1u + line_of(sql, statement_start(sql, (size_t)(cursor - sql)));
        if (sqlite3_prepare_v2(db, cursor, -1, &statement, &tail) != SQLITE_OK) {
            fail("%s:%lu: %s", file_name, line, sqlite3_errmsg(db));
            return false;
        }
        if (statement == NULL) {
            /* only blanks or comments were left */
            break;
        }
        int rc;
        do {
            rc = sqlite3_step(statement);
        } while (rc == SQLITE_ROW);
        if (rc != SQLITE_DONE) {
            fail("%s:%lu: %s", file_name, line, sqlite3_errmsg(db));
            sqlite3_finalize(statement);
            return false;
        }
        sqlite3_finalize(statement);
        cursor = tail;
    }
    return true;
}

static bool run_simple(sqlite3 *db, const char *sql)
{
    char *message = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &message) != SQLITE_OK) {
        fail("%s: %s", sql, message != NULL ? message : "failed");
        sqlite3_free(message);
        return false;
    }
    return true;
}

/* --- content digest: FNV-1a 64 over the schema and every row of every table ------------- */

static void digest_bytes(uint64_t *hash, const void *data, size_t length)
{
    const unsigned char *bytes = data;
    for (size_t i = 0; i < length; i++) {
        *hash ^= bytes[i];
        *hash *= 1099511628211u;
    }
}

static void digest_value(uint64_t *hash, sqlite3_stmt *statement, int column)
{
    int type = sqlite3_column_type(statement, column);
    unsigned char tag = (unsigned char)type;
    digest_bytes(hash, &tag, 1);
    switch (type) {
    case SQLITE_INTEGER: {
        sqlite3_int64 value = sqlite3_column_int64(statement, column);
        digest_bytes(hash, &value, sizeof value);
        break;
    }
    case SQLITE_FLOAT: {
        double value = sqlite3_column_double(statement, column);
        digest_bytes(hash, &value, sizeof value);
        break;
    }
    case SQLITE_TEXT:
    case SQLITE_BLOB: {
        const void *data = sqlite3_column_blob(statement, column);
        uint64_t length = (uint64_t)sqlite3_column_bytes(statement, column);
        digest_bytes(hash, &length, sizeof length);
        if (data != NULL) {
            digest_bytes(hash, data, (size_t)length);
        }
        break;
    }
    default:
        break;
    }
}

static bool digest_query(sqlite3 *db, const char *sql, uint64_t *hash, uint64_t *row_count)
{
    sqlite3_stmt *statement = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &statement, NULL) != SQLITE_OK) {
        fail("digest: %s: %s", sql, sqlite3_errmsg(db));
        return false;
    }
    int rc;
    while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {
        int columns = sqlite3_column_count(statement);
        for (int column = 0; column < columns; column++) {
            digest_value(hash, statement, column);
        }
        (*row_count)++;
    }
    if (rc != SQLITE_DONE) {
        fail("digest: %s: %s", sql, sqlite3_errmsg(db));
    }
    sqlite3_finalize(statement);
    return rc == SQLITE_DONE;
}

/* Digest of the whole logical content of db: schema text, then each table's rows. */
static bool digest_database(sqlite3 *db, uint64_t *out_hash, uint64_t *out_rows)
{
    bool ok = false;
    uint64_t hash = 14695981039346656037u;
    uint64_t rows = 0;
    sqlite3_stmt *tables = NULL;
    if (!digest_query(db, "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name",
                      &hash, &rows)) {
        goto done;
    }
    if (sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
                           -1, &tables, NULL) != SQLITE_OK) {
        fail("digest: %s", sqlite3_errmsg(db));
        goto done;
    }
    int rc;
    while ((rc = sqlite3_step(tables)) == SQLITE_ROW) {
        const unsigned char *name = sqlite3_column_text(tables, 0);
        char *query = sqlite3_mprintf("SELECT * FROM \"%w\"", (const char *)name);
        if (query == NULL) {
            fail("digest: out of memory");
            goto done;
        }
        bool queried = digest_query(db, query, &hash, &rows);
        sqlite3_free(query);
        if (!queried) {
            goto done;
        }
    }
    if (rc != SQLITE_DONE) {
        fail("digest: %s", sqlite3_errmsg(db));
        goto done;
    }
    *out_hash = hash;
    *out_rows = rows;
    ok = true;
done:
    sqlite3_finalize(tables);
    return ok;
}

/* Opens path read-only as "file:<path>?immutable=1": the main file alone, no WAL, no -shm. */
static bool open_immutable(const char *path, sqlite3 **out)
{
    char uri[MAX_PATH_BYTES * 3u + 32u];
    size_t used = 0;
    static const char prefix[] = "file:";
    static const char suffix[] = "?immutable=1";
    memcpy(uri, prefix, sizeof prefix - 1u);
    used = sizeof prefix - 1u;
    for (const char *p = path; *p != '\0'; p++) {
        if (used + 4u + sizeof suffix >= sizeof uri) {
            fail("%s: path too long", path);
            return false;
        }
        unsigned char c = (unsigned char)*p;
        if (c == '%' || c == '?' || c == '#' || c < 0x20u || c >= 0x7fu) {
            static const char hex[] = "0123456789ABCDEF";
            uri[used++] = '%';
            uri[used++] = hex[c >> 4];
            uri[used++] = hex[c & 0x0fu];
        } else {
            uri[used++] = (char)c;
        }
    }
    memcpy(uri + used, suffix, sizeof suffix);
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL) != SQLITE_OK) {
        fail("%s: cannot open immutable: %s", path, db != NULL ? sqlite3_errmsg(db) : "no memory");
        sqlite3_close(db);
        return false;
    }
    *out = db;
    return true;
}

static bool open_fresh(const char *path, sqlite3 **out)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        fail("%s: cannot create: %s", path, db != NULL ? sqlite3_errmsg(db) : "no memory");
        sqlite3_close(db);
        return false;
    }
    *out = db;
    return true;
}

/* --- scenario mode ------------------------------------------------------------------------ */

/* Finds the line "-- @wal" (surrounding blanks allowed); sets the offsets of its first byte
 * and of the byte after its newline. */
static bool find_wal_marker(const char *text, size_t *line_start, size_t *next_line)
{
    size_t start = 0;
    while (text[start] != '\0') {
        size_t end = start;
        while (text[end] != '\0' && text[end] != '\n') {
            end++;
        }
        size_t a = start;
        size_t b = end;
        while (a < b && isspace((unsigned char)text[a])) {
            a++;
        }
        while (b > a && isspace((unsigned char)text[b - 1u])) {
            b--;
        }
        if (b - a == 7u && memcmp(text + a, "-- @wal", 7u) == 0) {
            *line_start = start;
            *next_line = text[end] == '\n' ? end + 1u : end;
            return true;
        }
        start = text[end] == '\n' ? end + 1u : end;
    }
    return false;
}

static bool file_size(const char *path, long long *out)
{
    struct stat info;
    if (stat(path, &info) != 0) {
        return false;
    }
    *out = (long long)info.st_size;
    return true;
}

static bool build_scenario(const char *ddl_path, const char *scenario_path, const char *out_path)
{
    bool ok = false;
    char *ddl = NULL;
    char *scenario = NULL;
    size_t ddl_length = 0;
    size_t scenario_length = 0;
    sqlite3 *db = NULL;
    sqlite3 *main_only = NULL;
    char wal_path[MAX_PATH_BYTES];
    char shm_path[MAX_PATH_BYTES];

    if (!read_text_file(ddl_path, &ddl, &ddl_length) ||
        !read_text_file(scenario_path, &scenario, &scenario_length) ||
        !join_path(wal_path, sizeof wal_path, out_path, "-wal") ||
        !join_path(shm_path, sizeof shm_path, out_path, "-shm") ||
        !remove_database_files(out_path) || !open_fresh(out_path, &db)) {
        goto done;
    }

    size_t marker = 0;
    size_t after_marker = 0;
    bool has_wal_part = find_wal_marker(scenario, &marker, &after_marker);
    unsigned long wal_first_line = has_wal_part ? line_of(scenario, after_marker) : 0;
    if (has_wal_part) {
        scenario[marker] = '\0';
    }

    if (!run_simple(db, "PRAGMA journal_mode = DELETE") || !run_script(db, ddl, ddl_path, 1) ||
        !run_simple(db, "BEGIN") || !run_script(db, scenario, scenario_path, 1) ||
        !run_simple(db, "COMMIT")) {
        goto done;
    }

    if (has_wal_part) {
        uint64_t before_hash = 0;
        uint64_t before_rows = 0;
        uint64_t full_hash = 0;
        uint64_t full_rows = 0;
        uint64_t main_hash = 0;
        uint64_t main_rows = 0;
        int keep_wal = 0;
        if (!digest_database(db, &before_hash, &before_rows)) {
            goto done;
        }
        if (sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, &keep_wal) != SQLITE_OK ||
            keep_wal != 1) {
            fail("%s: cannot disable the checkpoint on close", out_path);
            goto done;
        }
        if (!run_simple(db, "PRAGMA journal_mode = WAL") ||
            !run_simple(db, "PRAGMA wal_autocheckpoint = 0") || !run_simple(db, "BEGIN") ||
            !run_script(db, scenario + after_marker, scenario_path, wal_first_line) ||
            !run_simple(db, "COMMIT") || !digest_database(db, &full_hash, &full_rows)) {
            goto done;
        }
        if (full_hash == before_hash) {
            fail("%s: the part after \"-- @wal\" changed nothing", scenario_path);
            goto done;
        }
        int rc = sqlite3_close(db);
        db = NULL;
        if (rc != SQLITE_OK) {
            fail("%s: close failed (%d)", out_path, rc);
            goto done;
        }
        long long wal_bytes = 0;
        if (!file_size(wal_path, &wal_bytes) || wal_bytes <= 32) {
            fail("%s: no WAL content was kept", wal_path);
            goto done;
        }
        if (!remove_if_present(shm_path)) {
            goto done;
        }
        /* The proof: the main file alone still holds exactly the pre-WAL content. */
        if (!open_immutable(out_path, &main_only) ||
            !digest_database(main_only, &main_hash, &main_rows)) {
            goto done;
        }
        if (main_hash != before_hash) {
            fail("%s: WAL content reached the main file (rows %llu, expected %llu)", out_path,
                 (unsigned long long)main_rows, (unsigned long long)before_rows);
            goto done;
        }
        sqlite3_close(main_only);
        main_only = NULL;
        if (!remove_if_present(shm_path)) {
            goto done;
        }
    } else {
        int rc = sqlite3_close(db);
        db = NULL;
        if (rc != SQLITE_OK) {
            fail("%s: close failed (%d)", out_path, rc);
            goto done;
        }
    }
    ok = true;
done:
    sqlite3_close(main_only);
    sqlite3_close(db);
    free(ddl);
    free(scenario);
    if (!ok) {
        remove_database_files(out_path);
    }
    return ok;
}

/* --- schema-dump mode ---------------------------------------------------------------------- */

static bool starts_with_word(const char *text, const char *word)
{
    size_t length = strlen(word);
    for (size_t i = 0; i < length; i++) {
        if (text[i] == '\0' || toupper((unsigned char)text[i]) != word[i]) {
            return false;
        }
    }
    return !(isalnum((unsigned char)text[length]) || text[length] == '_');
}

static const char *skip_blanks(const char *p)
{
    while (*p != '\0' && isspace((unsigned char)*p)) {
        p++;
    }
    return p;
}

static const char *skip_word(const char *p)
{
    p = skip_blanks(p);
    while (*p != '\0' && !isspace((unsigned char)*p) && *p != '(') {
        p++;
    }
    return p;
}

/*
 * Cleans a dump into lines of SQL: strips leading blanks and sqlite shell prompts
 * ("sqlite> ", "   ...> "), drops "--" comment lines and shell dot-commands. Writes into out
 * (at least as large as text).
 */
static void clean_dump(const char *text, char *out)
{
    size_t used = 0;
    const char *line = text;
    while (*line != '\0') {
        const char *end = strchr(line, '\n');
        if (end == NULL) {
            end = line + strlen(line);
        }
        const char *p = line;
        for (;;) {
            while (p < end && (*p == ' ' || *p == '\t')) {
                p++;
            }
            if ((size_t)(end - p) >= 7u && memcmp(p, "sqlite>", 7u) == 0) {
                p += 7;
            } else if ((size_t)(end - p) >= 4u && memcmp(p, "...>", 4u) == 0) {
                p += 4;
            } else {
                break;
            }
        }
        bool keep = !(p + 1 < end && p[0] == '-' && p[1] == '-') && !(p < end && p[0] == '.');
        if (keep) {
            size_t length = (size_t)(end - p);
            while (length > 0 && (p[length - 1u] == '\r')) {
                length--;
            }
            memcpy(out + used, p, length);
            used += length;
        }
        out[used++] = '\n';
        line = *end == '\n' ? end + 1 : end;
    }
    out[used] = '\0';
}

/* Offset just past the ')' matching the '(' at open, skipping quoted text; 0 if unbalanced. */
static size_t match_parenthesis(const char *text, size_t open)
{
    int depth = 0;
    for (size_t i = open; text[i] != '\0'; i++) {
        char c = text[i];
        if (c == '\'' || c == '"' || c == '`' || c == '[') {
            char close = c == '[' ? ']' : c;
            i++;
            while (text[i] != '\0' && text[i] != close) {
                i++;
            }
            if (text[i] == '\0') {
                return 0;
            }
        } else if (c == '(') {
            depth++;
        } else if (c == ')') {
            depth--;
            if (depth == 0) {
                return i + 1u;
            }
        }
    }
    return 0;
}

/* End of a statement that has no parenthesised body to match: the first ';', a blank line,
 * a line starting with CREATE, or the end of the text. */
static size_t statement_end(const char *text, size_t from, bool *has_semicolon)
{
    size_t i = from;
    *has_semicolon = false;
    while (text[i] != '\0') {
        if (text[i] == ';') {
            *has_semicolon = true;
            return i;
        }
        if (text[i] == '\n') {
            const char *next = text + i + 1;
            const char *visible = next;
            while (*visible == ' ' || *visible == '\t') {
                visible++;
            }
            if (*visible == '\n' || *visible == '\0' || starts_with_word(visible, "CREATE")) {
                return i;
            }
        }
        i++;
    }
    return i;
}

struct dump_counts {
    unsigned tables;
    unsigned indexes;
    unsigned skipped;
    unsigned duplicates;
};

static bool run_dump_statement(sqlite3 *db, const char *dump_path, const char *text, size_t start,
                               size_t end, struct dump_counts *counts, bool is_table)
{
    char *sql = sqlite3_mprintf("%.*s;", (int)(end - start), text + start);
    char *message = NULL;
    bool ok = false;
    if (sql == NULL) {
        fail("%s: out of memory", dump_path);
        return false;
    }
    if (sqlite3_exec(db, sql, NULL, NULL, &message) == SQLITE_OK) {
        if (is_table) {
            counts->tables++;
        } else {
            counts->indexes++;
        }
        ok = true;
    } else if (message != NULL && strstr(message, "already exists") != NULL) {
        /* a transcription listing one table twice: keep the first definition */
        fprintf(stderr, "%s: %s: %s (kept the first definition)\n", program_name, dump_path,
                message);
        counts->duplicates++;
        ok = true;
    } else {
        fail("%s:%lu: %s", dump_path, line_of(text, start), message != NULL ? message : "failed");
    }
    sqlite3_free(message);
    sqlite3_free(sql);
    return ok;
}

static bool build_from_dump(const char *dump_path, const char *out_path)
{
    bool ok = false;
    char *raw = NULL;
    char *text = NULL;
    size_t raw_length = 0;
    sqlite3 *db = NULL;
    struct dump_counts counts = {0, 0, 0, 0};

    if (!read_text_file(dump_path, &raw, &raw_length)) {
        goto done;
    }
    text = malloc(raw_length * 2u + 2u);
    if (text == NULL) {
        fail("%s: out of memory", dump_path);
        goto done;
    }
    clean_dump(raw, text);
    if (!remove_database_files(out_path) || !open_fresh(out_path, &db) ||
        !run_simple(db, "BEGIN")) {
        goto done;
    }

    size_t i = 0;
    while (text[i] != '\0') {
        /* statements start a line or follow the ';' of the previous one */
        while (text[i] == ' ' || text[i] == '\t' || text[i] == ';') {
            i++;
        }
        size_t line_end = i;
        while (text[line_end] != '\0' && text[line_end] != '\n') {
            line_end++;
        }
        if (!starts_with_word(text + i, "CREATE")) {
            i = text[line_end] == '\n' ? line_end + 1u : line_end;
            continue;
        }
        size_t start = i;
        const char *p = skip_blanks(text + i + 6);
        if (starts_with_word(p, "TEMP") || starts_with_word(p, "TEMPORARY")) {
            p = skip_blanks(skip_word(p));
        }
        bool unique = starts_with_word(p, "UNIQUE");
        if (unique) {
            p = skip_blanks(skip_word(p));
        }
        bool is_table = !unique && starts_with_word(p, "TABLE");
        bool is_index = starts_with_word(p, "INDEX");
        bool is_trigger = !unique && starts_with_word(p, "TRIGGER");
        p = skip_blanks(skip_word(p));
        if (starts_with_word(p, "IF")) {
            p = skip_blanks(skip_word(skip_word(skip_word(p))));
        }
        const char *name = *p == '"' || *p == '[' || *p == '`' ? p + 1 : p;
        bool internal = strncmp(name, "sqlite_", 7) == 0;

        if (is_table) {
            const char *open = strchr(p, '(');
            size_t close = open != NULL ? match_parenthesis(text, (size_t)(open - text)) : 0;
            if (close == 0) {
                fail("%s:%lu: CREATE TABLE without a complete column list", dump_path,
                     line_of(text, start));
                goto done;
            }
            /* table options after the list ("WITHOUT ROWID"), up to ';' or the line end */
            size_t end = close;
            while (text[end] != '\0' && text[end] != ';' && text[end] != '\n') {
                end++;
            }
            if (internal) {
                counts.skipped++;
            } else if (!run_dump_statement(db, dump_path, text, start, end, &counts, true)) {
                goto done;
            }
            i = end;
        } else if (is_index) {
            bool has_semicolon = false;
            size_t end = statement_end(text, start, &has_semicolon);
            if (internal) {
                counts.skipped++;
            } else if (!run_dump_statement(db, dump_path, text, start, end, &counts, false)) {
                goto done;
            }
            i = has_semicolon ? end + 1u : end;
        } else if (is_trigger) {
            /* triggers call Apple-only functions: skip up to their "END;" */
            size_t end = start + 6u;
            while (text[end] != '\0') {
                if (starts_with_word(text + end, "END") &&
                    !isalnum((unsigned char)text[end - 1u]) && text[end - 1u] != '_' &&
                    *skip_blanks(text + end + 3) == ';') {
                    end = (size_t)(skip_blanks(text + end + 3) - text) + 1u;
                    break;
                }
                end++;
            }
            counts.skipped++;
            i = end;
        } else {
            /* views and anything else are not needed */
            bool has_semicolon = false;
            size_t end = statement_end(text, start, &has_semicolon);
            counts.skipped++;
            i = has_semicolon ? end + 1u : end;
        }
    }
    if (!run_simple(db, "COMMIT")) {
        goto done;
    }
    if (counts.tables == 0) {
        fail("%s: no CREATE TABLE statement found", dump_path);
        goto done;
    }
    int rc = sqlite3_close(db);
    db = NULL;
    if (rc != SQLITE_OK) {
        fail("%s: close failed (%d)", out_path, rc);
        goto done;
    }
    printf("%s: %u tables, %u indexes, %u statements skipped%s\n", dump_path, counts.tables,
           counts.indexes, counts.skipped, counts.duplicates > 0 ? ", duplicates ignored" : "");
    ok = true;
done:
    sqlite3_close(db);
    free(raw);
    free(text);
    if (!ok) {
        remove_database_files(out_path);
    }
    return ok;
}

static void usage(FILE *stream)
{
    fprintf(stream,
            "usage: %s --ddl DDL.sql --scenario SCENARIO.sql --out FILE.db\n"
            "       %s --schema-dump DUMP.sql --out FILE.db\n",
            program_name, program_name);
}

int main(int argc, char **argv)
{
    const char *ddl = NULL;
    const char *scenario = NULL;
    const char *dump = NULL;
    const char *out = NULL;
    for (int i = 1; i < argc; i++) {
        const char **target = NULL;
        if (strcmp(argv[i], "--ddl") == 0) {
            target = &ddl;
        } else if (strcmp(argv[i], "--scenario") == 0) {
            target = &scenario;
        } else if (strcmp(argv[i], "--schema-dump") == 0) {
            target = &dump;
        } else if (strcmp(argv[i], "--out") == 0) {
            target = &out;
        } else if (strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        } else {
            fail("unknown argument %s", argv[i]);
            usage(stderr);
            return 2;
        }
        if (i + 1 >= argc || *target != NULL) {
            fail("%s needs one value", argv[i]);
            return 2;
        }
        *target = argv[++i];
    }
    bool scenario_mode = ddl != NULL && scenario != NULL && dump == NULL;
    bool dump_mode = dump != NULL && ddl == NULL && scenario == NULL;
    if (out == NULL || !(scenario_mode || dump_mode)) {
        usage(stderr);
        return 2;
    }
    if (strlen(out) + 8u >= MAX_PATH_BYTES) {
        fail("%s: path too long", out);
        return 2;
    }
    bool ok = scenario_mode ? build_scenario(ddl, scenario, out) : build_from_dump(dump, out);
    return ok ? 0 : 1;
}
