-- People of a Mac contact book (AddressBook-v22.abcddb); a name column the table lacks reads
-- as NULL ("$name", see handles.sql).
SELECT Z_PK, $ZFIRSTNAME, $ZLASTNAME, $ZORGANIZATION
FROM ZABCDRECORD
