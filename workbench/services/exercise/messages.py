"""Exercise messages in STIX, both ways: an inject delivered to a partner agency, a partner's response to it, an
evaluator's observation. Each is a ``note`` about the exercise (its ``object_refs`` name the controller's exercise
grouping), carrying the record in the workbench case extension, marked with the exercise's TLP and EXERCISE, and
labelled ``exercise``; its text starts and ends with the words exercises use so that no reader of the note alone,
with any tool, can take it for real intelligence.

Ids are stable, so a message sent twice is stored once: an inject's note is derived from the inject's uid, a
response's from the inject's uid and the responding organisation, an observation's is ``note--<its uid>``. A
message's ``modified`` is its record's last change, so a corrected response or observation is a newer version.

``read_message`` reads a note back, checking the extension's schema, the case model and the marking and label.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from workbench.domain.cases.case import Case, RecordKind, make_record
from workbench.domain.cases.exercise import EvaluatorObservation, Inject
from workbench.domain.cases.fields import parse_time, to_dict
from workbench.domain.errors import InvalidInput
from workbench.domain.exercise_material import EXERCISE_STATEMENT, exercise_marking_problem, mark_as_exercise
from workbench.domain.ids import derived_id, is_stix_id
from workbench.domain.timestamps import format_stix_timestamp
from workbench.domain.tlp import Tlp, object_tlp
from workbench.services.cases.schema import (
    CASE_EXTENSION_ID,
    INJECT_MESSAGE,
    OBSERVATION_MESSAGE,
    RESPONSE_MESSAGE,
    validate_extension,
)

MESSAGE_TYPES = frozenset({INJECT_MESSAGE, RESPONSE_MESSAGE, OBSERVATION_MESSAGE})
#: Exercises open and close their messages with these words.
BANNER = "EXERCISE EXERCISE EXERCISE"


@dataclass(frozen=True)
class Header:
    """The exercise a message belongs to, as its controller knows it."""

    stix_id: str
    reference: str
    title: str
    overview: dict[str, Any]
    participants: list[dict[str, Any]]


@dataclass(frozen=True)
class Message:
    """A message read back: its kind (one of ``MESSAGE_TYPES``), exercise, sender's TLP, and its record."""

    note_id: str
    kind: str
    header: Header
    tlp: Tlp | None
    modified: datetime
    inject: Inject | None = None
    observation: EvaluatorObservation | None = None
    inject_uid: str | None = None
    responded_at: datetime | None = None
    responded_by: str | None = None
    organisation: str | None = None
    observed_action: str | None = None


def header_of(case: Case) -> dict[str, Any]:
    """The exercise header every message carries; participants and overview let a partner's copy show the
    exercise (the MSEL, the evaluation guides and the findings stay with the controller)."""
    assert case.exercise is not None
    header: dict[str, Any] = {
        "stix_id": case.stix_id,
        "case_reference": case.origin_ref or case.ref,
        "title": case.title,
        "overview": to_dict(case.exercise),
    }
    participants = [to_dict(item) for item in case.participants]
    if participants:
        header["participants"] = participants
    return header


def _note(
    case: Case,
    note_id: str,
    stamps: tuple[datetime, datetime],
    creator: str,
    abstract: str,
    content: str,
    authors: list[str],
    extension: dict[str, Any],
) -> dict[str, Any]:
    note: dict[str, Any] = {
        "type": "note",
        "spec_version": "2.1",
        "id": note_id,
        "created": format_stix_timestamp(stamps[0]),
        "modified": format_stix_timestamp(max(stamps)),
        "created_by_ref": creator,
        "abstract": f"{BANNER}: {abstract}"[:500],
        "content": f"{BANNER}\n\n{content}\n\n{BANNER}\n{EXERCISE_STATEMENT}",
        "object_refs": [case.stix_id],
        "extensions": {CASE_EXTENSION_ID: {"extension_type": "property-extension", **extension}},
    }
    if authors:
        note["authors"] = authors
    if case.tlp is not None:
        note["object_marking_refs"] = [case.tlp.marking_id]
    return mark_as_exercise(note)


def _stamps(case: Case, uid: str) -> tuple[datetime, datetime]:
    return case.stamps.get(uid, (case.modified, case.modified))


