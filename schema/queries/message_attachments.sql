-- Messages with at least one attachment, in message order (an SMS with one is an MMS).
SELECT message_id
FROM message_attachment_join
ORDER BY message_id
