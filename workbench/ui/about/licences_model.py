"""The About box's table of bundled components."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import Any

from workbench.ui.common.list_model import ListTableModel

Licence = tuple[str, str, str, str]


class LicencesModel(ListTableModel[Licence]):
    """Rows of (component, version, use, licence)."""

    class Columns(enum.IntEnum):
        COMPONENT = 0
        VERSION = 1
        USE = 2
        LICENCE = 3

    def __init__(self, rows: list[Licence], parent: Any = None) -> None:
        super().__init__(parent)
        self.set_items(rows)

    def headers(self) -> Sequence[str]:
        return (self.tr("Component"), self.tr("Version"), self.tr("Used for"), self.tr("Licence"))

    def cell(self, item: Licence, column: int) -> str:
        return item[column]
