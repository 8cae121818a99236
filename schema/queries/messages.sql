-- One pass over message in ROWID order: the facts each message contributes (SPEC 3.1).
-- The join tables are read by message_id in the same order, side by side (see
-- message_chats.sql), instead of a join that seeks into message at random.
SELECT ROWID, $service, $date, $is_from_me, $handle_id, $item_type, $other_handle,
       $was_downgraded, $cache_has_attachments, $ck_sync_state, length($ck_record_id)
FROM message
ORDER BY ROWID
