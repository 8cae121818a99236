-- Settings of a connection to an encrypted database read through the cipher VFS, after those
-- of every connection: a page cache of at most 8 MiB (negative: KiB), so that memory stays flat
-- however large the database, since every page SQLite keeps is decrypted evidence in memory.
PRAGMA cache_size=-8192;
