"""The base of the Exercise screen's small dialogs: OK hands the values on and the dialog stays open until the
change is saved (``saved``) or refused, when the refusal shows above the form and everything typed is kept."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLayout, QVBoxLayout, QWidget

from workbench.ui.cases.field_form import ErrorBanner


class ChangeDialog(QDialog):
    def __init__(self, title: str, name: str, parent: QWidget | None = None, *, ok_text: str = "") -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.error = ErrorBanner(self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        if ok_text:
            self.ok_button.setText(ok_text)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.setWindowModality(Qt.WindowModality.WindowModal)

    def arrange(self, body: QLayout | QWidget, *, stretch: int = 0) -> None:
        """Lay the dialog out: the refusal banner, ``body``, the buttons."""
        layout = QVBoxLayout(self)
        layout.addWidget(self.error)
        if isinstance(body, QWidget):
            layout.addWidget(body, stretch)
        else:
            layout.addLayout(body, stretch)
        layout.addWidget(self.buttons)

    def submitting(self) -> None:
        """OK was pressed with values to hand on: clear the last refusal and wait for the outcome."""
        self.error.clear()
        self.ok_button.setEnabled(False)

    def refused(self, message: str) -> None:
        self.ok_button.setEnabled(True)
        self.error.show_message(message)

    def saved(self) -> None:
        self.done(QDialog.DialogCode.Accepted)
