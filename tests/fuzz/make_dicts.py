#!/usr/bin/env python3
"""Writes the libFuzzer dictionary of every fuzz target, tests/fuzz/<target>.dict, from the
token lists below and the table and column names of schema/ddl/*.sql. The dictionaries are
committed; run this again after a DDL or a target changes:  tests/fuzz/make_dicts.py"""
import glob
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

XML_PLIST = ['<?xml version="1.0" encoding="UTF-8"?>', '<!DOCTYPE plist', '<plist version="1.0">',
             '</plist>', '<dict>', '</dict>', '<dict/>', '<key>', '</key>', '<string>',
             '</string>', '<array>', '</array>', '<array/>', '<data>', '</data>', '<integer>',
             '</integer>', '<real>', '</real>', '<true/>', '<false/>', '<date>', '</date>',
             '<![CDATA[', ']]>', '<!--', '-->', '&amp;', '&lt;', '&#x', '&#', 'CF$UID',
             '2001-01-01T00:00:00Z', '-9223372036854775808', '18446744073709551615']
BPLIST = ['bplist00', 'bplist01', '\x00\x00\x00\x00\x00\x00\x01\x01', '\x00\x00\x00\x00\x00\x00\x02\x02',
          '\x08', '\x09', '\x0f', '\x10', '\x11', '\x12', '\x13', '\x14', '\x22', '\x23',
          '\x33', '\x40', '\x4f\x10', '\x50', '\x5f\x10', '\x60', '\x6f\x10', '\x80', '\x81',
          '\xa0', '\xaf\x10', '\xc0', '\xd0', '\xdf\x10', '\xff\xff\xff\xff\xff\xff\xff\xff']
KEYED_ARCHIVE = ['$archiver', 'NSKeyedArchiver', '$version', '$top', 'root', '$objects', '$null',
                 '$class', '$classname', '$classes', 'MBFile', 'NSObject', 'NS.data',
                 'NSMutableData', 'NSData', 'EncryptionKey', 'ProtectionClass', 'RelativePath',
                 'Domain', 'Size', 'Mode', 'LastModified', 'InodeNumber', 'ExtendedAttributes',
                 'NS.keys', 'NS.objects', 'NSDictionary', 'NSString', 'NS.string']
BACKUP_KEYS = ['IsEncrypted', 'BackupKeyBag', 'ManifestKey', 'Lockdown', 'DeviceName',
               'Device Name', 'ProductType', 'ProductVersion', 'BuildVersion', 'SerialNumber',
               'Serial Number', 'Phone Number', 'Last Backup Date', 'WasPasscodeSet',
               'SnapshotState', 'finished', 'uploading', 'IsFullBackup', 'Version', 'Date',
               'CloudBackupEnabled', 'CloudKitSyncingEnabled', 'LastCloudBackupDate', 'IDStatus',
               'com.apple.madrid', 'entries', 'iCloud', 'shouldForceToSMS', 'Applications',
               'iPhone9,3', '14.3', 'HomeDomain', 'Library/SMS/sms.db']
KEYBAG_TAGS = ['VERS', 'TYPE', 'UUID', 'HMCK', 'WRAP', 'SALT', 'ITER', 'DPWT', 'DPIC', 'DPSL',
               'CLAS', 'KTYP', 'WPKY', 'PBKY', 'SIGN', '\x00\x00\x00\x04', '\x00\x00\x00\x10',
               '\x00\x00\x00\x14', '\x00\x00\x00\x28', '\x00\x00\x00\x03', '\x00\x00\x00\x05',
               '\x00\x00\x27\x10', '\x00\x98\x96\x80', '\x03\x00\x00\x00', '\xff\xff\xff\xff']
MBDB = ['mbdb\x05\x00', '\xff\xff', '\x00\x00', 'HomeDomain', 'MediaDomain', 'RootDomain',
        'AppDomain-', 'AppDomainGroup-', 'Library/SMS/sms.db', 'Library/SMS/sms.db-wal',
        'Library/AddressBook/AddressBook.sqlitedb', '\x81\xa4', '\x41\xed', '\xa1\xff',
        'com.apple.assetsd.UUID', '../', '/etc/passwd']
