/*
 * The XML half of plist_check.h: a tokeniser that follows libplist 2.2's XML parser closely
 * enough to see every container it would open, so that nesting and value counts are capped
 * before libplist (which recurses) parses the text.
 */
#include <string.h>

#include "core/base/limits.h"
#include "core/store/plist_check.h"

/* Tokenising follows libplist 2.2's XML parser, including where it skips double-quoted text
 * (inside tags, <?...?> and <!DOCTYPE ...>), so that every <dict>/<array> libplist opens is
 * seen here and no close tag is counted that libplist would not see. */

static bool xml_starts_with(const char *text, size_t size, size_t at, const char *prefix)
{
    size_t length = strlen(prefix);
    return size - at >= length && memcmp(text + at, prefix, length) == 0;
}

/* Moves *at (on a double quote) to the closing quote; false when there is none. */
static bool xml_skip_quoted(const char *text, size_t size, size_t *at)
{
    const char *close = memchr(text + *at + 1, '"', size - *at - 1);
    if (close == NULL) {
        return false;
    }
    *at = (size_t)(close - text);
    return true;
}

/* Sets *at to the first occurrence of needle at or after *at. */
static bool xml_find_text(const char *text, size_t size, size_t *at, const char *needle,
                          bool skip_quotes)
{
    size_t length = strlen(needle);
    size_t pos = *at;
    while (pos <= size && size - pos >= length) {
        if (memcmp(text + pos, needle, length) == 0) {
            *at = pos;
            return true;
        }
        if (skip_quotes && text[pos] == '"' && !xml_skip_quoted(text, size, &pos)) {
            return false;
        }
        pos++;
    }
    return false;
}

/* Sets *at to the first byte at or after *at that is one of chars. */
static bool xml_find_any(const char *text, size_t size, size_t *at, const char *chars,
                         bool skip_quotes)
{
    for (size_t pos = *at; pos < size; pos++) {
        if (skip_quotes && text[pos] == '"' && !xml_skip_quoted(text, size, &pos)) {
            return false;
        }
        if (text[pos] != '\0' && strchr(chars, text[pos]) != NULL) {
            *at = pos;
            return true;
        }
    }
    return false;
}

static bool xml_name_is(const char *name, size_t length, const char *expected)
{
    return length == strlen(expected) && memcmp(name, expected, length) == 0;
}

struct xml_scan {
    uint64_t dict_levels; /* bit d set when the container at depth d + 1 is a dict */
    size_t depth;
    size_t node_count;
};

static enum bs_status xml_tag(struct xml_scan *scan, const char *name, size_t length, bool is_empty,
                              struct bs_error *err)
{
    bool is_dict = xml_name_is(name, length, "dict");
    if (is_dict || xml_name_is(name, length, "array")) {
        scan->node_count++;
        if (!is_empty) {
            if (scan->depth == BS_MAX_PLIST_DEPTH) {
                return bs_error_set(err, BS_ERR_LIMIT, "plist nests deeper than %d levels",
                                    BS_MAX_PLIST_DEPTH);
            }
            uint64_t bit = (uint64_t)1 << scan->depth;
            scan->dict_levels = is_dict ? scan->dict_levels | bit : scan->dict_levels & ~bit;
            scan->depth++;
        }
    } else if (xml_name_is(name, length, "/dict") || xml_name_is(name, length, "/array")) {
        bool closes_dict = name[1] == 'd';
        if (scan->depth == 0 ||
            ((scan->dict_levels >> (scan->depth - 1)) & 1u) != (closes_dict ? 1u : 0u)) {
            return bs_error_set(err, BS_ERR_FORMAT, "XML plist has an unmatched <%.*s>",
                                (int)length, name);
        }
        scan->depth--;
    } else if (length > 0 && name[0] != '/') {
        scan->node_count++;
    }
    if (scan->node_count > BS_MAX_PLIST_NODES) {
        return bs_error_set(err, BS_ERR_LIMIT, "plist holds more than %d values",
                            BS_MAX_PLIST_NODES);
    }
    return BS_OK;
}

enum bs_status bs_plist_check_xml(const char *text, size_t size, struct bs_error *err)
{
    struct xml_scan scan = {0};
    size_t at = 0;
    if (memchr(text, '\0', size) != NULL) {
        /* Not allowed in XML, and libplist 2.2 asserts (aborts) on a key that holds one. */
        return bs_error_set(err, BS_ERR_FORMAT, "XML plist contains a NUL byte");
    }
    while (at < size) {
        const char *open = memchr(text + at, '<', size - at);
        if (open == NULL) {
            break;
        }
        at = (size_t)(open - text) + 1;
        bool found = true;
        if (at < size && text[at] == '?') {
            found = xml_find_text(text, size, &at, "?>", true);
            at += 2;
        } else if (xml_starts_with(text, size, at, "!--")) {
            at += 3;
            found = xml_find_text(text, size, &at, "-->", false);
            at += 3;
        } else if (xml_starts_with(text, size, at, "![CDATA[")) {
            at += 8;
            found = xml_find_text(text, size, &at, "]]>", false);
            at += 3;
        } else if (xml_starts_with(text, size, at, "!DOCTYPE")) {
            at += 8;
            found = xml_find_any(text, size, &at, "[>", true);
            if (found && text[at] == '[') {
                found = xml_find_text(text, size, &at, "]>", true);
                at++;
            }
            at++;
        } else if (at < size && text[at] == '!') {
            return bs_error_set(err, BS_ERR_FORMAT, "XML plist has unsupported <! markup");
        } else {
            size_t name_at = at;
            found = xml_find_any(text, size, &at, " \r\n\t<>", false);
            size_t name_end = at;
            if (found && text[at] != '>') {
                found = xml_find_any(text, size, &at, "<>", true);
            }
            if (found && text[at] != '>') {
                return bs_error_set(err, BS_ERR_FORMAT, "XML plist has a tag without '>'");
            }
            if (found) {
                /* text[name_at - 1] is '<', so a '/' before '>' is at or after name_at. */
                bool is_empty = text[at - 1] == '/';
                size_t length = name_end - name_at;
                if (is_empty && at - 1 - name_at < length) {
                    length = at - 1 - name_at; /* "<array/>": the '/' ended the name */
                }
                enum bs_status status = xml_tag(&scan, text + name_at, length, is_empty, err);
                if (status != BS_OK) {
                    return status;
                }
                at++;
            }
        }
        if (!found) {
            return bs_error_set(err, BS_ERR_FORMAT, "XML plist ends inside markup");
        }
    }
    return BS_OK;
}
