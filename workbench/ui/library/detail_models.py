"""Small table models of the detail pane: an object's relations and its versions with provenance."""

from __future__ import annotations

import enum
from typing import Any

from PySide6.QtCore import QByteArray, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from workbench.services.library import Direction, Link
from workbench.storage.objects import VersionInfo
from workbench.ui.common.table_model import TableModel
from workbench.ui.common.text import one_line, tooltip_text

Index = QModelIndex | QPersistentModelIndex


class _ListModel(TableModel):
    """A read-only table over a Python list, replaced as a whole."""

    headers: tuple[str, ...] = ()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._items: list[Any] = []

    def set_items(self, items: list[Any]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self.endResetModel()

    def clear(self) -> None:
        self.set_items([])

    def item(self, row: int) -> Any:
        return self._items[row] if 0 <= row < len(self._items) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self.headers):
            return self.headers[section]
        return None

    def _valid(self, index: Index) -> bool:
        return (index.isValid() and not index.parent().isValid() and 0 <= index.row() < len(self._items)
                and 0 <= index.column() < len(self.headers))


class LinksModel(_ListModel):
    """An object's relations; activating a row follows it."""

    class Columns(enum.IntEnum):
        DIRECTION = 0
        RELATION = 1
        OBJECT = 2
        TYPE = 3

    ObjectIdRole = Qt.ItemDataRole.UserRole + 1
    ViaRole = Qt.ItemDataRole.UserRole + 2

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.headers = (self.tr("Direction"), self.tr("Relation"), self.tr("Object"), self.tr("Type"))

    def roleNames(self) -> dict[int, QByteArray]:
        names = dict(super().roleNames())
        names[self.ObjectIdRole] = QByteArray(b"object_id")
        names[self.ViaRole] = QByteArray(b"via")
        return names

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not self._valid(index):
            return None
        link: Link = self._items[index.row()]
        column = self.Columns(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if column == self.Columns.DIRECTION:
                return self.tr("→ to") if link.direction is Direction.OUTGOING else self.tr("← from")
            if column == self.Columns.RELATION:
                return link.label
            if column == self.Columns.OBJECT:
                return one_line(link.other_name) if link.stored else self.tr("(not stored) {0}").format(link.other_id)
            return link.other_type
        if role == Qt.ItemDataRole.ToolTipRole:
            text = f"{link.other_name}\n{link.other_id}" if link.other_name else link.other_id
            return tooltip_text(text)
        if role == Qt.ItemDataRole.FontRole and not link.stored:
            font = QFont()
            font.setItalic(True)
            return font
        if role == self.ObjectIdRole:
            return link.other_id
        if role == self.ViaRole:
            return link.via
        return None


class VersionsModel(_ListModel):
    """Every stored version of an object, newest first, with where it came from."""

    class Columns(enum.IntEnum):
        MODIFIED = 0
        STATUS = 1
        SOURCE = 2
        IMPORTED = 3
        PARTNER_KEY = 4

    VidRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.headers = (self.tr("Modified"), self.tr("Status"), self.tr("Source"), self.tr("Imported"),
                        self.tr("Partner key"))

    def roleNames(self) -> dict[int, QByteArray]:
        names = dict(super().roleNames())
        names[self.VidRole] = QByteArray(b"vid")
        return names

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not self._valid(index):
            return None
        version: VersionInfo = self._items[index.row()]
        column = self.Columns(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            source = version.provenance
            if column == self.Columns.MODIFIED:
                return version.modified.replace("T", " ")[:23] if version.modified else ""
            if column == self.Columns.STATUS:
                if version.revoked:
                    return self.tr("revoked")
                return self.tr("current") if version.current else self.tr("history")
            if column == self.Columns.SOURCE:
                return one_line(f"{source.kind}: {source.name}")
            if column == self.Columns.IMPORTED:
                return source.imported_at.replace("T", " ")[:19]
            return (source.partner_key_id or "")[:16]
        if role == Qt.ItemDataRole.ToolTipRole:
            source = version.provenance
            lines = [f"{source.kind}: {source.name}"]
            if source.sha256:
                lines.append(f"SHA-256 {source.sha256}")
            if source.package_id:
                lines.append(f"package {source.package_id}")
            if source.partner_key_id:
                lines.append(f"partner key {source.partner_key_id}")
            return tooltip_text("\n".join(lines))
        if role == Qt.ItemDataRole.FontRole and version.current:
            font = QFont()
            font.setBold(True)
            return font
        if role == self.VidRole:
            return version.vid
        return None
