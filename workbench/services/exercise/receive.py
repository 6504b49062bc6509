"""Exercise messages arriving in an import: injects into the partner's copy of the exercise, responses and
observations into the controller's exercise. Runs inside the import's transaction (the cases feature calls it), so
a message that does not fit refuses the whole package and leaves nothing behind.

- An inject creates the partner's copy of the exercise the first time (under a local reference, its origin the
  controller, its reference kept) and adds or updates the inject there; a response already recorded in the copy
  is kept.
- A response is recorded in the controller's exercise as the inject's observed action, with its time and who.
- An observation is merged into the controller's exercise by its uid: a duplicate is recognised and counted, a
  newer version replaces the older one, an older one is ignored. Without a scenario time (the evaluator's copy
  had no running clock) it gets the scenario time the controller's clock read at that moment.

A package that carries exercise messages carries exercise material only: an object in it without the EXERCISE
marking (definitions aside) refuses the package, so real intelligence can never arrive disguised as an exercise.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from workbench.domain.cases.case import Case, RecordKind, check_title, make_exercise_overview, make_record
from workbench.domain.cases.conduct import respond
from workbench.domain.cases.exercise import Inject
from workbench.domain.cases.fields import to_dict, with_changes
from workbench.domain.cases.vocab import CaseKind, ExerciseStatus
from workbench.domain.errors import InvalidInput
from workbench.domain.exercise_material import exercise_marking_problem
from workbench.domain.timestamps import format_stix_timestamp, utc_now
from workbench.services import cases as case_service
from workbench.services.cases.schema import (
    CASE_EXTENSION_ID,
    EXERCISE_RECORD,
    INJECT_MESSAGE,
    OBSERVATION_MESSAGE,
    RESPONSE_MESSAGE,
)
from workbench.services.exercise.messages import Message, message_kind, read_message
from workbench.storage import audit
from workbench.storage.cases import CaseStore
from workbench.storage.database import Connection
from workbench.storage.objects import ObjectStore

_ORDER = {INJECT_MESSAGE: 0, RESPONSE_MESSAGE: 1, OBSERVATION_MESSAGE: 2}
_CONDUCT_FIELDS = ("observed_action", "responded_at", "responded_by")


@dataclass
class Received:
    """What the messages of one import did, in local case references and counts."""

    copies: list[str] = field(default_factory=list)
    injects: int = 0
    responses: int = 0
    observations_new: int = 0
    observations_updated: int = 0
    duplicates: int = 0
    cases: list[str] = field(default_factory=list)

    @property
    def messages(self) -> list[str]:
        lines = [f"new copy {ref} of a partner's exercise" for ref in self.copies]
        if self.injects:
            lines.append(f"{self.injects} inject(s) received into {', '.join(self.cases)}")
        if self.responses:
            lines.append(f"{self.responses} response(s) recorded in {', '.join(self.cases)}")
        if self.observations_new or self.observations_updated or self.duplicates:
            lines.append(
                f"observations merged into {', '.join(self.cases)}: {self.observations_new} new, "
                f"{self.observations_updated} updated, {self.duplicates} already there"
            )
        return lines


def check_all_exercise(objects: Iterable[dict[str, Any]]) -> None:
    """Refuse an import of an exercise or of exercise messages holding anything not marked as exercise material
    (definitions aside)."""
    for obj in objects:
        problem = exercise_marking_problem(obj)
        if problem is not None:
            raise InvalidInput(
                f"what carries an exercise or exercise messages carries exercise material only, but {obj.get('id')} "
                f"is not ({problem}): nothing was imported"
            )


def _exercise_case(obj: dict[str, Any]) -> bool:
    ours = (obj.get("extensions") or {}).get(CASE_EXTENSION_ID) if isinstance(obj.get("extensions"), dict) else None
    return obj.get("type") == "grouping" and isinstance(ours, dict) and ours.get("record_type") == EXERCISE_RECORD


def receive_messages(conn: Connection, object_ids: Iterable[str], *, origin: str) -> Received:
    """Apply the exercise messages among the objects an import stored (see the module docstring). An import that
    carries exercise messages or an exercise case must carry exercise material only."""
    stored = ObjectStore(conn).get_many(list(dict.fromkeys(object_ids)))
    found = [obj for obj in stored.values() if message_kind(obj) is not None]
    result = Received()
    if found or any(_exercise_case(obj) for obj in stored.values()):
        check_all_exercise(stored.values())
    if not found:
        return result
    messages = sorted((read_message(obj) for obj in found), key=lambda item: (_ORDER[item.kind], item.modified))
    for message in messages:
        case = _inject(conn, message, origin, result) if message.kind == INJECT_MESSAGE else _controlled(conn, message)
        if message.kind == RESPONSE_MESSAGE:
            _response(conn, case, message, result)
        elif message.kind == OBSERVATION_MESSAGE:
            _observation(conn, case, message, result)
        if case.ref not in result.cases:
            result.cases.append(case.ref)
    return result


def _save(conn: Connection, case: Case, action: str, details: dict[str, Any]) -> None:
    case.modified = max(utc_now(), case.modified + timedelta(milliseconds=1))
    case_service.replace_case(conn, case)
    audit.append(conn, action, {"case": case.ref, **details})


def _controlled(conn: Connection, message: Message) -> Case:
    """The exercise this workspace runs that a response or an observation is about."""
    header = message.header
    row = CaseStore(conn).by_stix_id(header.stix_id)
    if row is None:
        raise InvalidInput(
            f"{message.note_id} is about exercise {header.reference} ({header.title[:60]}), which this workspace "
            "does not hold: nothing was imported"
        )
    case = case_service.load_case(conn, row.ref)
    if case.kind is not CaseKind.EXERCISE or case.origin != "local":
        raise InvalidInput(
            f"{message.note_id} goes to the controller of exercise {header.reference}; this workspace holds a copy "
            f"from {case.origin}: nothing was imported"
        )
    return case


def _inject(conn: Connection, message: Message, origin: str, result: Received) -> Case:
    header, inject = message.header, message.inject
    assert inject is not None
    store = CaseStore(conn)
    row = store.by_stix_id(header.stix_id)
    if row is None:
        case = _new_copy(conn, store, message, origin)
        result.copies.append(case.ref)
    else:
        case = case_service.load_case(conn, row.ref)
        if case.origin == "local":
            raise InvalidInput(
                f"{message.note_id} is an inject of exercise {case.ref}, which this workspace runs: "
                "nothing was imported"
            )
    records = case.records.setdefault(RecordKind.INJECT, [])
    previous = next((item for item in records if item.uid == inject.uid), None)
    if previous is not None:
        kept = {name: getattr(previous, name) for name in _CONDUCT_FIELDS if getattr(previous, name) is not None}
        inject = with_changes(inject, kept, "an inject") if kept else inject
        records[records.index(previous)] = inject
    else:
        records.append(inject)
    case.stamps[inject.uid] = (message.modified, message.modified)
    _save(conn, case, "exercise.inject-received", {"inject": inject.uid, "number": inject.number})
    result.injects += 1
    return case


def _new_copy(conn: Connection, store: CaseStore, message: Message, origin: str) -> Case:
    """The partner's own copy of an exercise, from the header of the first inject it receives."""
    header = message.header
    moment = utc_now()
    try:
        overview = make_exercise_overview(header.overview)
        participants = [make_record(RecordKind.PARTICIPANT, item) for item in header.participants]
    except InvalidInput as exc:
        raise InvalidInput(f"{message.note_id}: the exercise it belongs to is not readable ({exc})") from None
    case = Case(
        ref=store.next_ref(case_service.REF_PREFIX[CaseKind.EXERCISE], moment.year),
        kind=CaseKind.EXERCISE,
        title=check_title(header.title),
        status=ExerciseStatus.PLANNED,
        tlp=message.tlp,
        description="",
        stix_id=header.stix_id,
        created=moment,
        modified=moment,
        creator_ref="",
        origin=origin,
        origin_ref=header.reference,
        exercise=overview,
        records={RecordKind.PARTICIPANT: participants} if participants else {},
    )
    case_service.save_new_case(conn, case)
    audit.append(conn, "exercise.copy", {"case": case.ref, "stix_id": case.stix_id, "origin": origin})
    return case


