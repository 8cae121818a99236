"""Checks that a redacted run shows no name, id or group name of its database.

Usage: check_redacted.py DATABASE|BACKUP_FOLDER OUTPUT...
The secrets are read from a copy of DATABASE: every handle id (and its uncanonicalized form
and person_centric_id), chat guid, chat identifier, display name, room name and the owner's
addresses (chat.last_addressed_handle, message.account and destination_caller_id); for a
backup folder also the names and numbers of its contact book and the device's name, number,
serial and identifiers from Info.plist. Each
output is searched as it is, HTML-unescaped (.html), and as its decoded strings (.json); each
secret is looked for as stored, as text.h escapes it, its first 20 characters (summaries clip
long names), and the digits of a number. A secret shorter than 4 characters is looked for as
a whole word when it is letters ("Mom"), else ("-2") it is too short to mean anything in a page
of text and is listed as skipped.
Prints one line per leak and a closing "N passed, N failed".
"""
import html
import json
import os
import plistlib
import re
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report_lib  # noqa: E402

MIN_LENGTH = 4
PREFIX = 20

SOURCES = [
    ("handle", "id"), ("handle", "uncanonicalized_id"), ("handle", "person_centric_id"),
    ("chat", "guid"), ("chat", "chat_identifier"), ("chat", "display_name"),
    ("chat", "room_name"), ("chat", "last_addressed_handle"), ("chat", "account_login"),
    ("message", "account"), ("message", "destination_caller_id"),
]


def secrets_of(database, wal=None):
    connection, folder = report_lib.open_copy(database, wal)
    try:
        found = set()
        for table, column in SOURCES:
            for value in report_lib.values(connection, table, column):
                data = report_lib.stored(value)
                if data:
                    found.add(report_lib.valid_utf8(data))
                    if table == "message" and data[:2] in (b"e:", b"p:", b"E:", b"P:"):
                        found.add(report_lib.valid_utf8(data[2:]))
        return found
    finally:
        connection.close()
        shutil.rmtree(folder)


def backup_secrets(folder):
    """For a backup folder: its Messages database's secrets, the names and values of its contact
    book, and the device's identifiers in Info.plist."""
    found = set()
    info_path = os.path.join(folder, "Info.plist")
    if os.path.exists(info_path):
        with open(info_path, "rb") as f:
            info = plistlib.load(f)
        for key in ("Device Name", "Display Name", "Serial Number", "Phone Number", "IMEI",
                    "MEID", "ICCID", "Unique Identifier", "Target Identifier", "GUID"):
            if isinstance(info.get(key), str) and info[key]:
                found.add(info[key])
    sms = report_lib.backup_file(folder, "Library/SMS/sms.db")
    if sms:
        found |= secrets_of(sms, report_lib.backup_file(folder, "Library/SMS/sms.db-wal"))
    book = report_lib.backup_file(folder, "Library/AddressBook/AddressBook.sqlitedb")
    if book:
        connection, temp = report_lib.open_copy(book)
        try:
            for column in ("First", "Last", "Middle", "Organization", "Nickname"):
                found |= {report_lib.valid_utf8(v) for v in
                          report_lib.values(connection, "ABPerson", column)}
            found |= {report_lib.valid_utf8(v) for v in
                      report_lib.values(connection, "ABMultiValue", "value")}
        finally:
            connection.close()
            shutil.rmtree(temp)
    return {s for s in found if s}


def forms(secret):
    """The ways a secret could show in an output."""
    out = {secret, report_lib.safe(secret.encode("utf-8"))}
    digits = re.sub(r"[^0-9]", "", secret)
    if len(digits) >= 7:
        out.add(digits)
        out.add(digits[-7:])  # the subscriber part, in whatever format
    for form in list(out):
        if len(form) > PREFIX:
            out.add(form[:PREFIX])
    return {f for f in out if len(f) >= MIN_LENGTH}


def json_strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from json_strings(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from json_strings(item)


def haystacks(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    yield text
    if path.endswith(".html"):
        yield html.unescape(text)
    if path.endswith(".json"):
        yield "\n".join(json_strings(json.loads(text)))


def main():
    database, outputs = sys.argv[1], sys.argv[2:]
    secrets = backup_secrets(database) if os.path.isdir(database) else secrets_of(database)
    passed = failed = 0
    skipped = sorted(s for s in secrets if len(s) < MIN_LENGTH and not (len(s) >= 2 and s.isalpha()))
    texts = [(path, hay) for path in outputs for hay in haystacks(path)]
    for secret in sorted(secrets):
        if len(secret) < MIN_LENGTH:
            if not (len(secret) >= 2 and secret.isalpha()):
                continue
            # A short name ("Mom") is looked for as a whole word only.
            word = re.compile(r"\b%s\b" % re.escape(secret))
            leaks = [(path, secret) for path, hay in texts if word.search(hay)]
        else:
            leaks = [(path, form) for form in forms(secret) for path, hay in texts if form in hay]
        if leaks:
            failed += 1
            path, form = leaks[0]
            print("FAIL: %s: %r (as %r) appears in %s" % (os.path.basename(database), secret[:60],
                                                          form[:60], os.path.basename(path)))
        else:
            passed += 1
    if skipped:
        print("skipped, shorter than %d characters: %r" % (MIN_LENGTH, skipped))
    label = database if os.path.isdir(database) else os.path.dirname(database)
    print("redacted %s: %d passed, %d failed" % (os.path.basename(label.rstrip("/")),
                                                 passed, failed))
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
