"""The audit log as a table: newest entries first, fetched in pages by tasks as the view scrolls."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from workbench.app.session import Session
from workbench.app.tasks import TaskHandle
from workbench.services import audit_trail
from workbench.storage.audit import AuditEntry
from workbench.ui.common.list_model import ListTableModel

Index = QModelIndex | QPersistentModelIndex


class Columns(enum.IntEnum):
    SEQ = 0
    TIME = 1
    ACTION = 2
    DETAILS = 3


class Roles(enum.IntEnum):
    SEQ = Qt.ItemDataRole.UserRole + 1
    ACTION = Qt.ItemDataRole.UserRole + 2


class AuditModel(ListTableModel[AuditEntry]):
    Columns = Columns
    Roles = Roles
    numeric = frozenset({Columns.SEQ})

    rows_loaded = Signal(int)
    """The number of entries held after a page arrived."""

    def __init__(self, session: Session, parent: Any = None, *, page_size: int = audit_trail.PAGE_SIZE) -> None:
        super().__init__(parent)
        self._session = session
        self._page_size = page_size
        self._action: str | None = None
        self._has_more = False
        self._task: TaskHandle | None = None
        self._generation = 0
        self.broken_seq: int | None = None

    def set_action(self, action: str | None) -> None:
        self._action = action or None
        self.reload()

    def reload(self) -> None:
        self._reset(fetch=True)

    def clear(self) -> None:
        self._reset(fetch=False)

    def _reset(self, *, fetch: bool) -> None:
        self._generation += 1
        if self._task is not None:
            self._task.cancel()
            self._task = None
        self.beginResetModel()
        self._items = []
        self._has_more = fetch and self._session.is_open
        self.endResetModel()
        if self._has_more:
            self.fetchMore(QModelIndex())

    def mark_broken(self, seq: int | None) -> None:
        """Highlight the entry where the chain breaks (None: no highlight)."""
        self.broken_seq = seq
        if self._items:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._items) - 1, len(Columns) - 1))

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._has_more and self._task is None

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent) or not self._session.is_open:
            return
        generation, action, size = self._generation, self._action, self._page_size
        before = self._items[-1].seq if self._items else None
        task = self._session.run("audit page", lambda ws, _control: audit_trail.page(
            ws.conn, action=action, before_seq=before, limit=size))
        self._task = task
        task.succeeded.connect(lambda entries: self._fetched(generation, entries))
        task.finished.connect(lambda: self._fetch_ended(generation))

    def _fetch_ended(self, generation: int) -> None:
        if generation == self._generation:
            self._task = None

    def _fetched(self, generation: int, entries: list[AuditEntry]) -> None:
        if generation != self._generation:
            return
        self._task = None
        self._has_more = len(entries) == self._page_size
        if entries:
            first = len(self._items)
            self.beginInsertRows(QModelIndex(), first, first + len(entries) - 1)
            self._items.extend(entries)
            self.endInsertRows()
        self.rows_loaded.emit(len(self._items))

    def row_of_seq(self, seq: int) -> int | None:
        return next((row for row, entry in enumerate(self._items) if entry.seq == seq), None)

    # -- ListTableModel ----------------------------------------------------------------------------------------

    def headers(self) -> Sequence[str]:
        return (self.tr("Entry"), self.tr("Time (UTC)"), self.tr("Action"), self.tr("Details"))

    def cell(self, item: AuditEntry, column: int) -> str:
        if column == Columns.SEQ:
            return str(item.seq)
        if column == Columns.TIME:
            return item.at.replace("T", " ").rstrip("Z")[:19]
        if column == Columns.ACTION:
            return item.action
        return audit_trail.describe(item.details)

    def tooltip(self, item: AuditEntry, column: int) -> str | None:
        return audit_trail.describe(item.details).replace(", ", "\n") if column == Columns.DETAILS else None

    def background(self, item: AuditEntry, column: int) -> Any:
        return QBrush(QColor("#f4c7c3")) if item.seq == self.broken_seq else None

    def foreground(self, item: AuditEntry, column: int) -> Any:
        return QBrush(QColor("#5f0000")) if item.seq == self.broken_seq else None

    def role_data(self, item: AuditEntry, role: int) -> Any:
        if role == Roles.SEQ:
            return item.seq
        if role == Roles.ACTION:
            return item.action
        return None
