"""Small table models of the detail pane: an object's relations and its versions with provenance."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

from workbench.services.library import Direction, Link, VersionInfo
from workbench.ui.common.list_model import ListTableModel


def _font(*, bold: bool = False, italic: bool = False) -> QFont:
    font = QFont()
    font.setBold(bold)
    font.setItalic(italic)
    return font


class LinksModel(ListTableModel[Link]):
    """An object's relations; activating a row follows it."""

    class Columns(enum.IntEnum):
        DIRECTION = 0
        RELATION = 1
        OBJECT = 2
        TYPE = 3

    class Roles(enum.IntEnum):
        OBJECT_ID = Qt.ItemDataRole.UserRole + 1
        VIA = Qt.ItemDataRole.UserRole + 2

    ObjectIdRole = Roles.OBJECT_ID
    ViaRole = Roles.VIA

    def headers(self) -> Sequence[str]:
        return (self.tr("Direction"), self.tr("Relation"), self.tr("Object"), self.tr("Type"))

    def cell(self, item: Link, column: int) -> str:
        if column == self.Columns.DIRECTION:
            return self.tr("→ to") if item.direction is Direction.OUTGOING else self.tr("← from")
        if column == self.Columns.RELATION:
            return item.label
        if column == self.Columns.OBJECT:
            return item.other_name if item.stored else self.tr("(not stored) {0}").format(item.other_id)
        return item.other_type

    def tooltip(self, item: Link, column: int) -> str:
        return f"{item.other_name}\n{item.other_id}" if item.other_name else item.other_id

    def font(self, item: Link, column: int) -> Any:
        return None if item.stored else _font(italic=True)

    def role_data(self, item: Link, role: int) -> Any:
        if role == self.Roles.OBJECT_ID:
            return item.other_id
        if role == self.Roles.VIA:
            return item.via
        return None


class VersionsModel(ListTableModel[VersionInfo]):
    """Every stored version of an object, newest first, with where it came from."""

    class Columns(enum.IntEnum):
        MODIFIED = 0
        STATUS = 1
        SOURCE = 2
        IMPORTED = 3
        PARTNER_KEY = 4

    class Roles(enum.IntEnum):
        VID = Qt.ItemDataRole.UserRole + 1

    VidRole = Roles.VID

    def headers(self) -> Sequence[str]:
        return (self.tr("Modified"), self.tr("Status"), self.tr("Source"), self.tr("Imported"), self.tr("Partner key"))

    def cell(self, item: VersionInfo, column: int) -> str:
        source = item.provenance
        if column == self.Columns.MODIFIED:
            return item.modified.replace("T", " ")[:23] if item.modified else ""
        if column == self.Columns.STATUS:
            if item.revoked:
                return self.tr("revoked")
            return self.tr("current") if item.current else self.tr("history")
        if column == self.Columns.SOURCE:
            return f"{source.kind}: {source.name}"
        if column == self.Columns.IMPORTED:
            return source.imported_at.replace("T", " ")[:19]
        return (source.partner_key_id or "")[:16]

    def tooltip(self, item: VersionInfo, column: int) -> str:
        source = item.provenance
        lines = [f"{source.kind}: {source.name}"]
        if source.sha256:
            lines.append(f"SHA-256 {source.sha256}")
        if source.package_id:
            lines.append(f"package {source.package_id}")
        if source.partner_key_id:
            lines.append(f"partner key {source.partner_key_id}")
        return "\n".join(lines)

    def font(self, item: VersionInfo, column: int) -> Any:
        return _font(bold=True) if item.current else None

    def role_data(self, item: VersionInfo, role: int) -> Any:
        return item.vid if role == self.Roles.VID else None
