/* Identifier kinds and normal forms (see ids.h); the PCRE2 adapter. */
#include "core/model/ids.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <pcre2.h>

#include "core/base/limits.h"
#include "core/base/text.h"

struct bs_ids {
    pcre2_code *email;
    pcre2_code *phone;
    pcre2_code *sender;
    pcre2_match_context *match_context;
    pcre2_match_data *match_data;
};

/* One address part, '@', a domain with a dot-free or dotted name: loose on purpose, since
 * iMessage accepts any address Apple verified. */
static const char email_pattern[] = "^[^@\\s]+@[^@\\s]+$";
/* Digits with the punctuation people and carriers put in numbers, an optional "tel:" and
 * leading '+'. */
static const char phone_pattern[] = "^(?:tel:)?\\+?[0-9()./\\- \\x{00A0}]*[0-9][0-9()./\\- "
                                    "\\x{00A0}]*$";
/* A sender id has at least one letter and no '@' (AMAZON, Google, urn:biz:...). */
static const char sender_pattern[] = "^[^@]*\\p{L}[^@]*$";

static pcre2_code *compile(const char *pattern)
{
    int error_code = 0;
    PCRE2_SIZE error_offset = 0;
    return pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
                         PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_CASELESS | PCRE2_UCP,
                         &error_code, &error_offset, NULL);
}

enum bs_status bs_ids_create(struct bs_ids **out, struct bs_error *err)
{
    struct bs_ids *ids = calloc(1, sizeof(*ids));
    if (ids == NULL) {
        return bs_error_set(err, BS_ERR_NOMEM, "out of memory compiling id patterns");
    }
    ids->email = compile(email_pattern);
    ids->phone = compile(phone_pattern);
    ids->sender = compile(sender_pattern);
    ids->match_context = pcre2_match_context_create(NULL);
    ids->match_data = pcre2_match_data_create(4, NULL);
    if (ids->email == NULL || ids->phone == NULL || ids->sender == NULL ||
        ids->match_context == NULL || ids->match_data == NULL) {
        bs_ids_free(ids);
        return bs_error_set(err, BS_ERR_INTERNAL, "an id pattern did not compile");
    }
    pcre2_set_match_limit(ids->match_context, BS_PCRE2_MATCH_LIMIT);
    pcre2_set_depth_limit(ids->match_context, BS_PCRE2_DEPTH_LIMIT);
    *out = ids;
    return BS_OK;
}

void bs_ids_free(struct bs_ids *ids)
{
    if (ids == NULL) {
        return;
    }
    pcre2_code_free(ids->email);
    pcre2_code_free(ids->phone);
    pcre2_code_free(ids->sender);
    pcre2_match_context_free(ids->match_context);
    pcre2_match_data_free(ids->match_data);
    free(ids);
}

/* 1 on a match, 0 on none, -1 when undetermined (a limit was hit). The match data is
 * scratch space owned by ids; scans are single-threaded. */
static int matches(const struct bs_ids *ids, const pcre2_code *code, const char *text)
{
    int rc = pcre2_match(code, (PCRE2_SPTR)text, strlen(text), 0, 0, ids->match_data,
                         ids->match_context);
    if (rc >= 0) {
        return 1;
    }
    return rc == PCRE2_ERROR_NOMATCH ? 0 : -1;
}

enum bs_id_kind bs_ids_kind(const struct bs_ids *ids, const char *id)
{
    if (id == NULL || id[0] == '\0' || strlen(id) > BS_MAX_ID_BYTES) {
        return BS_ID_OTHER;
    }
    if (matches(ids, ids->email, id) == 1) {
        return BS_ID_EMAIL;
    }
    if (matches(ids, ids->phone, id) == 1) {
        size_t digits = 0;
        bool has_plus = strchr(id, '+') != NULL;
        for (const char *p = id; *p != '\0'; p++) {
            digits += (*p >= '0' && *p <= '9') ? 1 : 0;
        }
        if (!has_plus && digits >= 3 && digits <= 8) {
            return BS_ID_SHORT_CODE;
        }
        return digits >= 3 ? BS_ID_PHONE : BS_ID_OTHER;
    }
    if (matches(ids, ids->sender, id) == 1) {
        return BS_ID_ALPHANUMERIC;
    }
    return BS_ID_OTHER;
}

bool bs_ids_is_automated(enum bs_id_kind kind)
{
    return kind == BS_ID_SHORT_CODE || kind == BS_ID_ALPHANUMERIC;
}

static char *lower_ascii_copy(const char *id)
{
    char *copy = bs_strdup(id);
    if (copy != NULL) {
        for (char *p = copy; *p != '\0'; p++) {
            if (*p >= 'A' && *p <= 'Z') {
                *p = (char)(*p - 'A' + 'a');
            }
        }
    }
    return copy;
}

