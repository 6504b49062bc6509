-- Schema version 2: partners (pinned public keys), exchange channels, packages sent and received, receipts.

-- A partner organisation and what may cross between us. TLP levels are domain.tlp.Tlp values (0 CLEAR .. 4 RED).
CREATE TABLE partners (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    tlp_send    INTEGER NOT NULL CHECK (tlp_send BETWEEN 0 AND 4),    -- the highest marking they may receive
    tlp_accept  INTEGER NOT NULL CHECK (tlp_accept BETWEEN 0 AND 4),  -- the highest marking they may send us
    added_at    TEXT NOT NULL
);

-- Pinned Ed25519 public keys of partners; key_id = hex SHA-256 of the DER SubjectPublicKeyInfo. Never taken from a
-- package. A key is trusted for packages created inside [valid_from, valid_until) and before revoked_at.
CREATE TABLE partner_keys (
    key_id         TEXT PRIMARY KEY,
    partner_id     INTEGER NOT NULL REFERENCES partners (id),
    public_key     BLOB NOT NULL,
    valid_from     TEXT,
    valid_until    TEXT,
    added_at       TEXT NOT NULL,
    revoked_at     TEXT,
    revoked_reason TEXT
) WITHOUT ROWID;
CREATE INDEX partner_keys_partner ON partner_keys (partner_id);

-- One channel per partner and direction: the last sequence number and manifest hash, sent ('out') or received ('in').
CREATE TABLE channels (
    partner_id           INTEGER NOT NULL REFERENCES partners (id),
    direction            TEXT NOT NULL CHECK (direction IN ('out', 'in')),
    last_sequence        INTEGER NOT NULL,
    last_manifest_sha256 TEXT NOT NULL,
    last_package_id      TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    PRIMARY KEY (partner_id, direction)
) WITHOUT ROWID;

-- The outbox: every package written and verified on a medium. delivered_at is set when the partner's receipt
-- is imported.
CREATE TABLE packages_sent (
    package_id      TEXT PRIMARY KEY,
    partner_id      INTEGER NOT NULL REFERENCES partners (id),
    recipient_key   TEXT NOT NULL,
    sequence        INTEGER NOT NULL,
    manifest_sha256 TEXT NOT NULL,
    created         TEXT NOT NULL,
    expires         TEXT NOT NULL,
    tlp_ceiling     INTEGER NOT NULL,
    object_count    INTEGER NOT NULL,
    held_back       INTEGER NOT NULL,
    file_name       TEXT NOT NULL,
    delivered_at    TEXT,
    receipt_id      TEXT,
    receipt_imported INTEGER,
    receipt_refused  INTEGER
) WITHOUT ROWID;
CREATE INDEX packages_sent_partner ON packages_sent (partner_id, sequence);

-- The inbox: every package imported (all or nothing, with its objects). receipt_id is set when a receipt was written.
CREATE TABLE packages_received (
    package_id      TEXT PRIMARY KEY,
    partner_id      INTEGER NOT NULL REFERENCES partners (id),
    key_id          TEXT NOT NULL,
    sequence        INTEGER NOT NULL,
    manifest_sha256 TEXT NOT NULL,
    created         TEXT NOT NULL,
    tlp_ceiling     INTEGER NOT NULL,
    object_count    INTEGER NOT NULL,
    imported        INTEGER NOT NULL,
    unchanged       INTEGER NOT NULL,
    refused         INTEGER NOT NULL,
    imported_at     TEXT NOT NULL,
    receipt_id      TEXT
) WITHOUT ROWID;
CREATE INDEX packages_received_partner ON packages_received (partner_id, sequence);
