-- Settings every connection gets before its first query (STYLE: SQLite), run as one batch:
-- no memory mapping of evidence, temporary tables in memory (nothing written beside it),
-- every page's cells checked as they are read, and no statement may write.
PRAGMA mmap_size=0;
PRAGMA temp_store=MEMORY;
PRAGMA cell_size_check=ON;
PRAGMA query_only=1;
