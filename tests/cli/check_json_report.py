"""Checks the --json outputs that test_json_report.sh wrote, for each fixture NAME:

  OUT/NAME.json           validates against schema/report.schema.json;
  OUT/NAME.redacted.json  validates too, says it is redacted and names no path;
  every thread and Signal row of the JSON equals its CSV row (OUT/NAME.csv with --all,
  OUT/NAME.signal.csv) once the CSV's own rules are applied to the JSON value;
  strings survive the round trip: each chat guid, display name and member id equals the value
  in the database (FIXTURES/NAME/*.db, or a backup folder's sms.db, read on a copy) as
  stored, invalid UTF-8 as \\xHH; a backup has device facts and findings, a database none;
  the counts add up (per transport, per month, by risk).

Usage: check_json_report.py SCHEMA OUT FIXTURES NAME...
Prints one line per failure and a closing "N passed, N failed".
"""
import csv
import glob
import json
import os
import shutil
import sys

import jsonschema

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report_lib  # noqa: E402

passed = 0
failed = 0


def check(condition, what):
    global passed, failed
    if condition:
        passed += 1
    else:
        failed += 1
        print("FAIL: " + what)


def date_cell(value):
    return value or ""


def thread_row(thread):
    members = []
    for member in thread["members"]:
        if member["name"] is not None:
            members.append("%s <%s>" % (member["name"], member["id"]))
        else:
            members.append(member["id"])
    return [
        str(thread["chat_id"]), report_lib.csv_cell(thread["chat_guid"]), thread["kind"],
        report_lib.csv_cell(thread["name"]), thread["risk"], ";".join(thread["reasons"]),
        thread["transport"], str(thread["participants"]),
        str(thread["non_imessage_participants"]), report_lib.csv_cell(";".join(members)),
        str(thread["messages"]), str(thread["imessage"]), str(thread["sms"]),
        str(thread["mms"]), str(thread["rcs"]), str(thread["other"]),
        date_cell(thread["first_message"]), date_cell(thread["last_message"]),
        date_cell(thread["last_unencrypted"]), date_cell(thread["exposed_since"]),
        thread["exposure_cause"] or "", report_lib.csv_cell(thread["broken_by"] or ""),
    ]


def signal_row(row):
    return [
        str(row["rank"]), report_lib.csv_cell(row["person"]),
        report_lib.csv_cell(";".join(row["ids"])), row["reachability"],
        str(row["critical_groups"]), str(row["risky_groups"]), str(row["direct_threads"]),
        str(row["unencrypted_messages"]), date_cell(row["last_unencrypted"]),
        str(row["secures"]), report_lib.csv_cell(";".join(row["threads"])),
    ]


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))[1:]


def check_against_csv(name, report, out):
    rows = read_csv(os.path.join(out, name + ".csv"))
    check(len(rows) == len(report["threads"]),
          "%s: %d threads in JSON, %d rows in the --all CSV" % (name, len(report["threads"]),
                                                                len(rows)))
    for thread, row in zip(report["threads"], rows):
        check(thread_row(thread) == row,
              "%s: chat %s differs from its CSV row:\n  json %r\n  csv  %r"
              % (name, thread["chat_id"], thread_row(thread), row))
    rows = read_csv(os.path.join(out, name + ".signal.csv"))
    check(len(rows) == len(report["signal"]), "%s: Signal rows differ in number" % name)
    for entry, row in zip(report["signal"], rows):
        check(signal_row(entry) == row,
              "%s: Signal rank %s differs from its CSV row:\n  json %r\n  csv  %r"
              % (name, entry["rank"], signal_row(entry), row))


def expected(value):
    data = report_lib.stored(value)
    return None if data is None else report_lib.valid_utf8(data)


def check_against_database(name, report, fixtures):
    folder = os.path.join(fixtures, name)
    wal = None
    if os.path.exists(os.path.join(folder, "Manifest.db")):
        found = report_lib.backup_file(folder, "Library/SMS/sms.db")
        databases = [found] if found else []
        wal = report_lib.backup_file(folder, "Library/SMS/sms.db-wal")
    elif os.path.isdir(os.path.join(folder, "Manifest.mbdb")) or \
            os.path.exists(os.path.join(folder, "Manifest.mbdb")):
        print("%s: an iOS 4-9 backup: its strings are not compared with the database" % name)
        return
    else:
        databases = glob.glob(os.path.join(folder, "*.db"))
    if len(databases) != 1:
        check(False, "%s: want one database in %s" % (name, os.path.join(fixtures, name)))
        return
    connection, folder = report_lib.open_copy(databases[0], wal)
    try:
        chat_columns = report_lib.columns(connection, "chat")
        chats = {}
        if "guid" in chat_columns:
            display = "display_name" if "display_name" in chat_columns else "NULL"
            for rowid, guid, display_name in connection.execute(
                    "SELECT ROWID, CAST(guid AS BLOB), CAST(%s AS BLOB) FROM chat" % display):
                chats[rowid] = (guid, display_name)
        check(len(chats) == len(report["threads"]),
              "%s: %d chats in the database, %d threads in JSON" % (name, len(chats),
                                                                    len(report["threads"])))
        ids = {expected(v) for v in report_lib.values(connection, "handle", "id")}
        for thread in report["threads"]:
            guid, display_name = chats.get(thread["chat_id"], (None, None))
            want_guid = expected(guid) if guid is not None else ""
            check(thread["chat_guid"] == want_guid,
                  "%s: chat %d guid %r, database %r" % (name, thread["chat_id"],
                                                         thread["chat_guid"], want_guid))
            want_name = expected(display_name) if display_name else None
            want_name = want_name or None
            check(thread["display_name"] == want_name,
                  "%s: chat %d display_name %r, database %r"
                  % (name, thread["chat_id"], thread["display_name"], want_name))
            if want_name is not None:
                check(thread["name"] == want_name,
                      "%s: chat %d name %r is not its display name" % (name, thread["chat_id"],
                                                                       thread["name"]))
            for member in thread["members"]:
                check(member["id"] in ids,
                      "%s: chat %d member %r is no handle id" % (name, thread["chat_id"],
                                                                 member["id"]))
        for entry in report["signal"]:
            for handle_id in entry["ids"]:
                check(handle_id in ids, "%s: Signal id %r is no handle id" % (name, handle_id))
    finally:
        connection.close()
        shutil.rmtree(folder)


