-- Schema: what a pinned partner may do, and the records that keep a misbehaving one from rewriting our history.
-- See docs/exchange-format.md.

-- The partner's STIX identity, pinned with its key by the analyst (never read from a package). Only objects whose
-- author is this identity are versioned by the partner's packages. NULL: no identity pinned, so the partner may
-- add objects but versions nothing that is already stored.
ALTER TABLE partners ADD COLUMN identity_ref TEXT;
-- How long a package of this partner may claim to be valid (expires - created), and how far its sequence may jump
-- past the last one imported, before the package is refused.
ALTER TABLE partners ADD COLUMN max_lifetime_days INTEGER NOT NULL DEFAULT 366;
ALTER TABLE partners ADD COLUMN max_sequence_jump INTEGER NOT NULL DEFAULT 100;

-- A version of a stored object sent by someone who is not its author: kept aside with its provenance, never
-- current, until the analyst accepts it (accepted_vid: the version it became) or it stays where it is.
CREATE TABLE foreign_versions (
    fid            INTEGER PRIMARY KEY,
    id             TEXT NOT NULL,
    type           TEXT NOT NULL,
    modified       TEXT NOT NULL,
    content_sha256 TEXT NOT NULL,
    json           TEXT NOT NULL,
    source_id      INTEGER NOT NULL REFERENCES sources (id),
    reason         TEXT NOT NULL,
    received_at    TEXT NOT NULL,
    accepted_at    TEXT,
    accepted_vid   INTEGER REFERENCES object_versions (vid),
    UNIQUE (id, modified, content_sha256)
);
CREATE INDEX foreign_versions_open ON foreign_versions (accepted_at, id);

-- Packages signed by a since revoked key that the analyst let in again, one by one.
CREATE TABLE readmitted_packages (
    package_id  TEXT PRIMARY KEY,
    key_id      TEXT NOT NULL,
    admitted_at TEXT NOT NULL,
    reason      TEXT
) WITHOUT ROWID;

-- An export is recorded before its package can verify on the medium: 'pending' from the moment its sequence is
-- reserved, 'confirmed' once read back, 'failed' when the writer removed it. A pending row whose process died is
-- shown as written but never confirmed; its sequence is never used again.
ALTER TABLE packages_sent ADD COLUMN state TEXT NOT NULL DEFAULT 'confirmed';
ALTER TABLE packages_sent ADD COLUMN failure TEXT;
