-- The listed members of each chat (SPEC 3.3); the owner is never listed.
SELECT chat_id, handle_id
FROM chat_handle_join
