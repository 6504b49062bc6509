"""A read-only table model over a Python list of dataclasses, replaced as a whole (the small tables of a screen).

Subclasses declare ``Columns`` (an ``IntEnum``), the header texts and ``cell(item, column)``; text is shown as it is
(views render ``DisplayRole`` literally) and tool tips go through ``tooltip_text`` so that untrusted text never
becomes rich text. ``ItemRole`` gives the row's object to views and tests; a subclass may add its own ``Roles``
(an ``IntEnum`` from ``UserRole + 1``), answered by ``role_data``.

``set_filter(text)`` shows only the rows whose cells hold every word typed (a searchable table); ``items`` and
the rows are then the matching ones, ``all_items`` the whole list. A subclass may judge rows its own way
(``matches``).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import Any, ClassVar, Generic, TypeVar

from PySide6.QtCore import QByteArray, QModelIndex, QPersistentModelIndex, Qt

from workbench.ui.common.table_model import TableModel
from workbench.ui.common.text import one_line, tooltip_text

Index = QModelIndex | QPersistentModelIndex
T = TypeVar("T")

ItemRole = Qt.ItemDataRole.UserRole


class ListTableModel(TableModel, Generic[T]):
    """Rows are ``items``; see the module docstring."""

    Columns: ClassVar[type[enum.IntEnum]]
    #: The subclass's own roles, named in ``roleNames`` and answered by ``role_data``.
    Roles: ClassVar[type[enum.IntEnum] | None] = None
    #: Characters of a tool tip shown before it is cut.
    tooltip_limit: ClassVar[int] = 600
    #: Columns whose text is a number (right-aligned).
    numeric: ClassVar[frozenset[int]] = frozenset()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._items: list[T] = []
        self._all: list[T] = []
        self._words: list[str] = []

    # -- for subclasses ----------------------------------------------------------------------------------------

    def headers(self) -> Sequence[str]:
        raise NotImplementedError

    def cell(self, item: T, column: int) -> str:
        raise NotImplementedError

    def tooltip(self, item: T, column: int) -> str | None:
        """Plain text for the tool tip of a cell (escaped before it is shown), or None."""
        return None

    def decoration(self, item: T, column: int) -> Any:
        return None

    def foreground(self, item: T, column: int) -> Any:
        return None

    def background(self, item: T, column: int) -> Any:
        return None

    def font(self, item: T, column: int) -> Any:
        return None

    def role_data(self, item: T, role: int) -> Any:
        """The value of one of ``Roles`` for a row."""
        return None

    # -- content -----------------------------------------------------------------------------------------------

    def set_items(self, items: Sequence[T]) -> None:
        self.beginResetModel()
        self._all = list(items)
        self._items = [item for item in self._all if self.matches(item, self._words)] if self.filtering() else self._all
        self.endResetModel()

    def set_filter(self, text: str) -> None:
        """Show only the rows holding every word of ``text`` (case-insensitive; all rows for an empty text)."""
        self._words = text.casefold().split()
        self.set_items(self._all)

    def filtering(self) -> bool:
        """Whether some rows may be left out (words typed, or a subclass's own filter set)."""
        return bool(self._words)

    def matches(self, item: T, words: list[str]) -> bool:
        """Whether a row holds every word in one of its cells' text."""
        text = " ".join(self.cell(item, column) for column in range(len(self.Columns))).casefold()
        return all(word in text for word in words)

    @property
    def all_items(self) -> list[T]:
        """Every row, shown or not."""
        return list(self._all)

    def clear(self) -> None:
        self.set_items([])

    @property
    def items(self) -> list[T]:
        return list(self._items)

    def item(self, row: int) -> T | None:
        return self._items[row] if 0 <= row < len(self._items) else None

    # -- Qt model ----------------------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.Columns)

    def roleNames(self) -> dict[int, QByteArray]:
        names = dict(super().roleNames())
        names[ItemRole] = QByteArray(b"item")
        if self.Roles is not None:
            names.update({int(role): QByteArray(role.name.lower().encode()) for role in self.Roles})
        return names

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.Columns)
        ):
            return self.headers()[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            not index.isValid()
            or index.parent().isValid()
            or not 0 <= index.row() < len(self._items)
            or not 0 <= index.column() < len(self.Columns)
        ):
            return None
        item = self._items[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return one_line(self.cell(item, column), 300)
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = self.tooltip(item, column)
            return tooltip_text(tip, self.tooltip_limit) if tip else None
        if role == Qt.ItemDataRole.TextAlignmentRole and column in self.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.DecorationRole:
            return self.decoration(item, column)
        if role == Qt.ItemDataRole.ForegroundRole:
            return self.foreground(item, column)
        if role == Qt.ItemDataRole.BackgroundRole:
            return self.background(item, column)
        if role == Qt.ItemDataRole.FontRole:
            return self.font(item, column)
        if role == ItemRole:
            return item
        if role > ItemRole:
            return self.role_data(item, role)
        return None


def size_text(size: int) -> str:
    """A byte count for people: 1.2 MB, 340 kB, 12 bytes (decimal units, as file managers show them)."""
    for unit, factor in (("TB", 10**12), ("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if size >= factor:
            return f"{size / factor:.1f} {unit}"
    return f"{size} bytes"


def when_text(stamp: str | None) -> str:
    """A STIX timestamp as ``YYYY-MM-DD HH:MM`` (UTC), or an empty string."""
    return stamp.replace("T", " ")[:16] if stamp else ""
