-- Thread membership of each message, in message order.
SELECT message_id, chat_id
FROM chat_message_join
ORDER BY message_id
