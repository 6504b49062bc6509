"""The import flow: a dry run with progress and cancel, the preview, then (only on confirmation) the real import.

Both runs are tasks (``intake.import_source`` off the GUI thread, the entry point every import goes through, so a
case bundle becomes its case here as on the command line). The real run checks, inside its transaction, that the
file still has the hash the analyst previewed; if it changed in between, nothing is kept. Cancelling either run
leaves the store as it was (the importer rolls its one transaction back). Files dropped on the window come here
too, one after the other.
"""

from __future__ import annotations

import logging
import tarfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QFileDialog, QWidget

from workbench.app.session import Session, StoreChange
from workbench.app.tasks import Lane, TaskControl, TaskFailure, TaskHandle
from workbench.services.importing.importer import ImportSummary
from workbench.services.intake import Imported, import_source
from workbench.ui.common.dialogs import show_error
from workbench.ui.common.progress import TaskProgressDialog
from workbench.ui.importing.preview_dialog import ImportPreviewDialog

logger = logging.getLogger(__name__)


def _progress(control: TaskControl) -> Callable[[str, int, int], None]:
    return lambda _stage, done, total: control.progress(done, total)


def is_package(path: Path) -> bool:
    """An exchange package: a directory with a manifest, or a tar of one."""
    if path.is_dir():
        return (path / "manifest.json").is_file()
    return path.suffix.lower() == ".tar" and tarfile.is_tarfile(path)


class ImportController(QObject):
    """Runs imports for one window."""

    preview_shown = Signal(object)
    """The ``ImportPreviewDialog`` now open (tests drive it)."""
    import_committed = Signal(object)
    """The ``Imported`` of an import that was kept (its ``summary``, and what it did to cases)."""
    import_cancelled = Signal(str)
    """The file name; nothing was kept."""
    import_failed = Signal(str)
    """The message shown to the analyst; nothing was kept."""

    def __init__(self, session: Session, window: QWidget) -> None:
        super().__init__(window)
        self._session = session
        self._window = window
        self._queue: list[Path] = []
        self._task: TaskHandle | None = None
        self.progress: TaskProgressDialog | None = None
        self.preview: ImportPreviewDialog | None = None
        session.locking.connect(self.abort)

    @property
    def busy(self) -> bool:
        return self._task is not None or self.preview is not None

    def choose_files(self) -> None:
        """File > Import: pick bundle files, then preview each one."""
        paths, _ = QFileDialog.getOpenFileNames(
            self._window, self.tr("Import STIX files"), "", self.tr("STIX bundles (*.json);;All files (*)")
        )
        if paths:
            self.import_paths(paths)

    def import_paths(self, paths: list[str]) -> None:
        """Queue files for import (dropped or chosen); they are previewed one after the other."""
        if not self._session.is_open:
            show_error(self._window, self.tr("Unlock the workspace before importing."))
            return
        self._queue.extend(Path(path) for path in paths)
        if not self.busy:
            self._next()

    def abort(self) -> None:
        """Stop everything (the workspace is locking): the running task is cancelled, the queue dropped."""
        self._queue.clear()
        if self._task is not None:
            self._task.cancel()
            self._task = None
        if self.preview is not None:
            preview, self.preview = self.preview, None
            preview.reject()

    def _next(self) -> None:
        while self._queue and self._session.is_open:
            path = self._queue.pop(0)
            if is_package(path):
                show_error(
                    self._window,
                    self.tr(
                        "{0} is an exchange package. Packages are verified and imported from the Exchange screen."
                    ).format(path.name),
                )
                continue
            if not path.is_file():
                show_error(self._window, self.tr("{0} is not a file that can be imported.").format(path.name))
                continue
            self._start_preview(path)
            return

    # -- dry run -----------------------------------------------------------------------------------------------

    def _start_preview(self, path: Path) -> None:
        task = self._session.run(
            "import preview",
            lambda ws, control: import_source(
                ws, path, dry_run=True, progress=_progress(control), cancel=control.cancelled
            ),
            lane=Lane.LONG,
        )
        self._watch(task, self.tr("Reading {0}…").format(path.name))
        task.succeeded.connect(lambda imported: self._preview(task, path, imported))

    def _preview(self, task: TaskHandle, path: Path, imported: Imported) -> None:
        if task is not self._task:
            return
        self._task = None
        summary = imported.summary
        assert summary is not None, "only files reach this controller"
        dialog = ImportPreviewDialog(path, summary, self._window)
        self.preview = dialog
        dialog.finished.connect(lambda code: self._previewed(dialog, path, summary, code))
        dialog.open()
        self.preview_shown.emit(dialog)

    def _previewed(self, dialog: ImportPreviewDialog, path: Path, summary: ImportSummary, code: int) -> None:
        dialog.deleteLater()
        if self.preview is not dialog:
            return
        self.preview = None
        if code == QDialog.DialogCode.Accepted and summary.changed_anything:
            self._start_commit(path, summary.sha256)
        else:
            if summary.changed_anything:
                self._window_status(self.tr("Import of {0} not confirmed; nothing was changed.").format(path.name))
                self.import_cancelled.emit(path.name)
            self._next()

    # -- the real run ------------------------------------------------------------------------------------------

    def _start_commit(self, path: Path, previewed_sha256: str) -> None:
        task = self._session.run(
            "import",
            lambda ws, control: import_source(
                ws, path, previewed=previewed_sha256, progress=_progress(control), cancel=control.cancelled
            ),
            lane=Lane.LONG,
        )
        self._watch(task, self.tr("Importing {0}…").format(path.name))
        task.succeeded.connect(lambda imported: self._committed(task, path, imported))

    def _committed(self, task: TaskHandle, path: Path, imported: Imported) -> None:
        if task is not self._task:
            return
        self._task = None
        summary = imported.summary
        assert summary is not None
        text = self.tr("Imported {0}: {1} new, {2} updated, {3} refused.").format(
            path.name, summary.new, summary.new_versions, summary.objects_refused
        )
        if imported.created or imported.updated:
            text += " " + " ".join(self.tr("Case {0} from the import.").format(ref) for ref in imported.created)
            text += " " + " ".join(self.tr("Case {0} updated.").format(ref) for ref in imported.updated)
        self._window_status(text.strip())
        self._session.notify_changed(StoreChange("import", text.strip()))
        self.import_committed.emit(imported)
        self._next()

    # -- shared ------------------------------------------------------------------------------------------------

    def _watch(self, task: TaskHandle, text: str) -> None:
        self._task = task
        self.progress = TaskProgressDialog(task, text, self._window)
        self.progress.open()
        name = text
        task.cancelled.connect(lambda: self._cancelled(task, name))
        task.failed.connect(lambda failure: self._failed(task, failure))

    def _cancelled(self, task: TaskHandle, _text: str) -> None:
        if task is not self._task:
            return
        self._task = None
        self._window_status(self.tr("Import cancelled; nothing was changed."))
        self.import_cancelled.emit(task.name)
        self._next()

    def _failed(self, task: TaskHandle, failure: TaskFailure) -> None:
        if task is not self._task:
            return
        self._task = None
        show_error(self._window, failure.message, title=self.tr("Import refused"))
        self.import_failed.emit(failure.message)
        self._next()

    def _window_status(self, text: str) -> None:
        status = getattr(self._window, "show_status", None)
        if callable(status):
            status(text)
