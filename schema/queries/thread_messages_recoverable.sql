-- thread_messages.sql where chat_recoverable_message_join exists (iOS 16+): a message in
-- Recently Deleted still belongs to its thread (SPEC 3.1), and one in both joins counts once.
SELECT ROWID, $service, $date, $item_type
FROM message
WHERE ROWID IN (SELECT message_id FROM chat_message_join WHERE chat_id = ?1
                UNION
                SELECT message_id FROM chat_recoverable_message_join WHERE chat_id = ?1)
