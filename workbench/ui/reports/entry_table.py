"""An editable table of the analyst's entries (key judgements, graded sources) and its combo-box delegate.

Each column is a ``Field``: free text, or one of a closed list of choices (likelihood terms, confidence, Admiralty
letters and digits) edited with a combo box. The model holds plain strings; the briefing editor turns them into
the service's JSON form and lets ``analyst_input.parse_analyst`` validate them, so the window accepts exactly what
the command line accepts.

``EntryTableMenu`` is the right-click menu of such a table: Add row, Copy rows (tab-separated, a row a line, as a
spreadsheet pastes them), Paste rows (after the clicked one; a value outside a closed list is left blank) and Delete
rows. The read-only tables' menu (``ui/common/table_menu.py``) has no place here: these rows are being written.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QComboBox, QMenu, QStyledItemDelegate, QStyleOptionViewItem, QTableView, QWidget

from workbench.ui.common.table_model import TableModel
from workbench.ui.common.text import one_line, tooltip_text

logger = logging.getLogger(__name__)

Index = QModelIndex | QPersistentModelIndex
MAX_ROWS = 200


@dataclass(frozen=True)
class Field:
    """One column: the JSON key, its header, and (for a closed list) the accepted ``(value, shown text)`` pairs."""

    key: str
    title: Callable[[], str]
    tip: Callable[[], str]
    choices: tuple[tuple[str, str], ...] = ()
    width: int = 120

    def shown(self, value: str) -> str:
        return next((text for key, text in self.choices if key == value), value)

    def parsed(self, text: str) -> str:
        """A pasted value: a closed list's key, named by itself or by the text shown for it."""
        return next((key for key, shown in self.choices if text in (key, shown)), text)


