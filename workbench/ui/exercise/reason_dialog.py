"""A short text the controller gives with an action: why an inject is held or skipped, the players' response.

OK (or Ctrl+Enter) emits ``submitted`` with the text; the screen runs the change and either closes the dialog or
shows the refusal above the text, keeping what was typed.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QPlainTextEdit, QVBoxLayout, QWidget

from workbench.ui.common.text import plain_label
from workbench.ui.exercise.change_dialog import ChangeDialog
from workbench.ui.exercise.keys import ctrl_enter


class ReasonDialog(ChangeDialog):
    submitted = Signal(str)
    """The text typed (stripped) when OK was pressed."""

    def __init__(
        self, title: str, prompt: str, parent: QWidget | None = None, *, required: bool = True, ok_text: str = ""
    ) -> None:
        super().__init__(title, "reasonDialog", parent, ok_text=ok_text)
        self.required = required
        label = plain_label(prompt, self, wrap=True)
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("reasonText")
        self.text.setAccessibleName(prompt)
        self.text.setTabChangesFocus(True)
        label.setBuddy(self.text)
        self.ok_button.setToolTip(self.tr("Ctrl+Enter"))
        self.text.textChanged.connect(self._update)
        ctrl_enter(self.text, self.accept)
        body = QVBoxLayout()
        body.addWidget(label)
        body.addWidget(self.text, 1)
        self.arrange(body, stretch=1)
        self.resize(460, 240)
        self.text.setFocus()
        self._update()

    def value(self) -> str:
        return self.text.toPlainText().strip()

    def _update(self) -> None:
        self.ok_button.setEnabled(bool(self.value()) or not self.required)

    def accept(self) -> None:  # OK: hand the text on; the dialog closes once the change is saved
        if not self.ok_button.isEnabled():
            return
        self.submitting()
        self.submitted.emit(self.value())

    def refused(self, message: str) -> None:
        self.error.show_message(message)
        self._update()
