-- The SQLite registry as its first version (user_version 1) wrote it, with one pass, for
-- the migration test.
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    document_type TEXT NOT NULL,
    document_number TEXT NOT NULL,
    holder_key TEXT NOT NULL,
    first_month TEXT NOT NULL,
    status_uri TEXT NOT NULL,
    status_idx INTEGER NOT NULL,
    status INTEGER NOT NULL DEFAULT 0,
    UNIQUE (document_type, document_number),
    UNIQUE (status_uri, status_idx)
);
CREATE INDEX documents_by_holder ON documents (document_type, holder_key, first_month);
CREATE TABLE credentials (
    cti BLOB PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents (id),
    kid BLOB NOT NULL,
    iat INTEGER NOT NULL,
    exp INTEGER NOT NULL,
    payload_sha256 BLOB NOT NULL
);
CREATE TABLE status_lists (
    uri TEXT PRIMARY KEY,
    bits INTEGER NOT NULL,
    size INTEGER NOT NULL,
    next_index INTEGER NOT NULL
);
INSERT INTO status_lists VALUES ('https://nia.example/status/1', 2, 64, 1);
INSERT INTO documents VALUES (1, 'temporary-pass', 'TP0001', 'H12345678', '2026-11', 'https://nia.example/status/1', 0, 0);
INSERT INTO credentials VALUES (X'00112233445566778899aabbccddeeff', 1, X'0102030405060708', 1795482000, 1796086800,
    X'00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff');
PRAGMA application_id = 1146311239;
PRAGMA user_version = 1;
