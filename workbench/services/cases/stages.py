"""Report stages as documents: drafted from the case, frozen when their submission is recorded.

``stage_document`` is what a stage's report says if it were sent now: the NIS2 header block, the fields the stage
declares, and (notification, final, CIRCIA) the indicators, affected assets and observed techniques.
``prepare_submission`` renders that document as it will be sent (final, under a new report id, stamped with the
submission's time, sequence and version); ``record_submission`` stores the submission with a snapshot of that
document, the report id, the time it was rendered and the PDF's SHA-256, all in one transaction. From then on the
stage prints from its snapshot (``sent_stage``): adding a Member State to the case later does not change the
early warning that was sent, and the dossier says what changed since.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from workbench.domain.cases.case import Case, RecordKind, check_new_submission, check_record_fits, make_record
from workbench.domain.cases.fields import format_utc, parse_time
from workbench.domain.cases.incident import StageSubmission
from workbench.domain.deadlines import Stage
from workbench.domain.errors import InvalidInput
from workbench.domain.timestamps import format_stix_timestamp, parse_stix_timestamp, utc_now
from workbench.domain.tlp import Tlp
from workbench.services import cases
from workbench.services.cases import change_case
from workbench.services.cases.evidence import Evidence, evidence, linked
from workbench.services.reports import RenderedReport, next_report_id, render
from workbench.services.reports import stage as stage_document_json
from workbench.services.reports.model import SentStage, StageDocument
from workbench.services.workspace import Workspace
from workbench.storage import audit
from workbench.storage.cases import CaseStore, SnapshotRow

logger = logging.getLogger(__name__)

SNAPSHOT_ACTION = "case.stage"


def report_level(case: Case, ceiling: Tlp | None) -> Tlp:
    own = case.tlp if case.tlp is not None else cases.DEFAULT_TLP
    if ceiling is None:
        return own
    if own > ceiling:
        raise InvalidInput(
            f"case {case.ref} is marked {own.label}, above the report's {ceiling.label}; its fields "
            "cannot be left out: raise the report's level"
        )
    return ceiling


def stage_document(
    ws: Workspace, case: Case, stage: Stage, rows: Evidence, *, level: Tlp, defang: bool = False
) -> StageDocument:
    """The stage's report as the case would send it now (not yet submitted)."""
    if case.incident is None:
        raise InvalidInput(f"case {case.ref} is an exercise case; report stages belong to incidents")
    reports_iocs = stage in stage_document_json.IOC_STAGES
    return StageDocument(
        stage=stage,
        case_ref=case.ref,
        title=case.title,
        tlp=level,
        originator=ws.org_name,
        header=stage_document_json.header_rows(case.incident),
        fields=stage_document_json.declared_fields(case.incident, stage, case.description),
        # Only the stages that report indicators carry them (and their attachments).
        indicators=rows.indicators if reports_iocs else [],
        assets=rows.assets if reports_iocs else [],
        techniques=rows.observed if reports_iocs else [],
        defang=defang,
        indicator_objects=rows.indicator_objects if reports_iocs else [],
    )


@dataclass(frozen=True)
class PreparedSubmission:
    """A stage rendered as it will be sent: what ``record_submission`` freezes when given it."""

    document: StageDocument
    rendered: RenderedReport
    rendered_at: datetime


def _sequence(case: Case, submitted_at: datetime, replacing: StageSubmission | None) -> int:
    others = [item for item in case.stages if replacing is None or item.uid != replacing.uid]
    return 1 + sum(1 for item in others if item.submitted_at <= submitted_at)


def _same_time(case: Case, stage: Stage, submitted_at: datetime) -> StageSubmission | None:
    return next(
        (item for item in case.stages if item.stage is stage and item.submitted_at == submitted_at),
        None,
    )


def _render(
    ws: Workspace,
    case: Case,
    stage: Stage,
    moment: datetime,
    *,
    version: int,
    sequence: int,
    defang: bool,
    now: datetime | None,
) -> PreparedSubmission:
    """The stage of ``case`` (as it is in memory) rendered as sent at ``moment``: final, under the next report id."""
    draft = stage_document(
        ws, case, stage, evidence(ws, linked(ws, case, None)), level=report_level(case, None), defang=defang
    )
    document = stage_document_json.as_sent(draft, sequence=sequence, version=version, submitted_at=moment)
    rendered_at = (now or utc_now()).astimezone(UTC).replace(microsecond=0)
    rendered = render(document, report_id=next_report_id(ws), final=True, generated_at=rendered_at)
    return PreparedSubmission(document, rendered, rendered_at)


