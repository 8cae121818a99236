-- A file of a plain backup by its domain and path (SPEC 2): its fileID and flags (1 = file).
SELECT fileID, flags
FROM Files
WHERE domain = ?1 AND relativePath = ?2
