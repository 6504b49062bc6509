"""A case as a whole: its header, the fields of its kind, its records, and the rules across them.

Rules that involve more than one record live here: a stage is never submitted before the time of awareness (nor
in the future), an inject never happens before the exercise starts, and records fit the kind of case.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from workbench.domain.cases import conduct
from workbench.domain.cases.exercise import (
    ClockEvent,
    CriticalTask,
    EvaluatorObservation,
    ExerciseOverview,
    ImprovementItem,
    Inject,
    Objective,
    Observation,
    Participant,
)
from workbench.domain.cases.fields import MAX_TEXT, clean_text, format_utc, from_dict, parse_uid, with_changes
from workbench.domain.cases.incident import IncidentDetails, StageSubmission, Task, TimelineEvent
from workbench.domain.cases.nis2 import sector_for_subsector_alias
from workbench.domain.cases.vocab import (
    CaseKind,
    ExerciseStatus,
    IncidentStatus,
    ObservationKind,
    Vocab,
    vocabulary,
)
from workbench.domain.errors import InvalidInput
from workbench.domain.tlp import Tlp

# A stage recorded as submitted a little ahead of this computer's clock is a clock difference, not a mistake.
CLOCK_TOLERANCE = timedelta(minutes=5)


@vocabulary(
    "record kind",
    {
        "events": "event",
        "tasks": "task",
        "stages": "stage",
        "participants": "participant",
        "objectives": "objective",
        "injects": "inject",
        "observations": "observation",
        "improvements": "improvement",
        "improvement-plan": "improvement",
        "critical-tasks": "critical-task",
        "tasks-critical": "critical-task",
        "eeg-observations": "eeg-observation",
        "evaluator-observation": "eeg-observation",
        "clock-events": "clock",
    },
)
class RecordKind(Vocab):
    EVENT = ("event", "Timeline event")
    TASK = ("task", "Task")
    STAGE = ("stage", "Stage submission")
    PARTICIPANT = ("participant", "Participating organisation")
    OBJECTIVE = ("objective", "Objective")
    INJECT = ("inject", "Inject")
    OBSERVATION = ("observation", "Observation")
    IMPROVEMENT = ("improvement", "Improvement plan item")
    CRITICAL_TASK = ("critical-task", "Critical task")
    EEG_OBSERVATION = ("eeg-observation", "Evaluator observation")
    CLOCK = ("clock", "Clock action")

    @property
    def record_class(self) -> type:
        return RECORD_CLASSES[self]

    @property
    def plural(self) -> str:
        return self.value + "s"


RECORD_CLASSES: dict[RecordKind, type] = {
    RecordKind.EVENT: TimelineEvent,
    RecordKind.TASK: Task,
    RecordKind.STAGE: StageSubmission,
    RecordKind.PARTICIPANT: Participant,
    RecordKind.OBJECTIVE: Objective,
    RecordKind.INJECT: Inject,
    RecordKind.OBSERVATION: Observation,
    RecordKind.IMPROVEMENT: ImprovementItem,
    RecordKind.CRITICAL_TASK: CriticalTask,
    RecordKind.EEG_OBSERVATION: EvaluatorObservation,
    RecordKind.CLOCK: ClockEvent,
}

RECORD_KINDS: dict[CaseKind, tuple[RecordKind, ...]] = {
    CaseKind.INCIDENT: (RecordKind.EVENT, RecordKind.TASK, RecordKind.STAGE),
    CaseKind.EXERCISE: (
        RecordKind.PARTICIPANT,
        RecordKind.OBJECTIVE,
        RecordKind.INJECT,
        RecordKind.OBSERVATION,
        RecordKind.IMPROVEMENT,
        RecordKind.EVENT,
        RecordKind.TASK,
        RecordKind.CRITICAL_TASK,
        RecordKind.EEG_OBSERVATION,
        RecordKind.CLOCK,
    ),
}


def new_uid() -> str:
    return str(uuid.uuid4())


def check_uid(value: object) -> str:
    """A record's uid: a UUID in its canonical lower-case form."""
    return parse_uid(value)


def make_record(kind: RecordKind, data: Mapping[str, Any], *, uid: str | None = None) -> Any:
    """A record of ``kind`` from a mapping of field keys; its uid from ``uid``, the mapping, or a new one."""
    if not isinstance(data, Mapping):
        raise InvalidInput(f"a {kind.label.lower()} must be a JSON object")
    uid = check_uid(uid or data.get("uid") or new_uid())
    return from_dict(kind.record_class, data, kind.label.lower(), extra={"uid": uid})


def parse_status(kind: CaseKind, text: object) -> IncidentStatus | ExerciseStatus:
    if kind is CaseKind.INCIDENT:
        return IncidentStatus.parse(text)
    return ExerciseStatus.parse(text)


def initial_status(kind: CaseKind) -> IncidentStatus | ExerciseStatus:
    return IncidentStatus.NEW if kind is CaseKind.INCIDENT else ExerciseStatus.PLANNED


