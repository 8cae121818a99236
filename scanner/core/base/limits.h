/*
 * Every limit bubblescan applies to untrusted input, in one place, each with its reason.
 * A backup comes from a device that may be compromised: sizes, counts and depths are checked
 * against these before memory is allocated or a third-party parser runs.
 */
#ifndef BS_CORE_LIMITS_H
#define BS_CORE_LIMITS_H

/* Longest string copied out of a database or plist (ids, names, guids). Real ids are under
 * 100 bytes; a 1 MB "name" is truncated here, never rejected, so the scan still completes. */
#define BS_MAX_STRING_BYTES 4096

/* SQLite's own cap on one value (SQLITE_LIMIT_LENGTH): a hostile row cannot make SQLite
 * allocate more than this for a single blob or string. attributedBody blobs are KBs. */
#define BS_MAX_SQL_VALUE_BYTES (16 * 1024 * 1024)

/* Longest "$column" name in our own embedded queries (schema/queries); the longest real one
 * is under 30 characters. Not input: a longer name is a bug in a query file. */
#define BS_MAX_SQL_IDENTIFIER_BYTES 128

/* Chats, handles and participant pairs kept in memory. Real databases have thousands of
 * chats and handles; these bound memory (SPEC 7: memory grows with chats and people). */
#define BS_MAX_CHATS             2000000
#define BS_MAX_HANDLES           2000000
#define BS_MAX_PARTICIPANT_PAIRS 8000000

/* A plist (Manifest.plist, chat.properties, preference plists) larger than this is refused:
 * real ones are KBs to a few MB (Info.plist with an app list), and plist_from_memory takes a
 * 32-bit length. */
#define BS_MAX_PLIST_BYTES (32 * 1024 * 1024)

/* Deepest plist nesting walked or handed to libplist. libplist 2.2 parses and frees
 * recursively with no limit and crashes on ~100k nested arrays; real plists nest < 20. */
#define BS_MAX_PLIST_DEPTH 64

/* An earlier JSON report read back (--compare). bubblescan writes about 700 bytes per thread
 * (200,000 synthetic threads: 140 MB), so 64 MB holds about 90,000 threads, where the busiest
 * real phones have a few thousand. jansson holds the whole document as a tree, about 6 times
 * the size of the text for a report (measured) and up to 20 times for a file of tiny values,
 * so this also bounds the memory of the parse. */
#define BS_MAX_JSON_BYTES ((size_t)64 * 1024 * 1024)

/* Deepest nesting of arrays and objects in a JSON document read back. Our reports nest five
 * levels (report, threads, thread, members, member); a deeper file is not one of ours. jansson
 * 2.14 has its own limit (2048, fixed when it is compiled) and frees its tree recursively, so
 * the depth is checked before jansson runs, not left to it. */
#define BS_MAX_JSON_DEPTH 32

/* Values (array items and object members) in a JSON document read back. A report holds one
 * value for about every 22 bytes of text (measured), so any report under BS_MAX_JSON_BYTES
 * fits (about 3 million); a file of tiny values ("[0,0,0,...") would otherwise make a tree of
 * 40 bytes per 2 bytes of text. Counted before jansson runs. */
#define BS_MAX_JSON_VALUES 8000000

/* Backup keybag size (Manifest.plist BackupKeyBag); real ones are about 1.3 KB. */
#define BS_MAX_KEYBAG_BYTES (64 * 1024)

/* PBKDF2 iteration counts accepted from a keybag. Real: DPIC 10,000,000, ITER 10,000.
 * A hostile keybag must not make key derivation run for hours. */
#define BS_MAX_KDF_ITERATIONS 50000000u

/* A file decrypted into memory (sms.db, Manifest.db, AddressBook) is refused above this:
 * decrypted bytes never touch disk, so they must fit in memory. */
#define BS_MAX_DECRYPTED_FILE_BYTES ((size_t)4 * 1024 * 1024 * 1024)

/* PCRE2 match and depth limits: identifiers are short; a pathological one must fail fast. */
#define BS_PCRE2_MATCH_LIMIT 100000u
#define BS_PCRE2_DEPTH_LIMIT 1000u

