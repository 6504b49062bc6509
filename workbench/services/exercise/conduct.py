"""Conduct mode: the controller's clock and master scenario events list, and responses to injects.

Only the workspace that created an exercise conducts it (its controller): a partner's copy of the exercise shows
the injects it received and records responses, nothing else. Each action is one audited transaction; the audit
entry names the case, the action and the inject, never its text.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from workbench.domain.cases import conduct
from workbench.domain.cases.case import Case, RecordKind, make_record
from workbench.domain.cases.conduct import ClockReading, ExerciseClock, MselRow
from workbench.domain.cases.exercise import ClockEvent, Inject
from workbench.domain.cases.fields import parse_time, with_changes
from workbench.domain.cases.vocab import CaseKind, ClockAction, ExerciseStatus
from workbench.domain.errors import InvalidInput
from workbench.domain.timestamps import format_stix_timestamp, utc_now
from workbench.services.cases import change_case, get_case
from workbench.services.cases.records import put_record
from workbench.services.workspace import Workspace
from workbench.storage.cases import CaseStore

logger = logging.getLogger(__name__)

#: A uid prefix shorter than this is too likely to be a number typed by mistake.
MIN_PREFIX = 4


@dataclass(frozen=True)
class ConductView:
    """What conduct mode shows at one moment: the clock, the MSEL with the next inject, who may do what."""

    case: Case
    clock: ExerciseClock
    reading: ClockReading
    rows: list[MselRow]
    controller: bool

    @property
    def next_row(self) -> MselRow | None:
        return next((row for row in self.rows if row.is_next), None)


def exercise_case(case: Case) -> Case:
    if case.kind is not CaseKind.EXERCISE:
        raise InvalidInput(f"{case.ref} is an incident, not an exercise")
    return case


def is_controller(case: Case) -> bool:
    """True in the workspace that created the exercise; a partner's copy has the controller's name as its origin."""
    return case.origin == "local"


def _controller_only(case: Case) -> None:
    exercise_case(case)
    if not is_controller(case):
        raise InvalidInput(
            f"{case.ref} is a copy of {case.origin}'s exercise: only its controller runs the clock and the injects"
        )


def conduct_view(ws: Workspace, ident: str, *, now: datetime | None = None) -> ConductView:
    """The exercise's clock and MSEL at ``now``."""
    case = exercise_case(get_case(ws, ident))
    return view_of(case, now or utc_now())


def view_of(case: Case, now: datetime) -> ConductView:
    clock = case.clock
    return ConductView(case, clock, clock.reading(now), conduct.msel(case.injects, clock, now), is_controller(case))


def find_record(case: Case, kind: RecordKind, key: str, *, number: str | None = None) -> Any:
    """A record by its uid, a unique uid prefix (four characters or more), or its number (``number`` names the
    attribute, e.g. an inject's ``number``; objectives are numbered by position from 1)."""
    records = case.of(kind)
    text = (key or "").strip()
    what = kind.label.lower()
    if not text:
        raise InvalidInput(f"name the {what}: its number or uid")
    for record in records:
        if record.uid == text:
            return record
    if number is not None:
        numbered = [record for record in records if (getattr(record, number) or "").casefold() == text.casefold()]
        if len(numbered) == 1:
            return numbered[0]
        if len(numbered) > 1:
            raise InvalidInput(f"{len(numbered)} {kind.plural} are numbered {text!r}; use the uid")
    elif text.isdigit() and 1 <= int(text) <= len(records):
        return records[int(text) - 1]
    if len(text) >= MIN_PREFIX:
        prefixed = [record for record in records if record.uid.startswith(text.lower())]
        if len(prefixed) == 1:
            return prefixed[0]
        if len(prefixed) > 1:
            raise InvalidInput(f"{text!r} starts the uid of {len(prefixed)} {kind.plural}; give more of it")
    raise InvalidInput(f"case {case.ref} has no {what} {text!r}")


def find_inject(case: Case, key: str) -> Inject:
    found: Inject = find_record(case, RecordKind.INJECT, key, number="number")
    return found


# -- the clock -----------------------------------------------------------------------------------------------------