def check_title(value: object) -> str:
    title = clean_text(value, "the title", multiline=False, limit=MAX_TEXT) if value is not None else ""
    if not title:
        raise InvalidInput("the title is empty")
    return title


def incident_input(data: Mapping[str, Any]) -> dict[str, Any]:
    """Incident field input with a sub-sector named as a sector filled in: ``sector=telecommunications`` means the
    electronic communications sub-sector of digital infrastructure."""
    prepared = dict(data)
    sector = prepared.get("sector")
    if isinstance(sector, str) and not prepared.get("subsector"):
        alias = sector_for_subsector_alias(sector)
        if alias is not None:
            prepared["sector"], prepared["subsector"] = alias[0].value, alias[1]
    return prepared


def change_details(
    details: IncidentDetails | ExerciseOverview, changes: Mapping[str, Any]
) -> IncidentDetails | ExerciseOverview:
    """The case's fields with some changed. A new sector without a sub-sector clears the old sub-sector (it
    belonged to the old sector); ``sector=telecommunications`` sets both, as at creation."""
    if isinstance(details, IncidentDetails):
        prepared = incident_input(changes)
        if "sector" in prepared and "subsector" not in prepared:
            prepared["subsector"] = None
        return with_changes(details, prepared, "an incident")
    return with_changes(details, changes, "an exercise overview")


def make_incident_details(data: Mapping[str, Any]) -> IncidentDetails:
    return from_dict(IncidentDetails, incident_input(data), "an incident")


def make_exercise_overview(data: Mapping[str, Any]) -> ExerciseOverview:
    return from_dict(ExerciseOverview, data, "an exercise overview")


@dataclass
class Case:
    """A case with everything it holds. ``records`` keeps each kind's records in their order."""

    ref: str
    kind: CaseKind
    title: str
    status: IncidentStatus | ExerciseStatus
    tlp: Tlp | None
    description: str
    stix_id: str
    created: datetime
    modified: datetime
    creator_ref: str
    origin: str = "local"
    #: Incidents: the grouping that references the incident, its events and tasks, and the linked objects.
    grouping_ref: str | None = None
    origin_ref: str | None = None
    incident: IncidentDetails | None = None
    exercise: ExerciseOverview | None = None
    records: dict[RecordKind, list[Any]] = field(default_factory=dict)
    linked: list[str] = field(default_factory=list)
    #: When each record (by uid) was created and last changed; STIX objects made from records carry these times.
    stamps: dict[str, tuple[datetime, datetime]] = field(default_factory=dict)

    def of(self, kind: RecordKind) -> list[Any]:
        return self.records.get(kind, [])

    @property
    def events(self) -> list[TimelineEvent]:
        return sorted(self.of(RecordKind.EVENT), key=lambda item: item.at)

    @property
    def tasks(self) -> list[Task]:
        return list(self.of(RecordKind.TASK))

    @property
    def stages(self) -> list[StageSubmission]:
        return sorted(self.of(RecordKind.STAGE), key=lambda item: item.submitted_at)

    @property
    def participants(self) -> list[Participant]:
        return list(self.of(RecordKind.PARTICIPANT))

    @property
    def objectives(self) -> list[Objective]:
        return list(self.of(RecordKind.OBJECTIVE))

    @property
    def injects(self) -> list[Inject]:
        return sorted(self.of(RecordKind.INJECT), key=lambda item: item.planned_at)

    @property
    def observations(self) -> list[Observation]:
        return list(self.of(RecordKind.OBSERVATION))

    @property
    def improvements(self) -> list[ImprovementItem]:
        return list(self.of(RecordKind.IMPROVEMENT))

    @property
    def critical_tasks(self) -> list[CriticalTask]:
        return list(self.of(RecordKind.CRITICAL_TASK))

    @property
    def evaluator_observations(self) -> list[EvaluatorObservation]:
        return sorted(self.of(RecordKind.EEG_OBSERVATION), key=lambda item: (item.at, item.uid))

    @property
    def clock_events(self) -> list[ClockEvent]:
        return sorted(self.of(RecordKind.CLOCK), key=lambda item: item.at)

    @property
    def clock(self) -> conduct.ExerciseClock:
        """The exercise clock replayed from the clock actions (not started when there are none)."""
        return conduct.replay(self.of(RecordKind.CLOCK))

    @property
    def is_open(self) -> bool:
        return self.status.value != "closed"

    def find(self, kind: RecordKind, uid: str) -> Any:
        for record in self.of(kind):
            if record.uid == uid:
                return record
        raise InvalidInput(f"case {self.ref} has no {kind.label.lower()} {uid}")

    def resolve_uid(self, kind: RecordKind, given: str) -> str:
        """The uid of the record of ``kind`` that ``given`` names: the whole uid or a unique prefix of it (``case
        show`` prints the first eight characters). Refuses a prefix that names none or several."""
        text = given.strip().lower()
        if not text:
            raise InvalidInput(f"give the id of the {kind.label.lower()} (as `case show` prints it)")
        found = [record.uid for record in self.of(kind) if record.uid.startswith(text)]
        if len(found) == 1:
            return found[0]
        if not found:
            raise InvalidInput(f"case {self.ref} has no {kind.label.lower()} whose id starts with {given!r}")
        raise InvalidInput(
            f"{given!r} starts the ids of {len(found)} {kind.plural} of case {self.ref}; give more characters"
        )


