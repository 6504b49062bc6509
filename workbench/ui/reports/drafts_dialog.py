"""Drafts…: the report forms saved in the workspace by name, to reopen or delete.

The list is read in a task (``drafts.named``); Open hands the chosen draft to the Reports screen (``draft_opened``)
and closes; Delete asks first, then removes it in a task and reads the list again.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMessageBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workbench.app.session import Session
from workbench.app.tasks import TaskFailure
from workbench.services import drafts
from workbench.services.drafts import Draft
from workbench.ui.common.dialogs import ask
from workbench.ui.common.list_model import ListTableModel, when_text
from workbench.ui.common.text import plain_label
from workbench.ui.common.views import read_only_rows

#: The kind of the Reports screen's drafts in the workspace.
DRAFT_KIND = "reports"

_KIND_NAMES = {"incident": "Incident report", "exercise": "After-action report", "briefing": "Threat briefing"}


def draft_title(content: dict[str, Any]) -> str:
    """The briefing title a draft holds, or an empty text."""
    briefing = content.get("briefing")
    title = briefing.get("title") if isinstance(briefing, dict) else None
    return title if isinstance(title, str) else ""


def draft_kind(content: dict[str, Any]) -> str:
    report = content.get("report")
    kind = report.get("kind") if isinstance(report, dict) else None
    return _KIND_NAMES.get(kind, "") if isinstance(kind, str) else ""


class DraftsModel(ListTableModel[Draft]):
    class Columns(enum.IntEnum):
        NAME = 0
        KIND = 1
        TITLE = 2
        SAVED = 3

    def headers(self) -> Sequence[str]:
        return (self.tr("Draft"), self.tr("Report"), self.tr("Briefing title"), self.tr("Saved (UTC)"))

    def cell(self, item: Draft, column: int) -> str:
        if column == self.Columns.NAME:
            return item.name
        if column == self.Columns.KIND:
            return draft_kind(item.content)
        if column == self.Columns.TITLE:
            return draft_title(item.content)
        return when_text(item.modified)

    def tooltip(self, item: Draft, column: int) -> str | None:
        return self.cell(item, column) or None


class DraftsDialog(QDialog):
    """The named drafts; ``draft_opened`` carries the ``Draft`` the analyst opened."""

    draft_opened = Signal(object)
    """The ``Draft`` to show in the form."""
    drafts_listed = Signal(int)
    """The list was read: how many drafts it holds."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("draftsDialog")
        self.setWindowTitle(self.tr("Report drafts"))
        self._session = session
        self.model = DraftsModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("draftsTable")
        self.table.setAccessibleName(self.tr("Drafts"))
        self.table.setModel(self.model)
        read_only_rows(self.table)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(DraftsModel.Columns.TITLE, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        self.table.selectionModel().currentRowChanged.connect(self._update)
        self.note = plain_label("", self, wrap=True)
        self.note.setObjectName("draftsNote")
        buttons = QDialogButtonBox(self)
        self.open_button = buttons.addButton(self.tr("&Open"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.open_button.setToolTip(self.tr("Fill the report form with this draft"))
        self.open_button.setDefault(True)
        self.delete_button = buttons.addButton(self.tr("&Delete…"), QDialogButtonBox.ButtonRole.DestructiveRole)
        self.delete_button.setToolTip(self.tr("Remove this draft from the workspace"))
        self.delete_button.clicked.connect(self.delete_selected)
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.accepted.connect(self.open_selected)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            plain_label(self.tr("Report forms saved in this workspace (encrypted like everything in it):"), self)
        )
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)
        layout.addWidget(buttons)
        self.resize(640, 360)
        session.locking.connect(self.reject)
        self._update()
        self.reload()

    def reload(self) -> None:
        task = self._session.run("report drafts", lambda ws, _control: drafts.named(ws.conn, DRAFT_KIND))
        task.succeeded.connect(self._listed)
        task.failed.connect(lambda failure: self.note.setText(failure.message))

    def _listed(self, found: list[Draft]) -> None:
        self.model.set_items(found)
        if found:
            self.table.selectRow(0)
        self.note.setText("" if found else self.tr("No draft saved yet: Drafts ▸ Save draft… in the Reports screen."))
        self._update()
        self.drafts_listed.emit(len(found))

    def selected(self) -> Draft | None:
        index = self.table.selectionModel().currentIndex()
        return self.model.item(index.row()) if index.isValid() else None

    def _update(self, *_args: QModelIndex) -> None:
        chosen = self.selected() is not None
        self.open_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)

    def open_selected(self) -> None:
        draft = self.selected()
        if draft is not None:
            self.draft_opened.emit(draft)
            self.accept()

    def delete_selected(self) -> QMessageBox | None:
        draft = self.selected()
        if draft is None:
            return None
        box = ask(
            self,
            self.tr("Delete draft"),
            self.tr("Delete the draft “{0}” from the workspace?").format(draft.name),
            "deleteDraftBox",
            lambda: self._delete(draft),
        )
        return box

    def _delete(self, draft: Draft) -> None:
        task = self._session.run("delete draft", lambda ws, _control: drafts.delete(ws, [draft.id]))
        task.succeeded.connect(lambda _count: self.reload())
        task.failed.connect(self._failed)

    def _failed(self, failure: TaskFailure) -> None:
        self.note.setText(failure.message)
