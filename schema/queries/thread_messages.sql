-- The messages of one thread (chat ROWID ?1), for the rare recount of its timeline
-- (SPEC 3.7: a thread whose first unencrypted message came, in ROWID order, after an iMessage
-- dated later than it). chat_message_join's key starts with chat_id, so this reads the
-- thread's rows of the join and seeks each message by ROWID: no scan of message.
SELECT ROWID, $service, $date, $item_type
FROM message
WHERE ROWID IN (SELECT message_id FROM chat_message_join WHERE chat_id = ?1)
