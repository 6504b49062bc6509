"""Conducting an exercise: the exercise clock and the master scenario events list (MSEL) during play.

The clock is the controller's actions (``ClockEvent`` records: start, pause, resume, jump, speed, end) replayed in
order. Between two actions scenario time runs at the speed of the last one while the exercise is in play and
stands still while it is paused; a jump moves scenario time forward at once. Every action records the real time it
happened and the scenario time right after it, so the clock needs no state besides its records, and replaying
them in another workspace (a partner's copy of the exercise) gives the same times.

Nothing here reads the computer's clock: every function takes ``now``, so tests run the clock with fixed times.

An inject is due when scenario time reaches its ``due_at``; the next inject is the planned (not held) one due
first. Its countdown is the real time left at the current speed: two scenario hours at speed 4 are 30 minutes.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from pytimeparse import parse as parse_seconds

from workbench.domain.cases.exercise import ClockEvent, Inject

if TYPE_CHECKING:
    from workbench.domain.cases.case import Case
from workbench.domain.cases.fields import format_utc, from_dict, with_changes
from workbench.domain.cases.vocab import ClockAction, ConductState, InjectStatus
from workbench.domain.errors import InvalidInput

#: The speed factors a controller may set: from a tenth of real time to a scenario day a real minute.
MIN_SPEED = 0.1
MAX_SPEED = 1440.0

_IN_PLAY = (ConductState.RUNNING, ConductState.PAUSED)


def _ms(delta: timedelta) -> timedelta:
    """A duration cut to whole milliseconds, the precision every stored time has."""
    return timedelta(milliseconds=int(delta / timedelta(milliseconds=1)))


@dataclass(frozen=True)
class ClockReading:
    """The clock as the window shows it at one real time."""

    state: ConductState
    real: datetime
    scenario: datetime | None
    speed: float
    in_play: timedelta


@dataclass(frozen=True)
class ExerciseClock:
    """The state of the clock after some actions; ``replay`` builds it, ``apply`` adds one action.

    ``real_anchor``/``scenario_anchor`` are the real and scenario times of the last action; ``played`` the real
    time spent in play (not paused) up to it.
    """

    state: ConductState = ConductState.NOT_STARTED
    real_anchor: datetime | None = None
    scenario_anchor: datetime | None = None
    speed: float = 1.0
    started_at: datetime | None = None
    ended_at: datetime | None = None
    scenario_started: datetime | None = None
    played: timedelta = timedelta(0)

    @property
    def in_play(self) -> bool:
        return self.state in _IN_PLAY

    def scenario_at(self, real: datetime) -> datetime | None:
        """Scenario time at real time ``real`` (None before the start). A real time before the last action reads
        as that action's scenario time: the clock never runs backwards."""
        if self.state is ConductState.NOT_STARTED or self.scenario_anchor is None or self.real_anchor is None:
            return None
        if self.state is not ConductState.RUNNING or real <= self.real_anchor:
            return self.scenario_anchor
        return self.scenario_anchor + _ms((real - self.real_anchor) * self.speed)

    def time_in_play(self, real: datetime) -> timedelta:
        """Real time spent in play (pauses left out) up to ``real``."""
        if self.state is ConductState.RUNNING and self.real_anchor is not None and real > self.real_anchor:
            return self.played + (real - self.real_anchor)
        return self.played

    def reading(self, now: datetime) -> ClockReading:
        return ClockReading(self.state, now, self.scenario_at(now), self.speed, self.time_in_play(now))

    def real_time_until(self, scenario: datetime, now: datetime) -> timedelta | None:
        """Real time left until scenario time reaches ``scenario`` at the current speed (negative once past);
        None before the start and after the end."""
        current = self.scenario_at(now)
        if current is None or not self.in_play:
            return None
        return _ms((scenario - current) / self.speed)

    def apply(self, event: ClockEvent) -> ExerciseClock:
        """The clock after ``event``; ``InvalidInput`` if the action does not fit the state (pausing a paused
        exercise, a jump backwards, an action dated before the previous one)."""
        action = event.action
        if self.real_anchor is not None and event.at < self.real_anchor:
            raise InvalidInput(
                f"the clock cannot be {action.label.lower()} at {format_utc(event.at)}, before its last action "
                f"({format_utc(self.real_anchor)})"
            )
        if not MIN_SPEED <= event.speed <= MAX_SPEED:
            raise InvalidInput(f"the speed must be from {MIN_SPEED:g} to {MAX_SPEED:g} (scenario minutes a minute)")
        state = self.state
        if action is ClockAction.START:
            if state is not ConductState.NOT_STARTED:
                raise InvalidInput(f"the exercise has started already ({format_utc(self.started_at or event.at)})")
            return ExerciseClock(
                ConductState.RUNNING,
                event.at,
                event.scenario_at,
                event.speed,
                started_at=event.at,
                scenario_started=event.scenario_at,
            )
        if state is ConductState.NOT_STARTED:
            raise InvalidInput("the exercise has not started")
        if state is ConductState.ENDED:
            raise InvalidInput(f"the exercise ended at {format_utc(self.ended_at or event.at)}")
        played = self.time_in_play(event.at)
        current = self.scenario_at(event.at)
        assert current is not None
        if action is ClockAction.PAUSE:
            if state is ConductState.PAUSED:
                raise InvalidInput("the exercise is paused already")
            return replace(
                self, state=ConductState.PAUSED, real_anchor=event.at, scenario_anchor=current, played=played
            )
        if action is ClockAction.RESUME:
            if state is not ConductState.PAUSED:
                raise InvalidInput("the exercise is not paused")
            return replace(self, state=ConductState.RUNNING, real_anchor=event.at, played=played)
        if action is ClockAction.JUMP:
            if event.scenario_at <= current:
                raise InvalidInput(
                    f"scenario time only jumps forward: it is {format_utc(current)}, the jump is to "
                    f"{format_utc(event.scenario_at)}"
                )
            return replace(self, real_anchor=event.at, scenario_anchor=event.scenario_at, played=played)
        if action is ClockAction.SPEED:
            return replace(self, real_anchor=event.at, scenario_anchor=current, speed=event.speed, played=played)
        assert action is ClockAction.END
        return replace(
            self,
            state=ConductState.ENDED,
            real_anchor=event.at,
            scenario_anchor=current,
            played=played,
            ended_at=event.at,
        )


