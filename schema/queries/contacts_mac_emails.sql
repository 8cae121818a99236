-- E-mail addresses of a Mac contact book, by their owner record.
SELECT ZOWNER, ZADDRESS
FROM ZABCDEMAILADDRESS
