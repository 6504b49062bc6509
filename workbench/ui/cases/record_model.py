"""A table of one kind of case record (events, tasks, stage submissions, participants, objectives, injects,
observations, improvement plan items), its columns generated from the record's field declarations.

Long optional texts (notes) are left out of the columns and shown in the row's tool tip with every other field.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt

from workbench.domain.cases.case import RecordKind
from workbench.domain.cases.fields import FieldInfo, FieldKind, display, display_lines, field_infos
from workbench.ui.common.list_model import ListTableModel
from workbench.ui.common.text import tooltip_text


def record_columns(kind: RecordKind) -> list[FieldInfo]:
    """The fields a table of ``kind`` shows: every field but optional notes and links to other records."""
    return [
        info
        for info in field_infos(kind.record_class)
        if (info.kind is not FieldKind.NOTE or info.required) and info.kind not in (FieldKind.REF, FieldKind.REFS)
    ]


class Roles(enum.IntEnum):
    UID = Qt.ItemDataRole.UserRole + 1


class RecordModel(ListTableModel[Any]):
    """The records of one kind, in the order the case gives them (by time where they have one)."""

    Roles = Roles
    tooltip_limit = 2000

    def __init__(self, kind: RecordKind, parent: Any = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.fields = record_columns(kind)
        #: The columns, generated from the declarations: ``Columns.PLANNED_AT`` and so on.
        self.Columns = enum.IntEnum(  # type: ignore[misc]
            f"{kind.name.title()}Columns", {info.name.upper(): number for number, info in enumerate(self.fields)}
        )

    def set_records(self, records: list[Any]) -> None:
        self.set_items(records)

    def record(self, row: int) -> Any:
        return self.item(row)

    def row_of(self, uid: str) -> int | None:
        return next((row for row, record in enumerate(self._items) if record.uid == uid), None)

    # -- ListTableModel ----------------------------------------------------------------------------------------

    def headers(self) -> Sequence[str]:
        return [info.label + (self.tr(" (local time)") if info.kind is FieldKind.TIME else "") for info in self.fields]

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            role == Qt.ItemDataRole.ToolTipRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self.fields)
            and self.fields[section].help
        ):
            return tooltip_text(self.fields[section].help)
        return super().headerData(section, orientation, role)

    def cell(self, item: Any, column: int) -> str:
        info = self.fields[column]
        if info.kind is FieldKind.CHOICE and info.name == "rating" and getattr(item, "rating", None):
            return f"{item.rating.value}: {item.rating.label}"
        return display(info, getattr(item, info.name))

    def tooltip(self, item: Any, column: int) -> str:
        return "\n".join(f"{field.label}: {text}" for field, text in display_lines(item))

    def role_data(self, item: Any, role: int) -> Any:
        return item.uid if role == Roles.UID else None
