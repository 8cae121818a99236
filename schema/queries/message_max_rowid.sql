-- The highest message ROWID: the progress of the scan is measured against it.
SELECT max(ROWID)
FROM message
