"""File > Back up…: where to (a removable volume or a folder), under which passphrase, then ``backup.back_up`` in a
task with progress and Cancel. Accepted once the backup is written, read back and verified."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from workbench.app.session import Session
from workbench.app.tasks import Lane, TaskControl, TaskFailure, TaskHandle
from workbench.services import backup
from workbench.services.backup import BackupStatus, BackupWritten
from workbench.services.workspace import Workspace
from workbench.ui.common.progress import TaskProgressDialog
from workbench.ui.common.text import plain_label
from workbench.ui.exchange.destination_picker import DestinationPicker
from workbench.ui.exchange.media_source import MediaSource
from workbench.ui.exchange.models import REFUSED_COLOUR

MIN_BACKUP_PASSPHRASE = 8


def last_backup_text(status: BackupStatus | None, now: datetime) -> str:
    """'Last backup: 3 day(s) ago (2026-11-30 14:02 UTC).', or that there has been none."""
    if status is None or status.last_backup is None:
        return QCoreApplication.translate("BackupDialog", "This workspace has not been backed up yet.")
    days = (now - status.last_backup).days
    when = status.last_backup.strftime("%Y-%m-%d %H:%M UTC")
    if days < 1:
        return QCoreApplication.translate("BackupDialog", "Last backup: today ({0}).").format(when)
    return QCoreApplication.translate("BackupDialog", "Last backup: {0} day(s) ago ({1}).").format(days, when)


class BackupDialog(QDialog):
    """Accepted once the backup is written and verified (``written``); a failure is shown in the dialog."""

    backup_written = Signal(object)
    """The ``BackupWritten``."""

    def __init__(
        self,
        session: Session,
        media: MediaSource,
        parent: QWidget | None = None,
        *,
        folder: str = "",
        status: BackupStatus | None = None,
        now: datetime | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("backupDialog")
        self.setWindowTitle(self.tr("Back up the workspace"))
        self.setMinimumWidth(640)
        self._session = session
        self._task: TaskHandle | None = None
        self.written: BackupWritten | None = None
        self.progress: TaskProgressDialog | None = None
        intro = plain_label(
            self.tr(
                "A backup is an encrypted copy of the whole workspace as it is now (cases, library, partners and "
                "their keys, the outbox and inbox, the audit log), with a manifest signed by the workspace's key. "
                "It is read back and verified before it is reported. Keep it away from this computer."
            ),
            self,
            wrap=True,
        )
        self.last = plain_label(last_backup_text(status, now or datetime.now().astimezone()), self, wrap=True)
        self.last.setObjectName("lastBackup")
        self.picker = DestinationPicker(media, self, folder=folder)
        self.picker.set_needed(backup.estimated_size(session.workspace))
        self.same = QRadioButton(self.tr("The &workspace passphrase"), self)
        self.same.setToolTip(self.tr("The backup opens with the passphrase the workspace has now"))
        self.same.setChecked(True)
        self.separate = QRadioButton(self.tr("A &separate backup passphrase"), self)
        self.separate.setToolTip(
            self.tr("Keep it apart from the workspace passphrase, e.g. sealed with the administrator")
        )
        group = QButtonGroup(self)
        group.addButton(self.same)
        group.addButton(self.separate)
        self.secret = QLineEdit(self)
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.setAccessibleName(self.tr("Backup passphrase"))
        self.repeat = QLineEdit(self)
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat.setAccessibleName(self.tr("Repeat backup passphrase"))
        form = QFormLayout()
        form.addRow(self.tr("Encrypt under:"), self.same)
        form.addRow("", self.separate)
        form.addRow(self.tr("Backup &passphrase:"), self.secret)
        form.addRow(self.tr("&Repeat:"), self.repeat)
        self.message = plain_label("", self, wrap=True)
        self.message.setObjectName("backupMessage")
        buttons = QDialogButtonBox(self)
        self.backup_button = buttons.addButton(self.tr("&Back up"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.backup_button.setDefault(True)
        self.backup_button.setToolTip(self.tr("Write, read back and verify the backup"))
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.start)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.last)
        layout.addWidget(self.picker)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        for signal in (self.picker.destination_changed, self.same.toggled, self.secret.textChanged):
            signal.connect(self._update)
        self.repeat.textChanged.connect(self._update)
        self._update()

    def problem(self) -> str | None:
        """Why the backup cannot start yet, or None."""
        where = self.picker.problem()
        if where is not None:
            return where
        if self.separate.isChecked():
            if len(self.secret.text()) < MIN_BACKUP_PASSPHRASE:
                return self.tr("The backup passphrase needs at least {0} characters.").format(MIN_BACKUP_PASSPHRASE)
            if self.secret.text() != self.repeat.text():
                return self.tr("The two backup passphrases differ.")
        return None

    def _update(self) -> None:
        separate = self.separate.isChecked()
        self.secret.setEnabled(separate and self._task is None)
        self.repeat.setEnabled(separate and self._task is None)
        problem = self.problem() if self._task is None else None
        if problem is not None and (separate or self.picker.destination() is not None):
            self._say(problem, error=True)
        elif self._task is None and not self.message.property("failed"):
            self._say("")
        self.backup_button.setEnabled(self._task is None and problem is None)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet(f"QLabel {{ color: {REFUSED_COLOUR.name()}; }}" if error else "")
        self.message.setText(text)

    def start(self) -> None:
        """Run the backup in a task with a progress dialog (Cancel removes what was written)."""
        dest = self.picker.destination()
        if self._task is not None or dest is None or self.problem() is not None:
            return
        secret = self.secret.text() if self.separate.isChecked() else None
        self.message.setProperty("failed", False)
        stages = {
            "copy": self.tr("Copying the workspace…"),
            "read": self.tr("Reading back and verifying what was written…"),
        }

        def work(ws: Workspace, control: TaskControl) -> BackupWritten:
            def progress(stage: str, done: int, total: int) -> None:
                control.progress(done, total, stages.get(stage, ""))

            return backup.back_up(ws, dest, backup_passphrase=secret, progress=progress, cancel=control.cancelled)

        task = self._session.run("back up", work, lane=Lane.LONG)
        self._task = task
        self.progress = TaskProgressDialog(task, self.tr("Backing up the workspace to {0}…").format(dest), self)
        self.progress.open()
        task.succeeded.connect(self._written)
        task.failed.connect(self._failed)
        task.cancelled.connect(self._cancelled)
        self._update()

    def _written(self, written: BackupWritten) -> None:
        self._task = None
        self.written = written
        self.secret.clear()
        self.repeat.clear()
        self.backup_written.emit(written)
        self.accept()

    def _failed(self, failure: TaskFailure) -> None:
        self._task = None
        self.message.setProperty("failed", True)
        self._say(self.tr("No backup was made: {0}").format(failure.message), error=True)
        self._update()

    def _cancelled(self) -> None:
        self._task = None
        self._say(self.tr("Cancelled; nothing was left on the medium."))
        self._update()

    def reject(self) -> None:
        if self._task is not None:
            self._task.cancel()
        self.secret.clear()
        self.repeat.clear()
        super().reject()