class EntryTableModel(TableModel):
    """Rows of plain strings keyed by the fields' keys; every cell editable."""

    entries_changed = Signal()
    """A cell was edited, or rows were added or removed."""

    def __init__(self, fields: tuple[Field, ...], parent: Any = None) -> None:
        super().__init__(parent)
        self.fields = fields
        self._rows: list[dict[str, str]] = []

    def entries(self) -> list[dict[str, str]]:
        """The rows that hold anything, as JSON objects with every key (empty text for a blank cell)."""
        return [dict(row) for row in self._rows if any(value.strip() for value in row.values())]

    def set_entries(self, rows: list[dict[str, str]]) -> None:
        self.beginResetModel()
        self._rows = [{field.key: str(row.get(field.key, "")) for field in self.fields} for row in rows[:MAX_ROWS]]
        self.endResetModel()
        self.entries_changed.emit()

    def add_row(self) -> int | None:
        """Append a blank row and return its number (None when the table is full)."""
        if len(self._rows) >= MAX_ROWS:
            return None
        row = len(self._rows)
        self.insertRows(row, 1)
        return row

    # -- Qt model ----------------------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.fields)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.fields):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.fields[section].title()
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.fields[section].tip()
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsEditable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def _valid(self, index: Index) -> bool:
        return (
            index.isValid()
            and not index.parent().isValid()
            and 0 <= index.row() < len(self._rows)
            and 0 <= index.column() < len(self.fields)
        )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not self._valid(index):
            return None
        field = self.fields[index.column()]
        value = self._rows[index.row()][field.key]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return one_line(field.shown(value), 300)
        if role == Qt.ItemDataRole.EditRole:
            return value
        if role == Qt.ItemDataRole.ToolTipRole and value and not field.choices:
            return tooltip_text(value)
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not self._valid(index):
            return False
        field = self.fields[index.column()]
        text = "" if value is None else str(value)
        if field.choices and text and text not in {key for key, _ in field.choices}:
            return False
        self._rows[index.row()][field.key] = text
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole])
        self.entries_changed.emit()
        return True

    def insertRows(self, row: int, count: int, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid() or count < 1 or not 0 <= row <= len(self._rows) or len(self._rows) + count > MAX_ROWS:
            return False
        self.beginInsertRows(QModelIndex(), row, row + count - 1)
        for offset in range(count):
            self._rows.insert(row + offset, {field.key: "" for field in self.fields})
        self.endInsertRows()
        self.entries_changed.emit()
        return True

    def removeRows(self, row: int, count: int, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid() or count < 1 or row < 0 or row + count > len(self._rows):
            return False
        self.beginRemoveRows(QModelIndex(), row, row + count - 1)
        del self._rows[row : row + count]
        self.endRemoveRows()
        self.entries_changed.emit()
        return True


class ChoiceDelegate(QStyledItemDelegate):
    """A combo box for the columns with a closed list of choices; the usual line edit for the others."""

    def __init__(self, fields: tuple[Field, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._fields = fields

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        field = self._fields[index.column()]
        if not field.choices:
            return super().createEditor(parent, option, index)
        box = QComboBox(parent)
        box.setAccessibleName(field.title())
        box.addItem(self.tr("(choose)"), "")
        for value, text in field.choices:
            box.addItem(text, value)
        return box

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        if isinstance(editor, QComboBox):
            found = editor.findData(index.data(Qt.ItemDataRole.EditRole) or "")
            editor.setCurrentIndex(max(found, 0))
            return
        super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData() or "", Qt.ItemDataRole.EditRole)
            return
        super().setModelData(editor, model, index)


class EntryTableMenu(QObject):
    """The context menu of an editable entry table; see the module docstring."""

    def __init__(self, view: QTableView, model: EntryTableModel, add_row: Any) -> None:
        super().__init__(view)
        self._view, self._model, self._add_row = view, model, add_row
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(self.popup)
        self.menu: QMenu | None = None

    def rows_at(self, index: QModelIndex) -> list[int]:
        """The selected rows when ``index`` is one of them, else its row alone (none for the empty space)."""
        if not index.isValid():
            return []
        rows = sorted({chosen.row() for chosen in self._view.selectionModel().selectedIndexes()})
        return rows if index.row() in rows else [index.row()]

    def actions_at(self, index: QModelIndex) -> list[QAction]:
        rows = self.rows_at(index)
        actions: list[QAction] = []

        def action(text: str, slot: Any, enabled: bool = True) -> None:
            item = QAction(text, self)
            item.setEnabled(enabled)
            item.triggered.connect(slot)
            actions.append(item)

        full = self._model.rowCount() >= MAX_ROWS
        clipboard = QGuiApplication.clipboard()
        action(self.tr("&Add row"), self._add_row, not full)
        action(self.tr("&Copy rows") if len(rows) > 1 else self.tr("&Copy row"), lambda: self.copy(rows), bool(rows))
        action(
            self.tr("&Paste rows"),
            lambda: self.paste(rows[-1] + 1 if rows else self._model.rowCount(), clipboard.text()),
            not full and bool(clipboard.text().strip()),
        )
        action(
            self.tr("&Delete rows") if len(rows) > 1 else self.tr("&Delete row"), lambda: self.delete(rows), bool(rows)
        )
        return actions

    def copy(self, rows: list[int]) -> None:
        model = self._model
        lines = [
            "\t".join(
                one_line(str(model.index(row, column).data(Qt.ItemDataRole.EditRole) or ""), 2000)
                for column in range(model.columnCount())
            )
            for row in rows
        ]
        QGuiApplication.clipboard().setText("\n".join(lines))

    def paste(self, at: int, text: str) -> int:
        """Insert the tab-separated lines of ``text`` as rows at ``at``; returns how many were inserted."""
        model = self._model
        lines = [line for line in text.splitlines() if line.strip()][: MAX_ROWS - model.rowCount()]
        if not lines or not model.insertRows(at, len(lines)):
            return 0
        for offset, line in enumerate(lines):
            for column, (field, value) in enumerate(zip(model.fields, line.split("\t"), strict=False)):
                model.setData(model.index(at + offset, column), field.parsed(value.strip()))
        return len(lines)

    def delete(self, rows: list[int]) -> None:
        for row in sorted(rows, reverse=True):
            self._model.removeRows(row, 1)

    def popup(self, position: QPoint) -> None:
        menu = QMenu(self._view)
        menu.setObjectName("entryTableMenu")
        for action in self.actions_at(self._view.indexAt(position)):
            menu.addAction(action)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.menu = menu
        menu.popup(self._view.viewport().mapToGlobal(position))
