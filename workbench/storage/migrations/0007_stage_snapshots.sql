-- Schema (reports engineer; reserved as 0005, renumbered by the lead at merge): what each submitted report stage
-- said, frozen when it was recorded, and the role of a linked object.
--
-- A stage submission (a `case_records` row of kind 'stage') gets one snapshot: the stage document as it was sent
-- (the fields the stage declares, the header block, the linked indicators and observed techniques, as JSON), the
-- report id it was printed under, the time it was rendered and the SHA-256 of that PDF. Printing the stage again
-- renders the snapshot, not the case as it is now. A submission recorded before this version, or received from a
-- partner, has none.
CREATE TABLE case_stage_snapshots (
    case_id     INTEGER NOT NULL REFERENCES cases (id),
    stage_uid   TEXT NOT NULL,
    report_id   TEXT NOT NULL,
    rendered_at TEXT NOT NULL,
    pdf_sha256  TEXT NOT NULL,
    content     TEXT NOT NULL,
    PRIMARY KEY (case_id, stage_uid)
) WITHOUT ROWID;

-- What a linked object is to the case: 'linked' (evidence, context) or 'asset' (the victim's own host, address or
-- account that the incident affected: listed as an affected asset, never counted as an indicator of compromise).
ALTER TABLE case_objects ADD COLUMN role TEXT NOT NULL DEFAULT 'linked' CHECK (role IN ('linked', 'asset'));
