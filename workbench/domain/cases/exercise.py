"""Exercise cases: what an after-action report and improvement plan (HSEEP structure) need.

The exercise's name is the case title. The field declarations below are the one list of exercise fields.
"""

# spec() returns a dataclasses.field, which ruff's RUF009 cannot see.
# ruff: noqa: RUF009

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from workbench.domain.cases.fields import FieldKind, spec
from workbench.domain.cases.vocab import (
    CapabilityElement,
    ExerciseType,
    MissionArea,
    ObservationKind,
    ParticipantRole,
    Rating,
)
from workbench.domain.errors import InvalidInput

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
    """A scenario inject: planned and actual time, from whom to whom, and what was expected and observed."""

    uid: str = ""
    number: str | None = spec("Inject number", aliases=("id",))
    planned_at: datetime = spec("Planned time", "", K.TIME, required=True, aliases=("planned",))
    actual_at: datetime | None = spec("Actual time", "", K.TIME, aliases=("actual",))
    sender: str | None = spec("From", aliases=("from",))
    recipient: str | None = spec("To", aliases=("to",))
    description: str = spec("Description", "", K.NOTE, required=True)
    expected_action: str | None = spec("Expected action", "", K.NOTE)
    observed_action: str | None = spec("Observed action", "", K.NOTE)


@dataclass(frozen=True)
class Observation:
    """A strength or an area for improvement, with its analysis (root cause) and recommendation."""

    uid: str = ""
    kind: ObservationKind = spec("Kind", "", K.CHOICE, ObservationKind, required=True, aliases=("type",))
    title: str = spec("Observation", "", required=True)
    capability: str | None = spec("Capability")
    description: str | None = spec("Description", "", K.NOTE)
    reference: str | None = spec("Reference", help="the plan, policy or procedure the observation refers to")
    analysis: str | None = spec("Analysis (root cause)", "", K.NOTE)
    recommendation: str | None = spec("Recommendation", "", K.NOTE)


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

    def checked(self) -> ImprovementItem:
        if self.start_date and self.completion_date and self.completion_date < self.start_date:
            raise InvalidInput("an improvement item cannot be completed before it starts")
        return self