def prepare_submission(
    ws: Workspace,
    ident: str,
    stage: Stage | str,
    submitted_at: datetime | str,
    *,
    amend: bool = False,
    defang: bool = True,
    now: datetime | None = None,
) -> PreparedSubmission:
    """Render the stage as it would be sent at ``submitted_at``: final, stamped with its sequence number and
    version, under the next report id. Nothing is stored (the window's Record submission dialog prints or saves
    this before recording it)."""
    stage = Stage.parse(stage)
    moment = parse_time(submitted_at, "the time submitted")
    case = cases.get_case(ws, ident)
    check_record_fits(case, RecordKind.STAGE)
    earlier = _same_time(case, stage, moment)
    if amend and earlier is not None:
        version = earlier.version or 1
    else:
        version = 1 + sum(1 for item in case.stages if item.stage is stage)
    sequence = _sequence(case, moment, earlier if amend else None)
    return _render(ws, case, stage, moment, version=version, sequence=sequence, defang=defang, now=now)


def _freeze(store: CaseStore, case: Case, uid: str, prepared: PreparedSubmission) -> None:
    row = store.find(case.ref)
    assert row is not None and row.id is not None
    store.put_snapshot(
        row.id,
        SnapshotRow(
            uid,
            prepared.rendered.report_id,
            format_stix_timestamp(prepared.rendered_at),
            prepared.rendered.sha256,
            stage_document_json.to_json(prepared.document),
        ),
    )


def freeze_recorded(
    ws: Workspace, store: CaseStore, case: Case, submission: StageSubmission, *, now: datetime | None = None
) -> PreparedSubmission:
    """Freeze a submission just put among the records of ``case`` inside the caller's transaction (a records file
    adding stages): rendered from the case as it stands in that transaction, its snapshot stored and its own
    ``case.stage`` audit entry written, so that it prints again as it was recorded, like one ``record_submission``
    made."""
    prepared = _render(
        ws,
        case,
        submission.stage,
        submission.submitted_at,
        version=submission.version or 1,
        sequence=_sequence(case, submission.submitted_at, submission),
        defang=True,
        now=now,
    )
    _freeze(store, case, submission.uid, prepared)
    audit.append(
        store.conn,
        SNAPSHOT_ACTION,
        {
            "case": case.ref,
            "stage": submission.stage.value,
            "version": submission.version,
            "amended": False,
            "report_id": prepared.rendered.report_id,
            "sha256": prepared.rendered.sha256,
        },
    )
    return prepared


def check_not_recorded(case: Case, submission: StageSubmission) -> None:
    """Refuse a second submission of the same stage at the same time (``--amend`` corrects the first)."""
    earlier = _same_time(case, submission.stage, submission.submitted_at)
    if earlier is not None and earlier.uid != submission.uid:
        raise InvalidInput(
            f"the {submission.stage.label.lower()} of {format_utc(submission.submitted_at)} is recorded already "
            f"(version {earlier.version or 1}); to correct that record, record it again as an amendment (--amend)"
        )


