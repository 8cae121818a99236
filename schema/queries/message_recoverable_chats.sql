-- Messages in Recently Deleted (iOS 16+): still in their thread for the scan.
SELECT message_id, chat_id
FROM chat_recoverable_message_join
ORDER BY message_id
