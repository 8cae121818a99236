"""Writes a large, plain Messages-like database for tests that need a scan to last a few
seconds (the progress bar appears after one second). Only the tables and columns the scanner
reads; two direct threads, one over iMessage and one over SMS, MESSAGES messages alternating.
Made with one INSERT ... SELECT each, so a few million rows take seconds.

Usage: make_big_db.py PATH MESSAGES
"""
import os
import sqlite3
import sys


def main():
    path, count = sys.argv[1], int(sys.argv[2])
    if os.path.exists(path):
        os.remove(path)
    db = sqlite3.connect(path)
    db.executescript("""
        PRAGMA journal_mode = OFF;
        PRAGMA synchronous = OFF;
        CREATE TABLE handle (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL,
                             country TEXT, service TEXT NOT NULL);
        CREATE TABLE chat (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL,
                           style INTEGER, display_name TEXT, chat_identifier TEXT);
        CREATE TABLE chat_handle_join (chat_id INTEGER, handle_id INTEGER,
                                       UNIQUE (chat_id, handle_id));
        CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, service TEXT,
                              date INTEGER, is_from_me INTEGER DEFAULT 0,
                              handle_id INTEGER DEFAULT 0, item_type INTEGER DEFAULT 0);
        CREATE TABLE chat_message_join (chat_id INTEGER, message_id INTEGER,
                                        PRIMARY KEY (message_id, chat_id)) WITHOUT ROWID;
        INSERT INTO handle (id, country, service) VALUES
            ('+15555550101', 'us', 'iMessage'), ('+15555550102', 'us', 'SMS');
        INSERT INTO chat (guid, style, chat_identifier) VALUES
            ('iMessage;-;+15555550101', 45, '+15555550101'),
            ('SMS;-;+15555550102', 45, '+15555550102');
        INSERT INTO chat_handle_join VALUES (1, 1), (2, 2);
    """)
    # Dates in nanoseconds since 2001, one second apart from 2023-03-08 on.
    db.execute("""
        WITH RECURSIVE k(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM k WHERE x < ?)
        INSERT INTO message (ROWID, service, date, handle_id)
        SELECT x, CASE x % 2 WHEN 0 THEN 'iMessage' ELSE 'SMS' END,
               700000000000000000 + x * 1000000000, 1 + x % 2
        FROM k""", (count,))
    db.execute("INSERT INTO chat_message_join SELECT 1 + ROWID % 2, ROWID FROM message")
    db.commit()
    db.close()


if __name__ == "__main__":
    main()
