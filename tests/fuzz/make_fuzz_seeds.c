/*
 * make_fuzz_seeds: build-time tool that writes the binary seeds of the fuzz targets whose
 * inputs are not text, so that no binary file is committed for them.
 *
 *   make_fuzz_seeds OUT_DIR
 *
 * Writes OUT_DIR/keybag/ (keybags of iOS 10.2+ and older backups, a wrapped key),
 * OUT_DIR/classify/ (field layouts of fuzz_classify.c: a mixed group, a direct SMS thread, an
 * automated sender, dates in seconds and nanoseconds) and OUT_DIR/plist/ (binary plists with
 * what an XML plist cannot express: UIDs, 16-byte integers, shared objects, sets, UTF-16
 * strings, 2-byte references) and OUT_DIR/mbdb/ (Manifest.mbdb files: folders, files with
 * extended attributes, a link, absent strings, an encrypted file). A test tool: it prints its
 * own errors. Exit 0 or 1.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

struct buffer {
    uint8_t bytes[8192];
    size_t size;
};

static void put(struct buffer *b, const void *bytes, size_t n)
{
    if (b->size + n > sizeof(b->bytes)) {
        (void)fprintf(stderr, "make_fuzz_seeds: seed too large\n");
        exit(1);
    }
    memcpy(b->bytes + b->size, bytes, n);
    b->size += n;
}

static void put_byte(struct buffer *b, unsigned value)
{
    uint8_t byte = (uint8_t)value;
    put(b, &byte, 1);
}

static void put_be(struct buffer *b, uint64_t value, unsigned width)
{
    for (unsigned i = width; i > 0; i--) {
        put_byte(b, (unsigned)(value >> (8 * (i - 1))) & 0xFFu);
    }
}

static void put_fill(struct buffer *b, size_t n, unsigned value)
{
    for (size_t i = 0; i < n; i++) {
        put_byte(b, value + (unsigned)i);
    }
}

static bool write_seed(const char *dir, const char *sub, const char *name, const struct buffer *b)
{
    char path[4096];
    (void)snprintf(path, sizeof(path), "%s/%s", dir, sub);
    if (mkdir(path, 0755) != 0 && errno != EEXIST) {
        (void)fprintf(stderr, "make_fuzz_seeds: cannot create %s\n", path);
        return false;
    }
    (void)snprintf(path, sizeof(path), "%s/%s/%s", dir, sub, name);
    FILE *file = fopen(path, "wb");
    bool ok = file != NULL && fwrite(b->bytes, 1, b->size, file) == b->size;
    if (file != NULL && fclose(file) != 0) {
        ok = false;
    }
    if (!ok) {
        (void)fprintf(stderr, "make_fuzz_seeds: cannot write %s\n", path);
    }
    return ok;
}

/* ---- keybags ------------------------------------------------------------------------------- */

static void tlv_u32(struct buffer *b, const char *tag, uint32_t value)
{
    put(b, tag, 4);
    put_be(b, 4, 4);
    put_be(b, value, 4);
}

static void tlv_fill(struct buffer *b, const char *tag, size_t length, unsigned value)
{
    put(b, tag, 4);
    put_be(b, length, 4);
    put_fill(b, length, value);
}

static void keybag(struct buffer *b, bool with_sha256_stage, uint32_t classes)
{
    tlv_u32(b, "VERS", with_sha256_stage ? 5 : 3);
    tlv_u32(b, "TYPE", 1);
    tlv_fill(b, "UUID", 16, 0x10);
    tlv_fill(b, "HMCK", 40, 0x20);
    tlv_u32(b, "WRAP", 0);
    tlv_fill(b, "SALT", 20, 0x30);
    tlv_u32(b, "ITER", 10000);
    if (with_sha256_stage) {
        tlv_u32(b, "DPWT", 1);
        tlv_u32(b, "DPIC", 10000000);
        tlv_fill(b, "DPSL", 20, 0x40);
    }
    for (uint32_t c = 1; c <= classes; c++) {
        tlv_fill(b, "UUID", 16, 0xA0 + c);
        tlv_u32(b, "CLAS", c);
        tlv_u32(b, "WRAP", c == 6 ? 3 : 2);
        tlv_u32(b, "KTYP", c == 5 ? 1 : 0);
        tlv_fill(b, "WPKY", 40, c);
    }
}

static bool keybag_seeds(const char *dir)
{
    struct buffer b = {.size = 0};
    keybag(&b, true, 11);
    bool ok = write_seed(dir, "keybag", "ios10-2-and-later", &b);
    b.size = 0;
    keybag(&b, false, 4);
    ok = ok && write_seed(dir, "keybag", "before-ios10-2", &b);
    b.size = 0;
    put_byte(&b, 3);
    put_fill(&b, 3, 0);
    put_fill(&b, 40, 0x50);
    ok = ok && write_seed(dir, "keybag", "wrapped-key", &b);
    return ok;
}

