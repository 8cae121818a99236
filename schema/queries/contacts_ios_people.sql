-- People of an iOS contact book (AddressBook.sqlitedb); a name column the table lacks reads
-- as NULL ("$name", see handles.sql).
SELECT ROWID, $First, $Last, $Organization
FROM ABPerson
