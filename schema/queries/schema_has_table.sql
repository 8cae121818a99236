-- Whether a table (not a view) of name ?1 exists, compared as SQLite compares names.
SELECT 1
FROM sqlite_master
WHERE type = 'table' AND name = ?1 COLLATE NOCASE
