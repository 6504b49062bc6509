"""The unlock dialog: passphrase for the remembered workspace, or open another one, create one, or restore a backup.

Key derivation takes about 0.3 s, so the workspace is opened by a task; the dialog stays responsive and shows a
wrong passphrase as a message under the field. The dialog is made for the keyboard: the passphrase field keeps the
focus all along (read-only while the key is derived, never disabled, which would hand the focus to a button), its
text is selected after a failure so that typing replaces it, and Enter always means Unlock.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workbench.app.tasks import Lane, TaskFailure, TaskHandle, TaskRunner
from workbench.domain.errors import WrongPassphrase
from workbench.services.workspace import Workspace, open_workspace
from workbench.ui.common.text import plain_label

logger = logging.getLogger(__name__)


class UnlockDialog(QDialog):
    """Asks for the passphrase of ``path``. Accepted with ``workspace`` set once it opened."""

    create_requested = Signal()
    """The analyst asked for a new workspace instead (the dialog was rejected)."""
    restore_requested = Signal()
    """The analyst asked to restore a workspace from a backup instead (the dialog was rejected)."""

    def __init__(
        self,
        runner: TaskRunner,
        path: Path | None,
        parent: QWidget | None = None,
        *,
        passphrase_hint: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("unlockDialog")
        self.setWindowTitle(self.tr("Unlock workspace"))
        self.setMinimumWidth(480)
        self._runner = runner
        self._task: TaskHandle | None = None
        self.path = path
        self.workspace: Workspace | None = None

        heading = plain_label(self.tr("The workspace is locked"), self)
        font = QFont(heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        heading.setFont(font)
        self.path_label = plain_label("", self, wrap=True, selectable=True)
        self.path_label.setAccessibleName(self.tr("Workspace file"))
        self.passphrase = QLineEdit(self)
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText(self.tr("Passphrase"))
        self.passphrase.setAccessibleName(self.tr("Passphrase"))
        self.passphrase.setToolTip(self.tr("The passphrase this workspace was created with"))
        self.passphrase.textChanged.connect(self._update_buttons)
        self.hint = plain_label("", self, wrap=True, selectable=True)
        self.hint.setVisible(bool(passphrase_hint))
        if passphrase_hint:
            self.hint.setText(self.tr("Demo workspace: the passphrase is “{0}”.").format(passphrase_hint))
        self.error = plain_label("", self, wrap=True)
        self.error.setObjectName("errorLabel")
        self.error.setStyleSheet("color: #d93025; font-weight: bold;")
        self.error.setAccessibleName(self.tr("Error"))
        self.error.hide()
        self.busy = QProgressBar(self)
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setMaximumHeight(6)
        self.busy.setAccessibleName(self.tr("Unlocking"))
        self.busy.hide()

        self.other_button = QPushButton(self.tr("&Open another workspace…"), self)
        self.other_button.setToolTip(self.tr("Choose another workspace file"))
        self.other_button.clicked.connect(self._choose_other)
        self.create_button = QPushButton(self.tr("&Create new workspace…"), self)
        self.create_button.setToolTip(self.tr("Start a new, empty workspace for your organisation"))
        self.create_button.clicked.connect(self._create)
        self.restore_button = QPushButton(self.tr("&Restore from backup…"), self)
        self.restore_button.setToolTip(self.tr("Restore a workspace from a backup into a new file"))
        self.restore_button.clicked.connect(self._restore)
        buttons = QDialogButtonBox(self)
        self.unlock_button = buttons.addButton(self.tr("&Unlock"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.unlock_button.setDefault(True)
        self.unlock_button.setToolTip(self.tr("Open the workspace with this passphrase"))
        self.cancel_button = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setToolTip(self.tr("Stay locked"))
        # Only Unlock reacts to Enter; a button with the focus still takes Space, as everywhere.
        for button in (self.cancel_button, self.other_button, self.create_button):
            button.setAutoDefault(False)
        buttons.accepted.connect(self.unlock)
        buttons.rejected.connect(self.reject)
        extra = QHBoxLayout()
        extra.addWidget(self.other_button)
        extra.addWidget(self.create_button)
        extra.addWidget(self.restore_button)
        extra.addStretch(1)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.path_label)
        layout.addSpacing(6)
        layout.addWidget(self.passphrase)
        layout.addWidget(self.hint)
        layout.addWidget(self.error)
        layout.addWidget(self.busy)
        layout.addSpacing(6)
        layout.addLayout(extra)
        layout.addWidget(buttons)
        self._show_path()
        self._update_buttons()
        self.passphrase.setFocus()

    def _show_path(self) -> None:
        if self.path is None:
            self.path_label.setText(self.tr("No workspace chosen: open one or create a new one."))
        else:
            self.path_label.setText(self.tr("Workspace: {0}").format(str(self.path)))

    def _update_buttons(self) -> None:
        running = self._task is not None
        self.unlock_button.setEnabled(not running and self.path is not None and bool(self.passphrase.text()))
        # Read-only rather than disabled: a disabled field loses the keyboard focus to the next button.
        self.passphrase.setReadOnly(running)
        for widget in (self.other_button, self.create_button, self.restore_button):
            widget.setEnabled(not running)

    def _choose_other(self) -> None:
        start = str(self.path.parent) if self.path else ""
        chosen, _ = QFileDialog.getOpenFileName(
            self, self.tr("Open workspace"), start, self.tr("Workspaces (*.db *.wbk);;All files (*)")
        )
        if chosen:
            self.set_path(Path(chosen))

    def set_path(self, path: Path) -> None:
        self.path = path
        self.hint.hide()
        self.error.hide()
        self._show_path()
        self._update_buttons()
        self.passphrase.setFocus()

    def _create(self) -> None:
        self.create_requested.emit()
        self.reject()

    def _restore(self) -> None:
        self.restore_requested.emit()
        self.reject()

    def unlock(self) -> None:
        """Open the workspace with the typed passphrase, off the GUI thread."""
        if self._task is not None or self.path is None or not self.passphrase.text():
            return
        path, secret = self.path, self.passphrase.text()
        self.error.hide()
        self.busy.show()
        self._task = self._runner.run("unlock", lambda _control: open_workspace(path, secret), lane=Lane.LONG)
        self._task.succeeded.connect(self._opened)
        self._task.failed.connect(self._failed)
        self._task.finished.connect(self._task_ended)
        self._update_buttons()

    def _task_ended(self) -> None:
        self._task = None
        self.busy.hide()
        self._update_buttons()
        if self.isVisible():
            self.passphrase.setFocus(Qt.FocusReason.OtherFocusReason)
            self.passphrase.selectAll()

    def _opened(self, ws: Workspace) -> None:
        if self.result() == QDialog.DialogCode.Rejected and not self.isVisible():
            ws.close(lock=True)  # the analyst gave up meanwhile: do not keep it open
            return
        self.workspace = ws
        self.passphrase.clear()
        self.accept()

    def _failed(self, failure: TaskFailure) -> None:
        if isinstance(failure.error, WrongPassphrase):
            text = self.tr("Wrong passphrase. Check Caps Lock and try again.")
        else:
            text = failure.message
        self.error.setText(text)
        self.error.show()
        self.passphrase.selectAll()

    def reject(self) -> None:
        self.passphrase.clear()
        if self._task is not None:
            self._task.cancel()
        super().reject()

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.unlock()  # Enter means Unlock wherever the focus is (and nothing while a try is running)
            return
        super().keyPressEvent(event)
