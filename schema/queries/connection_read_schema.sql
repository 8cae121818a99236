-- Reads the schema once at open, so a file that is not a database fails there, named by the
-- caller, rather than at the first query.
SELECT count(*)
FROM sqlite_master;
