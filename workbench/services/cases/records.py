"""Case records: timeline events, tasks, stage submissions, and an exercise's participants, objectives, injects,
observations and improvement items; one at a time or many from one JSON document.

Each change is one transaction with one audit entry, through ``cases.change_case``; a record that breaks a rule of
the case model (an inject before the exercise starts, a stage before awareness) is refused and nothing is kept.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from workbench.domain.cases.case import (
    RECORD_KINDS,
    Case,
    RecordKind,
    change_details,
    check_new_submission,
    check_record_fits,
    make_record,
)
from workbench.domain.cases.fields import with_changes
from workbench.domain.cases.incident import IncidentDetails, StageSubmission
from workbench.domain.deadlines import Stage
from workbench.domain.errors import InvalidInput
from workbench.services.cases import change_case, details_of
from workbench.services.workspace import Workspace
from workbench.storage.cases import CaseStore

logger = logging.getLogger(__name__)


def add_record(
    ws: Workspace, ident: str, kind: RecordKind | str, data: Mapping[str, Any], *, now: datetime | None = None
) -> Any:
    """Add a timeline event, task, participant, objective, inject, observation or improvement item (a record
    with the uid of an existing one replaces it). Stage submissions go through ``record_stage``."""
    kind = RecordKind.parse(kind)
    if kind is RecordKind.STAGE:
        stage = data.get("stage")
        submitted = data.get("submitted_at") or data.get("at")
        if not isinstance(stage, str) or submitted is None:
            raise InvalidInput("a stage submission needs a stage and the time it was submitted")
        return record_stage(
            ws, ident, stage, submitted, reference=data.get("reference"), note=data.get("note"), now=now
        )
    record = make_record(kind, data)

    def change(store: CaseStore, case: Case, moment: datetime) -> dict[str, Any]:
        put_record(case, kind, record, moment)
        return {"record": kind.value, "uid": record.uid}

    change_case(ws, ident, "case.record", change, now=now)
    return record


def put_record(case: Case, kind: RecordKind, record: Any, moment: datetime) -> None:
    """Add ``record`` to a case being changed, or replace the record with its uid, stamping the change (its
    creation time is kept)."""
    check_record_fits(case, kind)
    records = case.records.setdefault(kind, [])
    for index, existing in enumerate(records):
        if existing.uid == record.uid:
            records[index] = record
            created = case.stamps.get(record.uid, (moment, moment))[0]
            case.stamps[record.uid] = (created, moment)
            return
    records.append(record)
    case.stamps[record.uid] = (moment, moment)


def update_record(
    ws: Workspace,
    ident: str,
    kind: RecordKind | str,
    uid: str,
    changes: Mapping[str, Any],
    *,
    now: datetime | None = None,
) -> Any:
    """Change some fields of a record (a task done, an inject's actual time, an objective's rating)."""
    kind = RecordKind.parse(kind)
    if not changes:
        raise InvalidInput("nothing to change")
    updated: list[Any] = []

    def change(store: CaseStore, case: Case, moment: datetime) -> dict[str, Any]:
        record = with_changes(case.find(kind, uid), changes, kind.label.lower())
        if kind is RecordKind.STAGE:
            check_new_submission(record, moment)  # a corrected submission time is still not in the future
        put_record(case, kind, record, moment)
        updated.append(record)
        return {"record": kind.value, "uid": uid, "changed": sorted(changes)}

    change_case(ws, ident, "case.record", change, now=now)
    return updated[0]


def remove_record(ws: Workspace, ident: str, kind: RecordKind | str, uid: str, *, now: datetime | None = None) -> None:
    """Remove a record entered by mistake (the audit log keeps that it was removed)."""
    kind = RecordKind.parse(kind)

    def change(store: CaseStore, case: Case, moment: datetime) -> dict[str, Any]:
        record = case.find(kind, uid)
        case.records[kind].remove(record)
        case.stamps.pop(uid, None)
        if kind is RecordKind.STAGE:
            row = store.find(case.ref)
            assert row is not None and row.id is not None
            store.delete_snapshot(row.id, uid)  # what a submission entered by mistake said goes with it
        return {"removed": kind.value, "uid": uid}

    change_case(ws, ident, "case.record-removed", change, now=now)


def snapshot_reports(ws: Workspace, case: Case) -> dict[str, str]:
    """The report id each stage submission of ``case`` was frozen as, by submission uid (absent: no snapshot)."""
    store = CaseStore(ws.conn)
    row = store.find(case.ref)
    return store.snapshot_reports(row.id) if row is not None and row.id is not None else {}


def record_stage(
    ws: Workspace,
    ident: str,
    stage: Stage | str,
    submitted_at: datetime | str,
    *,
    reference: str | None = None,
    note: str | None = None,
    amend: bool = False,
    now: datetime | None = None,
) -> StageSubmission:
    """Record that a report stage was submitted, freezing what it said (``stages.record_submission``); the version
    is one more than the stage's previous submissions.

    Refuses a submission before the time of awareness, one in the future, a second one of the same stage at the
    same time (unless ``amend``), and stages of exercises."""
    from workbench.services.cases.stages import record_submission  # renders the stage: ReportLab, on first use

    submission, _prepared = record_submission(
        ws, ident, stage, submitted_at, reference=reference, note=note, amend=amend, now=now
    )
    return submission


def add_records(
    ws: Workspace, ident: str, document: Mapping[str, Any], *, now: datetime | None = None
) -> dict[str, int]:
    """Add many records at once from a JSON document (all or nothing): ``{"overview": {...}, "participants":
    [...], "objectives": [...], "injects": [...], "observations": [...], "improvements": [...], "events": [...],
    "tasks": [...], "stages": [...]}``; ``overview`` (exercises) or ``fields`` (incidents) change the case's
    fields. Records carrying the uid of an existing one replace it. Returns counts per key.

    Stage submissions are recorded as ``record_stage`` records one, after everything else in the document and in
    the order they were submitted: each one's version and sequence number counted, a second one of the same stage
    at the same time refused, and each frozen with a snapshot of what the stage says once the document's fields
    and records are in (a records file is how submissions made elsewhere are entered afterwards)."""
    if not isinstance(document, Mapping):
        raise InvalidInput("the records file must hold a JSON object")
    counts: dict[str, int] = {}

    def change(store: CaseStore, case: Case, moment: datetime) -> dict[str, Any]:
        stages: list[tuple[str, int, StageSubmission]] = []
        for key, value in document.items():
            if key in ("overview", "fields"):
                details = details_of(case)
                updated = change_details(details, value) if isinstance(value, Mapping) else None
                if updated is None:
                    raise InvalidInput(f"{key} must be a JSON object")
                if isinstance(updated, IncidentDetails):
                    case.incident = updated
                else:
                    case.exercise = updated
                counts[key] = len(value)
                continue
            try:
                kind = RecordKind.parse(key)
            except InvalidInput:
                known = ", ".join(kind.plural for kind in RECORD_KINDS[case.kind])
                raise InvalidInput(f"unknown key {key!r} in the records file; use overview, {known}") from None
            if not isinstance(value, list):
                raise InvalidInput(f"{key} must be a list")
            check_record_fits(case, kind)
            for index, data in enumerate(value, start=1):
                try:
                    record = make_record(kind, data)
                except InvalidInput as exc:
                    raise InvalidInput(f"{key}[{index}]: {exc}") from None
                if kind is RecordKind.STAGE:
                    stages.append((key, index, record))
                else:
                    put_record(case, kind, record, moment)
            counts[key] = len(value)
        if not counts:
            raise InvalidInput("the records file holds nothing to add")
        if stages:
            _add_stages(ws, store, case, sorted(stages, key=lambda item: item[2].submitted_at), moment)
        return {"records": counts}

    change_case(ws, ident, "case.records", change, now=now)
    return counts


def _add_stages(
    ws: Workspace, store: CaseStore, case: Case, stages: list[tuple[str, int, StageSubmission]], moment: datetime
) -> None:
    from workbench.services.cases import stages as stage_records  # renders the stages: ReportLab, on first use

    for key, index, record in stages:
        try:
            version = 1 + sum(1 for item in case.of(RecordKind.STAGE) if item.stage is record.stage)
            record = with_changes(record, {"version": version}, "a stage submission")
            check_new_submission(record, moment)
            stage_records.check_not_recorded(case, record)
        except InvalidInput as exc:
            raise InvalidInput(f"{key}[{index}]: {exc}") from None
        put_record(case, RecordKind.STAGE, record, moment)
        stage_records.freeze_recorded(ws, store, case, record, now=moment)