def check_record_fits(case: Case, kind: RecordKind) -> None:
    if kind not in RECORD_KINDS[case.kind]:
        raise InvalidInput(f"an {case.kind.value} case has no {kind.plural}")


def check_case(case: Case) -> None:
    """The rules across the case's parts; ``InvalidInput`` naming the first one broken."""
    for kind in case.records:
        check_record_fits(case, kind)
    if case.kind is CaseKind.INCIDENT:
        details = case.incident
        if details is None or details.awareness_at is None:
            raise InvalidInput("an incident needs its time of awareness")
        for stage in case.stages:
            if stage.submitted_at < details.awareness_at:
                raise InvalidInput(
                    f"the {stage.stage.label.lower()} cannot be submitted ({format_utc(stage.submitted_at)}) before "
                    f"the time of awareness ({format_utc(details.awareness_at)})"
                )
    else:
        check_exercise_links(case)
        case.clock  # noqa: B018 - replaying the clock refuses actions that do not fit
        overview = case.exercise
        start = overview.starts_at if overview is not None else None
        if start is not None:
            for inject in case.injects:
                label = f"inject {inject.number}" if inject.number else "an inject"
                if inject.actual_at is not None and inject.actual_at < start:
                    raise InvalidInput(
                        f"{label} cannot happen ({format_utc(inject.actual_at)}) before the exercise "
                        f"starts ({format_utc(start)})"
                    )
                if inject.planned_at < start:
                    raise InvalidInput(
                        f"{label} cannot be planned ({format_utc(inject.planned_at)}) before the "
                        f"exercise starts ({format_utc(start)})"
                    )


def _missing(kind: RecordKind, uid: str, user: str) -> InvalidInput:
    return InvalidInput(f"{user} refers to {kind.label.lower()} {uid[:8]}, which this case does not have")


def check_exercise_links(case: Case) -> None:
    """Records that refer to other records find them: a critical task its objective, an evaluator's observation
    its objective and that objective's critical task, a finding its objective and observations, an improvement
    item the areas for improvement it answers."""
    objectives = {item.uid for item in case.of(RecordKind.OBJECTIVE)}
    task_objective = {item.uid: item.objective for item in case.of(RecordKind.CRITICAL_TASK)}
    observations = {item.uid for item in case.of(RecordKind.EEG_OBSERVATION)}
    for task in case.of(RecordKind.CRITICAL_TASK):
        if task.objective not in objectives:
            raise _missing(RecordKind.OBJECTIVE, task.objective, f"critical task {task.number or task.uid[:8]}")
    for note in case.of(RecordKind.EEG_OBSERVATION):
        user = f"the observation of {format_utc(note.at)}"
        if note.objective not in objectives:
            raise _missing(RecordKind.OBJECTIVE, note.objective, user)
        if note.task is not None:
            if note.task not in task_objective:
                raise _missing(RecordKind.CRITICAL_TASK, note.task, user)
            if task_objective[note.task] != note.objective:
                raise InvalidInput(f"{user}: its critical task belongs to another objective")
    findings = {item.uid: item for item in case.of(RecordKind.OBSERVATION)}
    for finding in findings.values():
        user = f"finding {finding.title[:60]!r}"
        if finding.objective is not None and finding.objective not in objectives:
            raise _missing(RecordKind.OBJECTIVE, finding.objective, user)
        for uid in finding.based_on:
            if uid not in observations:
                raise _missing(RecordKind.EEG_OBSERVATION, uid, user)
    for item in case.of(RecordKind.IMPROVEMENT):
        for uid in item.answers:
            answered = findings.get(uid)
            if answered is None:
                raise _missing(RecordKind.OBSERVATION, uid, f"improvement item {item.issue[:60]!r}")
            if answered.kind is not ObservationKind.AREA_FOR_IMPROVEMENT:
                raise InvalidInput(
                    f"improvement item {item.issue[:60]!r} answers {answered.title[:60]!r}, which is a strength, "
                    "not an area for improvement"
                )


def check_new_submission(submission: StageSubmission, now: datetime) -> None:
    """A new stage submission is not recorded ahead of the clock (beyond a small tolerance)."""
    if submission.submitted_at > now + CLOCK_TOLERANCE:
        raise InvalidInput(
            f"the {submission.stage.label.lower()} cannot be recorded as submitted in the future "
            f"({format_utc(submission.submitted_at)})"
        )
