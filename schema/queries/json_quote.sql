-- One JSON string literal for ?1, on a private in-memory connection (no evidence).
SELECT json_quote(?1)
