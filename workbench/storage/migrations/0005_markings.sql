-- Schema (markings engineer; reserved as 0005, renumbered by the lead at merge): markings judged right.
--
-- The analyst's mapping of a marking definition the program does not understand (a custom definition_type, an
-- extension other than TLP 2.0) to a TLP level, for this workspace. Until mapped, what such a marking marks is held
-- back from every export and judged at TLP:RED when it arrives.
CREATE TABLE marking_mappings (
    marking_id TEXT PRIMARY KEY,
    tlp        INTEGER NOT NULL CHECK (tlp BETWEEN 0 AND 4),
    mapped_at  TEXT NOT NULL
) WITHOUT ROWID;

-- Every string that cites a marking is a reference now, well-formed or not (domain.stix.MARKING_KEYS): index the
-- ones current versions hold that the first schema skipped (an id with an upper-case UUID or a trailing newline),
-- so that the sharing plan sees them and judges them instead of reading their objects as unmarked.
INSERT OR IGNORE INTO object_refs (to_id, from_rowid, property)
SELECT j.value, o.rowid, 'object_marking_refs'
FROM objects o JOIN object_versions v ON v.vid = o.vid, json_each(v.json, '$.object_marking_refs') j
WHERE v.json LIKE '%"object_marking_refs"%' AND json_type(v.json, '$.object_marking_refs') = 'array'
  AND j.type = 'text';

INSERT OR IGNORE INTO object_refs (to_id, from_rowid, property)
SELECT json_extract(g.value, '$.marking_ref'), o.rowid, 'granular_markings.marking_ref'
FROM objects o JOIN object_versions v ON v.vid = o.vid, json_each(v.json, '$.granular_markings') g
WHERE v.json LIKE '%"granular_markings"%' AND json_type(v.json, '$.granular_markings') = 'array'
  AND json_type(g.value, '$.marking_ref') = 'text';