IDS = ['tel:', 'mailto:', '+', '00', '011', '+1', '+44', '+33', '(', ')', '-', '.', ' ', '@',
       '.com', '.co.uk', 'example.com', 'urn:biz:', 'e:', 'p:', '\xc2\xa0', '\xe2\x80\x8b',
       '\xe2\x80\xae', '\xef\xbc\x8b', '\xd9\xa1', 'us', 'gb', 'de', '5555550101', '72727',
       '\xe2\x80\xa2', 'iPhone', 'Person ', 'Group ', 'Conversation ', 'chat']
SERVICES = ['iMessage', 'SMS', 'RCS', 'iMessageLite', 'any', 'Jabber', ';-;', ';+;',
            'iMessage;-;', 'SMS;+;chat', '2001-01-01', 'T00:00:00Z', '9999-12-31', '1970-01-01']
CSV = ['=', '+', '-', '@', '\t', '\r', '\n', '"', ',', '""', '=cmd|', '\xe2\x80\xae', '\xc2\x85',
       '\xef\xbb\xbf', '\xff', '\x00']
SQL = ['CREATE TABLE ', 'CREATE INDEX ', 'CREATE UNIQUE INDEX ', 'CREATE VIEW ',
       'CREATE TRIGGER ', 'CREATE VIRTUAL TABLE ', 'INSERT INTO ', ' VALUES(', 'SELECT ',
       ' FROM ', ' WHERE ', ' AS ', 'INTEGER', 'TEXT', 'BLOB', 'REAL', 'NULL', 'NOT NULL',
       'PRIMARY KEY', 'AUTOINCREMENT', 'UNIQUE', 'DEFAULT ', 'WITHOUT ROWID', 'STRICT',
       'REFERENCES ', 'CHECK(', 'COLLATE NOCASE', 'GENERATED ALWAYS AS (', 'ROWID', 'oid',
       '_rowid_', 'DROP TABLE ', 'ALTER TABLE ', 'RENAME TO ', 'ADD COLUMN ', 'UPDATE ', ' SET ',
       'DELETE FROM ', 'PRAGMA ', 'page_size=', 'zeroblob(', 'randomblob(', "X'", 'CAST(',
       'char(', 'hex(', ' UNION ALL ', 'WITH RECURSIVE ', 'ORDER BY ', 'LIMIT ', ';', "'", '"',
       '(', ')', ',', '9223372036854775807', '-9223372036854775808', '1e308', '-1']
SQLITE_FILE = ['SQLite format 3\x00', '\x10\x00', '\x02\x00', '\x00\x01', '\x01\x01', '\x02\x02',
               '\x40\x20\x20', '\x0d', '\x05', '\x0a', '\x02', '\x00\x00\x00\x01',
               '\x00\x2e\x4f\x8a', 'sqlite_master', 'sqlite_sequence', 'sqlite_stat1']
WAL = ['\x37\x7f\x06\x82', '\x37\x7f\x06\x83', '\x00\x2d\xe2\x18', '\x00\x00\x02\x00',
       '\x00\x00\x10\x00', '\x00\x01\x00\x00', '\x00\x00\x00\x00', '\x00\x00\x00\x01',
       '\x00\x00\x00\x02', '\x00\x00\x00\x04', '\x00\x04\x00\x00', '\xff\xff\xff\xff',
       '\x00\x00\x04\x00', 'SQLite format 3\x00', '\x02\x00\x01\x01', '\x01\x01\x00\x40\x20\x20']


def ddl_names(pattern):
    """Table and column names of the DDL files that match pattern."""
    names = set()
    for path in sorted(glob.glob(os.path.join(ROOT, 'schema', 'ddl', pattern))):
        text = open(path, encoding='utf-8').read()
        text = re.sub(r'--[^\n]*', '', text)
        for table, body in re.findall(r'CREATE TABLE\s+(\w+)\s*\((.*?)\);', text, re.S):
            names.add(table)
            for column in re.findall(r'(?:^|,)\s*(\w+)', body):
                if column.upper() not in ('PRIMARY', 'UNIQUE', 'FOREIGN', 'CHECK', 'CONSTRAINT'):
                    names.add(column)
    return sorted(names)


