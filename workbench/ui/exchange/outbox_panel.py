"""The Outbox: the export wizard, and the packages sent with their delivery status from receipts."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from workbench.app.session import StoreChange
from workbench.app.tasks import TaskFailure
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
        #: Choices kept at locking while the Outbox is read before they are put back (see ``put_back``): still
        #: unsaved work if the workspace locks again meanwhile.
        self.putting_back: dict[str, Any] | None = None
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
        self.putting_back = None
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
        wizard.choices_put_back.connect(self._put_back_done)
        wizard.finished.connect(lambda _code: self._wizard_closed(wizard))
        wizard.open()
        self.wizard_opened.emit(wizard)
        return wizard

    def put_back(self, kept: dict[str, Any]) -> bool:
        """Open the wizard again with the choices kept at locking (``ExportWizard.kept``).

        A package being written at locking may have been finished in time: when the Outbox lists one for the same
        partner since the write started, the wizard is not opened again (nothing would be left to do but write a
        second package); otherwise it reopens with the choices, never writing by itself.
        """
        if self.wizard is not None:
            self.context.status(self.tr("An export is open already; the one kept at locking was not put back."))
            return False
        started = kept.get("started")
        if not kept.get("writing") or not isinstance(started, str):
            return self._reopen(kept)
        self.putting_back = kept
        task = self.context.session.run("outbox", lambda ws, _control: exchange.outbox(ws))
        task.succeeded.connect(lambda entries: self._reopen_unless_written(kept, started, entries))
        task.failed.connect(self._outbox_not_read)
        return True

    def _outbox_not_read(self, failure: TaskFailure) -> None:
        self.putting_back = None
        self.context.status(
            self.tr("The export being written at locking was not opened again: the Outbox was not read ({0}).").format(
                failure.message
            )
        )

    def _reopen_unless_written(self, kept: dict[str, Any], started: str, entries: list[OutboxEntry]) -> None:
        self.putting_back = None
        partner = kept["choices"].get("partner")
        written = [
            entry
            for entry in entries
            if entry.partner == partner and entry.created >= started and not entry.status.startswith("not written")
        ]
        if not written:
            self._reopen(kept)
            return
        entry = written[-1]  # newest first: the first one written since
        self.context.status(
            self.tr(
                "The package for {0} being written when the workspace locked was finished in time: package {1}, "
                "{2}, is in the Outbox ({3}). The export is not opened again."
            ).format(entry.partner, entry.sequence, entry.file_name, entry.status)
        )

    def _reopen(self, kept: dict[str, Any]) -> bool:
        wizard = self.start_export(ExportWizard.kept_objects(kept))
        if wizard is None:
            return False
        wizard.put_back(kept)
        return True

    def _put_back_done(self, dropped: list[str]) -> None:
        if dropped:
            self.context.status(" ".join(dropped))
        else:
            self.context.status(self.tr("The export is open again with the choices made before locking."))

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
