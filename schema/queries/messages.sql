-- One pass over message in ROWID order: the facts each message contributes (SPEC 3.1).
-- The join tables are read by message_id in the same order, side by side (see
-- message_chats.sql), instead of a join that seeks into message at random.
-- Five yes/no facts travel as one integer: fewer columns to fetch per row is measurably
-- faster on a million rows. CASE keeps NULLs out and reads ck_record_id only on rows whose
-- ck_sync_state is 1, so a database without Messages in iCloud never loads it.
--   1: is_from_me = 1        4: cache_has_attachments = 1
--   2: was_downgraded = 1    8: ck_sync_state = 1 with a non-empty ck_record_id (iCloud)
--  16: a group event "member added" (item_type 1, group_action_type 0; SPEC 3.7). Such a row
--      is never counted, so it needs none of the other bits, and a counted row (item_type 0,
--      or NULL where the column is absent) pays one comparison for it.
SELECT ROWID, $service, $date, $handle_id, $other_handle, $item_type,
       CASE WHEN $item_type = 1 AND $group_action_type = 0 THEN 16
            ELSE (CASE WHEN $is_from_me = 1 THEN 1 ELSE 0 END)
                 + (CASE WHEN $was_downgraded = 1 THEN 2 ELSE 0 END)
                 + (CASE WHEN $cache_has_attachments = 1 THEN 4 ELSE 0 END)
                 + (CASE WHEN $ck_sync_state = 1 AND $ck_record_id <> '' THEN 8 ELSE 0 END)
       END
FROM message
ORDER BY ROWID
