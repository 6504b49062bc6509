"""The audit log as a table: newest entries first, fetched in pages by tasks as the view scrolls."""

from __future__ import annotations

import enum
from typing import Any

from PySide6.QtCore import QByteArray, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from workbench.app.session import Session
from workbench.app.tasks import TaskHandle
from workbench.services import audit_trail
from workbench.storage.audit import AuditEntry
from workbench.ui.common.table_model import TableModel
from workbench.ui.common.text import one_line, tooltip_text

Index = QModelIndex | QPersistentModelIndex


class Columns(enum.IntEnum):
    SEQ = 0
    TIME = 1
    ACTION = 2
    DETAILS = 3


class Roles(enum.IntEnum):
    SEQ = Qt.ItemDataRole.UserRole + 1
    ACTION = Qt.ItemDataRole.UserRole + 2


class AuditModel(TableModel):
    rows_loaded = Signal(int)
    """The number of entries held after a page arrived."""

    def __init__(self, session: Session, parent: Any = None, *, page_size: int = audit_trail.PAGE_SIZE) -> None:
        super().__init__(parent)
        self._session = session
        self._page_size = page_size
        self._entries: list[AuditEntry] = []
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
        self._entries = []
        self._has_more = fetch and self._session.is_open
        self.endResetModel()
        if self._has_more:
            self.fetchMore(QModelIndex())

    def mark_broken(self, seq: int | None) -> None:
        """Highlight the entry where the chain breaks (None: no highlight)."""
        self.broken_seq = seq
        if self._entries:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._entries) - 1, len(Columns) - 1))

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._has_more and self._task is None

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent) or not self._session.is_open:
            return
        generation, action, size = self._generation, self._action, self._page_size
        before = self._entries[-1].seq if self._entries else None
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
            first = len(self._entries)
            self.beginInsertRows(QModelIndex(), first, first + len(entries) - 1)
            self._entries.extend(entries)
            self.endInsertRows()
        self.rows_loaded.emit(len(self._entries))

    def row_of_seq(self, seq: int) -> int | None:
        return next((row for row, entry in enumerate(self._entries) if entry.seq == seq), None)

    # -- Qt model ----------------------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Columns)

    def roleNames(self) -> dict[int, QByteArray]:
        names = dict(super().roleNames())
        names.update({int(role): QByteArray(role.name.lower().encode()) for role in Roles})
        return names

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole \
                or not 0 <= section < len(Columns):
            return None
        return (self.tr("Entry"), self.tr("Time (UTC)"), self.tr("Action"), self.tr("Details"))[section]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid() or not 0 <= index.row() < len(self._entries) \
                or not 0 <= index.column() < len(Columns):
            return None
        entry = self._entries[index.row()]
        column = Columns(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if column == Columns.SEQ:
                return str(entry.seq)
            if column == Columns.TIME:
                return entry.at.replace("T", " ").rstrip("Z")[:19]
            if column == Columns.ACTION:
                return entry.action
            return one_line(audit_trail.describe(entry.details), 400)
        if role == Qt.ItemDataRole.ToolTipRole and column == Columns.DETAILS:
            return tooltip_text(audit_trail.describe(entry.details).replace(", ", "\n"))
        if role == Qt.ItemDataRole.BackgroundRole and entry.seq == self.broken_seq:
            return QBrush(QColor("#f4c7c3"))
        if role == Qt.ItemDataRole.ForegroundRole and entry.seq == self.broken_seq:
            return QBrush(QColor("#5f0000"))
        if role == Qt.ItemDataRole.TextAlignmentRole and column == Columns.SEQ:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Roles.SEQ:
            return entry.seq
        if role == Roles.ACTION:
            return entry.action
        return None
