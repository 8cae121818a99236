"""Shared helpers of the report tests: the escaping rules of scanner/core/base/text.h and the CSV
cell rule of report_csv.c written again in Python, and reading a fixture database as bytes.

The C code is the thing under test; these are independent re-statements of SPEC 4, so a
test that compares the two catches a change in either.
"""
import os
import shutil
import sqlite3
import tempfile

MAX_STRING_BYTES = 4096  # scanner/core/base/limits.h BS_MAX_STRING_BYTES
BIDI = set(range(0x202A, 0x202F)) | set(range(0x2066, 0x206A)) | {0x200E, 0x200F, 0x061C}


def _sequences(data):
    """(bytes, code point or None) for each UTF-8 sequence or invalid byte of data."""
    i = 0
    while i < len(data):
        lead = data[i]
        length = 1 if lead < 0x80 else 2 if 0xC0 <= lead < 0xE0 else 3 if 0xE0 <= lead < 0xF0 \
            else 4 if 0xF0 <= lead < 0xF8 else 0
        if length:
            chunk = data[i:i + length]
            try:
                text = chunk.decode("utf-8") if len(chunk) == length else None
            except UnicodeDecodeError:
                text = None
            if text is not None:
                yield chunk, ord(text)
                i += length
                continue
        yield data[i:i + 1], None
        i += 1


def stored(data):
    """What the scanner keeps of a database value (bs_strndup_bounded): at most 4096 bytes,
    cut at the first NUL."""
    if data is None:
        return None
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    return bytes(data[:MAX_STRING_BYTES]).split(b"\0", 1)[0]


def valid_utf8(data):
    """text.h bs_strbuf_append_utf8: invalid bytes as \\xHH, the rest as it is."""
    out = []
    for chunk, code in _sequences(data):
        out.append("\\x%02X" % chunk[0] if code is None else chr(code))
    return "".join(out)


def safe(data):
    """text.h bs_strbuf_append_safe: controls, DEL, C1 and invalid bytes as \\xHH, bidi
    controls as \\u{HHHH}."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    out = []
    for chunk, code in _sequences(data):
        if code is None or code < 0x20 or code == 0x7F or 0x80 <= code <= 0x9F:
            out.extend("\\x%02X" % b for b in chunk)
        elif code in BIDI:
            out.append("\\u{%04X}" % code)
        else:
            out.append(chr(code))
    return "".join(out)


def is_plain_phone(text):
    return text.startswith("+") and text[1:].isascii() and text[1:].isdigit() \
        and 7 <= len(text) - 1 <= 15


def csv_cell(text):
    """report_csv.c bs_report_csv_cell, from the value as the JSON holds it (raw bytes are
    needed only for invalid UTF-8, which both keep as \\xHH)."""
    raw = text or ""
    prefix = "'" if raw[:1] in ("=", "@", "\t", "\r", "+", "-") and not is_plain_phone(raw) else ""
    return prefix + safe(raw.encode("utf-8"))


def open_copy(db_path, wal_path=None):
    """A connection to a private copy of a fixture and its WAL (wal_path, else its -wal), so
    the WAL's rows count, returning text as bytes. The fixture itself is never opened.
    Returns (connection, temporary folder to remove)."""
    folder = tempfile.mkdtemp(prefix="bs-report-test-")
    copy = os.path.join(folder, os.path.basename(db_path))
    shutil.copyfile(db_path, copy)
    wal_path = wal_path or db_path + "-wal"
    if os.path.exists(wal_path):
        shutil.copyfile(wal_path, copy + "-wal")
    connection = sqlite3.connect(copy)
    connection.text_factory = bytes
    return connection, folder


def columns(connection, table):
    try:
        return {row[1].decode() if isinstance(row[1], bytes) else row[1]
                for row in connection.execute("PRAGMA table_info(%s)" % table)}
    except sqlite3.DatabaseError:
        return set()


def values(connection, table, column):
    """Every non-NULL value of table.column as bytes, or nothing when it does not exist."""
    if column not in columns(connection, table):
        return []
    out = []
    for (value,) in connection.execute('SELECT CAST("%s" AS BLOB) FROM "%s"' % (column, table)):
        if value is not None:
            out.append(bytes(value))
    return out


def backup_file(folder, relative):
    """The path of HomeDomain/relative in a backup folder with a Manifest.db, or None."""
    manifest = os.path.join(folder, "Manifest.db")
    if not os.path.exists(manifest):
        return None
    connection, temp = open_copy(manifest)
    try:
        row = connection.execute(
            "SELECT CAST(fileID AS TEXT) FROM Files WHERE domain = 'HomeDomain' "
            "AND relativePath = ?", (relative,)).fetchone()
    finally:
        connection.close()
        shutil.rmtree(temp)
    if row is None:
        return None
    file_id = row[0].decode()
    path = os.path.join(folder, file_id[:2], file_id)
    return path if os.path.isfile(path) else None
