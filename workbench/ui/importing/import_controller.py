"""The import flow: a dry run with progress and cancel, the preview, then (only on confirmation) the real import.

Both runs are tasks (``intake.import_source`` off the GUI thread, the entry point every import goes through, so a
case bundle becomes its case here as on the command line). The real run checks, inside its transaction, that the
file still has the hash the analyst previewed; if it changed in between, nothing of it is kept. Cancelling either
run leaves the store as it was (the importer rolls its one transaction back). Several files dropped or chosen
together are read in one run and shown in one preview; a file that cannot be imported says why in its row there
(a single such file is a message of its own). On confirmation each file is imported in its own transaction, one
after the other; files imported before a Cancel stay imported.
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
from workbench.domain.errors import Cancelled, WorkbenchError
from workbench.services.intake import Imported, import_source
from workbench.services.workspace import Workspace
from workbench.ui.common.dialogs import show_error
from workbench.ui.common.progress import TaskProgressDialog
from workbench.ui.importing.preview_dialog import FilePreview, ImportPreviewDialog

logger = logging.getLogger(__name__)


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
    """The ``Imported`` of a file whose import was kept (its ``summary``, and what it did to cases)."""
    import_cancelled = Signal(str)
    """The file name (or the task's name); nothing of it was kept."""
    import_failed = Signal(str)
    """The message saying why a file was refused; nothing of it was kept."""

    def __init__(self, session: Session, window: QWidget) -> None:
        super().__init__(window)
        self._session = session
        self._window = window
        self._queue: list[list[Path]] = []
        self._task: TaskHandle | None = None
        self.progress: TaskProgressDialog | None = None
        self.preview: ImportPreviewDialog | None = None
        session.locking.connect(self.abort)

    @property
    def busy(self) -> bool:
        return self._task is not None or self.preview is not None

    def choose_files(self) -> None:
        """File > Import: pick bundle files, then preview them together."""
        paths, _ = QFileDialog.getOpenFileNames(
            self._window, self.tr("Import STIX files"), "", self.tr("STIX bundles (*.json);;All files (*)")
        )
        if paths:
            self.import_paths(paths)

    def import_paths(self, paths: list[str]) -> None:
        """Preview files (dropped or chosen together) in one preview; later drops wait for this one."""
        if not self._session.is_open:
            show_error(self._window, self.tr("Unlock the workspace before importing."))
            return
        if paths:
            self._queue.append([Path(path) for path in paths])
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
        if self._queue and self._session.is_open:
            self._start_preview(self._queue.pop(0))

    # -- dry run -----------------------------------------------------------------------------------------------

    def _start_preview(self, paths: list[Path]) -> None:
        def work(ws: Workspace, control: TaskControl) -> list[FilePreview]:
            return [_dry_run(ws, path, number, len(paths), control) for number, path in enumerate(paths)]

        task = self._session.run("import preview", work, lane=Lane.LONG)
        what = paths[0].name if len(paths) == 1 else self.tr("{0} files").format(len(paths))
        self._watch(task, self.tr("Reading {0}…").format(what))
        task.succeeded.connect(lambda previews: self._preview(task, previews))

    def _preview(self, task: TaskHandle, previews: list[FilePreview]) -> None:
        if task is not self._task:
            return
        self._task = None
        for item in previews:
            if item.summary is None:
                self.import_failed.emit(item.problem)
        if len(previews) == 1 and previews[0].summary is None:
            show_error(self._window, previews[0].problem, title=self.tr("Import refused"))
            self._next()
            return
        dialog = ImportPreviewDialog(previews, self._window)
        self.preview = dialog
        dialog.finished.connect(lambda code: self._previewed(dialog, code))
        dialog.open()
        self.preview_shown.emit(dialog)

    def _previewed(self, dialog: ImportPreviewDialog, code: int) -> None:
        dialog.deleteLater()
        if self.preview is not dialog:
            return
        self.preview = None
        chosen = dialog.importable
        if code == QDialog.DialogCode.Accepted and chosen:
            self._start_commit(chosen)
            return
        if chosen:
            names = ", ".join(item.path.name for item in chosen)
            self._window_status(self.tr("Import of {0} not confirmed; nothing was changed.").format(names))
            self.import_cancelled.emit(names)
        self._next()

    # -- the real run ------------------------------------------------------------------------------------------

    def _start_commit(self, files: list[FilePreview]) -> None:
        def work(ws: Workspace, control: TaskControl) -> list[Imported | FilePreview]:
            done: list[Imported | FilePreview] = []
            for number, item in enumerate(files):
                assert item.summary is not None
                try:
                    done.append(
                        import_source(
                            ws,
                            item.path,
                            previewed=item.summary.sha256,
                            progress=_progress(control, number, len(files)),
                            cancel=control.cancelled,
                        )
                    )
                except Cancelled:
                    raise
                except WorkbenchError as exc:
                    if control.cancelled():
                        raise Cancelled() from None
                    done.append(FilePreview(item.path, problem=exc.message))
            return done

        task = self._session.run("import", work, lane=Lane.LONG)
        what = files[0].path.name if len(files) == 1 else self.tr("{0} files").format(len(files))
        self._watch(task, self.tr("Importing {0}…").format(what))
        task.succeeded.connect(lambda results: self._committed(task, results))

    def _committed(self, task: TaskHandle, results: list[Imported | FilePreview]) -> None:
        if task is not self._task:
            return
        self._task = None
        texts: list[str] = []
        refused: list[str] = []
        for result in results:
            if isinstance(result, FilePreview):
                refused.append(result.problem)
                self.import_failed.emit(result.problem)
                continue
            summary = result.summary
            assert summary is not None
            text = self.tr("Imported {0}: {1} new, {2} updated, {3} refused.").format(
                result.name, summary.new, summary.new_versions, summary.objects_refused
            )
            text += "".join(" " + self.tr("Case {0} from the import.").format(ref) for ref in result.created)
            text += "".join(" " + self.tr("Case {0} updated.").format(ref) for ref in result.updated)
            texts.append(text)
            self.import_committed.emit(result)
        if texts:
            self._window_status(" ".join(texts))
            self._session.notify_changed(StoreChange("import", " ".join(texts)))
        if refused:
            show_error(self._window, "\n".join(refused), title=self.tr("Import refused"))
        self._next()

    # -- shared ------------------------------------------------------------------------------------------------

    def _watch(self, task: TaskHandle, text: str) -> None:
        self._task = task
        self.progress = TaskProgressDialog(task, text, self._window)
        self.progress.open()
        task.cancelled.connect(lambda: self._cancelled(task))
        task.failed.connect(lambda failure: self._failed(task, failure))

    def _cancelled(self, task: TaskHandle) -> None:
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


def _progress(control: TaskControl, number: int, count: int) -> Callable[[str, int, int], None]:
    """Progress over several files: file ``number`` of ``count`` counts as that share of the whole."""
    share = 1_000_000

    def report(_stage: str, done: int, total: int) -> None:
        part = done / total if total > 0 else 0.0
        control.progress(int((number + part) * share), count * share)

    return report


def _dry_run(ws: Workspace, path: Path, number: int, count: int, control: TaskControl) -> FilePreview:
    """One file's dry run, or why it cannot be imported here (cancelling raises ``Cancelled``)."""
    control.check()
    if is_package(path):
        return FilePreview(
            path,
            problem=f"{path.name} is an exchange package; packages are verified and imported from the Exchange screen",
        )
    if not path.is_file():
        return FilePreview(path, problem=f"{path.name} is not a file that can be imported")
    try:
        imported = import_source(
            ws, path, dry_run=True, progress=_progress(control, number, count), cancel=control.cancelled
        )
    except Cancelled:
        raise
    except WorkbenchError as exc:
        if control.cancelled():
            raise Cancelled() from None
        return FilePreview(path, problem=exc.message)
    if imported.summary is None:
        return FilePreview(path, problem=f"{path.name} is not a STIX file")
    return FilePreview(path, imported.summary)
