-- Manifest.db of an iPhone backup, iOS 10 and later (backup-format.md section 1.6): one row per
-- file, folder or link the backup holds. fileID is the lower-hex SHA-1 of "domain-relativePath";
-- flags 1 = file, 2 = folder, 4 = link; file is the NSKeyedArchiver MBFile record (NULL in the
-- fixtures). Properties is empty since iOS 10.1.
CREATE TABLE Files (fileID TEXT PRIMARY KEY, domain TEXT, relativePath TEXT, flags INTEGER,
                    file BLOB);
CREATE INDEX FilesDomainIdx ON Files (domain);
CREATE INDEX FilesRelativePathIdx ON Files (relativePath);
CREATE INDEX FilesFlagsIdx ON Files (flags);
CREATE TABLE Properties (key TEXT PRIMARY KEY, value BLOB);
