"""A short text the controller gives with an action: why an inject is held or skipped, the players' response.

OK does not close the dialog: it emits ``submitted`` with the text; the screen runs the change and either closes
the dialog (``saved``) or shows the refusal above the text (``refused``), keeping what was typed.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPlainTextEdit, QVBoxLayout, QWidget

from workbench.ui.cases.field_form import ErrorBanner
from workbench.ui.common.text import plain_label
from workbench.ui.exercise.keys import ctrl_enter


class ReasonDialog(QDialog):
    submitted = Signal(str)
    """The text typed (stripped) when OK was pressed."""

    def __init__(
        self, title: str, prompt: str, parent: QWidget | None = None, *, required: bool = True, ok_text: str = ""
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reasonDialog")
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.required = required
        self.error = ErrorBanner(self)
        label = plain_label(prompt, self, wrap=True)
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("reasonText")
        self.text.setAccessibleName(prompt)
        self.text.setTabChangesFocus(True)
        label.setBuddy(self.text)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        if ok_text:
            self.ok_button.setText(ok_text)
        self.ok_button.setToolTip(self.tr("Ctrl+Enter"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.text.textChanged.connect(self._update)
        ctrl_enter(self.text, self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.error)
        layout.addWidget(label)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.buttons)
        self.resize(460, 240)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.text.setFocus()
        self._update()

    def value(self) -> str:
        return self.text.toPlainText().strip()

    def _update(self) -> None:
        self.ok_button.setEnabled(bool(self.value()) or not self.required)

    def accept(self) -> None:  # OK: hand the text on; the dialog closes once the change is saved
        if not self.ok_button.isEnabled():
            return
        self.error.clear()
        self.ok_button.setEnabled(False)
        self.submitted.emit(self.value())

    def refused(self, message: str) -> None:
        self.error.show_message(message)
        self._update()

    def saved(self) -> None:
        self.done(QDialog.DialogCode.Accepted)
