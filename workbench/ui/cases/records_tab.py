"""A table of one kind of case record with Add, Edit and Remove; the case editor does the saving."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QHeaderView, QPushButton, QTableView, QVBoxLayout, QWidget

from workbench.domain.cases.case import RecordKind
from workbench.domain.cases.fields import FieldKind
from workbench.ui.cases.record_model import RecordModel, Roles
from workbench.ui.common.views import read_only_rows


class DeleteKey(QObject):
    """Delete (or Backspace) pressed in a table calls ``action``: handled on the table itself, so that it works
    wherever the table has the focus, also in a dialog or before the window was activated."""

    def __init__(self, table: QTableView, action: Callable[[], None]) -> None:
        super().__init__(table)
        self._action = action
        table.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
        ):
            self._action()
            return True
        return False


class RecordsTab(QWidget):
    add_requested = Signal(object)
    """The ``RecordKind`` to add a record of."""
    edit_requested = Signal(object, str)
    """The ``RecordKind`` and uid of the record to edit."""
    remove_requested = Signal(object, str)
    """The ``RecordKind`` and uid of the record to remove."""

    def __init__(self, kind: RecordKind, parent: QWidget | None = None, *, add_text: str | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.setObjectName(f"records_{kind.value}")
        noun = kind.label.lower()
        self.model = RecordModel(kind, self)
        self.table = QTableView(self)
        self.table.setObjectName(f"recordsTable_{kind.value}")
        self.table.setAccessibleName(kind.label + "s")
        self.table.setToolTip(self.tr("Double-click or Enter edits; Delete removes"))
        self.table.setModel(self.model)
        read_only_rows(self.table)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        for column, info in enumerate(self.model.fields):
            width = {
                FieldKind.TIME: 170,
                FieldKind.DATE: 100,
                FieldKind.NOTE: 260,
                FieldKind.COUNT: 80,
                FieldKind.COUNT_OR_UNKNOWN: 80,
            }.get(info.kind, 150)
            header.resizeSection(column, width)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.activated.connect(self._activated)
        self.add_button = QPushButton(add_text or self.tr("Add {0}…").format(noun), self)
        self.add_button.setObjectName(f"add_{kind.value}")
        self.add_button.setToolTip(self.tr("Add a {0} to this case").format(noun))
        self.add_button.clicked.connect(lambda: self.add_requested.emit(self.kind))
        self.edit_button = QPushButton(self.tr("Edit…"), self)
        self.edit_button.setToolTip(self.tr("Change the selected {0}").format(noun))
        self.edit_button.clicked.connect(self._edit)
        self.remove_button = QPushButton(self.tr("Remove"), self)
        self.remove_button.setToolTip(
            self.tr("Remove the selected {0} (the audit log keeps that it was removed)").format(noun)
        )
        self.remove_button.clicked.connect(self._remove)
        self._delete_key = DeleteKey(self.table, self._remove)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        self.table.selectionModel().selectionChanged.connect(lambda *_args: self._update_buttons())
        self.model.modelReset.connect(self._update_buttons)
        self._update_buttons()

    def set_records(self, records: list) -> None:  # type: ignore[type-arg]
        kept = self.selected_uid()
        self.model.set_records(records)
        row = self.model.row_of(kept) if kept else None
        if row is not None:
            self.table.selectRow(row)

    def set_editable(self, editable: bool) -> None:
        self.add_button.setEnabled(editable)
        self._editable = editable
        self._update_buttons()

    def selected_uid(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.data(rows[0], Roles.UID) if rows else None

    def _update_buttons(self) -> None:
        chosen = self.selected_uid() is not None and getattr(self, "_editable", True)
        self.edit_button.setEnabled(chosen)
        self.remove_button.setEnabled(chosen)

    def _activated(self, index: QModelIndex) -> None:
        uid = self.model.data(index, Roles.UID)
        if uid:
            self.edit_requested.emit(self.kind, str(uid))

    def _edit(self) -> None:
        uid = self.selected_uid()
        if uid:
            self.edit_requested.emit(self.kind, uid)

    def _remove(self) -> None:
        uid = self.selected_uid()
        if uid:
            self.remove_requested.emit(self.kind, uid)
