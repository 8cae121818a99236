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

/* Members listed per thread in the CSV "members" cell and the summary. */
#define BS_MAX_MEMBERS_LISTED 10000

/* Class records in a backup keybag. Real ones have 10-11 (protection classes 1-11); the
 * parser fills a fixed table, so a hostile keybag cannot make it allocate. */
#define BS_MAX_KEYBAG_CLASSES 32

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