/* ---- classify ------------------------------------------------------------------------------ */

struct thread_seed {
    const char *service;
    unsigned message_flags;
    uint64_t raw_date;
    const char *date_text;
    const char *guid;
    unsigned style_pick;
    uint32_t counts[5]; /* imessage, sms plain, sms attachment, rcs, other */
    unsigned thread_flags;
    uint16_t members, imessage_members, automated_members;
};

static void field(struct buffer *b, const char *text)
{
    put_byte(b, (unsigned)strlen(text));
    put(b, text, strlen(text));
}

static void classify_seed(struct buffer *b, const struct thread_seed *seed)
{
    field(b, seed->service);
    put_byte(b, seed->message_flags);
    put_be(b, seed->raw_date, 8);
    put_byte(b, 1);
    field(b, seed->date_text);
    put_be(b, 700000000, 8);
    field(b, seed->guid);
    put_byte(b, seed->style_pick);
    put_be(b, 42, 8);
    for (int i = 0; i < 5; i++) {
        put_be(b, seed->counts[i], 4);
    }
    put_byte(b, 0);
    put_be(b, 1, 4);
    put_byte(b, seed->thread_flags);
    put_be(b, seed->raw_date, 8);
    put_be(b, seed->raw_date, 8);
    put_be(b, 0, 4);
    put_be(b, seed->members, 2);
    put_be(b, seed->imessage_members, 2);
    put_be(b, seed->automated_members, 2);
}

static bool classify_seeds(const char *dir)
{
    static const struct thread_seed seeds[] = {
        {" SMS ", 2, 700000000, "2024-05-01", "SMS;+;chat1", 0, {1, 2, 1, 0, 0}, 4, 3, 1, 0},
        {"iMessage",
         0,
         700000000000000000ull,
         "2024-05-01T12:34:56Z",
         "iMessage;-;+1555",
         100,
         {3, 1, 0, 0, 0},
         3,
         1,
         1,
         0},
        {"sms", 1, 1, "2001-01-01 00:00:00", "SMS;-;72727", 200, {0, 2, 0, 0, 0}, 0, 1, 0, 1},
        {"RCS", 0, 0, "1999-02-29", "any;-;+1555", 200, {0, 0, 0, 1, 1}, 1, 0, 0, 0},
        {"iMessageLite",
         0,
         253402300799ull,
         "9999-12-31T23:59:59",
         "",
         79,
         {1, 0, 0, 0, 0},
         2,
         7,
         3,
         4},
    };
    bool ok = true;
    for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]) && ok; i++) {
        struct buffer b = {.size = 0};
        classify_seed(&b, &seeds[i]);
        char name[32];
        (void)snprintf(name, sizeof(name), "thread-%zu", i + 1);
        ok = write_seed(dir, "classify", name, &b);
    }
    return ok;
}

/* ---- binary plists ------------------------------------------------------------------------- */

struct bplist {
    struct buffer b;
    uint64_t offsets[64];
    size_t count;
    unsigned ref_bytes;
};

static uint64_t object(struct bplist *p)
{
    p->offsets[p->count] = p->b.size;
    return p->count++;
}

static void head(struct bplist *p, unsigned kind, uint64_t count)
{
    if (count < 15) {
        put_byte(&p->b, kind << 4 | (unsigned)count);
    } else {
        put_byte(&p->b, kind << 4 | 0xFu);
        put_byte(&p->b, 0x11);
        put_be(&p->b, count, 2);
    }
}

static uint64_t ascii(struct bplist *p, const char *text)
{
    uint64_t index = object(p);
    head(p, 0x5, strlen(text));
    put(&p->b, text, strlen(text));
    return index;
}

static uint64_t container(struct bplist *p, unsigned kind, const uint64_t *refs, size_t count)
{
    uint64_t index = object(p);
    head(p, kind, kind == 0xD ? count / 2 : count);
    for (size_t i = 0; i < count; i++) {
        put_be(&p->b, refs[i], p->ref_bytes);
    }
    return index;
}

static void finish(struct bplist *p, uint64_t top)
{
    uint64_t table_at = p->b.size;
    unsigned offset_bytes = table_at > 0xFF ? 2 : 1;
    for (size_t i = 0; i < p->count; i++) {
        put_be(&p->b, p->offsets[i], offset_bytes);
    }
    for (int i = 0; i < 6; i++) {
        put_byte(&p->b, 0); /* five unused bytes and the sort version */
    }
    put_byte(&p->b, offset_bytes);
    put_byte(&p->b, p->ref_bytes);
    put_be(&p->b, p->count, 8);
    put_be(&p->b, top, 8);
    put_be(&p->b, table_at, 8);
}

static void begin(struct bplist *p, unsigned ref_bytes)
{
    memset(p, 0, sizeof(*p));
    p->ref_bytes = ref_bytes;
    put(&p->b, "bplist00", 8);
}

