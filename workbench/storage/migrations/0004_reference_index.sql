-- Schema (import engineer; reserved as 0004, renumbered by the lead at merge): references kept in one b-tree.
--
-- The first schema kept references in a rowid table with an index on each end: three b-trees written for every
-- reference, a third of the cost of a bulk import (MITRE ATT&CK holds five or six references an object). One
-- WITHOUT ROWID table keyed by target answers "what refers to X" by itself. Its key names the referring object by
-- its rowid in `objects`: new objects get increasing rowids, so the many references to one target (the producer's
-- identity, a marking) are appended at the end of that target's range instead of at random places in it.
-- "What X refers to" is read from X's current version (ObjectStore.refs_from), and the rows of a replaced version
-- are found the same way.

CREATE TABLE object_refs_by_target (
    to_id      TEXT NOT NULL,
    from_rowid INTEGER NOT NULL,
    property   TEXT NOT NULL,
    PRIMARY KEY (to_id, from_rowid, property)
) WITHOUT ROWID;

INSERT OR IGNORE INTO object_refs_by_target (to_id, from_rowid, property)
SELECT r.to_id, o.rowid, r.property FROM object_refs r JOIN objects o ON o.id = r.from_id;

DROP TABLE object_refs;

ALTER TABLE object_refs_by_target RENAME TO object_refs;
