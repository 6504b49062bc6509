"""A table of one kind of case record (events, tasks, stage submissions, participants, objectives, injects,
observations, improvement plan items), its columns generated from the record's field declarations.

Long optional texts (notes) are left out of the columns and shown in the row's tool tip with every other field.
"""

from __future__ import annotations

import enum
from typing import Any

from PySide6.QtCore import QByteArray, QModelIndex, QPersistentModelIndex, Qt

from workbench.domain.cases.case import RecordKind
from workbench.domain.cases.fields import FieldInfo, FieldKind, display, display_lines, field_infos
from workbench.ui.common.table_model import TableModel
from workbench.ui.common.text import one_line, tooltip_text

Index = QModelIndex | QPersistentModelIndex


def record_columns(kind: RecordKind) -> list[FieldInfo]:
    """The fields a table of ``kind`` shows: every field but optional notes."""
    return [info for info in field_infos(kind.record_class) if info.kind is not FieldKind.NOTE or info.required]


class Roles(enum.IntEnum):
    UID = Qt.ItemDataRole.UserRole + 1


class RecordModel(TableModel):
    """The records of one kind, in the order the case gives them (by time where they have one)."""

    def __init__(self, kind: RecordKind, parent: Any = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.fields = record_columns(kind)
        #: The columns, generated from the declarations: ``Columns.PLANNED_AT`` and so on.
        self.Columns = enum.IntEnum(  # type: ignore[misc]
            f"{kind.name.title()}Columns", {info.name.upper(): number for number, info in enumerate(self.fields)})
        self._records: list[Any] = []

    def set_records(self, records: list[Any]) -> None:
        self.beginResetModel()
        self._records = list(records)
        self.endResetModel()

    def clear(self) -> None:
        self.set_records([])

    def record(self, row: int) -> Any:
        return self._records[row] if 0 <= row < len(self._records) else None

    def row_of(self, uid: str) -> int | None:
        return next((row for row, record in enumerate(self._records) if record.uid == uid), None)

    # -- Qt model ----------------------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._records)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.fields)

    def roleNames(self) -> dict[int, QByteArray]:
        names = dict(super().roleNames())
        names[int(Roles.UID)] = QByteArray(b"uid")
        return names

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.fields):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            info = self.fields[section]
            return info.label + (self.tr(" (local time)") if info.kind is FieldKind.TIME else "")
        if role == Qt.ItemDataRole.ToolTipRole and self.fields[section].help:
            return tooltip_text(self.fields[section].help)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid() or not 0 <= index.row() < len(self._records) \
                or not 0 <= index.column() < len(self.fields):
            return None
        record = self._records[index.row()]
        info = self.fields[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if info.kind is FieldKind.CHOICE and info.name == "rating" and getattr(record, "rating", None):
                return f"{record.rating.value}: {record.rating.label}"
            return one_line(display(info, getattr(record, info.name)))
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [f"{field.label}: {text}" for field, text in display_lines(record)]
            return tooltip_text("\n".join(lines), 2000)
        if role == Roles.UID:
            return record.uid
        return None