/* A dict of the value kinds XML cannot hold, with one dict referred to three times. */
static void wide_values(struct bplist *p, unsigned ref_bytes)
{
    begin(p, ref_bytes);
    uint64_t keys[5] = {ascii(p, "big"), ascii(p, "uid"), ascii(p, "shared"), ascii(p, "utf16"),
                        ascii(p, "set")};
    uint64_t big = object(p);
    put_byte(&p->b, 0x14);
    put_fill(&p->b, 8, 0);
    put_be(&p->b, UINT64_MAX, 8);
    uint64_t uid = object(p);
    put_byte(&p->b, 0x81);
    put_be(&p->b, 0x0102, 2);
    uint64_t inner_refs[2] = {keys[0], big};
    uint64_t inner = container(p, 0xD, inner_refs, 2);
    uint64_t shared_refs[3] = {inner, inner, inner};
    uint64_t shared = container(p, 0xA, shared_refs, 3);
    uint64_t utf16 = object(p);
    head(p, 0x6, 3);
    put_be(&p->b, 0x00E9, 2);
    put_be(&p->b, 0xD83D, 2);
    put_be(&p->b, 0xDE42, 2);
    uint64_t set_refs[2] = {uid, big};
    uint64_t set = container(p, 0xC, set_refs, 2);
    uint64_t top_refs[10] = {keys[0], keys[1], keys[2], keys[3], keys[4],
                             big,     uid,     shared,  utf16,   set};
    finish(p, container(p, 0xD, top_refs, 10));
}

static bool plist_seeds(const char *dir)
{
    struct bplist p;
    wide_values(&p, 1);
    bool ok = write_seed(dir, "plist", "wide-values.bplist", &p.b);
    wide_values(&p, 2);
    ok = ok && write_seed(dir, "plist", "two-byte-refs.bplist", &p.b);
    return ok;
}

/* ---- Manifest.mbdb -------------------------------------------------------------------------- */

static void mbdb_item(struct buffer *b, const char *text)
{
    if (text == NULL) {
        put_be(b, 0xFFFF, 2);
        return;
    }
    put_be(b, strlen(text), 2);
    put(b, text, strlen(text));
}

static void mbdb_record(struct buffer *b, const char *domain, const char *path, const char *link,
                        unsigned mode, bool has_key, unsigned xattrs)
{
    mbdb_item(b, domain);
    mbdb_item(b, path);
    mbdb_item(b, link);
    mbdb_item(b, mode == 0x8000 ? "0123456789abcdef0123" : NULL); /* digest */
    if (has_key) {
        put_be(b, 44, 2);
        put_fill(b, 44, 0x60);
    } else {
        mbdb_item(b, NULL);
    }
    put_be(b, mode | 0644u, 2);
    put_be(b, 1234, 8);                      /* inode */
    put_fill(b, 20, 0);                      /* uid, gid, three times */
    put_be(b, mode == 0x8000 ? 4096 : 0, 8); /* size */
    put_byte(b, mode == 0x8000 ? 4 : 0);     /* protection class */
    put_byte(b, xattrs);
    for (unsigned i = 0; i < xattrs; i++) {
        mbdb_item(b, "com.apple.assetsd.UUID");
        mbdb_item(b, "8C1E2F50");
    }
}

static bool mbdb_seeds(const char *dir)
{
    struct buffer b = {.size = 0};
    put(&b, "mbdb\x05\x00", 6);
    mbdb_record(&b, "HomeDomain", "Library/SMS", NULL, 0x4000, false, 0);
    mbdb_record(&b, "HomeDomain", "Library/SMS/sms.db", NULL, 0x8000, false, 1);
    mbdb_record(&b, "HomeDomain", "Library/SMS/link", "../../etc/passwd", 0xA000, false, 0);
    mbdb_record(&b, "", NULL, NULL, 0x8000, false, 2);
    bool ok = write_seed(dir, "mbdb", "plain", &b);
    b.size = 0;
    put(&b, "mbdb\x05\x00", 6);
    mbdb_record(&b, "HomeDomain", "Library/SMS/sms.db", NULL, 0x8000, true, 0);
    ok = ok && write_seed(dir, "mbdb", "encrypted", &b);
    return ok;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        (void)fprintf(stderr, "usage: make_fuzz_seeds OUT_DIR\n");
        return 1;
    }
    if (mkdir(argv[1], 0755) != 0 && errno != EEXIST) {
        (void)fprintf(stderr, "make_fuzz_seeds: cannot create %s\n", argv[1]);
        return 1;
    }
    bool ok = keybag_seeds(argv[1]) && classify_seeds(argv[1]) && plist_seeds(argv[1]) &&
              mbdb_seeds(argv[1]);
    return ok ? 0 : 1;
}
