-- The column names of table ?1: the only source of the identifiers that
-- bs_sqlite_query_prepare_columns writes into a query ("$name" in these files).
SELECT name
FROM pragma_table_info(?1)
