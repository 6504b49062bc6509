"""Backups in the main window: File > Back up…, and the reminder shown when the last backup is too old.

The reminder reads ``backup.backup_status`` (from the audit log) off the GUI thread when the workspace opens, after
each backup, when the period changes in Preferences, and every hour while the window stays open; it shows a bar
above the screens when the last backup (or, with none, the workspace's creation) is older than the period the
analyst set (``Settings.backup_reminder_days``, default 7 days, 0 for never). "Later" hides it until the next
unlock.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QWidget

from workbench.app.application import icon
from workbench.app.session import Session
from workbench.app.settings import Settings
from workbench.domain.timestamps import utc_now
from workbench.services import backup
from workbench.services.backup import BackupStatus, BackupWritten
from workbench.ui.backup.backup_dialog import BackupDialog
from workbench.ui.common.dialogs import show_info
from workbench.ui.common.list_model import size_text
from workbench.ui.common.text import plain_label
from workbench.ui.exchange.media_source import MediaSource

logger = logging.getLogger(__name__)

CHECK_INTERVAL_MS = 60 * 60 * 1000


class BackupReminder(QFrame):
    """The bar above the screens: how old the last backup is, "Back up now…" and "Later"."""

    back_up_requested = Signal()
    """The analyst chose "Back up now…"."""
    dismissed = Signal()
    """The analyst chose "Later"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("backupReminder")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("#backupReminder { background: #fff4ce; } #backupReminder QLabel { color: #3b2f00; }")
        self.text = plain_label("", self, wrap=True)
        self.text.setAccessibleName(self.tr("Backup reminder"))
        self.back_up_button = QPushButton(icon("lock"), self.tr("&Back up now…"), self)
        self.back_up_button.setToolTip(self.tr("Write an encrypted, verified backup onto a removable medium"))
        self.back_up_button.clicked.connect(self.back_up_requested)
        later = QPushButton(self.tr("Later"), self)
        later.setToolTip(self.tr("Hide this reminder until the workspace is unlocked again"))
        later.clicked.connect(self.dismissed)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 6, 12, 6)
        row.addWidget(self.text, 1)
        row.addWidget(self.back_up_button)
        row.addWidget(later)
        self.hide()

    def show_status(self, status: BackupStatus, period_days: int, now: datetime) -> None:
        if status.last_backup is None:
            days = (now - status.since).days if status.since else 0
            text = self.tr(
                "This workspace has never been backed up; it was created {0} day(s) ago. If this computer's disk "
                "fails, everything in it is lost."
            ).format(days)
        else:
            days = (now - status.last_backup).days
            text = self.tr(
                "The last backup of this workspace is {0} day(s) old (you asked to be reminded after {1}). "
                "Work since then exists only on this computer."
            ).format(days, period_days)
        self.text.setText(text)
        self.show()


class BackupController(QObject):
    """Owns the reminder bar and opens the backup dialog for one main window."""

    status_read = Signal(object)
    """A ``BackupStatus`` was read (after opening, a backup, or a timer tick)."""

    def __init__(
        self,
        session: Session,
        settings: Settings,
        window: QWidget,
        *,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        super().__init__(window)
        self._session = session
        self._settings = settings
        self._window = window
        self.clock = clock
        self._snoozed = False
        self.status: BackupStatus | None = None
        self.dialog: BackupDialog | None = None
        self.media = MediaSource(self)
        self.reminder = BackupReminder(window)
        self.reminder.back_up_requested.connect(self.show_dialog)
        self.reminder.dismissed.connect(self._snooze)
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_INTERVAL_MS)
        self._timer.timeout.connect(self.check)
        session.opened.connect(self._opened)
        session.locking.connect(self._locking)

    def _opened(self, _info: object) -> None:
        self._snoozed = False
        self._timer.start()
        self.check()

    def _locking(self) -> None:
        if self.dialog is not None:
            self.dialog.reject()  # cancels a running backup: nothing is left on the medium
        self._timer.stop()
        self.status = None
        self.reminder.hide()

    def _snooze(self) -> None:
        self._snoozed = True
        self.reminder.hide()

    def check(self) -> None:
        """Read the backup status off the GUI thread and show or hide the reminder."""
        if not self._session.is_open:
            return
        task = self._session.run("backup status", lambda ws, _control: backup.backup_status(ws.conn))
        task.succeeded.connect(self._status_read)

    def _status_read(self, status: BackupStatus) -> None:
        if not self._session.is_open:
            return
        self.status = status
        period = self._settings.backup_reminder_days
        now = self.clock()
        if status.due(period, now) and not self._snoozed:
            self.reminder.show_status(status, period, now)
        else:
            self.reminder.hide()
        self.status_read.emit(status)

    def show_dialog(self) -> BackupDialog | None:
        """File > Back up…: the dialog over the window (opened, not waited for)."""
        if not self._session.is_open:
            return None
        if self.dialog is not None:
            self.dialog.raise_()
            return self.dialog
        dialog = BackupDialog(
            self._session,
            self.media,
            self._window,
            folder=self._settings.value("backup/folder"),
            status=self.status,
            now=self.clock(),
        )
        self.dialog = dialog
        dialog.backup_written.connect(self._written)
        dialog.finished.connect(lambda _code: self._closed(dialog))
        self.media.start()
        dialog.open()
        return dialog

    def _closed(self, dialog: BackupDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
            self.media.stop()
        dialog.deleteLater()

    def _written(self, written: BackupWritten) -> None:
        self._settings.set_value("backup/folder", str(written.path.parent))
        show_info(
            self._window,
            self.tr("The backup was written, read back and verified:\n{0}\n\n{1}, SHA-256 {2}").format(
                str(written.path), size_text(written.size), written.manifest.file_sha256
            ),
            title=self.tr("Backup written"),
        )
        self.check()
