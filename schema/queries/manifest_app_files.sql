-- The rows of the messaging apps' backup domains (SPEC 3.6, app-data-at-rest): ?1 to ?10 are
-- the domains of the apps' table (scanner/core/model/app_findings.c), bound in its order, so the
-- list is written once; FilesDomainIdx finds them without reading the other rows. Which of
-- them are database files (flags 1, the name rule) is decided in C, by the one tested rule.
-- $file, the MBFile record (the Size the manifest records; in an encrypted backup the file's
-- key), is NULL in a Manifest.db without that column.
SELECT fileID, domain, relativePath, flags, $file
FROM Files
WHERE domain IN (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