/* Longest identifier classified with PCRE2 (handle ids); longer ones are "other" ids. */
#define BS_MAX_ID_BYTES 512

/* Manifest.mbdb size (iOS 4-9 backups list every file: a few MB at most). */
#define BS_MAX_MBDB_BYTES (256 * 1024 * 1024)

/* Files of a backup checked against its manifest (listed but missing, present but unlisted).
 * Real backups list 100k-500k files; each costs 21 bytes here. Above this the check is skipped
 * with a warning: it is a diagnosis, never needed to read the messages. */
#define BS_MAX_BACKUP_FILES 4000000

/* Phone numbers and email addresses read from a contact book. Real ones hold thousands; the
 * names are kept in memory for the whole scan. */
#define BS_MAX_CONTACT_VALUES 2000000

/* Handles read from the iMessage registration cache (idstatuscache.plist); real ones hold
 * hundreds to a few thousand lookups. */
#define BS_MAX_REGISTRATIONS 1000000

/* Rows of the per-month message table (months.h): one per month from 1970-01 to 9999-12, the
 * range of dates a message can have (classify.c); a message dated outside it counts as
 * undated. The table can never grow past this, whatever the dates in the data. */
#define BS_MAX_MONTHS ((9999 - 1970 + 1) * 12)

/* Month rows in use in all threads' timelines together (SPEC 3.7 `months`): a real phone has a
 * few thousand threads over a few hundred months at most; hostile dates could otherwise make
 * every message its own thread-month. 2,000,000 rows are 48 MB; allocation is at most twice
 * that (tables double as they grow) plus 16 rows (384 bytes) per thread with a dated message,
 * beside the thread record itself (about 500 bytes, up to BS_MAX_CHATS of them). */
#define BS_MAX_THREAD_MONTHS 2000000

/* Group events "member added" (item_type 1, group_action_type 0) kept for the timeline's
 * member-added cause, 32 bytes each: a group changes members a handful of times a year. */
#define BS_MAX_GROUP_EVENTS 1000000

/* A group without a display name is named after its members: at most this many names, then
 * "and N more". The name is repeated in every Signal row of every member, so an unbounded
 * one makes the output grow with the square of the group's size (100,000 members: 130 GB). */
#define BS_MAX_NAMES_IN_THREAD_NAME 20

/* Class records in a backup keybag. Real ones have 10-11 (protection classes 1-11); the
 * parser fills a fixed table, so a hostile keybag cannot make it allocate. */
#define BS_MAX_KEYBAG_CLASSES 32

/* A Manifest.db Files.file blob (an MBFile keyed archive) decoded for a file's key. Real ones
 * are 400-700 bytes, a few KB with extended attributes; only the few files a scan reads are
 * decoded, and a hostile row must not make libplist parse megabytes. */
#define BS_MAX_MBFILE_BYTES (1024 * 1024)

/* Messaging apps' database files read for their first 16 bytes (SPEC 3.6). Real apps keep
 * tens; a hostile manifest must not make the scan open millions of files. */
#define BS_MAX_APP_DATABASES 10000

/* Warnings given one by one for messaging-app databases that are skipped (hostile rows,
 * missing files); the rest are counted in one more warning, so the summary stays readable. */
#define BS_MAX_APP_WARNINGS 20

/* Longest backup password accepted (bytes of UTF-8). A person types it; PBKDF2 in OpenSSL
 * takes an int length, and a password file of megabytes is a mistake, not a password. */
#define BS_MAX_PASSWORD_BYTES 4096

/* Values a plist may hold once shared objects are expanded. A binary plist can refer to one
 * object from many places and libplist 2.2 copies it at every reference, so a few KB can
 * describe billions of values. Real plists hold at most tens of thousands (Info.plist app
 * lists); MBFile records about 30. */
#define BS_MAX_PLIST_NODES 500000

/* String and data bytes a binary plist may expand to, for the same reason: twice the largest
 * plist accepted, so any plist without shared objects fits. */
#define BS_MAX_PLIST_EXPANDED_BYTES ((size_t)2 * (size_t)BS_MAX_PLIST_BYTES)

#endif