def clock_action(
    ws: Workspace,
    ident: str,
    action: ClockAction | str,
    *,
    scenario: datetime | str | None = None,
    advance: timedelta | None = None,
    speed: float | None = None,
    by: str | None = None,
    reason: str | None = None,
    now: datetime | None = None,
) -> ConductView:
    """Start, pause, resume, jump, change speed or end the exercise (see ``domain.cases.conduct.clock_event``).

    Starting records the real start as the exercise's start when it is earlier than the planned one (or none was
    planned), unless an inject was planned earlier still; the scenario starts at ``scenario``, else at the planned
    start, else now. Ending records the real end, the time in play the clock measured (unless one was entered) and,
    for an exercise still marked planned, the status conducted.
    """
    action = ClockAction.parse(action)
    recorded: list[ClockEvent] = []

    def change(store: CaseStore, case: Case, moment: datetime) -> dict[str, Any]:
        _controller_only(case)
        overview = case.exercise
        assert overview is not None
        start = parse_time(scenario, "the scenario time") if scenario is not None else None
        if action is ClockAction.START and start is None:
            start = overview.starts_at or moment
        event = conduct.clock_event(
            case.clock, action, moment, scenario=start, advance=advance, speed=speed, by=by, reason=reason
        )
        put_record(case, RecordKind.CLOCK, event, moment)
        if action is ClockAction.START:
            # The exercise started when play did, or earlier if it was planned earlier; never after an inject
            # was planned (the case model refuses injects planned before the start).
            earliest = min([moment, *(item.planned_at for item in case.injects)])
            if overview.starts_at is None or overview.starts_at > earliest:
                case.exercise = with_changes(overview, {"starts_at": earliest}, "an exercise overview")
        if action is ClockAction.END:
            changes: dict[str, Any] = {"ends_at": moment}
            if overview.time_in_play is None:  # what the clock measured, unless the planners entered their own
                changes["time_in_play"] = int(case.clock.time_in_play(moment) / timedelta(minutes=1))
            case.exercise = with_changes(case.exercise or overview, changes, "an exercise overview")
            if case.status is ExerciseStatus.PLANNED:
                case.status = ExerciseStatus.CONDUCTED
        recorded.append(event)
        return {"action": action.value, "scenario": format_stix_timestamp(event.scenario_at), "speed": event.speed}

    case = change_case(ws, ident, "exercise.clock", change, now=now)
    logger.info("exercise %s: clock %s", case.ref, action.value)
    return view_of(case, recorded[0].at)


# -- the MSEL ------------------------------------------------------------------------------------------------------


def _inject_change(
    ws: Workspace,
    ident: str,
    key: str,
    action: str,
    apply: Any,
    *,
    controller: bool = True,
    now: datetime | None = None,
) -> Inject:
    """Change one inject with ``apply(inject, clock, moment)`` in one audited transaction."""
    changed: list[Inject] = []

    def change(store: CaseStore, case: Case, moment: datetime) -> dict[str, Any]:
        if controller:
            _controller_only(case)
        else:
            exercise_case(case)
        inject = find_inject(case, key)
        updated = apply(inject, case.clock, moment)
        put_record(case, RecordKind.INJECT, updated, moment)
        changed.append(updated)
        return {"inject": updated.uid, "number": updated.number, "status": updated.status.value}

    change_case(ws, ident, f"exercise.{action}", change, now=now)
    return changed[0]


def deliver(
    ws: Workspace,
    ident: str,
    key: str,
    *,
    by: str | None,
    package_id: str | None = None,
    now: datetime | None = None,
) -> Inject:
    """Record an inject as delivered now (real and scenario time) by ``by``."""

    def apply(inject: Inject, clock: ExerciseClock, moment: datetime) -> Inject:
        return conduct.deliver(inject, clock, moment, by, package_id=package_id)

    return _inject_change(ws, ident, key, "deliver", apply, now=now)


def hold(ws: Workspace, ident: str, key: str, *, reason: str | None, now: datetime | None = None) -> Inject:
    """Hold an inject back (it is no longer due) with the reason."""
    return _inject_change(ws, ident, key, "hold", lambda item, clock, _: conduct.hold(item, clock, reason), now=now)


def release(ws: Workspace, ident: str, key: str, *, reason: str | None = None, now: datetime | None = None) -> Inject:
    """Plan a held inject again."""
    return _inject_change(
        ws, ident, key, "release", lambda item, clock, _: conduct.release(item, clock, reason), now=now
    )


def skip(ws: Workspace, ident: str, key: str, *, reason: str | None, now: datetime | None = None) -> Inject:
    """Leave an inject out of play, with the reason."""
    return _inject_change(ws, ident, key, "skip", lambda item, clock, _: conduct.skip(item, clock, reason), now=now)


def add_inject(
    ws: Workspace, ident: str, data: Mapping[str, Any], *, reason: str | None = None, now: datetime | None = None
) -> Inject:
    """Add an inject to the MSEL. During play it is marked as added in play and needs the reason; before the start
    (and after the end, recording what happened) it is an ordinary inject."""
    added: list[Inject] = []

    def change(store: CaseStore, case: Case, moment: datetime) -> dict[str, Any]:
        _controller_only(case)
        inject = make_record(RecordKind.INJECT, data)
        clock = case.clock
        if clock.in_play:
            inject = conduct.added_in_play(inject, clock, reason)
        put_record(case, RecordKind.INJECT, inject, moment)
        added.append(inject)
        return {"inject": inject.uid, "number": inject.number, "in_play": clock.in_play}

    change_case(ws, ident, "exercise.add-inject", change, now=now)
    return added[0]


def respond(
    ws: Workspace,
    ident: str,
    key: str,
    text: str,
    *,
    by: str | None,
    at: datetime | str | None = None,
    now: datetime | None = None,
) -> Inject:
    """Record the players' response to a delivered inject (the observed action, when and by whom). The controller
    records responses of players in the room; a partner records its own in its copy and sends them back."""
    when = parse_time(at, "the response time") if at is not None else None

    def apply(inject: Inject, clock: ExerciseClock, moment: datetime) -> Inject:
        return conduct.respond(inject, when or moment, by, text)

    return _inject_change(ws, ident, key, "response", apply, controller=False, now=now)
