"""The Inbox: packages and receipts found on removable media or in a chosen folder, each with its verdict computed
off the GUI thread before anything is imported; and the packages received, with "Write receipt"."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workbench.app.tasks import TaskFailure, TaskHandle, TaskProgress
from workbench.services import exchange
from workbench.services.exchange import InboxEntry, inbox_scan
from workbench.services.exchange.inbox_scan import FoundItem, ScanResult
from workbench.services.jobs import catalogue
from workbench.services.keys import format_fingerprint
from workbench.ui.common.list_model import ListTableModel, size_text, when_text
from workbench.ui.common.screen import AppContext
from workbench.ui.common.text import plain_label
from workbench.ui.common.views import read_only_rows
from workbench.ui.exchange.media_source import MediaSource
from workbench.ui.exchange.models import FoundItemsModel, ReceivedModel, kind_text, verdict_text
from workbench.ui.exchange.package_import import PackageImportController
from workbench.ui.exchange.receipt_dialog import ReceiptDialog

logger = logging.getLogger(__name__)

FOLDER_KEY = "exchange/inbox_folder"


def make_table(
    parent: QWidget, model: ListTableModel, name: str, accessible: str, widths: dict[int, int]
) -> QTableView:
    """A read-only, row-selecting table as every exchange list has it."""
    table = QTableView(parent)
    table.setObjectName(name)
    table.setAccessibleName(accessible)
    table.setModel(model)
    read_only_rows(table)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.verticalHeader().hide()
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    header = table.horizontalHeader()
    header.setStretchLastSection(True)
    for column, width in widths.items():
        header.resizeSection(column, width)
    return table


def item_details(item: FoundItem) -> str:
    """Everything known about a found item, as plain text for the pane under the table."""
    lines = [
        f"{kind_text(item.kind)} {item.name}",
        f"Found in {item.origin} ({size_text(item.size)})",
        verdict_text(item),
    ]
    verdict, receipt = item.verdict, item.receipt
    if verdict is not None:
        lines += [
            f"Signed by {item.partner} with key {format_fingerprint(verdict.producer.key_id)}",
            f"Producer named inside: {verdict.producer.name}",
            f"Sequence {verdict.sequence}, created {when_text(verdict.created)} UTC, "
            f"expires {when_text(verdict.expires)} UTC",
            f"TLP ceiling {verdict.tlp_ceiling.label}, {verdict.object_count:,} objects",
            f"Package id {verdict.package_id}",
        ]
        lines += [f"Warning: {warning}" for warning in verdict.warnings]
    if receipt is not None:
        lines += [
            f"Receipt from {item.partner}, created {when_text(receipt.created)} UTC, for package "
            f"{receipt.sequence} ({receipt.package_id})",
            f"They stored {receipt.imported}, {receipt.unchanged} unchanged, {receipt.refused} refused",
        ]
    return "\n".join(lines)


class InboxPanel(QWidget):
    scanned = Signal(object)
    """The ``ScanResult`` now shown."""

    def __init__(
        self, context: AppContext, media: MediaSource, importer: PackageImportController, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("inboxPanel")
        self.context = context
        self.media = media
        self.importer = importer
        self.folders: list[Path] = []
        saved = context.settings.value(FOLDER_KEY, "")
        if saved:
            self.folders.append(Path(saved))
        self._scan_task: TaskHandle | None = None
        self.last_scan: ScanResult | None = None

        self.places = plain_label("", self, wrap=True)
        self.places.setObjectName("inboxPlaces")
        self.places.setAccessibleName(self.tr("Where the Inbox looks"))
        choose = QPushButton(self.tr("Choose fol&der…"), self)
        choose.setToolTip(self.tr("Also look in a folder (a mounted share, or a stick the system does not report)"))
        choose.clicked.connect(self.choose_folder)
        self.rescan_button = QPushButton(self.tr("Re&scan"), self)
        self.rescan_button.setToolTip(self.tr("Look again and verify every item (View > Refresh, F5, does it too)"))
        self.rescan_button.clicked.connect(self.rescan)
        top = QHBoxLayout()
        top.addWidget(self.places, 1)
        top.addWidget(choose)
        top.addWidget(self.rescan_button)

        self.found = FoundItemsModel(self)
        columns = FoundItemsModel.Columns
        self.found_table = make_table(
            self,
            self.found,
            "foundTable",
            self.tr("Packages and receipts found"),
            {
                columns.KIND: 75,
                columns.FROM: 230,
                columns.SEQUENCE: 75,
                columns.CREATED: 125,
                columns.TLP: 100,
                columns.OBJECTS: 70,
                columns.VERDICT: 280,
                columns.ITEM: 150,
            },
        )
        self.found_table.setToolTip(self.tr("Select an item to see its verdict; Enter or double-click imports it"))
        self.found_table.selectionModel().currentRowChanged.connect(self._found_changed)
        self.found_table.activated.connect(lambda _index: self.import_selected())
        self.status = plain_label("", self, wrap=True)
        self.status.setObjectName("inboxStatus")
        self.details = plain_label("", self, wrap=True, selectable=True)
        self.details.setObjectName("foundDetails")
        self.details.setAccessibleName(self.tr("Verdict of the selected item"))
        self.import_button = QPushButton(self.tr("I&mport…"), self)
        self.import_button.setObjectName("importButton")
        self.import_button.setToolTip(
            self.tr("Preview what the package brings, then import it on confirmation; record a receipt")
        )
        self.import_button.clicked.connect(self.import_selected)
        actions = QHBoxLayout()
        actions.addWidget(self.status, 1)
        actions.addWidget(self.import_button)

        self.received = ReceivedModel(self)
        rcolumns = ReceivedModel.Columns
        self.received_table = make_table(
            self,
            self.received,
            "receivedTable",
            self.tr("Packages received"),
            {rcolumns.IMPORTED_AT: 130, rcolumns.FROM: 230, rcolumns.SEQUENCE: 70, rcolumns.TLP: 100},
        )
        self.received_table.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        self.receipt_button = QPushButton(self.tr("&Write receipt…"), self)
        self.receipt_button.setObjectName("receiptButton")
        self.receipt_button.setToolTip(self.tr("Write a signed receipt for the selected package, to carry back"))
        self.receipt_button.clicked.connect(self.write_receipt)
        received_head = QHBoxLayout()
        received_head.addWidget(plain_label(self.tr("Packages received:"), self), 1)
        received_head.addWidget(self.receipt_button)

        found_box, received_box = QWidget(self), QWidget(self)
        found_layout = QVBoxLayout(found_box)
        found_layout.setContentsMargins(0, 0, 0, 0)
        found_layout.addLayout(top)
        found_layout.addWidget(self.found_table, 1)
        found_layout.addWidget(self.details)
        found_layout.addLayout(actions)
        received_layout = QVBoxLayout(received_box)
        received_layout.setContentsMargins(0, 0, 0, 0)
        received_layout.addLayout(received_head)
        received_layout.addWidget(self.received_table, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("inboxSplitter")
        self.splitter.addWidget(found_box)
        self.splitter.addWidget(received_box)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        media.volumes_changed.connect(self.rescan)
        self._show_places()
        self._update_buttons()

    # -- loading -----------------------------------------------------------------------------------------------

    def reload(self) -> None:
        """Scan the media and folders again and read the received packages."""
        self.rescan()
        task = self.context.session.run("inbox received", lambda ws, _control: exchange.inbox(ws))
        task.succeeded.connect(self._received_loaded)

    def _received_loaded(self, entries: list[InboxEntry]) -> None:
        self.received.set_items(entries)
        self._update_buttons()

    def rescan(self) -> None:
        if not self.context.session.is_open:
            return
        if self._scan_task is not None:
            self._scan_task.cancel()
        self.status.setText(self.tr("Verifying what is there…"))
        task = self.context.session.run_job(
            "inbox scan",
            catalogue.scan_inbox,
            folders=list(self.folders),
            proc_root=self.media.proc_root,
            sys_root=self.media.sys_root,
        )
        self._scan_task = task
        task.progressed.connect(lambda progress: self._scan_progressed(task, progress))
        task.succeeded.connect(lambda result: self._scanned(task, result))
        task.failed.connect(lambda failure: self._scan_failed(task, failure))

    def _scan_progressed(self, task: TaskHandle, progress: TaskProgress) -> None:
        if task is self._scan_task and progress.total:
            self.status.setText(
                self.tr("Verifying item {0} of {1}: {2}").format(progress.done + 1, progress.total, progress.message)
            )

    def _scanned(self, task: TaskHandle, result: ScanResult) -> None:
        if task is not self._scan_task:
            return
        self._scan_task = None
        selected = self.selected_item()
        self.last_scan = result
        self.found.set_items(result.items)
        self._show_places(list(result.places))
        ready = sum(1 for item in result.items if item.state.importable)
        text = (
            self.tr("{0} item(s) found, {1} ready to import.").format(len(result.items), ready)
            if result.items
            else self.tr("No package or receipt found. Insert a USB stick or choose a folder.")
        )
        self.status.setText(" ".join([text, *result.problems]))
        rows = [row for row, item in enumerate(result.items) if selected is not None and item.path == selected.path]
        if rows or result.items:
            self.found_table.selectRow(rows[0] if rows else 0)
        else:
            self.details.setText("")
        self._update_buttons()
        self.scanned.emit(result)

    def _scan_failed(self, task: TaskHandle, failure: TaskFailure) -> None:
        if task is self._scan_task:
            self._scan_task = None
            self.status.setText(failure.message)

    def _show_places(self, where: list[inbox_scan.Place] | None = None) -> None:
        if where is None:
            where = [inbox_scan.Place(folder, str(folder)) for folder in self.folders]
        volumes = [place.label for place in where if place.volume is not None]
        folders = [place.label for place in where if place.volume is None]
        parts = [
            self.tr("removable volumes: {0}").format(", ".join(volumes))
            if volumes
            else self.tr("no removable volume mounted")
        ]
        if folders:
            parts.append(self.tr("folder: {0}").format(", ".join(folders)))
        self.places.setText(self.tr("Looking in {0}.").format("; ".join(parts)))

    def clear(self) -> None:
        if self._scan_task is not None:
            self._scan_task.cancel()
            self._scan_task = None
        self.found.clear()
        self.received.clear()
        self.details.setText("")
        self.status.setText("")
        self.last_scan = None
        self._update_buttons()

    # -- choosing ----------------------------------------------------------------------------------------------

    def set_folder(self, folder: Path | None, *, remember: bool = True) -> None:
        """Look in this folder besides the removable volumes (None: volumes only), and scan again."""
        self.folders = [folder] if folder is not None else []
        if remember:
            self.context.settings.set_value(FOLDER_KEY, str(folder) if folder is not None else "")
        self.rescan()

    def choose_folder(self) -> None:
        start = str(self.folders[0]) if self.folders else ""
        chosen = QFileDialog.getExistingDirectory(self, self.tr("Look for packages in"), start)
        if chosen:
            self.set_folder(Path(chosen))

    def selected_item(self) -> FoundItem | None:
        index = self.found_table.selectionModel().currentIndex()
        return self.found.item(index.row()) if index.isValid() else None

    def selected_received(self) -> InboxEntry | None:
        index = self.received_table.selectionModel().currentIndex()
        return self.received.item(index.row()) if index.isValid() else None

    def _found_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        item = self.found.item(current.row())
        self.details.setText(item_details(item) if item is not None else "")
        self._update_buttons()

    def _update_buttons(self) -> None:
        item = self.selected_item()
        self.import_button.setEnabled(item is not None)
        self.import_button.setText(
            self.tr("Record recei&pt…") if item is not None and item.receipt is not None else self.tr("I&mport…")
        )
        entry = self.selected_received()
        self.receipt_button.setEnabled(entry is not None)

    # -- acting ------------------------------------------------------------------------------------------------

    def import_selected(self) -> None:
        """Import the selected item through the preview (a refused one shows its cause)."""
        item = self.selected_item()
        if item is not None:
            self.importer.import_item(item)

    def write_receipt(self) -> ReceiptDialog | None:
        entry = self.selected_received()
        if entry is None:
            return None
        folder = str(self.folders[0]) if self.folders else ""
        dialog = ReceiptDialog(self.context.session, self.media, entry, self.window(), folder=folder)
        dialog.receipt_written.connect(self._receipt_written)
        dialog.finished.connect(lambda _code: dialog.deleteLater())
        dialog.open()
        return dialog

    def _receipt_written(self, written: exchange.ReceiptWritten) -> None:
        self.context.status(
            self.tr("Receipt written and verified: {0} in {1}").format(written.path.name, written.path.parent)
        )
        self.reload()
