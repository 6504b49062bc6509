"""Rate an objective P, S, M or U, with the rationale the after-action report prints beside the rating."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from workbench.domain.cases.exercise import Objective
from workbench.domain.cases.vocab import Rating
from workbench.ui.cases.field_form import ErrorBanner
from workbench.ui.common.text import plain_label


class RatingDialog(QDialog):
    submitted = Signal(str, str)
    """The rating's key (P, S, M, U) and the rationale."""

    def __init__(self, objective: Objective, suggested: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ratingDialog")
        self.setWindowTitle(self.tr("Rate objective"))
        self.setAccessibleName(self.windowTitle())
        self.error = ErrorBanner(self)
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
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Rate"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.error)
        layout.addLayout(form, 1)
        layout.addWidget(self.buttons)
        self.resize(520, 300)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.rating.setFocus()

    def accept(self) -> None:
        self.error.clear()
        self.ok_button.setEnabled(False)
        self.submitted.emit(str(self.rating.currentData()), self.rationale.toPlainText().strip())

    def refused(self, message: str) -> None:
        self.ok_button.setEnabled(True)
        self.error.show_message(message)

    def saved(self) -> None:
        self.done(QDialog.DialogCode.Accepted)
