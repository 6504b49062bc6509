"""Importing what was carried in: packages and receipts, from the Inbox or dropped on the window.

Every step is a job of the workspace's worker process (``jobs.catalogue``) with progress and Cancel. An item
dropped on the window is first examined like the Inbox examines what it finds (``inbox_scan.examine``:
quarantine, signature, files, markings); a refused item shows its cause in a dialog and nothing else happens,
except for the two refusals the analyst may override after checking with the partner (``refusal_remedy``). A
verified package is then imported as a dry run (``intake.import_source(..., dry_run=True)``) and the preview
shows what it would change; only when the analyst confirms is it imported for real, with a check inside the
import's transaction that the package is still the one previewed (the manifest's SHA-256), so a medium that
changed in between keeps nothing. A verified receipt is recorded after a confirmation. Items are handled one
after the other.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtWidgets import QAbstractButton, QDialog, QMessageBox, QWidget

from workbench.app.session import Session, StoreChange
from workbench.app.tasks import TaskFailure, TaskHandle, TaskProgress
from workbench.services.exchange import PackageImport, Receipt
from workbench.services.exchange.inbox_scan import FoundItem, ItemKind, ItemState, Remedy
from workbench.services.importing.importer import ImportSummary
from workbench.services.intake import Imported
from workbench.services.jobs import catalogue
from workbench.ui.common.dialogs import show_error, show_info
from workbench.ui.common.list_model import when_text
from workbench.ui.common.progress import TaskProgressDialog
from workbench.ui.exchange.package_preview_dialog import PackagePreviewDialog
from workbench.ui.exchange.refusal_remedy import ReadmitDialog, remedy_box
from workbench.ui.exchange.stages import stage_text

logger = logging.getLogger(__name__)


def _stage(progress: TaskProgress) -> str:
    return stage_text(progress.message)


def import_summary_text(name: str, result: PackageImport) -> str:
    summary: ImportSummary = result.summary
    text = QCoreApplication.translate(
        "Exchange", "Imported package {0} from {1}: {2} new, {3} updated, {4} unchanged, {5} refused."
    ).format(
        result.verdict.sequence,
        result.verdict.partner or name,
        summary.new,
        summary.new_versions,
        summary.unchanged,
        summary.objects_refused,
    )
    if summary.foreign:
        text += " " + QCoreApplication.translate(
            "Exchange", "{0} foreign version(s) kept aside: accept them in the Library."
        ).format(summary.foreign)
    return text


class PackageImportController(QObject):
    """Imports packages and receipts for one window, one at a time."""

    preview_shown = Signal(object)
    """The ``PackagePreviewDialog`` now open."""
    confirmation_shown = Signal(object)
    """The ``QMessageBox`` asking to record a receipt."""
    remedy_shown = Signal(object)
    """The ``QMessageBox`` of a refusal the analyst may override, then the ``ReadmitDialog`` when chosen."""
    item_imported = Signal(object)
    """The ``Imported`` of a package imported or a receipt recorded."""
    import_cancelled = Signal(str)
    """The item's name; nothing was kept."""
    import_refused = Signal(str)
    """The message shown to the analyst; nothing was kept."""

    def __init__(self, session: Session, window: QWidget, status: Callable[[str], None]) -> None:
        super().__init__(window)
        self._session = session
        self._window = window
        self._status = status
        self._queue: list[Path | FoundItem] = []
        self._task: TaskHandle | None = None
        self._dialog: QDialog | QMessageBox | None = None
        self.progress: TaskProgressDialog | None = None
        session.locking.connect(self.abort)

    @property
    def busy(self) -> bool:
        return self._task is not None or self._dialog is not None

    def import_paths(self, paths: list[str] | list[Path]) -> None:
        """Queue dropped or chosen items: each is examined first, then previewed."""
        self._queue.extend(Path(path) for path in paths)
        if not self.busy:
            self._next()

    def import_item(self, item: FoundItem) -> None:
        """Queue an item the Inbox has examined already."""
        self._queue.append(item)
        if not self.busy:
            self._next()

    def abort(self) -> None:
        """Stop everything (the workspace is locking): the running task is cancelled, the queue dropped."""
        self._queue.clear()
        if self._task is not None:
            task, self._task = self._task, None
            task.cancel()
        if self._dialog is not None:
            dialog, self._dialog = self._dialog, None
            dialog.reject()

    def _next(self) -> None:
        while self._queue and self._session.is_open and not self.busy:
            entry = self._queue.pop(0)
            if isinstance(entry, Path):
                self._examine(entry)
            else:
                self._proceed(entry)

    # -- examining and deciding --------------------------------------------------------------------------------

    def _examine(self, path: Path) -> None:
        origin = self.tr("dropped on the window")
        task = self._session.run_job("examine package", catalogue.examine_item, path=path, origin=origin)
        self._watch(task, self.tr("Verifying {0}…").format(path.name), path.name)
        task.succeeded.connect(lambda item: self._examined(task, item))

    def _examined(self, task: TaskHandle, item: FoundItem) -> None:
        if self._finish(task):
            self._proceed(item)

    def _proceed(self, item: FoundItem) -> None:
        if item.state is ItemState.READY:
            self._start_preview(item)
            return
        if item.state is ItemState.RECEIPT_READY:
            self._confirm_receipt(item)
            return
        if item.state is ItemState.REFUSED and item.remedy is not None:
            self._offer_remedy(item)
            return
        if item.state is ItemState.REFUSED:
            title = self.tr("Receipt refused") if item.kind is ItemKind.RECEIPT else self.tr("Package refused")
            message = self.tr("{0} was refused: {1}").format(item.name, item.reason or "")
            show_error(self._window, message, title=title, detail=self.tr("Nothing was imported."))
            self.import_refused.emit(message)
        elif item.state is ItemState.OUTGOING:
            show_info(
                self._window,
                self.tr("{0} was written by this workspace for {1}: carry it to them. It is not imported here.").format(
                    item.name, item.partner or "?"
                ),
            )
        elif item.state is ItemState.IMPORTED:
            show_info(
                self._window,
                self.tr("{0} was already imported on {1}; importing it again would be a replay.").format(
                    item.name, when_text(item.since)
                ),
            )
        else:
            show_info(
                self._window,
                self.tr("The receipt {0} was already recorded on {1}.").format(item.name, when_text(item.since)),
            )
        self._next()

    def _offer_remedy(self, item: FoundItem) -> None:
        """A refusal the analyst may override (``refusal_remedy``): the box, then the override or nothing."""
        box, button = remedy_box(self._window, item)
        self._dialog = box
        box.finished.connect(lambda _code: self._remedy_answered(box, button, item))
        box.open()
        self.remedy_shown.emit(box)

    def _remedy_answered(self, box: QMessageBox, button: QAbstractButton, item: FoundItem) -> None:
        box.deleteLater()
        if self._dialog is not box:
            return
        self._dialog = None
        if box.clickedButton() is not button:
            self.import_refused.emit(box.text())
            self._next()
        elif item.remedy is Remedy.ACCEPT_JUMP:
            self._start_preview(item, accept_jump=True)
        else:
            dialog = ReadmitDialog(self._session, item, self._window)
            self._dialog = dialog
            dialog.finished.connect(lambda code: self._readmit_answered(dialog, item, code))
            dialog.open()
            self.remedy_shown.emit(dialog)

    def _readmit_answered(self, dialog: ReadmitDialog, item: FoundItem, code: int) -> None:
        dialog.deleteLater()
        if self._dialog is not dialog:
            return
        self._dialog = None
        if code == QDialog.DialogCode.Accepted:
            self._status(self.tr("{0} re-admitted; it is examined again.").format(item.name))
            self._queue.insert(0, item.path)
        else:
            self.import_cancelled.emit(item.name)
        self._next()

    # -- packages ----------------------------------------------------------------------------------------------

    def _start_preview(self, item: FoundItem, *, accept_jump: bool = False) -> None:
        path = item.path
        task = self._session.run_job(
            "package preview",
            catalogue.import_source,
            describe=_stage,
            path=path,
            dry_run=True,
            accept_jump=accept_jump,
        )
        self._watch(task, self.tr("Reading {0}…").format(item.name), item.name)
        task.succeeded.connect(lambda preview: self._preview(task, item, preview, accept_jump))

    def _preview(self, task: TaskHandle, item: FoundItem, preview: Imported, accept_jump: bool) -> None:
        if not self._finish(task):
            return
        if not isinstance(preview.result, PackageImport):  # the item was swapped for a receipt: start again
            self._queue.insert(0, item.path)
            self._next()
            return
        dialog = PackagePreviewDialog(item.name, preview, self._window)
        self._dialog = dialog
        dialog.finished.connect(lambda code: self._previewed(dialog, item, preview, code, accept_jump))
        dialog.open()
        self.preview_shown.emit(dialog)

    def _previewed(
        self, dialog: PackagePreviewDialog, item: FoundItem, preview: Imported, code: int, accept_jump: bool
    ) -> None:
        dialog.deleteLater()
        if self._dialog is not dialog:
            return
        self._dialog = None
        result = preview.result
        assert isinstance(result, PackageImport)
        if code == QDialog.DialogCode.Accepted:
            self._start_commit(item, result.verdict.manifest_sha256, accept_jump)
            return
        self._status(self.tr("Import of {0} not confirmed; nothing was changed.").format(item.name))
        self.import_cancelled.emit(item.name)
        self._next()

    def _start_commit(self, item: FoundItem, previewed: str, accept_jump: bool) -> None:
        name = item.name
        task = self._session.run_job(
            "package import",
            catalogue.import_source,
            describe=_stage,
            path=item.path,
            previewed=previewed,
            accept_jump=accept_jump,
        )
        self._watch(task, self.tr("Importing {0}…").format(name), name)
        task.succeeded.connect(lambda imported: self._committed(task, item, imported))

    def _committed(self, task: TaskHandle, item: FoundItem, imported: Imported) -> None:
        if not self._finish(task):
            return
        result = imported.result
        if isinstance(result, PackageImport):
            text = import_summary_text(item.name, result)
            self._status(text)
            self._session.notify_changed(StoreChange("import", text))
        self.item_imported.emit(imported)
        self._next()

    # -- receipts ----------------------------------------------------------------------------------------------

    def _confirm_receipt(self, item: FoundItem) -> None:
        receipt = item.receipt
        assert receipt is not None
        box = QMessageBox(
            QMessageBox.Icon.Question, self.tr("Record receipt"), "", QMessageBox.StandardButton.NoButton, self._window
        )
        box.setObjectName("receiptConfirmation")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(
            self.tr(
                "Verified receipt from {0}: package {1} was delivered on {2}. They stored {3} object(s), "
                "{4} were unchanged and {5} refused."
            ).format(
                item.partner,
                receipt.sequence,
                when_text(receipt.created),
                receipt.imported,
                receipt.unchanged,
                receipt.refused,
            )
        )
        box.setInformativeText(self.tr("Record it, so that the Outbox shows the package as delivered?"))
        self.record_button = box.addButton(self.tr("&Record receipt"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(self.record_button)
        self._dialog = box
        box.finished.connect(lambda _code: self._receipt_answered(box, item))
        box.open()
        self.confirmation_shown.emit(box)

    def _receipt_answered(self, box: QMessageBox, item: FoundItem) -> None:
        box.deleteLater()
        if self._dialog is not box:
            return
        self._dialog = None
        if box.clickedButton() is not self.record_button:
            self.import_cancelled.emit(item.name)
            self._next()
            return
        path = item.path
        task = self._session.run_job("receipt import", catalogue.import_source, describe=_stage, path=path)
        self._watch(task, self.tr("Recording {0}…").format(item.name), item.name)
        task.succeeded.connect(lambda imported: self._receipt_recorded(task, imported))

    def _receipt_recorded(self, task: TaskHandle, imported: Imported) -> None:
        if not self._finish(task):
            return
        receipt = imported.result
        if isinstance(receipt, Receipt):
            text = self.tr("Receipt recorded: package {0} delivered to {1}.").format(
                receipt.sequence, receipt.producer_name
            )
            self._status(text)
            self._session.notify_changed(StoreChange("receipt", text))
        self.item_imported.emit(imported)
        self._next()

    # -- shared ------------------------------------------------------------------------------------------------

    def _watch(self, task: TaskHandle, text: str, name: str) -> None:
        self._task = task
        self.progress = TaskProgressDialog(task, text, self._window)
        self.progress.open()
        task.cancelled.connect(lambda: self._cancelled(task, name))
        task.failed.connect(lambda failure: self._failed(task, failure))

    def _finish(self, task: TaskHandle) -> bool:
        """True when ``task`` is the current one (not aborted); it stops being current."""
        if task is not self._task:
            return False
        self._task = None
        return True

    def _cancelled(self, task: TaskHandle, name: str) -> None:
        if not self._finish(task):
            return
        self._status(self.tr("Import of {0} cancelled; nothing was changed.").format(name))
        self.import_cancelled.emit(name)
        self._next()

    def _failed(self, task: TaskHandle, failure: TaskFailure) -> None:
        if not self._finish(task):
            return
        show_error(
            self._window, failure.message, title=self.tr("Import refused"), detail=self.tr("Nothing was imported.")
        )
        self.import_refused.emit(failure.message)
        self._next()
