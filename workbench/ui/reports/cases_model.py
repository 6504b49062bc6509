"""The cases a report can be built from, as a table: reference, title, kind, status, marking, last change.

Filled in one go by a task (``services.cases.list_cases`` returns at most a few hundred rows, newest first); the
screen asks for the kind the report needs and the words typed in its filter box.
"""

from __future__ import annotations

import enum
import logging
from typing import Any

from PySide6.QtCore import QByteArray, QModelIndex, QPersistentModelIndex, Qt

from workbench.services.cases import CaseSummary
from workbench.ui.common.table_model import TableModel
from workbench.ui.common.text import one_line, tooltip_text

logger = logging.getLogger(__name__)

Index = QModelIndex | QPersistentModelIndex


class Columns(enum.IntEnum):
    REF = 0
    TITLE = 1
    KIND = 2
    STATUS = 3
    TLP = 4
    MODIFIED = 5


class Roles(enum.IntEnum):
    REF = Qt.ItemDataRole.UserRole + 1
    """The case's reference (``INC-2026-0001``): what the report services take."""
    KIND = Qt.ItemDataRole.UserRole + 2
    """``incident`` or ``exercise``."""


class CasesModel(TableModel):
    """Read-only rows of ``CaseSummary``; ``set_cases`` replaces them all."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._cases: list[CaseSummary] = []

    def set_cases(self, cases: list[CaseSummary]) -> None:
        self.beginResetModel()
        self._cases = list(cases)
        self.endResetModel()

    def clear(self) -> None:
        self.set_cases([])

    def case_at(self, row: int) -> CaseSummary | None:
        return self._cases[row] if 0 <= row < len(self._cases) else None

    def row_of(self, ref: str) -> int | None:
        return next((row for row, case in enumerate(self._cases) if case.ref == ref), None)

    # -- Qt model ----------------------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._cases)

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
        return (self.tr("Case"), self.tr("Title"), self.tr("Kind"), self.tr("Status"), self.tr("TLP"),
                self.tr("Changed (UTC)"))[section]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid() or not 0 <= index.row() < len(self._cases) \
                or not 0 <= index.column() < len(Columns):
            return None
        case = self._cases[index.row()]
        column = Columns(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(case, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == Columns.TITLE:
            return tooltip_text(case.title)
        if role == Roles.REF:
            return case.ref
        if role == Roles.KIND:
            return case.kind.value
        return None

    @staticmethod
    def _text(case: CaseSummary, column: Columns) -> str:
        if column == Columns.REF:
            return case.ref
        if column == Columns.TITLE:
            return one_line(case.title, 200)
        if column == Columns.KIND:
            return case.kind.label
        if column == Columns.STATUS:
            return case.status.label
        if column == Columns.TLP:
            return case.tlp.label if case.tlp is not None else ""
        return case.modified.strftime("%Y-%m-%d %H:%M")
