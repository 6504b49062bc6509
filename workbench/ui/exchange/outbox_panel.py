"""The Outbox: the export wizard, and the packages sent with their delivery status from receipts."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from workbench.app.session import StoreChange
from workbench.services import exchange
from workbench.services.exchange import ExportResult, OutboxEntry
from workbench.ui.common.list_model import when_text
from workbench.ui.common.screen import AppContext
from workbench.ui.common.text import plain_label
from workbench.ui.exchange.export_wizard import ExportWizard
from workbench.ui.exchange.inbox_panel import make_table
from workbench.ui.exchange.media_source import MediaSource
from workbench.ui.exchange.models import OutboxModel


def entry_details(entry: OutboxEntry) -> str:
    lines = [
        f"Package {entry.sequence} for {entry.partner}: {entry.file_name}",
        f"Created {when_text(entry.created)} UTC, expires {when_text(entry.expires)} UTC, "
        f"{entry.object_count:,} object version(s), {entry.held_back:,} held back, ceiling {entry.tlp_ceiling}",
        f"Package id {entry.package_id}",
    ]
    if entry.delivered_at:
        lines.append(
            f"Receipt recorded {when_text(entry.delivered_at)} UTC: they stored {entry.imported or 0}, "
            f"refused {entry.refused or 0}"
        )
    else:
        lines.append(f"Status: {entry.status}. Their receipt, once carried back, is recorded from the Inbox.")
    return "\n".join(lines)


class OutboxPanel(QWidget):
    wizard_opened = Signal(object)
    """The ``ExportWizard`` now open."""

    def __init__(self, context: AppContext, media: MediaSource, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("outboxPanel")
        self.context = context
        self.media = media
        self.wizard: ExportWizard | None = None
        self._just_written: str | None = None
        self.export_button = QPushButton(self.tr("&New export…"), self)
        self.export_button.setObjectName("exportButton")
        self.export_button.setToolTip(self.tr("Write a signed package for a partner (Ctrl+E)"))
        self.export_button.clicked.connect(self.start_export)
        hint = plain_label(
            self.tr(
                "Packages sent, newest first. A partner's receipt, carried back on a stick, is "
                "recorded from the Inbox and marks the package delivered."
            ),
            self,
            wrap=True,
        )
        top = QHBoxLayout()
        top.addWidget(hint, 1)
        top.addWidget(self.export_button)
        self.model = OutboxModel(self)
        columns = OutboxModel.Columns
        self.table = make_table(
            self,
            self.model,
            "outboxTable",
            self.tr("Packages sent"),
            {
                columns.CREATED: 125,
                columns.TO: 270,
                columns.SEQUENCE: 75,
                columns.OBJECTS: 70,
                columns.HELD_BACK: 75,
                columns.TLP: 100,
                columns.STATUS: 130,
                columns.DELIVERED: 250,
            },
        )
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.details = plain_label("", self, wrap=True, selectable=True)
        self.details.setObjectName("outboxDetails")
        self.details.setAccessibleName(self.tr("Selected package"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.details)

    def reload(self) -> None:
        task = self.context.session.run("outbox", lambda ws, _control: exchange.outbox(ws))
        task.succeeded.connect(self._loaded)

    def _loaded(self, entries: list[OutboxEntry]) -> None:
        selected = self._selected()
        wanted = self._just_written or (selected.package_id if selected is not None else None)
        self._just_written = None
        self.model.set_items(entries)
        rows = [row for row, entry in enumerate(entries) if entry.package_id == wanted]
        if entries:
            self.table.selectRow(rows[0] if rows else 0)
        else:
            self.details.setText(self.tr("No package sent yet. New export… writes the first one."))

    def clear(self) -> None:
        self.model.clear()
        self.details.setText("")

    def _selected(self) -> OutboxEntry | None:
        index = self.table.selectionModel().currentIndex()
        return self.model.item(index.row()) if index.isValid() else None

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        entry = self.model.item(current.row())
        self.details.setText(entry_details(entry) if entry is not None else "")

    def start_export(self, objects: list[str] | None = None) -> ExportWizard | None:
        """Open the export wizard (one at a time), with the library's current selection offered, or ``objects``
        (rows chosen in a table's menu) offered and chosen."""
        if not self.context.session.is_open:
            return None
        if self.wizard is not None:
            if objects is not None:
                self.context.status(self.tr("An export is already open; finish or cancel it first."))
            self.wizard.raise_()
            return self.wizard
        wizard = ExportWizard(
            self.context.session,
            self.context.settings,
            self.media,
            library_selection=self.context.selected_objects() if objects is None else objects,
            parent=self.window(),
        )
        if objects:
            wizard.selection_page.library_button.setChecked(True)
        self.wizard = wizard
        wizard.package_written.connect(self._written)
        wizard.export_cancelled.connect(lambda: self.context.status(self.tr("Export cancelled; nothing was written.")))
        wizard.finished.connect(lambda _code: self._wizard_closed(wizard))
        wizard.open()
        self.wizard_opened.emit(wizard)
        return wizard

    def _wizard_closed(self, wizard: ExportWizard) -> None:
        if self.wizard is wizard:
            self.wizard = None
        wizard.deleteLater()

    def _written(self, result: ExportResult) -> None:
        text = self.tr("Package {0} for {1} written and verified: {2}").format(
            result.sequence, result.recipient, result.path
        )
        self.context.status(text)
        self._just_written = result.package_id  # shown selected once the list is read again
        self.context.session.notify_changed(StoreChange("export", text))  # the outbox and the audit log grew
