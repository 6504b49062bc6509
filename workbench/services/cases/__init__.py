"""Incident and exercise cases: create, change, list, show; link STIX objects; records, stages and deadlines.

Every change is one transaction with one audit entry (the entry names the case and what kind of change, never
field contents). A change that breaks a rule of the case model raises ``InvalidInput`` and leaves nothing behind.
Objects created inside a case are stored in the object store as local-source versions and linked to the case.

The functions that take a ``Connection`` (``load_case``, ``save_new_case``, ``replace_case``) work inside a
transaction the caller holds: the import hook and the STIX mapping use them. Linked objects are in
``case_links``, records and stage submissions in ``case_records``; both change cases through ``change_case``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from workbench.domain.cases.case import (
    Case,
    RecordKind,
    change_details,
    check_case,
    check_title,
    initial_status,
    make_exercise_overview,
    make_incident_details,
    make_record,
    new_uid,
    parse_status,
)
from workbench.domain.cases.exercise import ExerciseOverview
from workbench.domain.cases.fields import (
    clean_text,
    display_lines,
    field_info,
    parse_time,
    to_dict,
)
from workbench.domain.cases.incident import IncidentDetails, reporting_clocks, reporting_deadlines
from workbench.domain.cases.vocab import CaseKind, ExerciseStatus, IncidentStatus
from workbench.domain.deadlines import Stage, StageDeadline, StageState, next_due
from workbench.domain.errors import InvalidInput
from workbench.domain.ids import new_id
from workbench.domain.timestamps import format_stix_timestamp, utc_now
from workbench.domain.tlp import Tlp
from workbench.services.workspace import Workspace
from workbench.storage import audit
from workbench.storage.cases import ORDERS, CaseQuery, CaseRow, CaseStore, RecordRow
from workbench.storage.database import Connection

logger = logging.getLogger(__name__)

REF_PREFIX = {CaseKind.INCIDENT: "INC", CaseKind.EXERCISE: "EXE"}
#: The TLP a new case gets unless the analyst says otherwise: incident and exercise details are rarely public.
DEFAULT_TLP = Tlp.AMBER


@dataclass(frozen=True)
class CaseSummary:
    """A row of the case list."""

    ref: str
    kind: CaseKind
    title: str
    status: IncidentStatus | ExerciseStatus
    tlp: Tlp | None
    sector: str | None
    member_state: str | None
    starts_at: datetime | None
    modified: datetime
    origin: str
    next_due: StageDeadline | None


@dataclass(frozen=True)
class DueReport:
    """A row of the deadline panel: an open incident's next due report."""

    ref: str
    title: str
    stage: Stage
    due: datetime
    state: StageState
    basis: str

    @property
    def overdue(self) -> bool:
        return self.state is StageState.OVERDUE


# -- loading and saving (inside a transaction the caller holds) ------------------------------------------------------


def _time(text: str | None) -> datetime | None:
    return parse_time(text) if text else None


def find_row(store: CaseStore, ident: str) -> CaseRow:
    row = store.find(ident) if isinstance(ident, str) and ident.strip() else None
    if row is None:
        raise InvalidInput(f"no case {ident!r} in this workspace")
    return row


def load_case(conn: Connection, ident: str) -> Case:
    """The whole case named by its reference, STIX id or number; ``InvalidInput`` if there is none."""
    store = CaseStore(conn)
    return _case_from_row(store, find_row(store, ident))


def _case_from_row(store: CaseStore, row: CaseRow) -> Case:
    kind = CaseKind.parse(row.kind)
    case = Case(
        ref=row.ref,
        kind=kind,
        title=row.title,
        status=parse_status(kind, row.status),
        tlp=Tlp(row.tlp) if row.tlp is not None else None,
        description=row.description,
        stix_id=row.stix_id,
        created=parse_time(row.created),
        modified=parse_time(row.modified),
        creator_ref=row.creator_ref,
        origin=row.origin,
        origin_ref=row.origin_ref,
        grouping_ref=row.grouping_ref,
    )
    if kind is CaseKind.INCIDENT:
        case.incident = make_incident_details(row.details)
    else:
        case.exercise = make_exercise_overview(row.details)
    assert row.id is not None
    for record in store.records(row.id):
        record_kind = RecordKind.parse(record.kind)
        case.records.setdefault(record_kind, []).append(make_record(record_kind, record.data, uid=record.uid))
        case.stamps[record.uid] = (parse_time(record.created), parse_time(record.modified))
    case.linked = [link.object_id for link in store.links(row.id)]
    return case


