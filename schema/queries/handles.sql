-- Every handle: one address of another party, once per service (SPEC 3.3).
-- $name stands for a column that may be missing in older schemas: the scanner
-- writes the column there when the table has it, and NULL when it does not.
SELECT ROWID, $id, $service, $country, $person_centric_id
FROM handle
ORDER BY ROWID
