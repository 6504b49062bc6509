"""A table of importer findings: which object, which property, why it was refused (or warned about)."""

from __future__ import annotations

import enum
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from workbench.services.importer import Finding
from workbench.ui.common.table_model import TableModel
from workbench.ui.common.text import one_line, tooltip_text

Index = QModelIndex | QPersistentModelIndex


class FindingsModel(TableModel):
    class Columns(enum.IntEnum):
        OBJECT = 0
        PROPERTY = 1
        REASON = 2

    def __init__(self, findings: list[Finding], parent: Any = None) -> None:
        super().__init__(parent)
        self._findings = list(findings)
        self._headers = (self.tr("Object"), self.tr("Property"), self.tr("Reason"))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._findings)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.Columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self._headers):
            return self._headers[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid() or not 0 <= index.row() < len(self._findings) \
                or not 0 <= index.column() < len(self.Columns):
            return None
        finding = self._findings[index.row()]
        column = self.Columns(index.column())
        text = {self.Columns.OBJECT: finding.object_id or self.tr("(whole file)"),
                self.Columns.PROPERTY: finding.property or "",
                self.Columns.REASON: finding.message}[column]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return one_line(text, 300)
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip_text(str(finding))
        return None