def details_of(case: Case) -> IncidentDetails | ExerciseOverview:
    details = case.incident if case.kind is CaseKind.INCIDENT else case.exercise
    assert details is not None
    return details


def _row_of(case: Case, case_id: int | None) -> CaseRow:
    details = details_of(case)
    starts: datetime | None
    if isinstance(details, IncidentDetails):
        sector = details.sector.value if details.sector else None
        member_state = details.member_state.value if details.member_state else None
        starts = details.awareness_at
    else:
        sector = member_state = None
        starts = details.starts_at
    return CaseRow(
        id=case_id,
        ref=case.ref,
        kind=case.kind.value,
        stix_id=case.stix_id,
        grouping_ref=case.grouping_ref,
        title=case.title,
        status=case.status.value,
        tlp=int(case.tlp) if case.tlp is not None else None,
        sector=sector,
        member_state=member_state,
        starts_at=format_stix_timestamp(starts) if starts else None,
        creator_ref=case.creator_ref,
        origin=case.origin,
        origin_ref=case.origin_ref,
        created=format_stix_timestamp(case.created),
        modified=format_stix_timestamp(case.modified),
        description=case.description,
        details=to_dict(details),
    )


def _sort_at(record: Any) -> str | None:
    for attribute in ("at", "submitted_at", "planned_at", "due"):
        value = getattr(record, attribute, None)
        if isinstance(value, datetime):
            return format_stix_timestamp(value)
    return None


def _record_row(kind: RecordKind, record: Any, position: int, stamps: tuple[datetime, datetime]) -> RecordRow:
    data = to_dict(record)
    data.pop("uid", None)
    return RecordRow(
        kind.value,
        record.uid,
        position,
        _sort_at(record),
        format_stix_timestamp(stamps[0]),
        format_stix_timestamp(stamps[1]),
        data,
    )


def _full_text(case: Case) -> str:
    parts = [case.description]
    parts.extend(text for _, text in display_lines(details_of(case)))
    for records in case.records.values():
        for record in records:
            parts.extend(text for _, text in display_lines(record))
    return "\n".join(part for part in parts if part)


def _save(store: CaseStore, case: Case, case_id: int | None) -> int:
    """Write the case header, every record and the full-text row; a new case when ``case_id`` is None."""
    row = _row_of(case, case_id)
    if case_id is None:
        case_id = store.insert(row)
    else:
        store.update(row)
        store.delete_records(case_id)
    for kind, records in case.records.items():
        for position, record in enumerate(records, start=1):
            stamps = case.stamps.setdefault(record.uid, (case.modified, case.modified))
            store.put_record(case_id, _record_row(kind, record, position, stamps))
    store.index(case_id, case.ref, case.title, _full_text(case), replace=row.id is not None)
    return case_id


def save_new_case(conn: Connection, case: Case) -> int:
    """Store a case that is not in the workspace yet (its reference and STIX id must be free)."""
    store = CaseStore(conn)
    check_case(case)
    if store.by_stix_id(case.stix_id) is not None:
        raise InvalidInput(f"a case for {case.stix_id} exists already")
    return _save(store, case, None)


def replace_case(conn: Connection, case: Case) -> None:
    """Overwrite a stored case (found by its STIX id) with ``case``, records included; links are kept."""
    store = CaseStore(conn)
    check_case(case)
    row = store.by_stix_id(case.stix_id)
    if row is None:
        raise InvalidInput(f"no case for {case.stix_id}")
    _save(store, case, row.id)


def _touch(case: Case, now: datetime) -> datetime:
    """Advance ``modified``: never backwards, and by at least a millisecond so every change is a new STIX version."""
    case.modified = max(now, case.modified + timedelta(milliseconds=1))
    return case.modified


def change_case(ws: Workspace, ident: str, action: str, change: Any, *, now: datetime | None = None) -> Case:
    """Load, change, check, save and audit one case in one transaction (the one way the case services change a
    stored case). ``change(store, case, now)`` returns the audit details and may raise to refuse; nothing is kept
    then."""
    with ws.transaction() as conn:
        store = CaseStore(conn)
        row = find_row(store, ident)
        case = _case_from_row(store, row)
        moment = now or utc_now()
        details = change(store, case, moment) or {}
        _touch(case, moment)
        check_case(case)
        _save(store, case, row.id)
        audit.append(conn, action, {"case": case.ref, **details})
    return case


