"""After play: the hot wash, findings made from observations, objective ratings and the improvement plan.

The hot wash lists the evaluators' observations by objective and critical task. The controller turns them into
findings (strengths and areas for improvement) that keep the uids of the observations they came from, rates each
objective P/S/M/U with the rationale, and writes improvement items that name the areas for improvement they
answer. The after-action report prints those links.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from workbench.domain.cases.case import Case, RecordKind, make_record
from workbench.domain.cases.exercise import (
    CriticalTask,
    EvaluatorObservation,
    ImprovementItem,
    Objective,
    Observation,
)
from workbench.domain.cases.fields import with_changes
from workbench.domain.cases.vocab import ObservationKind, Rating
from workbench.domain.errors import InvalidInput
from workbench.services.cases import change_case
from workbench.services.cases.records import put_record
from workbench.services.exercise.conduct import exercise_case, find_record
from workbench.services.exercise.evaluation import find_objective
from workbench.services.workspace import Workspace
from workbench.storage.cases import CaseStore


@dataclass(frozen=True)
class HotWashTask:
    """A critical task (None: observations that name no task) and what the evaluators saw of it."""

    task: CriticalTask | None
    observations: list[EvaluatorObservation]

    @property
    def suggested(self) -> Counter[Rating]:
        """How often each rating was suggested."""
        return Counter(note.rating for note in self.observations if note.rating is not None)


@dataclass(frozen=True)
class HotWashObjective:
    number: int
    objective: Objective
    tasks: list[HotWashTask] = field(default_factory=list)
    findings: list[Observation] = field(default_factory=list)

    @property
    def suggested(self) -> Counter[Rating]:
        total: Counter[Rating] = Counter()
        for task in self.tasks:
            total.update(task.suggested)
        return total


def finding_objective(case: Case, finding: Observation) -> str | None:
    """The objective a finding is about: its own, else the one all its observations share."""
    if finding.objective is not None:
        return finding.objective
    notes = {note.uid: note for note in case.evaluator_observations}
    objectives = {notes[uid].objective for uid in finding.based_on if uid in notes}
    return objectives.pop() if len(objectives) == 1 else None


def hot_wash(case: Case) -> list[HotWashObjective]:
    """Observations by objective and critical task, with the findings already made for each objective."""
    exercise_case(case)
    notes = case.evaluator_observations
    result = []
    for number, objective in enumerate(case.objectives, start=1):
        tasks = [task for task in case.critical_tasks if task.objective == objective.uid]
        rows = [HotWashTask(task, [note for note in notes if note.task == task.uid]) for task in tasks]
        loose = [note for note in notes if note.objective == objective.uid and note.task is None]
        if loose:
            rows.append(HotWashTask(None, loose))
        findings = [item for item in case.observations if finding_objective(case, item) == objective.uid]
        result.append(HotWashObjective(number, objective, rows, findings))
    return result


def _observations(case: Case, keys: Iterable[str]) -> list[EvaluatorObservation]:
    return [find_record(case, RecordKind.EEG_OBSERVATION, key) for key in keys]


def add_finding(
    ws: Workspace,
    ident: str,
    kind: ObservationKind | str,
    title: str,
    *,
    based_on: Iterable[str] = (),
    objective: str | None = None,
    details: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> Observation:
    """A strength or area for improvement made from observations (by uid or unique uid prefix). Its objective is
    the one given, else the one its observations share; its capability defaults to that objective's.
    ``details`` holds the other finding fields (description, reference, analysis, recommendation)."""
    keys = list(based_on)
    made: list[Observation] = []

    def change(store: CaseStore, case: Case, moment: datetime) -> dict[str, Any]:
        exercise_case(case)
        sources = _observations(case, keys)
        if objective:
            target: Objective | None = find_objective(case, objective)
        else:
            shared = {note.objective for note in sources}
            target = next((item for item in case.objectives if {item.uid} == shared), None)
        data: dict[str, Any] = {
            "kind": ObservationKind.parse(kind).value,
            "title": title,
            "objective": target.uid if target is not None else None,
            "capability": target.capability if target is not None else None,
            "based_on": [note.uid for note in sources],
        }
        data.update(details or {})
        finding = make_record(RecordKind.OBSERVATION, data)
        put_record(case, RecordKind.OBSERVATION, finding, moment)
        made.append(finding)
        return {"finding": finding.uid, "kind": finding.kind.value, "observations": len(sources)}

    change_case(ws, ident, "exercise.finding", change, now=now)
    return made[0]


def rate_objective(
    ws: Workspace,
    ident: str,
    objective: str,
    rating: Rating | str,
    rationale: str,
    *,
    now: datetime | None = None,
) -> Objective:
    """Rate an objective P, S, M or U; the rationale is required (the report prints it beside the rating)."""
    if not rationale or not rationale.strip():
        raise InvalidInput("give the rationale for the rating")
    rated: list[Objective] = []

    def change(store: CaseStore, case: Case, moment: datetime) -> dict[str, Any]:
        exercise_case(case)
        target = find_objective(case, objective)
        updated = with_changes(target, {"rating": Rating.parse(rating).value, "rationale": rationale}, "an objective")
        put_record(case, RecordKind.OBJECTIVE, updated, moment)
        rated.append(updated)
        return {"objective": updated.uid, "rating": updated.rating.value if updated.rating else None}

    change_case(ws, ident, "exercise.rate", change, now=now)
    return rated[0]


def add_improvement(
    ws: Workspace,
    ident: str,
    data: Mapping[str, Any],
    *,
    answers: Iterable[str] = (),
    now: datetime | None = None,
) -> ImprovementItem:
    """An improvement plan item answering areas for improvement (findings by number or uid); its capability and
    issue default to those of the first area it answers."""
    keys = list(answers)
    made: list[ImprovementItem] = []

    def change(store: CaseStore, case: Case, moment: datetime) -> dict[str, Any]:
        exercise_case(case)
        answered: list[Observation] = [find_record(case, RecordKind.OBSERVATION, key) for key in keys]
        values = dict(data)
        if answered:
            values.setdefault("capability", answered[0].capability)
            values.setdefault("issue", answered[0].title)
        values["answers"] = [item.uid for item in answered]
        item = make_record(RecordKind.IMPROVEMENT, values)
        put_record(case, RecordKind.IMPROVEMENT, item, moment)
        made.append(item)
        return {"improvement": item.uid, "answers": len(answered)}

    change_case(ws, ident, "exercise.improvement", change, now=now)
    return made[0]