def record_submission(
    ws: Workspace,
    ident: str,
    stage: Stage | str,
    submitted_at: datetime | str,
    *,
    reference: str | None = None,
    note: str | None = None,
    amend: bool = False,
    prepared: PreparedSubmission | None = None,
    now: datetime | None = None,
) -> tuple[StageSubmission, PreparedSubmission]:
    """Record that a stage was submitted, with the snapshot of what it said (see the module docstring).

    A second submission of the same stage at the same time is refused unless ``amend``, which replaces the first
    (its version and snapshot). Refuses a submission before the time of awareness, one in the future, and stages of
    exercises. ``prepared`` is the rendering the analyst printed or saved (the Record submission dialog); without
    it the stage is rendered now."""
    stage = Stage.parse(stage)
    moment = parse_time(submitted_at, "the time submitted")
    if prepared is None:
        prepared = prepare_submission(ws, ident, stage, moment, amend=amend, now=now)
    elif prepared.document.stage is not stage or prepared.document.submitted_at != moment:
        raise InvalidInput("the stage printed is not the one being recorded: print it again")
    recorded: list[StageSubmission] = []

    def change(store: CaseStore, case: Case, at: datetime) -> dict[str, Any]:
        check_record_fits(case, RecordKind.STAGE)
        earlier = _same_time(case, stage, moment)
        if earlier is None and amend:
            raise InvalidInput(f"no {stage.label.lower()} is recorded at {format_utc(moment)}: nothing to amend")
        data = {
            "stage": stage.value,
            "submitted_at": format_stix_timestamp(moment),
            "version": prepared.document.version,
            "reference": reference,
            "note": note,
        }
        submission = make_record(RecordKind.STAGE, data, uid=earlier.uid if earlier is not None and amend else None)
        if not amend:
            check_not_recorded(case, submission)
        check_new_submission(submission, at)
        records = case.records.setdefault(RecordKind.STAGE, [])
        if earlier is not None:
            records[records.index(earlier)] = submission
            case.stamps[submission.uid] = (case.stamps.get(submission.uid, (at, at))[0], at)
        else:
            records.append(submission)
            case.stamps[submission.uid] = (at, at)
        _freeze(store, case, submission.uid, prepared)
        recorded.append(submission)
        return {
            "stage": stage.value,
            "version": submission.version,
            "amended": amend,
            "report_id": prepared.rendered.report_id,
            "sha256": prepared.rendered.sha256,
        }

    change_case(ws, ident, SNAPSHOT_ACTION, change, now=now)
    logger.info("recorded a %s submission with its snapshot", stage.value)
    return recorded[0], prepared


@dataclass(frozen=True)
class FrozenStage:
    """A submitted stage's snapshot: the document as sent and how to print it again identically."""

    submission: StageSubmission
    document: StageDocument
    report_id: str
    rendered_at: datetime
    pdf_sha256: str


def frozen_stages(ws: Workspace, case: Case) -> dict[str, FrozenStage]:
    """The case's stage snapshots by submission uid (submissions recorded without one are absent)."""
    store = CaseStore(ws.conn)
    row = store.find(case.ref)
    if row is None or row.id is None:
        return {}
    by_uid = {item.uid: item for item in case.stages}
    found = {}
    for uid, snapshot in store.snapshots(row.id).items():
        submission = by_uid.get(uid)
        moment = parse_stix_timestamp(snapshot.rendered_at)
        if submission is None or moment is None:
            continue
        document = stage_document_json.from_json(snapshot.content)
        found[uid] = FrozenStage(submission, document, snapshot.report_id, moment, snapshot.pdf_sha256)
    return found


def latest_sent(
    case: Case, frozen: dict[str, FrozenStage], stage: Stage
) -> tuple[StageSubmission | None, FrozenStage | None]:
    """The latest submission of ``stage`` and its snapshot (None when it has none)."""
    own = [item for item in case.stages if item.stage is stage]
    if not own:
        return None, None
    latest = own[-1]
    return latest, frozen.get(latest.uid)


def recorded_by(case: Case) -> str:
    """Who recorded the submissions of ``case`` that have no snapshot here: the partner it came from, or ""."""
    return case.origin if case.origin != "local" else ""


def sent_stage(frozen: FrozenStage | None, draft: StageDocument | None, *, recorder: str = "") -> SentStage:
    """A submitted stage as the dossier prints it: the snapshot and what changed since (compared with ``draft``);
    without a snapshot, who recorded the submission (``recorder``)."""
    if frozen is None:
        return SentStage(None, recorded_by=recorder)
    found = stage_document_json.changes(frozen.document, draft) if draft is not None else []
    return SentStage(frozen.document, frozen.report_id, frozen.pdf_sha256, found)


def reconstructed(case: Case, submission: StageSubmission, draft: StageDocument) -> StageDocument:
    """A submitted stage of which no snapshot is held (recorded by a partner, or before snapshots were kept),
    printed from the case as it is now and marked so: never as the document that was sent."""
    sent = stage_document_json.as_sent(
        draft,
        sequence=_sequence(case, submission.submitted_at, submission),
        version=submission.version or 1,
        submitted_at=submission.submitted_at,
    )
    return replace(sent, reconstructed=True, recorded_by=recorded_by(case))


def forget_snapshot(store: CaseStore, case_id: int, uid: str) -> None:
    store.delete_snapshot(case_id, uid)
