"""Writing a signed receipt for a package received: where to, then ``exchange.write_receipt`` (written, read back
and verified) in a task."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from workbench.app.session import Session
from workbench.app.tasks import TaskFailure, TaskHandle
from workbench.services.exchange import InboxEntry, ReceiptWritten
from workbench.services.jobs import catalogue
from workbench.ui.common.list_model import when_text
from workbench.ui.common.text import plain_label
from workbench.ui.exchange.destination_picker import DestinationPicker
from workbench.ui.exchange.media_source import MediaSource
from workbench.ui.exchange.models import REFUSED_COLOUR

RECEIPT_SPACE = 64 * 1024


class ReceiptDialog(QDialog):
    """Accepted once the receipt is written and verified; a failure is shown in the dialog, which stays open."""

    receipt_written = Signal(object)
    """The ``ReceiptWritten``."""

    def __init__(
        self,
        session: Session,
        media: MediaSource,
        entry: InboxEntry,
        parent: QWidget | None = None,
        *,
        folder: str = "",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("receiptDialog")
        self.setWindowTitle(self.tr("Write a receipt"))
        self.setMinimumWidth(620)
        self._session = session
        self._entry = entry
        self._task: TaskHandle | None = None
        self.written: ReceiptWritten | None = None
        intro = plain_label(
            self.tr(
                "A signed receipt tells {0} that package {1} (imported {2}) arrived: {3} object(s) stored, "
                "{4} unchanged, {5} refused. Carry it back to them; their Outbox then shows the package as delivered."
            ).format(
                entry.partner,
                entry.sequence,
                when_text(entry.imported_at),
                entry.imported,
                entry.unchanged,
                entry.refused,
            ),
            self,
            wrap=True,
        )
        self.picker = DestinationPicker(media, self, folder=folder)
        self.picker.set_needed(RECEIPT_SPACE)
        self.tar = QCheckBox(self.tr("Write one .&tar file instead of a folder"), self)
        self.message = plain_label("", self, wrap=True)
        self.message.setObjectName("receiptMessage")
        buttons = QDialogButtonBox(self)
        self.write_button = buttons.addButton(self.tr("&Write receipt"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.write_button.setDefault(True)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._write)
        buttons.rejected.connect(self.reject)
        self.picker.destination_changed.connect(self._update)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.picker)
        layout.addWidget(self.tar)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        session.locking.connect(self.reject)
        self._update()

    def _update(self) -> None:
        self.write_button.setEnabled(self._task is None and self.picker.problem() is None)

    def _write(self) -> None:
        dest = self.picker.destination()
        if dest is None or self.picker.problem() is not None:
            return
        package_id, tar = self._entry.package_id, self.tar.isChecked()
        self.message.setStyleSheet("")
        self.message.setText(self.tr("Writing and verifying the receipt…"))
        task = self._session.run_job(
            "write receipt", catalogue.write_receipt, package_id=package_id, dest=dest, tar=tar
        )
        self._task = task
        self._update()
        task.succeeded.connect(self._written)
        task.failed.connect(self._failed)

    def _written(self, written: ReceiptWritten) -> None:
        self._task = None
        self.written = written
        self.receipt_written.emit(written)
        self.accept()

    def _failed(self, failure: TaskFailure) -> None:
        self._task = None
        self.message.setStyleSheet(f"QLabel {{ color: {REFUSED_COLOUR.name()}; }}")
        self.message.setText(self.tr("The receipt was not written: {0}").format(failure.message))
        self._update()
