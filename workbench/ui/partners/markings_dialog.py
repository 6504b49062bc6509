"""What each marking means in this workspace, and mapping the ones the program does not understand to a TLP level.

Opened from the Partners screen. A marking not understood (a custom ``definition_type`` such as OpenCTI's PAP, an
extension other than TLP 2.0) holds back everything it marks from every export and counts as TLP:RED when it
arrives, until it is mapped here (``workbench markings map`` does the same).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from workbench.app.session import Session, StoreChange
from workbench.app.tasks import TaskFailure, TaskHandle
from workbench.domain.markings import MarkingKind
from workbench.domain.tlp import Tlp
from workbench.services import markings
from workbench.services.markings import MarkingRow
from workbench.ui.common.dialogs import show_error
from workbench.ui.common.list_model import ListTableModel
from workbench.ui.common.text import plain_label
from workbench.ui.common.tlp_box import TlpBox
from workbench.ui.exchange.inbox_panel import make_table
from workbench.ui.exchange.models import GOOD_COLOUR, WARNING_COLOUR


class MarkingsModel(ListTableModel[MarkingRow]):
    class Columns(enum.IntEnum):
        NAME = 0
        MEANING = 1
        OBJECTS = 2
        ID = 3

    numeric = frozenset({Columns.OBJECTS})

    def headers(self) -> Sequence[str]:
        return (self.tr("Marking"), self.tr("Meaning here"), self.tr("Objects"), self.tr("Id"))

    def meaning(self, item: MarkingRow) -> str:
        judgement = item.judgement
        if judgement.kind is MarkingKind.TLP and judgement.level is not None:
            return judgement.level.label
        if judgement.kind is MarkingKind.STATEMENT:
            return self.tr("Statement (restricts nothing)")
        if judgement.kind is MarkingKind.EXERCISE:
            return self.tr("Exercise material (kept apart from real intelligence)")
        if item.mapped is not None:
            return self.tr("Mapped to {0}").format(item.mapped.label)
        return self.tr("Not understood: held back from every export")

    def cell(self, item: MarkingRow, column: int) -> str:
        columns = self.Columns
        values = {
            columns.NAME: item.name or self.tr("(no name: {0})").format(item.judgement.what),
            columns.MEANING: self.meaning(item),
            columns.OBJECTS: f"{item.objects:,}",
            columns.ID: item.id,
        }
        return values[columns(column)]

    def tooltip(self, item: MarkingRow, column: int) -> str | None:
        what = item.judgement.what
        received = "" if item.defined else self.tr(" Its definition was never received.")
        return self.tr("Recognised as: {0}.").format(what) + received if what else received or None

    def foreground(self, item: MarkingRow, column: int) -> object:
        if column != self.Columns.MEANING:
            return None
        if not item.judgement.understood:
            return QBrush(WARNING_COLOUR)
        return QBrush(GOOD_COLOUR) if item.mapped is not None else None


class MarkingsDialog(QDialog):
    marking_mapped = Signal(object)
    """The ``MarkingRow`` of a marking just mapped or unmapped."""
    loaded = Signal()
    """The table shows the workspace's markings."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("markingsDialog")
        self.setWindowTitle(self.tr("Markings"))
        self.resize(860, 460)
        self._session = session
        self._task: TaskHandle | None = None
        self.model = MarkingsModel(self)
        columns = MarkingsModel.Columns
        self.table = make_table(
            self,
            self.model,
            "markingsTable",
            self.tr("Markings and what they mean here"),
            {columns.NAME: 200, columns.MEANING: 300, columns.OBJECTS: 70},
        )
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.level = TlpBox(self, selected=Tlp.AMBER)
        self.level.setAccessibleName(self.tr("TLP level to map to"))
        self.map_button = QPushButton(self.tr("&Map to level"), self)
        self.map_button.setObjectName("mapMarkingButton")
        self.map_button.setToolTip(self.tr("Judge everything this marking marks at the chosen TLP level"))
        self.map_button.clicked.connect(self.map_selected)
        self.unmap_button = QPushButton(self.tr("&Remove mapping"), self)
        self.unmap_button.setToolTip(self.tr("The marking is not understood again: what it marks is held back"))
        self.unmap_button.clicked.connect(self.unmap_selected)
        actions = QHBoxLayout()
        actions.addWidget(plain_label(self.tr("Selected marking:"), self))
        actions.addWidget(self.level)
        actions.addWidget(self.map_button)
        actions.addWidget(self.unmap_button)
        actions.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            plain_label(
                self.tr(
                    "What each marking means in this workspace. A marking the program does not understand holds "
                    "back everything it marks from every export, and counts as TLP:RED when it arrives, until you "
                    "map it to a TLP level."
                ),
                self,
                wrap=True,
            )
        )
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        layout.addWidget(buttons)
        session.locking.connect(self.reject)
        self._update_buttons()
        self.reload()

    def reload(self) -> None:
        task = self._session.run("markings", lambda ws, _control: markings.list_markings(ws))
        task.succeeded.connect(self._loaded)

    def _loaded(self, rows: list[MarkingRow]) -> None:
        selected = self.selected()
        self.model.set_items(rows)
        found = [number for number, row in enumerate(rows) if selected is not None and row.id == selected.id]
        if rows:
            self.table.selectRow(found[0] if found else 0)
        self._update_buttons()
        self.loaded.emit()

    def selected(self) -> MarkingRow | None:
        index = self.table.selectionModel().currentIndex()
        return self.model.item(index.row()) if index.isValid() else None

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = self.model.item(current.row())
        if row is not None and row.mapped is not None:
            self.level.set_level(row.mapped)
        self._update_buttons()

    def _update_buttons(self) -> None:
        row = self.selected()
        mappable = row is not None and row.judgement.kind is MarkingKind.NOT_UNDERSTOOD
        self.map_button.setEnabled(mappable and self._task is None)
        self.level.setEnabled(mappable)
        self.unmap_button.setEnabled(mappable and row is not None and row.mapped is not None and self._task is None)

    def map_selected(self) -> None:
        row, level = self.selected(), self.level.level()
        if row is None or level is None or self._task is not None:
            return
        marking_id = row.id
        self._start(lambda ws, _control: markings.map_marking(ws, marking_id, level))

    def unmap_selected(self) -> None:
        row = self.selected()
        if row is None or self._task is not None:
            return
        marking_id = row.id
        self._start(lambda ws, _control: markings.unmap_marking(ws, marking_id))

    def _start(self, work: object) -> None:
        task = self._session.run("marking mapping", work)  # type: ignore[arg-type]
        self._task = task
        self._update_buttons()
        task.succeeded.connect(self._done)
        task.failed.connect(self._failed)

    def _done(self, row: MarkingRow) -> None:
        self._task = None
        text = self.tr("Marking {0}: {1}.").format(row.name or row.id, self.model.meaning(row))
        self._session.notify_changed(StoreChange("marking", text))
        self.marking_mapped.emit(row)
        self.reload()

    def _failed(self, failure: TaskFailure) -> None:
        self._task = None
        self._update_buttons()
        show_error(self, failure.message, title=self.tr("Marking not mapped"))
