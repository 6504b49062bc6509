-- Schema version 1: the object store with provenance and full-text index, the audit log, the own signing key.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- Where object versions came from: one row per imported file or package, or per local edit session.
CREATE TABLE sources (
    id             INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN ('file', 'package', 'local')),
    name           TEXT NOT NULL,
    sha256         TEXT,
    partner_key_id TEXT,
    package_id     TEXT,
    imported_at    TEXT NOT NULL
);

-- Every version of every STIX object. `modified` is the sortable form (domain.timestamps.sortable_timestamp);
-- objects without one (SCOs) use their `created` or the empty string.
CREATE TABLE object_versions (
    vid            INTEGER PRIMARY KEY,
    id             TEXT NOT NULL,
    type           TEXT NOT NULL,
    modified       TEXT NOT NULL,
    revoked        INTEGER NOT NULL DEFAULT 0,
    tlp            INTEGER,
    content_sha256 TEXT NOT NULL,
    json           TEXT NOT NULL,
    source_id      INTEGER NOT NULL REFERENCES sources (id),
    UNIQUE (id, modified)
);

-- One row per object id: the current version (the newest non-revoked one), with the columns the library sorts
-- and filters on. `revoked` is 1 when a revoked version exists.
CREATE TABLE objects (
    rowid      INTEGER PRIMARY KEY,
    id         TEXT NOT NULL UNIQUE,
    type       TEXT NOT NULL,
    name       TEXT,
    created    TEXT,
    modified   TEXT NOT NULL,
    tlp        INTEGER,
    revoked    INTEGER NOT NULL DEFAULT 0,
    vid        INTEGER NOT NULL REFERENCES object_versions (vid),
    source_id  INTEGER NOT NULL REFERENCES sources (id),
    versions   INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX objects_type ON objects (type, modified);
CREATE INDEX objects_modified ON objects (modified);
CREATE INDEX objects_name ON objects (name COLLATE NOCASE);
CREATE INDEX objects_tlp ON objects (tlp, modified);
CREATE INDEX objects_source ON objects (source_id, modified);

-- References held by current versions (`*_ref`, `*_refs`, `object_refs`, relationship ends, marking refs).
CREATE TABLE object_refs (
    from_id  TEXT NOT NULL,
    to_id    TEXT NOT NULL,
    property TEXT NOT NULL
);
CREATE INDEX object_refs_from ON object_refs (from_id);
CREATE INDEX object_refs_to ON object_refs (to_id);

-- Same id and modified as a stored version but different content: kept aside for the analyst.
CREATE TABLE conflicts (
    cid            INTEGER PRIMARY KEY,
    id             TEXT NOT NULL,
    modified       TEXT NOT NULL,
    existing_vid   INTEGER NOT NULL REFERENCES object_versions (vid),
    content_sha256 TEXT NOT NULL,
    json           TEXT NOT NULL,
    source_id      INTEGER NOT NULL REFERENCES sources (id),
    detected_at    TEXT NOT NULL,
    UNIQUE (id, modified, content_sha256)
);

-- Full-text index of current versions; rowid = objects.rowid.
CREATE VIRTUAL TABLE object_fts USING fts5 (
    name, description, pattern, observables, extra,
    content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2'
);

-- Append-only, hash-chained. hash = SHA-256 over prev_hash and the canonical entry (services/audit).
CREATE TABLE audit_log (
    seq       INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    action    TEXT NOT NULL,
    details   TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

-- The organisation's own Ed25519 signing keys. The private key never leaves this encrypted file.
CREATE TABLE own_keys (
    key_id      TEXT PRIMARY KEY,
    private_key BLOB NOT NULL,
    public_key  BLOB NOT NULL,
    created     TEXT NOT NULL,
    retired     TEXT
) WITHOUT ROWID;