def check_timeline(name, thread):
    """SPEC 3.7 invariants of one thread's timeline fields."""
    what = "%s: chat %s timeline" % (name, thread["chat_id"])
    since = thread["exposed_since"]
    unencrypted = thread["messages"] - thread["imessage"]
    check((since is None) == (thread["exposure_cause"] is None) ==
          (thread["encrypted_before"] is None), what + ": empty fields disagree")
    check(since is None or unencrypted > 0, what + ": exposed without unencrypted messages")
    check(thread["broken_by"] is None or since is not None, what + ": broken_by without exposure")
    months = thread["months"]
    check([m["month"] for m in months] == sorted(set(m["month"] for m in months)),
          what + ": months not ascending and unique")
    check(sum(m["encrypted"] for m in months) <= thread["imessage"] and
          sum(m["unencrypted"] for m in months) <= unencrypted, what + ": months exceed counts")
    if since is not None:
        check(thread["encrypted_before"] <= thread["imessage"], what + ": encrypted_before")
        check(since >= (thread["first_message"] or since) and
              since <= (thread["last_unencrypted"] or since), what + ": exposed_since out of range")
        month = [m for m in months if m["month"] == since[:7]]
        check(month and month[0]["unencrypted"] > 0, what + ": its month has no unencrypted message")
        check(thread["exposure_cause"] != "since-start" or thread["encrypted_before"] == 0,
              what + ": since-start after iMessages")
        check(thread["exposure_cause"] != "fallback" or thread["encrypted_before"] > 0,
              what + ": fallback without iMessages before")
        check(thread["exposure_cause"] != "member-added" or thread["kind"] == "group",
              what + ": member-added in a direct thread")
    check(not thread["ongoing"] or since is not None, what + ": ongoing without exposure")
    check(not thread["ongoing"] or thread["last_unencrypted"] == thread["last_message"],
          what + ": ongoing, yet the last message is not unencrypted")


def check_counts(name, report):
    counts = report["counts"]
    transports = sum(counts[t] for t in ("imessage", "sms", "mms", "rcs", "other"))
    check(transports == counts["messages"], "%s: transports add to %d, not %d messages"
          % (name, transports, counts["messages"]))
    check(counts["encrypted"] == counts["imessage"], "%s: encrypted != imessage" % name)
    check(counts["encrypted"] + counts["unencrypted"] == counts["messages"],
          "%s: encrypted + unencrypted != messages" % name)
    encrypted = sum(m["encrypted"] for m in report["months"]) + report["undated"]["encrypted"]
    unencrypted = sum(m["unencrypted"] for m in report["months"]) + \
        report["undated"]["unencrypted"]
    check(encrypted == counts["encrypted"] and unencrypted == counts["unencrypted"],
          "%s: months add to %d/%d, counts say %d/%d"
          % (name, encrypted, unencrypted, counts["encrypted"], counts["unencrypted"]))
    months = [m["month"] for m in report["months"]]
    check(months == sorted(set(months)), "%s: months not ascending and unique" % name)
    check(sum(counts["risk"].values()) == counts["threads"] == len(report["threads"]),
          "%s: threads by risk do not add up" % name)
    for thread in report["threads"]:
        check_timeline(name, thread)
    in_threads = sum(t["messages"] for t in report["threads"])
    check(in_threads + report["orphans"]["messages"] >= counts["messages"],
          "%s: threads and orphans hold fewer messages than counted" % name)


def main():
    schema_path, out, fixtures = sys.argv[1:4]
    names = sys.argv[4:]
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)
    for name in names:
        with open(os.path.join(out, name + ".json"), encoding="utf-8") as f:
            report = json.load(f)
        errors = list(validator.iter_errors(report))
        check(not errors, "%s.json does not match the schema: %s" % (
            name, "; ".join("%s at %s" % (e.message[:200], list(e.path)) for e in errors[:3])))
        with open(os.path.join(out, name + ".redacted.json"), encoding="utf-8") as f:
            redacted = json.load(f)
        errors = list(validator.iter_errors(redacted))
        check(not errors, "%s.redacted.json does not match the schema: %s" % (
            name, "; ".join(e.message[:200] for e in errors[:3])))
        check(redacted["redacted"] is True and redacted["source"]["path"] is None,
              "%s.redacted.json does not say it is redacted" % name)
        check(redacted["counts"] == report["counts"], "%s: redaction changed the counts" % name)
        check(report["redacted"] is False and report["source"]["path"], "%s: source" % name)
        is_backup = report["source"]["kind"] == "backup"
        check(is_backup == (report["device"] is not None) == (report["backup"] is not None)
              == bool(report["findings"]), "%s: device, backup and findings disagree" % name)
        check_counts(name, report)
        check_against_csv(name, report, out)
        check_against_database(name, report, fixtures)
    # A schema that accepted anything would prove nothing: a broken report must fail it.
    broken = dict(report)
    broken["threads"] = [dict(report["threads"][0], risk="dire")] if report["threads"] else [{}]
    check(list(validator.iter_errors(broken)), "the schema accepts a thread with risk 'dire'")
    print("json_report: %d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