static char *normalize_phone(const char *id, const char *country, const char *fallback_country)
{
    struct bs_strbuf digits = {0};
    const char *start = id;
    if (strncmp(start, "tel:", 4) == 0 || strncmp(start, "TEL:", 4) == 0) {
        start += 4;
    }
    bool has_plus = strchr(start, '+') != NULL;
    for (const char *p = start; *p != '\0'; p++) {
        if (*p >= '0' && *p <= '9') {
            bs_strbuf_append(&digits, p, 1);
        }
    }
    const char *d = bs_strbuf_str(&digits);
    size_t length = digits.length;
    const char *code = bs_ids_calling_code(country);
    if (code == NULL) {
        code = bs_ids_calling_code(fallback_country);
    }
    struct bs_strbuf out = {0};
    if (has_plus) {
        bs_strbuf_appendf(&out, "+%s", d);
    } else if (length > 2 && d[0] == '0' && d[1] == '0') {
        bs_strbuf_appendf(&out, "+%s", d + 2); /* 00 is the international prefix */
    } else if (code == NULL) {
        bs_strbuf_append_str(&out, d); /* no country known: keep the digits as they are */
    } else if (strcmp(code, "1") == 0) {
        /* North American numbering: ten digits, or eleven with the leading 1. */
        if (length == 11 && d[0] == '1') {
            bs_strbuf_appendf(&out, "+%s", d);
        } else {
            bs_strbuf_appendf(&out, "+1%s", d);
        }
    } else if (length > 0 && d[0] == '0') {
        bs_strbuf_appendf(&out, "+%s%s", code, d + 1); /* national trunk prefix 0 */
    } else if (length >= 11 && strncmp(d, code, strlen(code)) == 0) {
        bs_strbuf_appendf(&out, "+%s", d); /* already international, without '+' */
    } else {
        bs_strbuf_appendf(&out, "+%s%s", code, d);
    }
    bs_strbuf_free(&digits);
    return bs_strbuf_take(&out);
}

char *bs_ids_normalize(const struct bs_ids *ids, const char *id, const char *country,
                       const char *fallback_country, enum bs_id_kind *kind)
{
    const char *text = id == NULL ? "" : id;
    *kind = bs_ids_kind(ids, text);
    switch (*kind) {
    case BS_ID_PHONE:
        return normalize_phone(text, country, fallback_country);
    case BS_ID_SHORT_CODE: {
        struct bs_strbuf digits = {0};
        for (const char *p = text; *p != '\0'; p++) {
            if (*p >= '0' && *p <= '9') {
                bs_strbuf_append(&digits, p, 1);
            }
        }
        return bs_strbuf_take(&digits);
    }
    case BS_ID_EMAIL:
    case BS_ID_ALPHANUMERIC:
        return lower_ascii_copy(text);
    case BS_ID_OTHER:
        break;
    }
    return bs_strdup(text);
}

