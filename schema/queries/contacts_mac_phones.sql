-- Phone numbers of a Mac contact book, by their owner record.
SELECT ZOWNER, ZFULLNUMBER
FROM ZABCDPHONENUMBER
