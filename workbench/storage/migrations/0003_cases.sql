-- Schema version 3: incident and exercise cases, their records, the STIX objects linked to them, case full text.

-- One row per case. The columns the case list sorts and filters on are kept as columns; everything else of the
-- case's kind (incident fields or exercise overview, keyed as in workbench.domain.cases) is JSON in `details`.
CREATE TABLE cases (
    id           INTEGER PRIMARY KEY,
    ref          TEXT NOT NULL UNIQUE,          -- INC-2026-0001, EXE-2026-0001: this workspace's reference
    kind         TEXT NOT NULL CHECK (kind IN ('incident', 'exercise')),
    stix_id      TEXT NOT NULL UNIQUE,          -- incident--... or grouping--...: the case in STIX
    grouping_ref TEXT,                          -- incidents: the grouping that references the case's objects
    title        TEXT NOT NULL,
    status       TEXT NOT NULL,
    tlp          INTEGER,
    sector       TEXT,
    member_state TEXT,
    starts_at    TEXT,                          -- sortable UTC: time of awareness, or exercise start
    creator_ref  TEXT NOT NULL,                 -- identity of the organisation that created the case
    origin       TEXT NOT NULL DEFAULT 'local', -- 'local', or who it came from (the creator's name, else the source)
    origin_ref   TEXT,                          -- the creator's own reference, for cases from partners
    created      TEXT NOT NULL,
    modified     TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    details      TEXT NOT NULL
);
CREATE INDEX cases_kind_status ON cases (kind, status, modified);
CREATE INDEX cases_modified ON cases (modified);
CREATE INDEX cases_starts ON cases (kind, starts_at);

-- Timeline events, tasks, stage submissions, participants, objectives, injects, observations, improvement items.
CREATE TABLE case_records (
    id       INTEGER PRIMARY KEY,
    case_id  INTEGER NOT NULL REFERENCES cases (id),
    kind     TEXT NOT NULL CHECK (kind IN ('event', 'task', 'stage', 'participant', 'objective', 'inject',
                                           'observation', 'improvement')),
    uid      TEXT NOT NULL,
    position INTEGER NOT NULL,
    sort_at  TEXT,
    created  TEXT NOT NULL,
    modified TEXT NOT NULL,
    data     TEXT NOT NULL,
    UNIQUE (case_id, kind, uid)
);
CREATE INDEX case_records_case ON case_records (case_id, kind, position);
CREATE INDEX case_records_due ON case_records (kind, sort_at);

-- STIX objects of the library linked to a case: picked from the library, created inside the case, linked by an
-- import (`workbench import --case`), or referenced by a partner's case.
CREATE TABLE case_objects (
    case_id   INTEGER NOT NULL REFERENCES cases (id),
    object_id TEXT NOT NULL,
    origin    TEXT NOT NULL CHECK (origin IN ('library', 'created', 'import', 'partner')),
    linked_at TEXT NOT NULL,
    PRIMARY KEY (case_id, object_id)
) WITHOUT ROWID;
CREATE INDEX case_objects_object ON case_objects (object_id);

-- Full text of each case (title, fields, records); rowid = cases.id.
CREATE VIRTUAL TABLE case_fts USING fts5 (
    ref, title, body,
    content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2'
);
