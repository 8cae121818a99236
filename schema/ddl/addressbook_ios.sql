-- AddressBook.sqlitedb of an iPhone (HomeDomain Library/AddressBook/), reduced to the columns
-- bubblescan reads and the ones around them: ABPerson holds one row per contact (names and
-- organization), ABMultiValue one row per number, address or other multi-valued property of a
-- contact (record_id = ABPerson.ROWID; property 3 = phone number, 4 = email address; value as
-- the person typed it). The scanner finds every column by name.
CREATE TABLE ABPerson (
    ROWID INTEGER PRIMARY KEY AUTOINCREMENT,
    First TEXT,
    Last TEXT,
    Middle TEXT,
    Organization TEXT,
    Department TEXT,
    Note TEXT,
    Kind INTEGER,
    Nickname TEXT,
    CreationDate INTEGER,
    ModificationDate INTEGER
);
CREATE TABLE ABMultiValue (
    UID INTEGER PRIMARY KEY,
    record_id INTEGER,
    property INTEGER,
    identifier INTEGER,
    label INTEGER,
    value TEXT,
    guid TEXT
);
CREATE INDEX ABMultiValueRecordIDIndex ON ABMultiValue (record_id);
CREATE TABLE ABMultiValueLabel (value TEXT, UNIQUE (value));
