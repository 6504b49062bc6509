"""The hot-wash page: observations by objective and critical task; findings made from selected observations;
objectives rated with their rationale; improvement items answering an area for improvement."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from workbench.domain.cases.case import RecordKind
from workbench.domain.cases.exercise import Observation
from workbench.domain.cases.vocab import ObservationKind
from workbench.domain.errors import WorkbenchError
from workbench.services.exercise import hotwash
from workbench.ui.cases.record_dialog import RecordDialog
from workbench.ui.common.text import plain_label
from workbench.ui.exercise.controller_page import Changes
from workbench.ui.exercise.evaluation_models import (
    FindingColumns,
    FindingModel,
    NoteColumns,
    NoteModel,
    ObjectiveColumns,
    ObjectiveModel,
    UidRole,
    finding_rows,
    note_rows,
)
from workbench.ui.exercise.exercise_data import ExerciseData
from workbench.ui.exercise.rating_dialog import RatingDialog
from workbench.ui.exercise.widgets import row_table, size_columns


def _heading(text: str, parent: QWidget) -> Any:
    label = plain_label(text, parent)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


class HotWashPage(QWidget):
    def __init__(self, changes: Changes, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.dialog: QDialog | None = None  # the finding, rating or improvement dialog last opened
        self._dialog_for: dict[str, Any] = {}  # what it was opened for
        self.setObjectName("hotWashPage")
        self.changes = changes
        self.data: ExerciseData | None = None
        self.notes = NoteModel(self)
        self.note_table = row_table(self, "hotWashTable", self.tr("Observations by objective and critical task"))
        self.note_table.setModel(self.notes)
        self.note_table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.note_table.setToolTip(self.tr("Select the observations a finding comes from (Ctrl+click, Shift+click)"))
        size_columns(
            self.note_table,
            (
                (NoteColumns.TIME, 150),
                (NoteColumns.SCENARIO, 140),
                (NoteColumns.OBJECTIVE, 70),
                (NoteColumns.TASK, 45),
                (NoteColumns.RATING, 50),
                (NoteColumns.EVALUATOR, 130),
                (NoteColumns.TEXT, 300),
                (NoteColumns.EVIDENCE, 90),
            ),
        )
        self.strength_button = QPushButton(self.tr("S&trength from selected…"), self)
        self.strength_button.setObjectName("strengthButton")
        self.strength_button.clicked.connect(lambda: self.finding(ObservationKind.STRENGTH))
        self.area_button = QPushButton(self.tr("&Area for improvement from selected…"), self)
        self.area_button.setObjectName("areaButton")
        self.area_button.clicked.connect(lambda: self.finding(ObservationKind.AREA_FOR_IMPROVEMENT))
        self.note_table.selectionModel().selectionChanged.connect(lambda *_: self._enable())

        self.objectives = ObjectiveModel(self)
        self.objective_table = row_table(self, "objectiveTable", self.tr("Objectives and ratings"))
        self.objective_table.setModel(self.objectives)
        self.objective_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        size_columns(
            self.objective_table,
            (
                (ObjectiveColumns.NUMBER, 36),
                (ObjectiveColumns.OBJECTIVE, 200),
                (ObjectiveColumns.CAPABILITY, 110),
                (ObjectiveColumns.SUGGESTED, 80),
                (ObjectiveColumns.RATING, 70),
            ),
        )
        self.rate_button = QPushButton(self.tr("&Rate…"), self)
        self.rate_button.setObjectName("rateButton")
        self.rate_button.clicked.connect(lambda: self.rate())
        self.objective_table.activated.connect(lambda _index: self.rate())
        self.objective_table.selectionModel().currentRowChanged.connect(lambda *_: self._enable())

        self.findings = FindingModel(self)
        self.finding_table = row_table(self, "findingTable", self.tr("Findings"))
        self.finding_table.setModel(self.findings)
        self.finding_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        size_columns(
            self.finding_table,
            ((FindingColumns.KIND, 135), (FindingColumns.TITLE, 210), (FindingColumns.OBJECTIVE, 70)),
        )
        self.improve_button = QPushButton(self.tr("&Improvement item…"), self)
        self.improve_button.setObjectName("improveButton")
        self.improve_button.setToolTip(self.tr("A corrective action answering the selected area for improvement"))
        self.improve_button.clicked.connect(lambda: self.improve())
        self.finding_table.selectionModel().currentRowChanged.connect(lambda *_: self._enable())

        top = QWidget(self)
        column = QVBoxLayout(top)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(_heading(self.tr("Observations by objective and critical task"), top))
        column.addWidget(self.note_table, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.strength_button)
        buttons.addWidget(self.area_button)
        buttons.addStretch(1)
        column.addLayout(buttons)
        left = QWidget(self)
        left_column = QVBoxLayout(left)
        left_column.setContentsMargins(0, 0, 0, 0)
        left_column.addWidget(_heading(self.tr("Objectives"), left))
        left_column.addWidget(self.objective_table, 1)
        left_column.addWidget(self.rate_button, 0, Qt.AlignmentFlag.AlignLeft)
        right = QWidget(self)
        right_column = QVBoxLayout(right)
        right_column.setContentsMargins(0, 0, 0, 0)
        right_column.addWidget(_heading(self.tr("Findings"), right))
        right_column.addWidget(self.finding_table, 1)
        right_column.addWidget(self.improve_button, 0, Qt.AlignmentFlag.AlignLeft)
        bottom = QSplitter(Qt.Orientation.Horizontal, self)
        bottom.addWidget(left)
        bottom.addWidget(right)
        bottom.setChildrenCollapsible(False)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.setObjectName("hotWashSplitter")
        splitter.addWidget(top)
        splitter.addWidget(bottom)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(splitter)
        self._enable()

    def show_data(self, data: ExerciseData | None) -> None:
        self.data = data
        if data is None:
            for model in (self.notes, self.objectives, self.findings):
                model.clear()
            self._enable()
            return
        findings = data.case.observations
        rows = note_rows(data.guides, findings)
        # By objective and critical task, then in the order they were recorded.
        rows.sort(key=lambda row: (int(row.objective or 0), row.task or "~", row.note.at))
        self.notes.set_items(rows)
        self.objectives.set_items(data.washed)
        self.findings.set_items(finding_rows(data.washed, findings))
        self._enable()

    def selected_notes(self) -> list[str]:
        rows = sorted({index.row() for index in self.note_table.selectionModel().selectedRows()})
        return [str(self.notes.data(self.notes.index(row, 0), UidRole.UID)) for row in rows]

    def _selected_finding(self) -> Observation | None:
        index = self.finding_table.currentIndex()
        row = self.findings.item(index.row()) if index.isValid() else None
        return row.finding if row is not None else None

    def _enable(self) -> None:
        has_notes = bool(self.selected_notes()) if self.data is not None else False
        self.strength_button.setEnabled(has_notes)
        self.area_button.setEnabled(has_notes)
        self.rate_button.setEnabled(self.objective_table.currentIndex().isValid())
        finding = self._selected_finding()
        self.improve_button.setEnabled(finding is not None and finding.kind is ObservationKind.AREA_FOR_IMPROVEMENT)

    def finding(self, kind: ObservationKind, uids: list[str] | None = None) -> RecordDialog | None:
        """Open the dialog making a strength or area for improvement from the selected observations (``uids``:
        these instead, when work kept at locking is put back)."""
        uids = self.selected_notes() if uids is None else uids
        if self.data is None or not uids:
            return None
        dialog = RecordDialog(
            RecordKind.OBSERVATION,
            self,
            exclude=("kind", "capability"),
            title=self.tr("{0} from {1} observation(s)").format(kind.label, len(uids)),
        )
        ref = self.data.case.ref

        def submitted(values: dict[str, Any]) -> None:
            title = str(values.pop("title", "") or "")
            self.changes.change(
                "add finding",
                lambda ws, now: hotwash.add_finding(ws, ref, kind, title, based_on=uids, details=values, now=now),
                dialog.refused,
                dialog.saved,
            )

        dialog.submitted.connect(submitted)
        self._opened(dialog, {"action": "finding", "kind": kind.value, "uids": uids})
        return dialog

    def _opened(self, dialog: QDialog, what: dict[str, Any]) -> None:
        self.dialog, self._dialog_for = dialog, what
        dialog.open()

    def rate(self, objective: str | None = None) -> RatingDialog | None:
        """Open the dialog rating the selected objective (``objective``: this one, by uid, instead)."""
        index = self.objective_table.currentIndex()
        item = self.objectives.item(index.row()) if index.isValid() else None
        if objective is not None:
            item = next((row for row in self.objectives.items if row.objective.uid == objective), None)
        if self.data is None or item is None:
            return None
        suggested = ", ".join(f"{rating.value} ×{count}" for rating, count in sorted(item.suggested.items(), key=str))
        dialog = RatingDialog(item.objective, suggested, self)
        ref, uid = self.data.case.ref, item.objective.uid
        dialog.submitted.connect(
            lambda rating, rationale: self.changes.change(
                "rate objective",
                lambda ws, now: hotwash.rate_objective(ws, ref, uid, rating, rationale, now=now),
                dialog.refused,
                dialog.saved,
            )
        )
        self._opened(dialog, {"action": "rate", "objective": uid})
        return dialog

    def improve(self, finding_uid: str | None = None) -> RecordDialog | None:
        """Open the dialog adding an improvement item for the selected area for improvement (``finding_uid``: this
        one instead)."""
        finding = self._selected_finding()
        if finding_uid is not None and self.data is not None:
            finding = next((item for item in self.data.case.observations if item.uid == finding_uid), None)
        if self.data is None or finding is None:
            return None
        dialog = RecordDialog(
            RecordKind.IMPROVEMENT,
            self,
            record=None,
            title=self.tr("Improvement item for: {0}").format(finding.title[:60]),
        )
        dialog.form.set_values({"capability": finding.capability, "issue": finding.title})
        ref, uid = self.data.case.ref, finding.uid
        dialog.submitted.connect(
            lambda values: self.changes.change(
                "add improvement item",
                lambda ws, now: hotwash.add_improvement(ws, ref, values, answers=[uid], now=now),
                dialog.refused,
                dialog.saved,
            )
        )
        self._opened(dialog, {"action": "improve", "finding": uid})
        return dialog

    # -- what is typed in an open dialog, kept at locking ------------------------------------------------------

    def typed(self) -> dict[str, Any] | None:
        """What was typed in the open finding, rating or improvement dialog, as JSON values (None when nothing)."""
        dialog = self.dialog
        if dialog is None or not isValid(dialog) or not dialog.isVisible():
            return None
        if isinstance(dialog, RatingDialog):
            chosen = dialog.chosen()
            return None if chosen == dialog.opened_with else {**self._dialog_for, **chosen}
        if isinstance(dialog, RecordDialog):
            values = dialog.typed()
            return None if values is None else {**self._dialog_for, "values": values}
        return None

    def describe(self, typed: dict[str, Any]) -> str:
        """``typed`` in a few words, for the list of unsaved work."""
        action = typed.get("action")
        if action == "rate":
            return self.tr("an objective's rating being written")
        if action == "improve":
            return self.tr("an improvement item being written")
        return self.tr("a finding being written")

    def put_back(self, typed: dict[str, Any]) -> bool:
        """Open the dialog ``typed`` came from again, with what was typed in it; False when it no longer fits."""
        action = typed.get("action")
        if action == "rate":
            rating_dialog = self.rate(str(typed.get("objective") or ""))
            if rating_dialog is None:
                return False
            rating_dialog.put_back(typed)
            return True
        dialog: RecordDialog | None = None
        if action == "finding":
            uids = typed.get("uids")
            try:
                kind = ObservationKind.parse(typed.get("kind"))
            except WorkbenchError:
                return False
            if isinstance(uids, list) and uids:
                dialog = self.finding(kind, [str(uid) for uid in uids])
        elif action == "improve":
            dialog = self.improve(str(typed.get("finding") or ""))
        if dialog is None:
            return False
        values = typed.get("values")
        dialog.form.apply_values(values if isinstance(values, dict) else {})
        return True
