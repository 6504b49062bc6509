"""The models of the evaluator's and the hot-wash pages: critical tasks to observe against, observations,
objectives with their ratings, and findings. Rows are built from the services' evaluation guides and hot wash."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

from workbench.domain.cases.exercise import CriticalTask, EvaluatorObservation, Objective, Observation
from workbench.domain.cases.fields import format_local
from workbench.services.exercise.evaluation import ObjectiveGuide
from workbench.services.exercise.hotwash import HotWashObjective
from workbench.ui.common.list_model import ListTableModel
from workbench.ui.exercise.msel_model import scenario_text


@dataclass(frozen=True)
class TaskRow:
    """A line of the evaluator's guide: a critical task, or the objective as a whole (``task`` None)."""

    number: int
    objective: Objective
    task: CriticalTask | None
    measures: list[str]

    @property
    def label(self) -> str:
        if self.task is None:
            return f"{self.number}"
        return self.task.number or f"{self.number}.?"


def task_rows(guides: Sequence[ObjectiveGuide]) -> list[TaskRow]:
    rows: list[TaskRow] = []
    for guide in guides:
        rows.append(TaskRow(guide.number, guide.objective, None, []))
        rows.extend(TaskRow(guide.number, guide.objective, item.task, item.measures) for item in guide.tasks)
    return rows


@dataclass(frozen=True)
class NoteRow:
    """An observation with the numbers of its objective and task, as lists show them."""

    note: EvaluatorObservation
    objective: str
    task: str
    findings: str = ""


def note_rows(guides: Sequence[ObjectiveGuide], findings: Sequence[Observation] = ()) -> list[NoteRow]:
    """Every observation of the guides, newest first, with the findings made from it."""
    rows = []
    for guide in guides:
        for item in guide.tasks:
            rows += [NoteRow(note, str(guide.number), item.task.number or "", "") for note in item.observations]
        rows += [NoteRow(note, str(guide.number), "", "") for note in guide.general]
    made: dict[str, list[str]] = {}
    for finding in findings:
        for uid in finding.based_on:
            made.setdefault(uid, []).append(finding.title)
    rows = [NoteRow(row.note, row.objective, row.task, "; ".join(made.get(row.note.uid, []))) for row in rows]
    return sorted(rows, key=lambda row: row.note.at, reverse=True)


class UidRole(enum.IntEnum):
    UID = Qt.ItemDataRole.UserRole + 1


class TaskColumns(enum.IntEnum):
    NUMBER = 0
    TASK = 1


class TaskModel(ListTableModel[TaskRow]):
    """Objectives and their critical tasks, in guide order: what an evaluator records against."""

    Columns = TaskColumns
    tooltip_limit = 2000

    def headers(self) -> Sequence[str]:
        return (self.tr("No."), self.tr("Objective or critical task"))

    def cell(self, item: TaskRow, column: int) -> str:
        if column == TaskColumns.NUMBER:
            return item.label
        return item.task.task if item.task is not None else item.objective.objective

    def tooltip(self, item: TaskRow, column: int) -> str:
        lines = [self.tr("Objective {0}: {1}").format(item.number, item.objective.objective)]
        if item.objective.capability:
            lines.append(self.tr("Capability: {0}").format(item.objective.capability))
        if item.task is not None:
            lines.append(self.tr("Critical task {0}: {1}").format(item.label, item.task.task))
        lines += [self.tr("Measure: {0}").format(measure) for measure in item.measures]
        return "\n".join(lines)

    def font(self, item: TaskRow, column: int) -> Any:
        if item.task is None:
            font = QFont()
            font.setBold(True)
            return font
        return None


class NoteColumns(enum.IntEnum):
    TIME = 0
    SCENARIO = 1
    OBJECTIVE = 2
    TASK = 3
    RATING = 4
    EVALUATOR = 5
    TEXT = 6
    EVIDENCE = 7
    FINDINGS = 8