# -- cases ---------------------------------------------------------------------------------------------------------


def create_case(
    ws: Workspace,
    kind: CaseKind | str,
    title: str,
    *,
    fields: Mapping[str, Any] | None = None,
    description: str = "",
    tlp: Tlp | str | None = DEFAULT_TLP,
    status: str | None = None,
    now: datetime | None = None,
) -> Case:
    """A new case. An incident's clocks start at its ``awareness_at`` field, which defaults to now."""
    kind = CaseKind.parse(kind)
    moment = now or utc_now()
    values = dict(fields or {})
    if kind is CaseKind.INCIDENT:
        values.setdefault("awareness_at", format_stix_timestamp(moment))
        details: IncidentDetails | ExerciseOverview = make_incident_details(values)
    else:
        details = make_exercise_overview(values)
    with ws.transaction() as conn:
        store = CaseStore(conn)
        case = Case(
            ref=store.next_ref(REF_PREFIX[kind], moment.year),
            kind=kind,
            title=check_title(title),
            status=parse_status(kind, status) if status else initial_status(kind),
            tlp=Tlp.parse(tlp) if isinstance(tlp, str) else tlp,
            description=clean_text(description or "", "the description", multiline=True, limit=20_000),
            stix_id=new_id("incident" if kind is CaseKind.INCIDENT else "grouping"),
            created=moment,
            modified=moment,
            creator_ref=ws.identity_id,
            grouping_ref=new_id("grouping") if kind is CaseKind.INCIDENT else None,
            incident=details if isinstance(details, IncidentDetails) else None,
            exercise=details if isinstance(details, ExerciseOverview) else None,
        )
        save_new_case(conn, case)
        audit.append(conn, "case.create", {"case": case.ref, "kind": kind.value, "stix_id": case.stix_id})
    logger.info("created case %s", case.ref)
    return case


def get_case(ws: Workspace, ident: str) -> Case:
    return load_case(ws.conn, ident)


