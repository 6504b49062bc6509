"""A table of importer findings: which object, which property, why it was refused (or warned about)."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import Any

from workbench.services.importing.importer import Finding
from workbench.ui.common.list_model import ListTableModel


class FindingsModel(ListTableModel[Finding]):
    class Columns(enum.IntEnum):
        OBJECT = 0
        PROPERTY = 1
        REASON = 2

    def __init__(self, findings: list[Finding], parent: Any = None) -> None:
        super().__init__(parent)
        self.set_items(findings)

    def headers(self) -> Sequence[str]:
        return (self.tr("Object"), self.tr("Property"), self.tr("Reason"))

    def cell(self, item: Finding, column: int) -> str:
        if column == self.Columns.OBJECT:
            return item.object_id or self.tr("(whole file)")
        if column == self.Columns.PROPERTY:
            return item.property or ""
        return item.message

    def tooltip(self, item: Finding, column: int) -> str:
        return str(item)
