"""The audit log as a table: newest entries first, fetched in pages by tasks as the view scrolls."""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from workbench.app.session import Session
from workbench.services import audit_trail
from workbench.services.audit_trail import AuditEntry
from workbench.ui.common.paged_model import PagedListModel

Index = QModelIndex | QPersistentModelIndex


class Columns(enum.IntEnum):
    SEQ = 0
    TIME = 1
    ACTION = 2
    DETAILS = 3


class Roles(enum.IntEnum):
    SEQ = Qt.ItemDataRole.UserRole + 1
    ACTION = Qt.ItemDataRole.UserRole + 2


class AuditModel(PagedListModel[AuditEntry]):
    Columns = Columns
    Roles = Roles
    numeric = frozenset({Columns.SEQ})

    task_name = "audit page"

    def __init__(self, session: Session, parent: Any = None, *, page_size: int = audit_trail.PAGE_SIZE) -> None:
        super().__init__(session, parent, page_size=page_size)
        self._action: str | None = None
        self.broken_seq: int | None = None

    def set_action(self, action: str | None) -> None:
        self._action = action or None
        self.reload()

    def mark_broken(self, seq: int | None) -> None:
        """Highlight the entry where the chain breaks (None: no highlight)."""
        self.broken_seq = seq
        if self._items:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._items) - 1, len(Columns) - 1))

    def page_work(self, size: int) -> Callable[[Any, Any], list[AuditEntry]]:
        action, before = self._action, self._items[-1].seq if self._items else None
        return lambda ws, _control: audit_trail.page(ws, action=action, before_seq=before, limit=size)

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
