-- A file of an encrypted backup by its domain and path (SPEC 2): as manifest_find_file.sql,
-- and its MBFile (the `file` column, checked at open), which holds the file's wrapped key.
SELECT fileID, flags, file
FROM Files
WHERE domain = ?1 AND relativePath = ?2