class NoteModel(ListTableModel[NoteRow]):
    """Evaluators' observations, newest first."""

    Columns = NoteColumns
    Roles = UidRole
    tooltip_limit = 4000

    def headers(self) -> Sequence[str]:
        return (
            self.tr("Recorded (local time)"),
            self.tr("Scenario time"),
            self.tr("Objective"),
            self.tr("Task"),
            self.tr("Rating"),
            self.tr("Evaluator"),
            self.tr("Observation"),
            self.tr("Evidence"),
            self.tr("Findings"),
        )

    def cell(self, item: NoteRow, column: int) -> str:
        note = item.note
        values = {
            NoteColumns.TIME: format_local(note.at),
            NoteColumns.SCENARIO: scenario_text(note.scenario_at) if note.scenario_at else "",
            NoteColumns.OBJECTIVE: item.objective,
            NoteColumns.TASK: item.task,
            NoteColumns.RATING: note.rating.value if note.rating is not None else "",
            NoteColumns.EVALUATOR: ", ".join(part for part in (note.evaluator, note.organisation) if part),
            NoteColumns.TEXT: note.text,
            NoteColumns.EVIDENCE: note.evidence_name or (note.evidence_ref or ""),
            NoteColumns.FINDINGS: item.findings,
        }
        return values[NoteColumns(column)]

    def tooltip(self, item: NoteRow, column: int) -> str:
        return item.note.text

    def role_data(self, item: NoteRow, role: int) -> Any:
        return item.note.uid if role == UidRole.UID else None


class ObjectiveColumns(enum.IntEnum):
    NUMBER = 0
    OBJECTIVE = 1
    CAPABILITY = 2
    SUGGESTED = 3
    RATING = 4
    RATIONALE = 5


class ObjectiveModel(ListTableModel[HotWashObjective]):
    """Objectives with the ratings evaluators suggested and the one given."""

    Columns = ObjectiveColumns
    tooltip_limit = 2000

    def headers(self) -> Sequence[str]:
        return (
            self.tr("No."),
            self.tr("Objective"),
            self.tr("Capability"),
            self.tr("Suggested"),
            self.tr("Rating"),
            self.tr("Rationale"),
        )

    def cell(self, item: HotWashObjective, column: int) -> str:
        objective = item.objective
        if column == ObjectiveColumns.NUMBER:
            return str(item.number)
        if column == ObjectiveColumns.OBJECTIVE:
            return objective.objective
        if column == ObjectiveColumns.CAPABILITY:
            return objective.capability or ""
        if column == ObjectiveColumns.SUGGESTED:
            return " ".join(f"{rating.value}×{count}" for rating, count in sorted(item.suggested.items(), key=str))
        if column == ObjectiveColumns.RATING:
            return objective.rating.value if objective.rating is not None else self.tr("not rated")
        return objective.rationale or ""

    def tooltip(self, item: HotWashObjective, column: int) -> str:
        return item.objective.objective + ("\n" + item.objective.rationale if item.objective.rationale else "")


@dataclass(frozen=True)
class FindingRow:
    finding: Observation
    objective: str


class FindingColumns(enum.IntEnum):
    KIND = 0
    TITLE = 1
    OBJECTIVE = 2
    OBSERVATIONS = 3


class FindingModel(ListTableModel[FindingRow]):
    """Strengths and areas for improvement, with the objective and how many observations they rest on."""

    Columns = FindingColumns
    Roles = UidRole
    numeric = frozenset({FindingColumns.OBSERVATIONS})

    def headers(self) -> Sequence[str]:
        return (self.tr("Kind"), self.tr("Finding"), self.tr("Objective"), self.tr("Observations"))

    def cell(self, item: FindingRow, column: int) -> str:
        if column == FindingColumns.KIND:
            return item.finding.kind.label
        if column == FindingColumns.TITLE:
            return item.finding.title
        if column == FindingColumns.OBJECTIVE:
            return item.objective
        return str(len(item.finding.based_on))

    def role_data(self, item: FindingRow, role: int) -> Any:
        return item.finding.uid if role == UidRole.UID else None


def finding_rows(washed: Sequence[HotWashObjective], findings: Sequence[Observation]) -> list[FindingRow]:
    """Every finding of the case, those of an objective under its number, the others unnumbered."""
    numbered = {finding.uid: str(item.number) for item in washed for finding in item.findings}
    return [FindingRow(finding, numbered.get(finding.uid, "")) for finding in findings]
