"""Exercise cases: what an after-action report and improvement plan (HSEEP structure) need, and what conducting
the exercise records (the clock, the master scenario events list, evaluation guides and evaluators' observations).

The exercise's name is the case title. The field declarations below are the one list of exercise fields. Records
refer to each other by uid (``FieldKind.REF``/``REFS``); ``case.check_case`` checks that those records exist.
"""

# spec() returns a dataclasses.field, which ruff's RUF009 cannot see.
# ruff: noqa: RUF009

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from workbench.domain.cases.fields import FieldKind, format_utc, spec
from workbench.domain.cases.vocab import (
    CapabilityElement,
    ClockAction,
    ExerciseType,
    InjectMethod,
    InjectStatus,
    MissionArea,
    ObservationKind,
    ParticipantRole,
    Rating,
)
from workbench.domain.errors import InvalidInput
from workbench.domain.ids import is_stix_id

#: Workspaces on separate machines have separate clocks: a response recorded this much before the inject's
#: delivery is a clock difference, not a mistake.
CLOCK_SKEW = timedelta(minutes=5)

OVERVIEW = "Exercise overview"
SCOPE = "Scope"
K = FieldKind


@dataclass(frozen=True)
class ExerciseOverview:
    """The overview block of the after-action report."""

    starts_at: datetime | None = spec("Start", OVERVIEW, K.TIME, aliases=("start",))
    ends_at: datetime | None = spec("End", OVERVIEW, K.TIME, aliases=("end",))
    time_in_play: int | None = spec(
        "Time in play (minutes)",
        OVERVIEW,
        K.COUNT,
        aliases=("play_minutes",),
        help="how long the exercise was in play, breaks and nights left out (the report's duration)",
    )
    exercise_type: ExerciseType | None = spec("Type", SCOPE, K.CHOICE, ExerciseType, aliases=("type",))
    scope: str | None = spec("Scope", SCOPE, K.NOTE)
    location: str | None = spec("Location", SCOPE)
    limits_of_play: str | None = spec("Limits of play", SCOPE, K.NOTE)
    mission_areas: list[MissionArea] = spec("Mission areas", SCOPE, K.CHOICES, MissionArea)
    threat_hazard: str | None = spec("Threat or hazard", SCOPE, aliases=("threat",))
    scenario: str | None = spec("Scenario summary", SCOPE, K.NOTE)
    sponsor: str | None = spec("Sponsor", OVERVIEW)
    point_of_contact: str | None = spec("Point of contact", OVERVIEW)

    def checked(self) -> ExerciseOverview:
        if self.starts_at is not None and self.ends_at is not None:
            if self.ends_at < self.starts_at:
                raise InvalidInput("the exercise ends before it starts")
            window = int((self.ends_at - self.starts_at).total_seconds() // 60)
            if self.time_in_play is not None and self.time_in_play > window:
                raise InvalidInput(
                    f"the time in play ({self.time_in_play:,} minutes) is longer than from the exercise's start to "
                    f"its end ({window:,} minutes)"
                )
        return self


@dataclass(frozen=True)
class Participant:
    """A participating organisation; third-party observers (a partner agency) have their own role."""

    uid: str = ""
    organisation: str = spec("Organisation", "", required=True, aliases=("name",))
    role: ParticipantRole = spec("Role", "", K.CHOICE, ParticipantRole, default=ParticipantRole.PLAYER)
    contact: str | None = spec("Contact")
    country: str | None = spec("Country")


@dataclass(frozen=True)
class Objective:
    """An exercise objective with the capability it tests and the rating it earned."""

    uid: str = ""
    objective: str = spec("Objective", "", K.NOTE, required=True, aliases=("text", "title"))
    capability: str | None = spec("Capability")
    rating: Rating | None = spec("Rating", "", K.CHOICE, Rating)
    rationale: str | None = spec("Rating rationale", "", K.NOTE)


@dataclass(frozen=True)
class Inject:
    """A scenario inject of the master scenario events list (MSEL): when it is due, from whom to whom and how, what
    the players are expected to do; during play, whether it was delivered (real and scenario time, by whom), held
    or skipped (with the reason), and the players' response (the observed action, when and by whom).

    ``scenario_at`` is when in the scenario the inject is due; without it the planned time is (the scenario clock
    starts at the exercise's start unless the controller says otherwise)."""

    uid: str = ""
    number: str | None = spec("Inject number", aliases=("id",))
    planned_at: datetime = spec("Planned time", "", K.TIME, required=True, aliases=("planned",))
    scenario_at: datetime | None = spec(
        "Planned scenario time", "", K.TIME, aliases=("scenario",), help="when in the scenario the inject is due"
    )
    actual_at: datetime | None = spec("Delivered (real time)", "", K.TIME, aliases=("actual", "delivered_at"))
    delivered_scenario_at: datetime | None = spec("Delivered (scenario time)", "", K.TIME)
    delivered_by: str | None = spec("Delivered by")
    sender: str | None = spec("From", aliases=("from",))
    recipient: str | None = spec("To", aliases=("to",))
    method: InjectMethod | None = spec("Method", "", K.CHOICE, InjectMethod, aliases=("mode",))
    description: str = spec("Description", "", K.NOTE, required=True)
    expected_action: str | None = spec("Expected action", "", K.NOTE)
    status: InjectStatus = spec("Status", "", K.CHOICE, InjectStatus, default=InjectStatus.PLANNED)
    status_reason: str | None = spec(
        "Reason", "", K.NOTE, aliases=("reason",), help="why the inject was held, skipped or added during play"
    )
    added_in_play: bool | None = spec("Added during play", "", K.FLAG)
    package_id: str | None = spec("Delivered in package", help="the exchange package that carried it to a partner")
    observed_action: str | None = spec("Observed action", "", K.NOTE, aliases=("response",))
    responded_at: datetime | None = spec("Response time", "", K.TIME)
    responded_by: str | None = spec("Responded by")

    @property
    def due_at(self) -> datetime:
        """The scenario time at which the inject is due."""
        return self.scenario_at or self.planned_at

    @property
    def label(self) -> str:
        return f"inject {self.number}" if self.number else "the inject"

    def checked(self) -> Inject:
        # An inject recorded afterwards with its actual time (the way exercises were recorded before conduct mode)
        # was delivered.
        if self.actual_at is not None and self.status is InjectStatus.PLANNED:
            return dataclasses.replace(self, status=InjectStatus.DELIVERED).checked()
        if self.status is InjectStatus.DELIVERED and self.actual_at is None:
            raise InvalidInput(f"{self.label} is delivered but has no delivery time")
        if self.status in (InjectStatus.HELD, InjectStatus.SKIPPED) and not self.status_reason:
            raise InvalidInput(f"{self.label} is {self.status.label.lower()} without a reason")
        if self.responded_at is not None:
            if self.actual_at is None:
                raise InvalidInput(f"{self.label} has a response but was never delivered")
            if self.responded_at < self.actual_at - CLOCK_SKEW:
                raise InvalidInput(
                    f"the response to {self.label} ({format_utc(self.responded_at)}) comes before it was delivered "
                    f"({format_utc(self.actual_at)})"
                )
        return self


@dataclass(frozen=True)
class Observation:
    """A finding: a strength or an area for improvement, with its analysis (root cause) and recommendation, the
    objective it is about and the evaluators' observations it came from."""

    uid: str = ""
    kind: ObservationKind = spec("Kind", "", K.CHOICE, ObservationKind, required=True, aliases=("type",))
    title: str = spec("Observation", "", required=True)
    capability: str | None = spec("Capability")
    objective: str | None = spec("Objective", "", K.REF)
    description: str | None = spec("Description", "", K.NOTE)
    reference: str | None = spec("Reference", help="the plan, policy or procedure the observation refers to")
    analysis: str | None = spec("Analysis (root cause)", "", K.NOTE)
    recommendation: str | None = spec("Recommendation", "", K.NOTE)
    based_on: list[str] = spec(
        "Based on observations", "", K.REFS, help="the evaluators' observations this finding comes from"
    )


@dataclass(frozen=True)
class ImprovementItem:
    """A row of the improvement plan matrix."""

    uid: str = ""
    capability: str = spec("Capability", required=True)
    issue: str = spec("Issue or area for improvement", required=True)
    corrective_action: str = spec("Corrective action", "", K.NOTE, required=True)
    capability_element: CapabilityElement = spec(
        "Capability element", "", K.CHOICE, CapabilityElement, required=True, aliases=("element",)
    )
    responsible_org: str | None = spec("Responsible organisation", aliases=("responsible_organization",))
    contact: str | None = spec("Point of contact")
    start_date: date | None = spec("Start date", "", K.DATE)
    completion_date: date | None = spec("Completion date", "", K.DATE)
    answers: list[str] = spec(
        "Answers areas for improvement", "", K.REFS, help="the areas for improvement this corrective action answers"
    )

    def checked(self) -> ImprovementItem:
        if self.start_date and self.completion_date and self.completion_date < self.start_date:
            raise InvalidInput("an improvement item cannot be completed before it starts")
        return self


@dataclass(frozen=True)
class CriticalTask:
    """A critical task of an objective's exercise evaluation guide, with the performance measures it is judged by."""

    uid: str = ""
    objective: str = spec("Objective", "", K.REF, required=True)
    number: str | None = spec("Task number")
    task: str = spec("Critical task", "", K.NOTE, required=True, aliases=("text", "title"))
    measures: str | None = spec("Performance measures", "", K.NOTE, help="one measure a line")


@dataclass(frozen=True)
class EvaluatorObservation:
    """What an evaluator saw, recorded during play against an objective and, usually, one of its critical tasks:
    the text, a rating suggestion and optional evidence (an object of the workspace, or a file kept in it)."""

    uid: str = ""
    at: datetime = spec("Recorded at", "", K.TIME, required=True)
    scenario_at: datetime | None = spec("Scenario time", "", K.TIME)
    evaluator: str | None = spec("Evaluator")
    organisation: str | None = spec("Organisation", help="the evaluator's organisation")
    objective: str = spec("Objective", "", K.REF, required=True)
    task: str | None = spec("Critical task", "", K.REF)
    text: str = spec("Observation", "", K.NOTE, required=True, aliases=("observation",))
    rating: Rating | None = spec("Rating suggestion", "", K.CHOICE, Rating)
    evidence_ref: str | None = spec("Evidence", help="the STIX id of an object or of a file kept in the workspace")
    evidence_name: str | None = spec("Evidence file name")

    def checked(self) -> EvaluatorObservation:
        if self.evidence_ref is not None and not is_stix_id(self.evidence_ref):
            raise InvalidInput(f"evidence {self.evidence_ref!r} is not a STIX id")
        return self


@dataclass(frozen=True)
class ClockEvent:
    """One action on the exercise clock: the real time it happened, the scenario time right after it, the speed
    from then on, who did it and why. ``conduct.ExerciseClock`` replays these."""

    uid: str = ""
    action: ClockAction = spec("Clock action", "", K.CHOICE, ClockAction, required=True)
    at: datetime = spec("Real time", "", K.TIME, required=True)
    scenario_at: datetime = spec("Scenario time", "", K.TIME, required=True)
    speed: float = spec("Speed", "", K.NUMBER, default=1.0, help="scenario minutes per real minute")
    by: str | None = spec("By")
    reason: str | None = spec("Reason", "", K.NOTE)
