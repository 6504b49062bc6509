-- Schema (exercise engineer; reserved as 0009, renumbered by the lead at merge): conducting exercises.

-- Exercise material (objects marked EXERCISE, or labelled `exercise` or `exercise:...`, see
-- workbench.domain.exercise_material) is stored like any object but flagged, so that the library, searches,
-- briefings and real exports leave it out unless the analyst asks for it.
ALTER TABLE objects ADD COLUMN exercise INTEGER NOT NULL DEFAULT 0;

UPDATE objects SET exercise = 1 WHERE vid IN (
    SELECT v.vid FROM objects o JOIN object_versions v ON v.vid = o.vid
    WHERE EXISTS (SELECT 1 FROM json_each(v.json, '$.object_marking_refs') m
                  WHERE m.value = 'marking-definition--f40092ad-c8b5-49aa-a9d3-e7758432bff6')
       OR EXISTS (SELECT 1 FROM json_each(v.json, '$.granular_markings') g
                  WHERE json_extract(g.value, '$.marking_ref') = 'marking-definition--f40092ad-c8b5-49aa-a9d3-e7758432bff6')
       OR EXISTS (SELECT 1 FROM json_each(v.json, '$.labels') l
                  WHERE lower(trim(l.value)) = 'exercise' OR lower(trim(l.value)) LIKE 'exercise:%')
);

-- Searches never find exercise material: it has no full-text row.
DELETE FROM object_fts WHERE rowid IN (SELECT rowid FROM objects WHERE exercise = 1);

-- Exercise material is rare among a library's objects: a partial index lists it without scanning the rest.
CREATE INDEX objects_exercise ON objects (modified) WHERE exercise = 1;

-- Case records gain the conduct of exercises: critical tasks of the evaluation guides, evaluators' observations
-- and the clock's actions. SQLite cannot change a CHECK constraint in place: the table is built again.
CREATE TABLE case_records_new (
    id       INTEGER PRIMARY KEY,
    case_id  INTEGER NOT NULL REFERENCES cases (id),
    kind     TEXT NOT NULL CHECK (kind IN ('event', 'task', 'stage', 'participant', 'objective', 'inject',
                                           'observation', 'improvement', 'critical-task', 'eeg-observation',
                                           'clock')),
    uid      TEXT NOT NULL,
    position INTEGER NOT NULL,
    sort_at  TEXT,
    created  TEXT NOT NULL,
    modified TEXT NOT NULL,
    data     TEXT NOT NULL,
    UNIQUE (case_id, kind, uid)
);
INSERT INTO case_records_new (id, case_id, kind, uid, position, sort_at, created, modified, data)
SELECT id, case_id, kind, uid, position, sort_at, created, modified, data FROM case_records;
DROP TABLE case_records;
ALTER TABLE case_records_new RENAME TO case_records;
CREATE INDEX case_records_case ON case_records (case_id, kind, position);
CREATE INDEX case_records_due ON case_records (kind, sort_at);