# What a hostile name, id or group title would try in a report: markup and event handlers,
# entity and script tricks, terminal escapes, spreadsheet formulas, bidi overrides.
MARKUP = ['<script>', '</script>', '</title>', '</style>', '<img src=x onerror=', 'onload=',
          'javascript:', '<a href="', '<!--', '-->', '<![CDATA[', '&lt;', '&#x3c;', '&amp;',
          '"', "'", '>', '<', '\x1b[31m', '\x1b]0;', '\x07', '\r\n', '\t', '=HYPERLINK(',
          '@SUM(', '+1', '-2', '\xe2\x80\xae', '\xe2\x81\xa6', '\xc3\x28', '\xf0\x9f\x98\x80',
          'iMessage;-;', 'SMS;+;', 'any;-;', 'chat']

MESSAGES = ddl_names('ios*.sql') + ddl_names('macos*.sql')
CONTACTS = ddl_names('addressbook_*.sql')
MANIFEST = ddl_names('manifest.sql')

TARGETS = {
    'plist': XML_PLIST + BPLIST + KEYED_ARCHIVE,
    'backup_plist': XML_PLIST + BPLIST + BACKUP_KEYS + KEYED_ARCHIVE,
    'mbfile': XML_PLIST + BPLIST + KEYED_ARCHIVE + KEYBAG_TAGS[15:],
    'keybag': KEYBAG_TAGS,
    'mbdb': MBDB,
    'ids': IDS,
    'redact': IDS + BACKUP_KEYS[4:12] + ['\n'],
    'classify': SERVICES + IDS[:12],
    'csv_cell': CSV + IDS[:12],
    'db': SQLITE_FILE + MESSAGES + SERVICES,
    'db_sql': SQL + MESSAGES + SERVICES + IDS[:16],
    'contacts': SQL + CONTACTS + IDS,
    'manifest': SQL + MANIFEST + MBDB[3:9] + ['3d0d7e5fb2ce288813306e4d4636395e047a3d28',
                                              '31bb7ba8914766d4ba40d6dfb6113c8b614be442',
                                              'ab00000000000000000000000000000000000000',
                                              "X'62706c6973743030"] + KEYED_ARCHIVE[:12],
    'report_writers': MARKUP + IDS[:16],
    'wal': WAL + SQLITE_FILE[:12] + ['message', 'guid', 'date'],
    # Reads: 3-byte offsets and 2-byte lengths around blocks, pages and the end; flags.
    'vfs_read': ['\x00\x00\x00', '\x00\x00\x10', '\x00\x00\x0f', '\x00\x00\x11',
                 '\x00\x10\x00', '\x00\x0f\xf0', '\x00\x02\x00', '\x00\x01\xf0',
                 '\xff\xff\xff', '\x00\x64', '\x00\x10', '\x00\x01', '\x10\x00', '\x02\x00',
                 '\x00\x00', '\xff\xff', '\x01', '\x20', '\x21'],
}


def escape(token):
    out = []
    for ch in token:
        code = ord(ch)
        if ch in '"\\':
            out.append('\\' + ch)
        elif 0x20 <= code < 0x7f:
            out.append(ch)
        else:
            out.append('\\x%02X' % code)
    return ''.join(out)


def main():
    for target, tokens in sorted(TARGETS.items()):
        seen = []
        for token in tokens:
            if token not in seen:
                seen.append(token)
        path = os.path.join(HERE, target + '.dict')
        with open(path, 'w', encoding='latin-1', newline='\n') as out:
            out.write('# libFuzzer dictionary of fuzz_%s, written by make_dicts.py.\n' % target)
            for token in seen:
                out.write('"%s"\n' % escape(token))


main()
