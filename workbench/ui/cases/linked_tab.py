"""The objects linked to a case: a table, and buttons to link from the library, create one inside the case,
unlink, or show it in the library."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QPushButton, QTableView, QVBoxLayout, QWidget

from workbench.ui.cases.case_view import LinkedObject
from workbench.ui.cases.records_tab import DeleteKey
from workbench.ui.common.list_model import ListTableModel, when_text
from workbench.ui.common.views import read_only_rows


class Columns(enum.IntEnum):
    TYPE = 0
    NAME = 1
    TLP = 2
    ORIGIN = 3
    LINKED = 4


class Roles(enum.IntEnum):
    ID = Qt.ItemDataRole.UserRole + 1


class LinkedModel(ListTableModel[LinkedObject]):
    Columns = Columns
    Roles = Roles

    def set_objects(self, rows: list[LinkedObject]) -> None:
        self.set_items(rows)

    def object(self, row: int) -> LinkedObject | None:
        return self.item(row)

    def headers(self) -> Sequence[str]:
        return (self.tr("Type"), self.tr("Name"), self.tr("TLP"), self.tr("Origin"), self.tr("Linked (UTC)"))

    def cell(self, item: LinkedObject, column: int) -> str:
        if column == Columns.TYPE:
            return item.type
        if column == Columns.NAME:
            return item.name if item.in_library else self.tr("(not in the library) {0}").format(item.object_id)
        if column == Columns.TLP:
            return item.tlp.label if item.tlp is not None else ""
        if column == Columns.ORIGIN:
            return {"library": self.tr("linked from the library"), "created": self.tr("created in the case")}.get(
                item.origin, item.origin
            )
        return when_text(item.linked_at)

    def tooltip(self, item: LinkedObject, column: int) -> str:
        return f"{item.name}\n{item.object_id}" if item.name else item.object_id

    def font(self, item: LinkedObject, column: int) -> Any:
        if item.in_library:
            return None
        font = QFont()
        font.setItalic(True)
        return font

    def role_data(self, item: LinkedObject, role: int) -> Any:
        return item.object_id if role == Roles.ID else None


class LinkedTab(QWidget):
    link_requested = Signal()
    """The analyst wants to pick objects from the library."""
    create_requested = Signal()
    """The analyst wants to create an object inside the case."""
    unlink_requested = Signal(list)
    """The ids of the selected objects to unlink."""
    show_requested = Signal(str)
    """The id of an object to show in the library."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("linkedTab")
        self.model = LinkedModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("linkedTable")
        self.table.setAccessibleName(self.tr("Linked objects"))
        self.table.setToolTip(self.tr("Double-click or Enter shows the object in the library; Delete unlinks"))
        self.table.setModel(self.model)
        read_only_rows(self.table)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        for column, width in ((Columns.TYPE, 120), (Columns.NAME, 300), (Columns.TLP, 110), (Columns.ORIGIN, 170)):
            header.resizeSection(column, width)
        self.table.activated.connect(self._activated)
        self.link_button = QPushButton(self.tr("&Link from library…"), self)
        self.link_button.setObjectName("linkFromLibrary")
        self.link_button.setToolTip(self.tr("Search the library and link objects to this case"))
        self.link_button.clicked.connect(self.link_requested)
        self.create_button = QPushButton(self.tr("&Create object…"), self)
        self.create_button.setObjectName("createObject")
        self.create_button.setToolTip(
            self.tr(
                "Create an indicator, observable, malware, threat actor, vulnerability "
                "or attack pattern inside this case"
            )
        )
        self.create_button.clicked.connect(self.create_requested)
        self.unlink_button = QPushButton(self.tr("Unlink"), self)
        self.unlink_button.setToolTip(self.tr("Remove the link; the object stays in the library"))
        self.unlink_button.clicked.connect(self._unlink)
        self.show_button = QPushButton(self.tr("Show in library"), self)
        self.show_button.setToolTip(self.tr("Open the selected object in the library"))
        self.show_button.clicked.connect(self._show)
        self._delete_key = DeleteKey(self.table, self._unlink)
        buttons = QHBoxLayout()
        for button in (self.link_button, self.create_button, self.unlink_button, self.show_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        self.table.selectionModel().selectionChanged.connect(lambda *_args: self._update_buttons())
        self.model.modelReset.connect(self._update_buttons)
        self._update_buttons()

    def selected_ids(self) -> list[str]:
        return [self.model.data(index, Roles.ID) for index in self.table.selectionModel().selectedRows()]

    def _update_buttons(self) -> None:
        chosen = bool(self.selected_ids())
        self.unlink_button.setEnabled(chosen)
        self.show_button.setEnabled(chosen)

    def _activated(self, index: QModelIndex) -> None:
        item = self.model.object(index.row())
        if item is not None and item.in_library:
            self.show_requested.emit(item.object_id)

    def _unlink(self) -> None:
        ids = self.selected_ids()
        if ids:
            self.unlink_requested.emit(ids)

    def _show(self) -> None:
        ids = self.selected_ids()
        if ids:
            self.show_requested.emit(ids[0])
