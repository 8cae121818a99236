-- A stand-in for a messaging app's own database (SPEC 3.6, app-data-at-rest): the fixtures
-- store it in the apps' backup domains. bubblescan reads only the first 16 bytes of such a
-- file (the SQLite magic), never a table, so one small table of made-up rows is enough.
CREATE TABLE items (id INTEGER PRIMARY KEY, value TEXT);