def replay(events: Iterable[ClockEvent]) -> ExerciseClock:
    """The clock after every action, in the order of their real times; refuses a sequence that does not fit."""
    clock = ExerciseClock()
    for event in sorted(events, key=lambda item: item.at):
        clock = clock.apply(event)
    return clock


def clock_event(
    clock: ExerciseClock,
    action: ClockAction | str,
    now: datetime,
    *,
    scenario: datetime | None = None,
    advance: timedelta | None = None,
    speed: float | None = None,
    by: str | None = None,
    reason: str | None = None,
) -> ClockEvent:
    """The record of one controller action at real time ``now``, checked against the clock.

    ``start`` takes the scenario start (``scenario``, default ``now``) and a speed (default 1); ``jump`` takes
    either the scenario time to jump to or how far to ``advance``; ``speed`` the new factor. The event's scenario
    time is what the clock reads right after the action.
    """
    action = ClockAction.parse(action)
    current = clock.scenario_at(now)
    if action is ClockAction.START:
        target = scenario or now
    elif action is ClockAction.JUMP:
        if (scenario is None) == (advance is None):
            raise InvalidInput("a jump needs either the scenario time to jump to or how far to advance")
        if current is None:
            raise InvalidInput("the exercise has not started")
        target = scenario if scenario is not None else current + (advance or timedelta(0))
    else:
        target = current or now
    if action is ClockAction.SPEED and speed is None:
        raise InvalidInput("give the new speed (scenario minutes a real minute)")
    if action is ClockAction.SPEED and speed == clock.speed:
        raise InvalidInput(f"the clock runs at speed {clock.speed:g} already")
    data: dict[str, Any] = {
        "action": action.value,
        "at": now,
        "scenario_at": target,
        "speed": speed if speed is not None else clock.speed,
        "by": by,
        "reason": reason,
    }
    event = from_dict(ClockEvent, data, "a clock action", extra={"uid": str(uuid.uuid4())})
    clock.apply(event)  # refuses an action that does not fit the state
    return event


def parse_duration(text: str) -> timedelta:
    """A positive duration as people type it: ``90m``, ``2h``, ``1h30m``, ``1d6h``, ``2 hours``."""
    seconds = parse_seconds(text.strip()) if isinstance(text, str) else None
    if seconds is None or seconds <= 0:
        raise InvalidInput(f"{text!r} is not a duration: write e.g. 90m, 2h or 1d6h")
    return timedelta(seconds=seconds)


def format_duration(delta: timedelta) -> str:
    """``1:05:09`` (hours, minutes, seconds; days as hours), the sign left to the caller."""
    seconds = int(abs(delta).total_seconds())
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"


# -- the master scenario events list -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MselRow:
    """An inject as conduct mode lists it: due time, whether it is the next one, and its countdown."""

    inject: Inject
    due_at: datetime
    is_next: bool
    countdown: timedelta | None

    @property
    def overdue(self) -> bool:
        return self.countdown is not None and self.countdown < timedelta(0)


def msel_order(injects: Iterable[Inject]) -> list[Inject]:
    """Injects in the order they are due (then by number, then as entered)."""
    listed = list(injects)
    return sorted(listed, key=lambda item: (item.due_at, item.number or "", listed.index(item)))


def next_due(injects: Iterable[Inject]) -> Inject | None:
    """The planned inject due first; held, skipped and delivered ones are not due."""
    return next((item for item in msel_order(injects) if item.status is InjectStatus.PLANNED), None)


def msel(injects: Iterable[Inject], clock: ExerciseClock, now: datetime) -> list[MselRow]:
    """Every inject in due order, the next one marked, with its countdown when the exercise is in play."""
    ordered = msel_order(injects)
    upcoming = next_due(ordered)
    rows = []
    for inject in ordered:
        pending = inject.status is InjectStatus.PLANNED
        countdown = clock.real_time_until(inject.due_at, now) if pending else None
        rows.append(MselRow(inject, inject.due_at, inject is upcoming, countdown))
    return rows


