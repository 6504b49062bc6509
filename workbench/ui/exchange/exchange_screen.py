"""The Exchange screen: the Inbox (what was carried in, verified before import) and the Outbox (the export wizard
and the packages sent). Packages and receipts dropped on the window come here too.

While the workspace is open the removable volumes are watched and the Inbox scans again when one comes or goes.
In the demo workspace the folder standing in for a USB stick is looked in from the start.

The export wizard's choices are this screen's unsaved work: kept at locking, put back at unlocking (see
``export_wizard``); quitting with them asks to finish or cancel the export first.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from workbench.app.session import SessionInfo, StoreChange
from workbench.services.demo import demo_stick
from workbench.ui.common.screen import AppContext, SaveDone, Screen, UnsavedWork
from workbench.ui.exchange.inbox_panel import InboxPanel
from workbench.ui.exchange.media_source import MediaSource
from workbench.ui.exchange.outbox_panel import OutboxPanel
from workbench.ui.exchange.package_import import PackageImportController

logger = logging.getLogger(__name__)


class ExchangeScreen(Screen):
    def __init__(self, context: AppContext, parent: QWidget | None = None, *, media: MediaSource | None = None) -> None:
        super().__init__(context, parent)
        self.setObjectName("exchangeScreen")
        self.setAccessibleName(self.tr("Exchange"))
        session = context.session
        self.media = media or MediaSource(self)
        self.importer = PackageImportController(session, self, context.status)
        self.inbox = InboxPanel(context, self.media, self.importer, self)
        self.outbox = OutboxPanel(context, self.media, self)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("exchangeTabs")
        self.tabs.setAccessibleName(self.tr("Inbox and Outbox"))
        self.tabs.addTab(self.inbox, self.tr("&Inbox"))
        self.tabs.setTabToolTip(0, self.tr("Packages and receipts carried in, verified before anything is imported"))
        self.tabs.addTab(self.outbox, self.tr("&Outbox"))
        self.tabs.setTabToolTip(1, self.tr("Export a package for a partner; packages sent and their delivery"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.tabs)
        session.opened.connect(self._opened)
        session.locking.connect(self._locking)
        session.store_changed.connect(self._store_changed)
        self._restore_layout()

    def _opened(self, info: SessionInfo) -> None:
        if info.demo_passphrase is not None:
            stick = demo_stick(info.path)
            if stick.is_dir():
                self.inbox.folders = [stick]  # not remembered: the demo's folder is gone after the run
        self.media.start()
        self.reload()

    def reload(self) -> None:
        self.inbox.reload()
        self.outbox.reload()

    def _store_changed(self, _change: StoreChange) -> None:
        if self.context.session.is_open:
            self.reload()

    def _locking(self) -> None:
        self.media.stop()
        self.importer.abort()
        self.inbox.clear()
        self.outbox.clear()

    # -- the export wizard's choices are unsaved work (``work_keeper``) ------------------------------------------

    def _kept_export(self) -> dict[str, Any] | None:
        wizard = self.outbox.wizard
        return wizard.kept() if wizard is not None else None

    def unsaved_work(self) -> list[UnsavedWork]:
        kept = self._kept_export()
        return [self._work(kept)] if kept is not None else []

    def pending_work(self) -> UnsavedWork | None:
        """The choices kept at the last locking while the Outbox or the partners are read before they are put
        back."""
        wizard = self.outbox.wizard
        kept = wizard.putting_back if wizard is not None else self.outbox.putting_back
        return self._work(kept) if kept is not None else None

    def _work(self, kept: dict[str, Any]) -> UnsavedWork:
        partner = kept["choices"]["partner"]
        if kept["writing"]:
            what = self.tr("Exchange: the package for {0} being written").format(partner)
        elif partner:
            what = self.tr("Exchange: an export for {0} being prepared").format(partner)
        else:
            what = self.tr("Exchange: an export being prepared")
        return UnsavedWork(what, "export", {"export": kept})

    def save_work(self, done: SaveDone) -> None:
        if self._kept_export() is not None:
            message = self.tr("Finish or cancel the export first.")
            self.context.status(message)
            done(message)
            return
        done(None)

    def discard_work(self) -> None:
        if self.outbox.wizard is not None:
            self.outbox.wizard.reject()

    def restore_work(self, content: dict[str, Any]) -> bool:
        kept = content.get("export")
        if not isinstance(kept, dict) or not isinstance(kept.get("choices"), dict):
            return False
        if not self.context.session.is_open:
            return False
        self.tabs.setCurrentWidget(self.outbox)
        return self.outbox.put_back(kept)

    def import_paths(self, paths: list[str]) -> None:
        """Packages or receipts dropped on the window: shown in the Inbox tab and imported through its flow."""
        self.tabs.setCurrentWidget(self.inbox)
        self.importer.import_paths([Path(path) for path in paths])

    def start_export(self, objects: list[str] | None = None) -> None:
        self.tabs.setCurrentWidget(self.outbox)
        self.outbox.start_export(objects)

    def focus_first(self) -> None:
        current = self.tabs.currentWidget()
        (self.inbox.found_table if current is self.inbox else self.outbox.table).setFocus()

    def _restore_layout(self) -> None:
        settings = self.context.settings
        state = settings.layout("exchange/inbox_splitter")
        if state is not None:
            self.inbox.splitter.restoreState(state)
        for name, table in (
            ("found", self.inbox.found_table),
            ("received", self.inbox.received_table),
            ("outbox", self.outbox.table),
        ):
            header = settings.layout(f"exchange/{name}_header")
            if header is not None:
                table.horizontalHeader().restoreState(header)

    def save_layout(self) -> None:
        settings = self.context.settings
        settings.save_layout("exchange/inbox_splitter", self.inbox.splitter.saveState())
        for name, table in (
            ("found", self.inbox.found_table),
            ("received", self.inbox.received_table),
            ("outbox", self.outbox.table),
        ):
            settings.save_layout(f"exchange/{name}_header", table.horizontalHeader().saveState())
