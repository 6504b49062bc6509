"""Which dialog opens the workspace: unlock the remembered one, create one on first run, restore one from a backup,
or the demo.

The dialogs are opened window-modal and not waited for (``open``, not ``exec``), so the event loop keeps running
and the window never blocks; the outcome arrives by signal.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import tempfile
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QWidget

from workbench.app.session import Session
from workbench.app.settings import Settings
from workbench.app.tasks import Lane, TaskFailure
from workbench.services.demo import DEMO_PASSPHRASE, create_demo_workspace
from workbench.services.workspace import Workspace
from workbench.ui.backup.restore_dialog import RestoreDialog
from workbench.ui.common.dialogs import show_error
from workbench.ui.unlock.create_dialog import CreateWorkspaceDialog
from workbench.ui.unlock.unlock_dialog import UnlockDialog

logger = logging.getLogger(__name__)


class AccessFlow(QObject):
    """Opens the workspace into ``session`` through the right dialog."""

    demo_failed = Signal(str)
    """The demo workspace could not be made (the message)."""

    def __init__(self, session: Session, settings: Settings, window: QWidget) -> None:
        super().__init__(window)
        self._session = session
        self._settings = settings
        self._window = window
        self.dialog: QDialog | None = None
        self.demo_folder: Path | None = None
        self._demo_path: Path | None = None

    def start(self, db: Path | None = None) -> None:
        """First dialog of a run: ``db`` if given, else the remembered workspace, else create one."""
        last = db or self._settings.last_workspace
        if last is not None and (db is not None or last.exists()):
            self.show_unlock(last)
        else:
            self.show_create()

    def show_unlock(self, path: Path | None = None) -> UnlockDialog:
        self._close_dialog()
        path = path or self._settings.last_workspace
        hint = DEMO_PASSPHRASE if path is not None and path == self._demo_path else None
        dialog = UnlockDialog(self._session.runner, path, self._window, passphrase_hint=hint)
        dialog.accepted.connect(lambda: self._opened(dialog.workspace))
        dialog.create_requested.connect(self.show_create)
        dialog.restore_requested.connect(self.show_restore)
        self._show(dialog)
        return dialog

    def show_create(self) -> CreateWorkspaceDialog:
        self._close_dialog()
        dialog = CreateWorkspaceDialog(self._session.runner, self._window)
        dialog.accepted.connect(lambda: self._opened(dialog.workspace))
        dialog.restore_requested.connect(self.show_restore)
        self._show(dialog)
        return dialog

    def show_restore(self) -> RestoreDialog:
        """Restore a backup into a new file; the restored workspace opens (and is remembered) once accepted."""
        self._close_dialog()
        dialog = RestoreDialog(self._session.runner, self._window)
        dialog.accepted.connect(lambda: self._opened(dialog.workspace))
        self._show(dialog)
        return dialog

    def _show(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.finished.connect(lambda _code: self._forget(dialog))
        dialog.open()

    def _forget(self, dialog: QDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def _close_dialog(self) -> None:
        if self.dialog is not None:
            dialog, self.dialog = self.dialog, None
            dialog.reject()

    def _opened(self, ws: Workspace | None) -> None:
        if ws is None:
            return
        demo = self._demo_path is not None and ws.path == self._demo_path
        if not demo:
            self._settings.last_workspace = ws.path
        self._session.attach(ws, demo_passphrase=DEMO_PASSPHRASE if demo else None)

    # -- demo --------------------------------------------------------------------------------------------------

    def start_demo(self) -> None:
        """Make a temporary demo workspace off the GUI thread and open it (its passphrase is shown)."""
        self.demo_folder = Path(tempfile.mkdtemp(prefix="workbench-demo-"))
        folder = self.demo_folder
        task = self._session.runner.run(
            "demo workspace", lambda _control: create_demo_workspace(folder), lane=Lane.LONG
        )
        task.succeeded.connect(self._demo_ready)
        task.failed.connect(self._demo_failed)

    def _demo_ready(self, ws: Workspace) -> None:
        self._demo_path = ws.path
        self._session.attach(ws, demo_passphrase=DEMO_PASSPHRASE)

    def _demo_failed(self, failure: TaskFailure) -> None:
        self.demo_failed.emit(failure.message)
        show_error(self._window, self.tr("The demo workspace could not be made: {0}").format(failure.message))

    def cleanup(self) -> None:
        """Remove the demo workspace's folder (at exit; the session is locked by then)."""
        if self.demo_folder is not None:
            with contextlib.suppress(OSError):
                shutil.rmtree(self.demo_folder)
            self.demo_folder = None
