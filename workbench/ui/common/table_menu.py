"""What every read-only table offers beyond its rows: a context menu and the whole text of a cut cell.

The menu: Copy value (the cell), Copy row (its cells, tab-separated), Copy STIX id and Show in library when the
row names a STIX object (its item has ``id``, ``object_id`` or ``stix_id``, or a cell holds one); then, for the
selected rows that name objects (or the row clicked, when it is not selected), Link to case… and Export
selected…, which the main window carries out (``link_objects_to_case``, ``export_objects``). A cell whose text is
elided shows the whole of it as its tool tip when the model gives none (escaped: it may be untrusted).
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPoint, Qt
from PySide6.QtGui import QAction, QGuiApplication, QHelpEvent
from PySide6.QtWidgets import QAbstractItemView, QApplication, QMenu, QTableView, QToolTip

from workbench.ui.common.list_model import ItemRole
from workbench.ui.common.text import tooltip_text

_STIX_ID = re.compile(r"\b[a-z][a-z0-9-]*--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")


def row_stix_id(view: QAbstractItemView, index: QModelIndex) -> str | None:
    """The STIX id the row of ``index`` is about, if it names one."""
    model = view.model()
    object_id = getattr(model, "object_id", None)  # the library's own model
    if callable(object_id):
        value = object_id(index.row())
        if isinstance(value, str) and _STIX_ID.fullmatch(value):
            return value
    item = index.data(ItemRole)
    for name in ("stix_id", "object_id", "id"):
        value = getattr(getattr(item, "entry", item), name, None)
        if isinstance(value, str) and _STIX_ID.fullmatch(value):
            return value
    for column in range(model.columnCount(index.parent())):
        for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            text = model.index(index.row(), column, index.parent()).data(role)
            found = _STIX_ID.search(text) if isinstance(text, str) else None
            if found:
                return found.group(0)
    return None


def rows_stix_ids(view: QAbstractItemView, index: QModelIndex) -> list[str]:
    """The STIX ids of the selected rows when ``index`` is one of them, else of ``index``'s row; in row order."""
    selection = view.selectionModel()
    rows = sorted({item.row() for item in selection.selectedIndexes()}) if selection is not None else []
    if index.row() not in rows:
        rows = [index.row()]
    model = view.model()
    found = (row_stix_id(view, model.index(row, 0, index.parent())) for row in rows)
    return list(dict.fromkeys(stix_id for stix_id in found if stix_id is not None))


def _main_window_action(name: str) -> Any:
    """The visible top-level window's method ``name`` (the main window's), or None."""
    for widget in QApplication.topLevelWidgets():
        method = getattr(widget, name, None)
        if callable(method) and widget.isVisible():
            return method
    return None


def _show_in_library(stix_id: str) -> None:
    show = _main_window_action("show_object")
    if show is not None:
        show(stix_id)
        show.__self__.activateWindow()


def _copy(text: str) -> None:
    clipboard = QGuiApplication.clipboard()
    if clipboard is not None:
        clipboard.setText(text)


class TableMenu(QObject):
    """The context menu and the cut cells' tool tips of one table (``install``)."""

    def __init__(self, view: QTableView) -> None:
        super().__init__(view)
        self._view = view
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(self.popup)
        view.viewport().installEventFilter(self)
        self.menu: QMenu | None = None
        self.acts_on_objects = True  # Link to case… and Export selected… for rows naming stored objects

    def actions_at(self, index: QModelIndex) -> list[QAction]:
        view = self._view
        model = view.model()
        value = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        cells = [
            str(model.index(index.row(), column, index.parent()).data(Qt.ItemDataRole.DisplayRole) or "")
            for column in range(model.columnCount(index.parent()))
            if not view.isColumnHidden(column)
        ]
        actions: list[QAction] = []

        def action(text: str, slot: Any, group: str = "copy") -> None:
            item = QAction(text, self)
            item.setData(group)  # the menu puts a separator between groups
            item.triggered.connect(slot)
            actions.append(item)

        action(self.tr("&Copy value"), lambda: _copy(value))
        action(self.tr("Copy &row"), lambda: _copy("\t".join(cells)))
        stix_id = row_stix_id(view, index)
        if stix_id is not None:
            action(self.tr("Copy STIX &id"), lambda: _copy(stix_id))
            action(self.tr("&Show in library"), lambda: _show_in_library(stix_id))
        chosen = rows_stix_ids(view, index) if self.acts_on_objects else []
        link, export = _main_window_action("link_objects_to_case"), _main_window_action("export_objects")
        if chosen and link is not None:
            action(self.tr("&Link to case…"), lambda: link(chosen), "act")
        if chosen and export is not None:
            action(self.tr("&Export selected…"), lambda: export(chosen), "act")
        return actions

    def popup(self, position: QPoint) -> None:
        index = self._view.indexAt(position)
        if not index.isValid():
            return
        menu = QMenu(self._view)
        menu.setObjectName("tableMenu")
        group = None
        for action in self.actions_at(index):
            if group is not None and action.data() != group:
                menu.addSeparator()
            group = action.data()
            menu.addAction(action)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.menu = menu
        menu.popup(self._view.viewport().mapToGlobal(position))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.ToolTip or not isinstance(event, QHelpEvent):
            return False
        index = self._view.indexAt(event.pos())
        if not index.isValid() or index.data(Qt.ItemDataRole.ToolTipRole):
            return False  # the model's own tool tip is shown
        text = index.data(Qt.ItemDataRole.DisplayRole)
        if isinstance(text, str) and text and self.elided(index):
            QToolTip.showText(event.globalPos(), tooltip_text(text), self._view.viewport())
            return True
        return False

    def elided(self, index: QModelIndex) -> bool:
        """Whether the cell's text is wider than the cell shows."""
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        room = self._view.visualRect(index).width() - 8
        return self._view.fontMetrics().horizontalAdvance(text) > room


def install(view: QTableView) -> TableMenu:
    """Give ``view`` its context menu and cut cells' tool tips (once)."""
    existing = getattr(view, "_table_menu", None)
    if existing is None:
        existing = TableMenu(view)
        view._table_menu = existing  # type: ignore[attr-defined]
    return existing