def inject_note(case: Case, inject: Inject, creator: str) -> dict[str, Any]:
    """The note that delivers an inject to a partner. What the players are expected to do stays with the
    controller: it is not sent."""
    record = to_dict(inject)
    for private in ("expected_action", "observed_action", "responded_at", "responded_by"):
        record.pop(private, None)
    label = f"inject {inject.number}" if inject.number else "an inject"
    return _note(
        case,
        derived_id("note", "exercise-inject", inject.uid),
        _stamps(case, inject.uid),
        creator,
        f"{label} of {case.title}",
        inject.description,
        [inject.sender] if inject.sender else [],
        {"record_type": INJECT_MESSAGE, "exercise": header_of(case), "inject": record},
    )


def response_note(case: Case, inject: Inject, creator: str, organisation: str) -> dict[str, Any]:
    """The note that carries a partner's response to a delivered inject back to the controller."""
    if inject.observed_action is None or inject.responded_at is None:
        raise InvalidInput(f"{inject.label} has no response to send")
    extension: dict[str, Any] = {
        "record_type": RESPONSE_MESSAGE,
        "exercise": header_of(case),
        "inject_uid": inject.uid,
        "responded_at": format_stix_timestamp(inject.responded_at),
        "organisation": organisation,
        "observed_action": inject.observed_action,
    }
    if inject.responded_by:
        extension["responded_by"] = inject.responded_by
    label = f"inject {inject.number}" if inject.number else "an inject"
    return _note(
        case,
        derived_id("note", "exercise-response", inject.uid, organisation),
        _stamps(case, inject.uid),
        creator,
        f"response of {organisation} to {label} of {case.title}",
        inject.observed_action,
        [inject.responded_by] if inject.responded_by else [organisation],
        extension,
    )


def observation_note(case: Case, note: EvaluatorObservation, creator: str) -> dict[str, Any]:
    """The note that carries an evaluator's observation to the controller (its evidence is a separate object,
    named in ``object_refs`` so that it travels with it)."""
    made = _note(
        case,
        f"note--{note.uid}",
        _stamps(case, note.uid),
        creator,
        f"observation of {note.evaluator or note.organisation or 'an evaluator'} on {case.title}",
        note.text,
        [part for part in (note.evaluator,) if part],
        {"record_type": OBSERVATION_MESSAGE, "exercise": header_of(case), "observation": to_dict(note)},
    )
    if note.evidence_ref is not None:
        made["object_refs"] = [case.stix_id, note.evidence_ref]
    return made


# -- reading -------------------------------------------------------------------------------------------------------


def message_kind(obj: dict[str, Any]) -> str | None:
    """The message type of a note carrying one; None for anything else."""
    if obj.get("type") != "note":
        return None
    extensions = obj.get("extensions")
    ours = extensions.get(CASE_EXTENSION_ID) if isinstance(extensions, dict) else None
    kind = ours.get("record_type") if isinstance(ours, dict) else None
    return kind if kind in MESSAGE_TYPES else None


def read_message(obj: dict[str, Any]) -> Message:
    """The message a note carries; ``InvalidInput`` for a note that fails the schema, the case model, or is not
    marked and labelled as exercise material."""
    note_id = str(obj.get("id"))
    kind = message_kind(obj)
    if kind is None:
        raise InvalidInput(f"{note_id} carries no exercise message")
    problem = exercise_marking_problem(obj)
    if problem is not None:
        raise InvalidInput(f"{note_id} is an exercise message but {problem}; it could be taken for real intelligence")
    ours = obj["extensions"][CASE_EXTENSION_ID]
    validate_extension(ours, note_id)
    raw = ours["exercise"]
    header = Header(
        raw["stix_id"],
        raw["case_reference"],
        raw["title"],
        dict(raw.get("overview") or {}),
        list(raw.get("participants") or []),
    )
    if not is_stix_id(header.stix_id, "grouping"):
        raise InvalidInput(f"{note_id}: {header.stix_id!r} is not an exercise")
    try:
        message = Message(
            note_id, kind, header, object_tlp(obj), parse_time(obj.get("modified"), "the message's modified time")
        )
        if kind == INJECT_MESSAGE:
            return dataclasses.replace(message, inject=make_record(RecordKind.INJECT, ours["inject"]))
        if kind == OBSERVATION_MESSAGE:
            observation = make_record(RecordKind.EEG_OBSERVATION, ours["observation"])
            return dataclasses.replace(message, observation=observation)
        return dataclasses.replace(
            message,
            inject_uid=ours["inject_uid"],
            responded_at=parse_time(ours["responded_at"], "the response time"),
            responded_by=ours.get("responded_by"),
            organisation=ours.get("organisation"),
            observed_action=ours["observed_action"],
        )
    except InvalidInput as exc:
        raise InvalidInput(f"{note_id}: {exc}") from None
