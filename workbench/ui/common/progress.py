"""A progress dialog bound to a running task: shows its progress, cancels it, closes when it ends."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QProgressBar, QPushButton, QVBoxLayout, QWidget

from workbench.app.tasks import TaskHandle, TaskProgress
from workbench.ui.common.text import plain_label

_STEPS = 1000


class TaskProgressDialog(QDialog):
    """Window-modal progress for one task. Cancel (or Escape) asks the task to stop; the dialog stays until the
    task has ended, whatever the outcome, then closes itself."""

    def __init__(self, handle: TaskHandle, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("taskProgress")
        self.setWindowTitle(self.tr("Workbench"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(440)
        self._handle = handle
        self._text = text
        self.label = plain_label(text, self, wrap=True)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 0)
        self.bar.setAccessibleName(self.tr("Progress"))
        buttons = QDialogButtonBox(self)
        self.cancel_button: QPushButton = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setToolTip(self.tr("Stop; nothing will be changed"))
        self.cancel_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(buttons)
        handle.progressed.connect(self._progressed)
        handle.finished.connect(self._finished)

    def reject(self) -> None:  # Cancel and Escape: ask, then wait for the task to stop
        if self._handle.done:
            super().reject()
            return
        self.label.setText(self.tr("Cancelling… nothing will be changed."))
        self.cancel_button.setEnabled(False)
        self._handle.cancel()

    def _progressed(self, progress: TaskProgress) -> None:
        if progress.total > 0:
            self.bar.setRange(0, _STEPS)
            self.bar.setValue(int(_STEPS * min(1.0, progress.done / progress.total)))
        if progress.message and self.cancel_button.isEnabled():
            self.label.setText(f"{self._text}\n{progress.message}")

    def _finished(self) -> None:
        self.done(QDialog.DialogCode.Accepted)
        self.deleteLater()
