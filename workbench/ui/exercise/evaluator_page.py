"""The evaluator's page: pick an objective or critical task, type what you saw, press Ctrl+Enter.

Keyboard first: the observation text has the focus; Ctrl+Up and Ctrl+Down move to the previous or next task
without leaving it; Alt+P, Alt+S, Alt+M, Alt+U suggest a rating (Alt+N none); Ctrl+Enter records the observation
with the time it is recorded (and the scenario time, when the clock runs here), clears the text and keeps the task
and the focus. Evidence is optional: a file kept encrypted in the workspace, or exercise material by its id.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from workbench.domain.cases.vocab import Rating
from workbench.services.exercise import evaluation
from workbench.ui.common.text import plain_label
from workbench.ui.exercise.controller_page import Changes
from workbench.ui.exercise.critical_task_dialog import CriticalTaskDialog
from workbench.ui.exercise.evaluation_models import (
    NoteColumns,
    NoteModel,
    TaskColumns,
    TaskModel,
    TaskRow,
    note_rows,
    task_rows,
)
from workbench.ui.exercise.exercise_data import ExerciseData
from workbench.ui.exercise.keys import KeyActions, ctrl_enter
from workbench.ui.exercise.widgets import row_table


class EvaluatorPage(QWidget):
    def __init__(self, changes: Changes, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("evaluatorPage")
        self.changes = changes
        self.data: ExerciseData | None = None
        self.tasks = TaskModel(self)
        self.task_table = row_table(self, "taskTable", self.tr("Objectives and critical tasks"))
        self.task_table.setModel(self.tasks)
        self.task_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.task_table.horizontalHeader().resizeSection(TaskColumns.NUMBER, 44)
        self.task_table.selectionModel().currentRowChanged.connect(lambda *_: self._task_changed())
        self.add_task_button = QPushButton(self.tr("Add critical &task…"), self)
        self.add_task_button.setObjectName("addCriticalTask")
        self.add_task_button.setToolTip(
            self.tr("Add a critical task, with its performance measures, to an objective's evaluation guide")
        )
        self.add_task_button.clicked.connect(lambda: self.add_task())
        self.dialog: CriticalTaskDialog | None = None

        self.about = plain_label("", self, wrap=True)
        self.about.setObjectName("taskAbout")
        self.about.setAccessibleName(self.tr("Selected objective or task"))
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("observationText")
        self.text.setAccessibleName(self.tr("Observation"))
        self.text.setPlaceholderText(self.tr("What did you see? Ctrl+Enter records it."))
        self.text.setTabChangesFocus(True)
        self.ratings = QButtonGroup(self)
        rating_row = QHBoxLayout()
        rating_row.addWidget(plain_label(self.tr("Rating suggestion:"), self))
        # Letters only, each with its meaning in the tool tip: four long labels would not fit beside the tasks.
        for key, text in (("", self.tr("&None")), *((r.value, f"&{r.value}") for r in Rating)):
            radio = QRadioButton(text, self)
            radio.setObjectName(f"rating_{key or 'none'}")
            radio.setProperty("rating", key)
            meaning = Rating.parse(key).label if key else self.tr("No rating suggested")
            radio.setToolTip(meaning)
            radio.setAccessibleName(meaning)
            self.ratings.addButton(radio)
            rating_row.addWidget(radio)
            if not key:
                radio.setChecked(True)
        rating_row.addStretch(1)
        self.evidence_file: str | None = None
        self.attach_button = QPushButton(self.tr("Attach &file…"), self)
        self.attach_button.setObjectName("attachEvidence")
        self.attach_button.setToolTip(self.tr("Keep a file (a screenshot, a log) encrypted in the workspace"))
        self.attach_button.clicked.connect(self.attach)
        self.evidence_id = QLineEdit(self)
        self.evidence_id.setObjectName("evidenceId")
        self.evidence_id.setPlaceholderText(self.tr("or the STIX id of exercise material"))
        self.evidence_id.setAccessibleName(self.tr("Evidence: STIX id of exercise material"))
        self.evidence_label = plain_label("", self)
        self.evidence_label.setObjectName("evidenceName")
        evidence_row = QHBoxLayout()
        evidence_row.addWidget(plain_label(self.tr("Evidence:"), self))
        evidence_row.addWidget(self.attach_button)
        evidence_row.addWidget(self.evidence_label)
        evidence_row.addWidget(self.evidence_id, 1)
        self.record_button = QPushButton(self.tr("&Record observation"), self)
        self.record_button.setObjectName("recordObservation")
        self.record_button.setToolTip(self.tr("Ctrl+Enter"))
        self.record_button.setDefault(True)
        self.record_button.clicked.connect(lambda: self.record())
        self.feedback = plain_label("", self, wrap=True)
        self.feedback.setObjectName("observationFeedback")
        self.feedback.setAccessibleName(self.tr("Observation recorded"))

        control = Qt.KeyboardModifier.ControlModifier
        ctrl_enter(self.text, lambda: self.record())
        alt = Qt.KeyboardModifier.AltModifier
        keys: dict[tuple[Qt.Key, Qt.KeyboardModifier], Callable[[], None]] = {
            (Qt.Key.Key_Up, control): lambda: self.move_task(-1),
            (Qt.Key.Key_Down, control): lambda: self.move_task(1),
        }
        # The ratings' Alt+letter also while typing, where the text box would otherwise keep the key.
        for choice in self.ratings.buttons():
            letter = choice.text().split("&", 1)[1][:1].upper()
            keys[(Qt.Key(ord(letter)), alt)] = choice.click
        KeyActions(self.text, keys)

        entry = QWidget(self)
        column = QVBoxLayout(entry)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.about)
        column.addWidget(self.text, 1)
        column.addLayout(rating_row)
        column.addLayout(evidence_row)
        bottom = QHBoxLayout()
        bottom.addWidget(self.feedback, 1)
        bottom.addWidget(self.record_button)
        column.addLayout(bottom)
        guide = QWidget(self)
        guide_column = QVBoxLayout(guide)
        guide_column.setContentsMargins(0, 0, 0, 0)
        guide_column.addWidget(self.task_table, 1)
        guide_column.addWidget(self.add_task_button, 0, Qt.AlignmentFlag.AlignLeft)
        top = QSplitter(Qt.Orientation.Horizontal, self)
        top.addWidget(guide)
        top.addWidget(entry)
        top.setStretchFactor(0, 2)
        top.setStretchFactor(1, 3)
        top.setChildrenCollapsible(False)

        self.notes = NoteModel(self)
        self.note_table = row_table(self, "observationTable", self.tr("Observations recorded"))
        self.note_table.setModel(self.notes)
        header = self.note_table.horizontalHeader()
        for column_number, width in (
            (NoteColumns.TIME, 150),
            (NoteColumns.SCENARIO, 140),
            (NoteColumns.OBJECTIVE, 70),
            (NoteColumns.TASK, 50),
            (NoteColumns.RATING, 55),
            (NoteColumns.EVALUATOR, 140),
            (NoteColumns.TEXT, 300),
            (NoteColumns.EVIDENCE, 110),
        ):
            header.resizeSection(column_number, width)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.setObjectName("evaluatorSplitter")
        splitter.addWidget(top)
        splitter.addWidget(self.note_table)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(splitter)
        self._task_changed()

    # -- showing -----------------------------------------------------------------------------------------------

    def show_data(self, data: ExerciseData | None) -> None:
        current = self.selected_row()
        self.data = data
        if data is None:
            self.tasks.clear()
            self.notes.clear()
            self._task_changed()
            return
        rows = task_rows(data.guides)
        self.tasks.set_items(rows)
        self.notes.set_items(note_rows(data.guides))
        keep = next(
            (
                number
                for number, row in enumerate(rows)
                if current is not None
                and row.objective.uid == current.objective.uid
                and (row.task.uid if row.task else None) == (current.task.uid if current.task else None)
            ),
            0 if rows else -1,
        )
        if keep >= 0:
            self.task_table.selectRow(keep)
        self._task_changed()

    def selected_row(self) -> TaskRow | None:
        index = self.task_table.currentIndex()
        return self.tasks.item(index.row()) if index.isValid() else None

    def move_task(self, step: int) -> None:
        """Select the previous or next objective or task, keeping the focus where it is."""
        count = self.tasks.rowCount()
        if not count:
            return
        row = self.task_table.currentIndex().row()
        self.task_table.selectRow(max(0, min(count - 1, row + step)))

    def _task_changed(self) -> None:
        row = self.selected_row()
        self.record_button.setEnabled(row is not None)
        self.add_task_button.setEnabled(self.data is not None and bool(self.data.guides))
        if row is None:
            self.about.setText(
                self.tr(
                    "Add the exercise's objectives in its case (Cases, tab Objectives) to observe them; then add"
                    " their critical tasks here."
                )
            )
            return
        lines = [self.tr("Objective {0}: {1}").format(row.number, row.objective.objective)]
        if row.objective.capability:
            lines.append(self.tr("Capability: {0}").format(row.objective.capability))
        if row.task is not None:
            lines.append(self.tr("Critical task {0}: {1}").format(row.label, row.task.task))
        lines += [self.tr("  • {0}").format(measure) for measure in row.measures]
        self.about.setText("\n".join(lines))

    # -- the evaluation guide -----------------------------------------------------------------------------------

    def add_task(self) -> CriticalTaskDialog | None:
        """Open the dialog adding a critical task, to the selected row's objective by default."""
        if self.data is None or not self.data.guides:
            return None
        row = self.selected_row()
        dialog = CriticalTaskDialog(
            [(guide.number, guide.objective) for guide in self.data.guides],
            row.objective.uid if row is not None else None,
            self,
        )
        ref = self.data.case.ref

        def added(objective: str, values: dict[str, Any]) -> None:
            self.changes.change(
                "add critical task",
                lambda ws, now: evaluation.add_critical_task(
                    ws,
                    ref,
                    objective,
                    str(values.get("task") or ""),
                    number=values.get("number"),
                    measures=values.get("measures"),
                    now=now,
                ),
                dialog.refused,
                dialog.saved,
            )

        dialog.added.connect(added)
        self.dialog = dialog
        dialog.open()
        return dialog

    def typed_task(self) -> dict[str, Any] | None:
        """What was typed in the open Add critical task dialog (None when nothing, or no dialog is open)."""
        dialog = self.dialog
        if dialog is None or not isValid(dialog) or not dialog.isVisible():
            return None
        return dialog.kept()

    # -- recording ---------------------------------------------------------------------------------------------

    def rating(self) -> str | None:
        checked = self.ratings.checkedButton()
        key = checked.property("rating") if checked is not None else ""
        return str(key) if key else None

    def attach(self) -> QFileDialog:
        dialog = QFileDialog(self, self.tr("Evidence file"))
        dialog.setObjectName("evidenceFileDialog")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(self.set_evidence_file)
        dialog.open()
        return dialog

    def set_evidence_file(self, path: str | None) -> None:
        self.evidence_file = path or None
        self.evidence_label.setText(Path(path).name if path else "")

    # -- an observation being written: kept at locking, put back at unlocking --------------------------------

    def draft(self) -> dict[str, Any] | None:
        """The observation being written (None when nothing was typed): its task, text, rating and evidence."""
        row = self.selected_row()
        text = self.text.toPlainText()
        if row is None or not (text.strip() or self.evidence_id.text().strip() or self.evidence_file):
            return None
        return {
            "objective": row.objective.uid,
            "task": row.task.uid if row.task is not None else None,
            "text": text,
            "rating": self.rating(),
            "evidence_id": self.evidence_id.text(),
            "evidence_file": self.evidence_file,
        }

    def clear_entry(self) -> None:
        self.text.clear()
        self.evidence_id.clear()
        self.set_evidence_file(None)
        self.ratings.buttons()[0].setChecked(True)

    def put_back(self, draft: dict[str, Any]) -> None:
        """Show a kept observation again, against its task when the exercise still has it."""
        wanted = (draft.get("objective"), draft.get("task"))
        for number in range(self.tasks.rowCount()):
            row = self.tasks.item(number)
            if row is not None and (row.objective.uid, row.task.uid if row.task is not None else None) == wanted:
                self.task_table.selectRow(number)
                break
        self.text.setPlainText(str(draft.get("text") or ""))
        self.evidence_id.setText(str(draft.get("evidence_id") or ""))
        evidence_file = draft.get("evidence_file")
        self.set_evidence_file(evidence_file if isinstance(evidence_file, str) else None)
        for choice in self.ratings.buttons():
            if (choice.property("rating") or None) == draft.get("rating"):
                choice.setChecked(True)
        self.feedback.setText(self.tr("Kept at locking, not recorded yet."))
        self.text.setFocus()

    def record(self, then: Callable[[str | None], None] | None = None) -> None:
        """Record the observation typed; ``then(None)`` once stored, ``then(message)`` when it was not."""
        row = self.selected_row()
        if self.data is None or row is None:
            if then is not None:
                then(self.tr("no objective or task is selected"))
            return
        text = self.text.toPlainText().strip()
        if not text:
            self.feedback.setText(self.tr("Type the observation first."))
            self.text.setFocus()
            if then is not None:
                then(self.tr("the observation has no text"))
            return
        ref, who, rating = self.data.case.ref, self.changes.who(), self.rating()
        objective, task = row.objective.uid, row.task.uid if row.task is not None else None
        evidence, evidence_file = self.evidence_id.text().strip() or None, self.evidence_file
        self.record_button.setEnabled(False)

        def done() -> None:
            self.clear_entry()
            self.feedback.setText(self.tr("Recorded against {0}.").format(row.label))
            self.record_button.setEnabled(True)
            self.text.setFocus()
            if then is not None:
                then(None)

        def refused(message: str) -> None:
            self.feedback.setText(message)
            self.record_button.setEnabled(True)
            if then is not None:
                then(message)

        self.changes.change(
            "record observation",
            lambda ws, now: evaluation.observe(
                ws,
                ref,
                text=text,
                objective=objective,
                task=task,
                rating=rating,
                evaluator=who,
                evidence=evidence,
                evidence_file=evidence_file,
                now=now,
            ),
            refused,
            done,
        )