/* ITU-T E.164 calling codes by ISO 3166-1 alpha-2 code, sorted by ISO code. */
static const struct {
    char iso[3];
    char code[5];
} calling_codes[] = {
    {"ad", "376"}, {"ae", "971"}, {"af", "93"},  {"ag", "1"},   {"ai", "1"},   {"al", "355"},
    {"am", "374"}, {"ao", "244"}, {"ar", "54"},  {"as", "1"},   {"at", "43"},  {"au", "61"},
    {"aw", "297"}, {"az", "994"}, {"ba", "387"}, {"bb", "1"},   {"bd", "880"}, {"be", "32"},
    {"bf", "226"}, {"bg", "359"}, {"bh", "973"}, {"bi", "257"}, {"bj", "229"}, {"bm", "1"},
    {"bn", "673"}, {"bo", "591"}, {"br", "55"},  {"bs", "1"},   {"bt", "975"}, {"bw", "267"},
    {"by", "375"}, {"bz", "501"}, {"ca", "1"},   {"cd", "243"}, {"cf", "236"}, {"cg", "242"},
    {"ch", "41"},  {"ci", "225"}, {"cl", "56"},  {"cm", "237"}, {"cn", "86"},  {"co", "57"},
    {"cr", "506"}, {"cu", "53"},  {"cv", "238"}, {"cy", "357"}, {"cz", "420"}, {"de", "49"},
    {"dj", "253"}, {"dk", "45"},  {"dm", "1"},   {"do", "1"},   {"dz", "213"}, {"ec", "593"},
    {"ee", "372"}, {"eg", "20"},  {"er", "291"}, {"es", "34"},  {"et", "251"}, {"fi", "358"},
    {"fj", "679"}, {"fm", "691"}, {"fo", "298"}, {"fr", "33"},  {"ga", "241"}, {"gb", "44"},
    {"gd", "1"},   {"ge", "995"}, {"gh", "233"}, {"gi", "350"}, {"gl", "299"}, {"gm", "220"},
    {"gn", "224"}, {"gq", "240"}, {"gr", "30"},  {"gt", "502"}, {"gu", "1"},   {"gw", "245"},
    {"gy", "592"}, {"hk", "852"}, {"hn", "504"}, {"hr", "385"}, {"ht", "509"}, {"hu", "36"},
    {"id", "62"},  {"ie", "353"}, {"il", "972"}, {"in", "91"},  {"iq", "964"}, {"ir", "98"},
    {"is", "354"}, {"it", "39"},  {"jm", "1"},   {"jo", "962"}, {"jp", "81"},  {"ke", "254"},
    {"kg", "996"}, {"kh", "855"}, {"ki", "686"}, {"km", "269"}, {"kn", "1"},   {"kp", "850"},
    {"kr", "82"},  {"kw", "965"}, {"ky", "1"},   {"kz", "7"},   {"la", "856"}, {"lb", "961"},
    {"lc", "1"},   {"li", "423"}, {"lk", "94"},  {"lr", "231"}, {"ls", "266"}, {"lt", "370"},
    {"lu", "352"}, {"lv", "371"}, {"ly", "218"}, {"ma", "212"}, {"mc", "377"}, {"md", "373"},
    {"me", "382"}, {"mg", "261"}, {"mh", "692"}, {"mk", "389"}, {"ml", "223"}, {"mm", "95"},
    {"mn", "976"}, {"mo", "853"}, {"mp", "1"},   {"mr", "222"}, {"ms", "1"},   {"mt", "356"},
    {"mu", "230"}, {"mv", "960"}, {"mw", "265"}, {"mx", "52"},  {"my", "60"},  {"mz", "258"},
    {"na", "264"}, {"ne", "227"}, {"ng", "234"}, {"ni", "505"}, {"nl", "31"},  {"no", "47"},
    {"np", "977"}, {"nr", "674"}, {"nz", "64"},  {"om", "968"}, {"pa", "507"}, {"pe", "51"},
    {"pg", "675"}, {"ph", "63"},  {"pk", "92"},  {"pl", "48"},  {"pr", "1"},   {"ps", "970"},
    {"pt", "351"}, {"pw", "680"}, {"py", "595"}, {"qa", "974"}, {"ro", "40"},  {"rs", "381"},
    {"ru", "7"},   {"rw", "250"}, {"sa", "966"}, {"sb", "677"}, {"sc", "248"}, {"sd", "249"},
    {"se", "46"},  {"sg", "65"},  {"si", "386"}, {"sk", "421"}, {"sl", "232"}, {"sm", "378"},
    {"sn", "221"}, {"so", "252"}, {"sr", "597"}, {"ss", "211"}, {"st", "239"}, {"sv", "503"},
    {"sx", "1"},   {"sy", "963"}, {"sz", "268"}, {"tc", "1"},   {"td", "235"}, {"tg", "228"},
    {"th", "66"},  {"tj", "992"}, {"tl", "670"}, {"tm", "993"}, {"tn", "216"}, {"to", "676"},
    {"tr", "90"},  {"tt", "1"},   {"tv", "688"}, {"tw", "886"}, {"tz", "255"}, {"ua", "380"},
    {"ug", "256"}, {"us", "1"},   {"uy", "598"}, {"uz", "998"}, {"va", "39"},  {"vc", "1"},
    {"ve", "58"},  {"vg", "1"},   {"vi", "1"},   {"vn", "84"},  {"vu", "678"}, {"ws", "685"},
    {"ye", "967"}, {"za", "27"},  {"zm", "260"}, {"zw", "263"},
};

const char *bs_ids_calling_code(const char *country)
{
    if (country == NULL || strlen(country) != 2) {
        return NULL;
    }
    char iso[3] = {country[0], country[1], '\0'};
    for (int i = 0; i < 2; i++) {
        if (iso[i] >= 'A' && iso[i] <= 'Z') {
            iso[i] = (char)(iso[i] - 'A' + 'a');
        }
    }
    size_t low = 0;
    size_t high = sizeof(calling_codes) / sizeof(calling_codes[0]);
    while (low < high) {
        size_t mid = low + (high - low) / 2;
        int order = strcmp(calling_codes[mid].iso, iso);
        if (order == 0) {
            return calling_codes[mid].code;
        }
        if (order < 0) {
            low = mid + 1;
        } else {
            high = mid;
        }
    }
    return NULL;
}