def update_case(
    ws: Workspace,
    ident: str,
    *,
    title: str | None = None,
    status: str | None = None,
    tlp: Tlp | str | None = None,
    description: str | None = None,
    fields: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> Case:
    """Change the header and fields of a case. Field values are given as text or JSON values; an empty value
    clears a field. Refuses unknown fields and anything the case model refuses."""

    def change(store: CaseStore, case: Case, moment: datetime) -> dict[str, Any]:
        changed: list[str] = []
        if title is not None:
            case.title = check_title(title)
            changed.append("title")
        if status is not None:
            case.status = parse_status(case.kind, status)
            changed.append("status")
        if tlp is not None:
            case.tlp = Tlp.parse(tlp) if isinstance(tlp, str) else tlp
            changed.append("tlp")
        if description is not None:
            case.description = clean_text(description, "the description", multiline=True, limit=20_000)
            changed.append("description")
        if fields:
            details = details_of(case)
            names = [field_info(type(details), key).name for key in fields]
            updated = change_details(details, fields)
            if isinstance(updated, IncidentDetails):
                case.incident = updated
            else:
                case.exercise = updated
            changed.extend(names)
        if not changed:
            raise InvalidInput("nothing to change: give a title, status, TLP, description or fields")
        return {"changed": sorted(set(changed))}

    return change_case(ws, ident, "case.update", change, now=now)


def list_cases(
    ws: Workspace,
    *,
    kind: CaseKind | str | None = None,
    status: Iterable[str] | None = None,
    open_only: bool = False,
    sector: str | None = None,
    member_state: str | None = None,
    text: str | None = None,
    linked_object: str | None = None,
    limit: int = 500,
    offset: int = 0,
    order: str = "modified",
    descending: bool = True,
    now: datetime | None = None,
    with_next_due: bool = True,
) -> list[CaseSummary]:
    """Cases matching every given filter, each incident with its next due report (``next_due`` stays None with
    ``with_next_due=False``, for lists that do not show it: computing it is most of the time this takes).

    Sorted by ``order`` (a key of ``storage.cases.ORDERS``: modified, ref, kind, title, status, tlp, sector,
    member_state, starts_at; most recently changed first by default); ``limit`` and ``offset`` page through them
    (the window fetches pages as its list scrolls). Every filter runs in SQL, so pages are full."""
    from workbench.domain.cases.nis2 import MemberState, Sector

    kind = CaseKind.parse(kind) if kind else None
    statuses: list[str] | None = None
    if status:
        kinds = [kind] if kind else list(CaseKind)
        statuses = []
        for item in status:
            parsed = []
            for candidate in kinds:
                try:
                    parsed.append(parse_status(candidate, item).value)
                except InvalidInput:
                    continue
            if not parsed:
                parse_status(kinds[0], item)  # raises with the accepted values
            statuses.extend(parsed)
    if open_only:
        open_statuses = {status.value for status in (*IncidentStatus, *ExerciseStatus) if status.value != "closed"}
        statuses = [item for item in statuses if item in open_statuses] if statuses else sorted(open_statuses)
        if not statuses:
            return []
    if order not in ORDERS:
        raise InvalidInput(f"cannot sort cases by {order!r}; use one of {', '.join(ORDERS)}")
    query = CaseQuery(
        kind=kind.value if kind else None,
        statuses=statuses,
        sector=Sector.parse(sector).value if sector else None,
        member_state=MemberState.parse(member_state).value if member_state else None,
        text=text or None,
        linked_object=linked_object,
        order=order,
        descending=descending,
        limit=max(1, min(limit, 10_000)),
        offset=max(0, offset),
    )
    moment = now or utc_now()
    store = CaseStore(ws.conn)
    rows = store.query(query)
    owed = _next_due_of(store, rows, moment) if with_next_due else {}
    summaries = []
    for row in rows:
        case_kind = CaseKind.parse(row.kind)
        case_status = parse_status(case_kind, row.status)
        upcoming = owed.get(row.id) if row.id is not None else None
        summaries.append(
            CaseSummary(
                ref=row.ref,
                kind=case_kind,
                title=row.title,
                status=case_status,
                tlp=Tlp(row.tlp) if row.tlp is not None else None,
                sector=row.sector,
                member_state=row.member_state,
                starts_at=_time(row.starts_at),
                modified=parse_time(row.modified),
                origin=row.origin,
                next_due=upcoming,
            )
        )
    return summaries


# -- deadlines -----------------------------------------------------------------------------------------------------


def case_deadlines(case: Case, now: datetime | None = None) -> list[StageDeadline]:
    """The reporting stages of an incident case with due times and states; empty for exercises."""
    if case.kind is not CaseKind.INCIDENT or case.incident is None:
        return []
    return reporting_deadlines(case.incident, case.stages, now or utc_now())


def _next_due_of(store: CaseStore, rows: list[CaseRow], now: datetime) -> dict[int, StageDeadline]:
    """The next due report of every open incident among ``rows``, by case number; reads only the fields and the
    stage submissions, not whole cases, so that the list stays quick with thousands of cases."""
    incidents = [
        row
        for row in rows
        if row.kind == CaseKind.INCIDENT.value and row.status != IncidentStatus.CLOSED.value and row.id is not None
    ]
    stages = store.records_of_kind([row.id for row in incidents if row.id is not None], RecordKind.STAGE.value)
    owed: dict[int, StageDeadline] = {}
    for row in incidents:
        assert row.id is not None
        details = reporting_clocks(row.details)
        submitted = [make_record(RecordKind.STAGE, data, uid=new_uid()) for data in stages.get(row.id, [])]
        upcoming = next_due(reporting_deadlines(details, submitted, now))
        if upcoming is not None:
            owed[row.id] = upcoming
    return owed


def deadline_panel(ws: Workspace, *, now: datetime | None = None) -> list[DueReport]:
    """Every open incident's next due report, the most urgent first (overdue ones lead)."""
    moment = now or utc_now()
    store = CaseStore(ws.conn)
    open_statuses = [status.value for status in IncidentStatus if status is not IncidentStatus.CLOSED]
    rows = store.query(CaseQuery(kind=CaseKind.INCIDENT.value, statuses=open_statuses, limit=100_000))
    owed = _next_due_of(store, rows, moment)
    panel = [
        DueReport(row.ref, row.title, upcoming.stage, upcoming.due, upcoming.state, upcoming.basis)
        for row in rows
        if row.id is not None and (upcoming := owed.get(row.id)) is not None and upcoming.due is not None
    ]
    panel.sort(key=lambda item: (item.due, item.ref))
    return panel