def _response(conn: Connection, case: Case, message: Message, result: Received) -> None:
    uid = message.inject_uid
    inject: Inject | None = next((item for item in case.of(RecordKind.INJECT) if item.uid == uid), None)
    if inject is None:
        raise InvalidInput(f"{message.note_id} answers an inject that exercise {case.ref} does not have")
    assert message.responded_at is not None
    who = message.responded_by or message.organisation
    if (inject.observed_action, inject.responded_at, inject.responded_by) == (
        message.observed_action,
        message.responded_at,
        who,
    ):
        return
    try:
        answered = respond(inject, message.responded_at, who, message.observed_action)
    except InvalidInput as exc:
        raise InvalidInput(f"{message.note_id}: {exc}") from None
    records = case.records[RecordKind.INJECT]
    records[records.index(inject)] = answered
    created = case.stamps.get(inject.uid, (message.modified, message.modified))[0]
    case.stamps[inject.uid] = (created, message.modified)
    _save(conn, case, "exercise.response-received", {"inject": inject.uid, "organisation": message.organisation})
    result.responses += 1


def _observation(conn: Connection, case: Case, message: Message, result: Received) -> None:
    note = message.observation
    assert note is not None
    if note.scenario_at is None:
        scenario = case.clock.scenario_at(note.at)
        if scenario is not None:
            note = with_changes(note, {"scenario_at": scenario}, "an observation")
    records = case.records.setdefault(RecordKind.EEG_OBSERVATION, [])
    existing = next((item for item in records if item.uid == note.uid), None)
    if existing is not None:
        if to_dict(existing) == to_dict(note) or message.modified <= case.stamps.get(note.uid, (note.at, note.at))[1]:
            result.duplicates += 1
            return
        records[records.index(existing)] = note
        result.observations_updated += 1
        outcome = "updated"
    else:
        records.append(note)
        result.observations_new += 1
        outcome = "new"
    case.stamps[note.uid] = (note.at, message.modified)
    if note.evidence_ref is not None:
        row = CaseStore(conn).by_stix_id(case.stix_id)
        assert row is not None and row.id is not None
        CaseStore(conn).link(row.id, note.evidence_ref, "partner", format_stix_timestamp(utc_now()))
    try:
        _save(conn, case, "exercise.observation-received", {"observation": note.uid, "outcome": outcome})
    except InvalidInput as exc:
        raise InvalidInput(f"{message.note_id}: {exc}") from None