def _in_play(clock: ExerciseClock, what: str) -> None:
    if clock.state is ConductState.NOT_STARTED:
        raise InvalidInput(f"start the exercise before {what}")
    if clock.state is ConductState.ENDED:
        raise InvalidInput(f"the exercise has ended: no more {what}")


def _reason(reason: str | None, what: str) -> str:
    if reason is None or not reason.strip():
        raise InvalidInput(f"give the reason {what}")
    return reason


def deliver(
    inject: Inject, clock: ExerciseClock, now: datetime, by: str | None, *, package_id: str | None = None
) -> Inject:
    """The inject delivered at real time ``now`` (and the scenario time the clock reads then) by ``by``."""
    _in_play(clock, "delivering injects")
    if inject.status is InjectStatus.DELIVERED:
        raise InvalidInput(f"{inject.label} was delivered already ({format_utc(inject.actual_at or now)})")
    if inject.status is InjectStatus.SKIPPED:
        raise InvalidInput(f"{inject.label} was skipped; add it again to deliver it")
    changes = {
        "status": InjectStatus.DELIVERED.value,
        "actual_at": now,
        "delivered_scenario_at": clock.scenario_at(now),
        "delivered_by": by,
        "package_id": package_id,
    }
    return with_changes(inject, changes, "an inject")


def hold(inject: Inject, clock: ExerciseClock, reason: str | None) -> Inject:
    """The inject held back (not due until released), with the reason."""
    _in_play(clock, "holding injects")
    if inject.status is not InjectStatus.PLANNED:
        raise InvalidInput(f"only a planned inject can be held; {inject.label} is {inject.status.label.lower()}")
    return with_changes(
        inject, {"status": InjectStatus.HELD.value, "status_reason": _reason(reason, "for holding it")}, "an inject"
    )


def release(inject: Inject, clock: ExerciseClock, reason: str | None = None) -> Inject:
    """A held inject planned again (due at its scenario time); the reason, if given, replaces the hold's."""
    _in_play(clock, "releasing injects")
    if inject.status is not InjectStatus.HELD:
        raise InvalidInput(f"{inject.label} is not held")
    return with_changes(inject, {"status": InjectStatus.PLANNED.value, "status_reason": reason}, "an inject")


def skip(inject: Inject, clock: ExerciseClock, reason: str | None) -> Inject:
    """The inject not delivered at all, with the reason."""
    _in_play(clock, "skipping injects")
    if inject.status not in (InjectStatus.PLANNED, InjectStatus.HELD):
        raise InvalidInput(f"{inject.label} is {inject.status.label.lower()}; it cannot be skipped")
    return with_changes(
        inject, {"status": InjectStatus.SKIPPED.value, "status_reason": _reason(reason, "for skipping it")}, "an inject"
    )


def added_in_play(inject: Inject, clock: ExerciseClock, reason: str | None) -> Inject:
    """A new inject written during play, marked as such with the reason it was added."""
    _in_play(clock, "adding injects")
    return with_changes(
        inject,
        {"added_in_play": True, "status_reason": _reason(reason, "for adding an inject during play")},
        "an inject",
    )


def respond(inject: Inject, at: datetime, by: str | None, text: str | None) -> Inject:
    """The players' response to a delivered inject: the observed action, when and by whom."""
    if inject.status is not InjectStatus.DELIVERED:
        raise InvalidInput(f"{inject.label} has not been delivered; there is nothing to respond to")
    if text is None or not text.strip():
        raise InvalidInput("the response is empty: say what was done")
    return with_changes(inject, {"observed_action": text, "responded_at": at, "responded_by": by}, "an inject")


# -- copies of an exercise -----------------------------------------------------------------------------------------


def keep_local_records(local: Case, incoming: Case) -> Case:
    """A newer version of an exercise arriving from its controller, keeping what this workspace recorded in its
    copy that the controller does not have yet: evaluators' observations, and responses to injects."""
    from workbench.domain.cases.case import RecordKind

    arriving = {note.uid for note in incoming.of(RecordKind.EEG_OBSERVATION)}
    kept = [note for note in local.of(RecordKind.EEG_OBSERVATION) if note.uid not in arriving]
    if kept:
        incoming.records.setdefault(RecordKind.EEG_OBSERVATION, []).extend(kept)
        incoming.stamps.update({note.uid: local.stamps[note.uid] for note in kept if note.uid in local.stamps})
    answered = {item.uid: item for item in local.of(RecordKind.INJECT) if item.observed_action}
    injects = incoming.of(RecordKind.INJECT)
    for index, inject in enumerate(injects):
        mine = answered.get(inject.uid)
        if mine is not None and not inject.observed_action:
            injects[index] = replace(
                inject,
                observed_action=mine.observed_action,
                responded_at=mine.responded_at,
                responded_by=mine.responded_by,
            )
    return incoming
