"""Add a critical task to an objective's evaluation guide: the objective (chosen from the exercise's), the task,
its number and its performance measures. OK emits ``added``; the dialog stays open, showing the refusal, until the
task is saved."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QVBoxLayout, QWidget

from workbench.domain.cases.case import RecordKind
from workbench.domain.cases.exercise import Objective
from workbench.ui.cases.record_dialog import RecordDialog
from workbench.ui.common.text import plain_label


class CriticalTaskDialog(RecordDialog):
    added = Signal(str, object)
    """The objective's uid and the task's field values."""

    def __init__(
        self, objectives: list[tuple[int, Objective]], selected: str | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(RecordKind.CRITICAL_TASK, parent, title=self.tr("Add critical task"))
        self.setObjectName("criticalTaskDialog")
        self.objective = QComboBox(self)
        self.objective.setObjectName("criticalTaskObjective")
        self.objective.setAccessibleName(self.tr("Objective"))
        for number, objective in objectives:
            self.objective.addItem(f"{number}. {objective.objective}", objective.uid)
        found = self.objective.findData(selected) if selected else -1
        self.objective.setCurrentIndex(max(found, 0))
        label = plain_label(self.tr("&Objective *"), self)
        label.setBuddy(self.objective)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(1, label)
        layout.insertWidget(2, self.objective)
        self.resize(self.width(), self.height() + 70)  # the objective's rows above the form
        self.submitted.connect(lambda values: self.added.emit(self.objective.currentData(), values))

    def kept(self) -> dict[str, Any] | None:
        """What was typed, with the objective chosen, as JSON values to keep at locking (None when nothing)."""
        values = self.typed()
        return None if values is None else {"objective": self.objective.currentData(), "values": values}

    def put_back(self, kept: dict[str, Any]) -> None:
        """Show what ``kept`` returned before the workspace locked."""
        found = self.objective.findData(kept.get("objective"))
        if found >= 0:
            self.objective.setCurrentIndex(found)
        values = kept.get("values")
        self.form.apply_values(values if isinstance(values, dict) else {})
