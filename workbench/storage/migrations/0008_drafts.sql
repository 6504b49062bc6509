-- Schema (window engineer; reserved as 0005, renumbered by the lead at merge): drafts of the analyst's typing.
--
-- Work typed into the window and not stored yet lives here, inside the encrypted workspace, and nowhere else (never
-- in the settings file or a plain file). Two purposes:
--   'named' drafts the analyst saves and reopens by name (a briefing's report form): unique per kind and name;
--   'kept'  work found unsaved when the workspace locked (case edits, report forms), offered back at unlocking and
--           removed once restored or discarded: one per kind and name (a case's reference), the newest kept.
-- `kind` is what the draft belongs to in the window ('cases', 'reports'); `content` is its JSON.

CREATE TABLE drafts (
    id       INTEGER PRIMARY KEY,
    purpose  TEXT NOT NULL CHECK (purpose IN ('named', 'kept')),
    kind     TEXT NOT NULL,
    name     TEXT NOT NULL,
    content  TEXT NOT NULL,
    created  TEXT NOT NULL,
    modified TEXT NOT NULL,
    UNIQUE (purpose, kind, name)
);
