"""The About box's table of bundled components."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from workbench.ui.common.table_model import TableModel

Index = QModelIndex | QPersistentModelIndex


class LicencesModel(TableModel):
    """Rows of (component, version, use, licence)."""

    def __init__(self, rows: list[tuple[str, str, str, str]], parent: Any = None) -> None:
        super().__init__(parent)
        self._rows = rows
        self._headers = (self.tr("Component"), self.tr("Version"), self.tr("Used for"), self.tr("Licence"))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self._headers):
            return self._headers[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole) or not index.isValid() \
                or index.parent().isValid() or not 0 <= index.row() < len(self._rows) \
                or not 0 <= index.column() < len(self._headers):
            return None
        return self._rows[index.row()][index.column()]
