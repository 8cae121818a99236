-- Every chat (thread), with what decides group or direct and forced SMS (SPEC 3.2, 3.4).
SELECT ROWID, $guid, $style, $display_name, $chat_identifier, $properties
FROM chat
ORDER BY ROWID
