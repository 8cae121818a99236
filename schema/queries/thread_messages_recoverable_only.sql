-- thread_messages.sql for a database with chat_recoverable_message_join but no
-- chat_message_join (a damaged or trimmed one): its threads hold only Recently Deleted rows.
SELECT ROWID, $service, $date, $item_type
FROM message
WHERE ROWID IN (SELECT message_id FROM chat_recoverable_message_join WHERE chat_id = ?1)
