"""Rate an objective P, S, M or U, with the rationale the after-action report prints beside the rating."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QPlainTextEdit, QWidget

from workbench.domain.cases.exercise import Objective
from workbench.domain.cases.vocab import Rating
from workbench.ui.common.text import plain_label
from workbench.ui.exercise.change_dialog import ChangeDialog


class RatingDialog(ChangeDialog):
    submitted = Signal(str, str)
    """The rating's key (P, S, M, U) and the rationale."""

    def __init__(self, objective: Objective, suggested: str, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Rate objective"), "ratingDialog", parent, ok_text=self.tr("Rate"))
        self.rating = QComboBox(self)
        self.rating.setObjectName("ratingChoice")
        self.rating.setAccessibleName(self.tr("Rating"))
        for rating in Rating:
            self.rating.addItem(f"{rating.value}: {rating.label}", rating.value)
        if objective.rating is not None:
            self.rating.setCurrentIndex(list(Rating).index(objective.rating))
        self.rationale = QPlainTextEdit(self)
        self.rationale.setObjectName("ratingRationale")
        self.rationale.setAccessibleName(self.tr("Rationale"))
        self.rationale.setTabChangesFocus(True)
        self.rationale.setPlainText(objective.rationale or "")
        form = QFormLayout()
        form.addRow(self.tr("Objective"), plain_label(objective.objective, self, wrap=True))
        if suggested:
            form.addRow(self.tr("Evaluators suggested"), plain_label(suggested, self))
        form.addRow(self.tr("&Rating"), self.rating)
        form.addRow(self.tr("R&ationale *"), self.rationale)
        self.arrange(form, stretch=1)
        self.resize(520, 300)
        self.rating.setFocus()
        self.opened_with = self.chosen()  # what it showed at first: the objective's rating and rationale, if any

    def chosen(self) -> dict[str, str]:
        """The rating and the rationale as shown."""
        return {"rating": str(self.rating.currentData()), "rationale": self.rationale.toPlainText()}

    def put_back(self, kept: dict[str, object]) -> None:
        """Show what ``chosen`` returned before the workspace locked."""
        found = self.rating.findData(kept.get("rating"))
        if found >= 0:
            self.rating.setCurrentIndex(found)
        rationale = kept.get("rationale")
        self.rationale.setPlainText(rationale if isinstance(rationale, str) else "")

    def accept(self) -> None:
        self.submitting()
        self.submitted.emit(str(self.rating.currentData()), self.rationale.toPlainText().strip())
