"""The cases a report can be built from, as a table: reference, title, kind, status, marking, last change.

Filled in one go by a task (``services.cases.list_cases`` returns at most a few hundred rows, newest first); the
screen asks for the kind the report needs and the words typed in its filter box.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt

from workbench.services.cases import CaseSummary
from workbench.ui.common.list_model import ListTableModel

logger = logging.getLogger(__name__)


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


class CasesModel(ListTableModel[CaseSummary]):
    """Read-only rows of ``CaseSummary``; ``set_cases`` replaces them all."""

    Columns = Columns
    Roles = Roles

    def set_cases(self, cases: list[CaseSummary]) -> None:
        self.set_items(cases)

    def row_of(self, ref: str) -> int | None:
        return next((row for row, case in enumerate(self._items) if case.ref == ref), None)

    # -- ListTableModel ----------------------------------------------------------------------------------------

    def headers(self) -> Sequence[str]:
        return (
            self.tr("Case"),
            self.tr("Title"),
            self.tr("Kind"),
            self.tr("Status"),
            self.tr("TLP"),
            self.tr("Changed (UTC)"),
        )

    def cell(self, item: CaseSummary, column: int) -> str:
        if column == Columns.REF:
            return item.ref
        if column == Columns.TITLE:
            return item.title
        if column == Columns.KIND:
            return item.kind.label
        if column == Columns.STATUS:
            return item.status.label
        if column == Columns.TLP:
            return item.tlp.label if item.tlp is not None else ""
        return item.modified.strftime("%Y-%m-%d %H:%M")

    def tooltip(self, item: CaseSummary, column: int) -> str | None:
        return item.title if column == Columns.TITLE else None

    def role_data(self, item: CaseSummary, role: int) -> Any:
        if role == Roles.REF:
            return item.ref
        if role == Roles.KIND:
            return item.kind.value
        return None
