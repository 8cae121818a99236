-- Phone numbers (property 3) and e-mail addresses (property 4) of an iOS contact book.
SELECT record_id, value
FROM ABMultiValue
WHERE property IN (3, 4)
ORDER BY record_id
