"""The case list: every case matching the filters, fetched in pages by tasks as the view scrolls.

Filtering and sorting run in SQL (``services.cases.list_cases``); a page is ``PAGE_SIZE`` cases with each open
incident's next due report. A change of filter or order starts over; an answer to an older request is dropped.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QFont

from workbench.app.session import Session
from workbench.domain.cases.fields import format_local
from workbench.domain.cases.nis2 import MemberState, Sector
from workbench.domain.deadlines import StageState
from workbench.domain.errors import InvalidInput
from workbench.services import cases
from workbench.services.cases import CaseSummary
from workbench.ui.cases.deadline_model import alarm_colour, time_left
from workbench.ui.common.paged_model import PagedListModel

logger = logging.getLogger(__name__)

PAGE_SIZE = 500
Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class CaseFilter:
    """What the case list shows; empty fields do not filter. Keys are the services' vocabulary keys."""

    kind: str | None = None
    status: str | None = None
    open_only: bool = False
    sector: str | None = None
    member_state: str | None = None
    text: str = ""


class Columns(enum.IntEnum):
    REF = 0
    TITLE = 1
    STATUS = 2
    NEXT_DUE = 3
    KIND = 4
    TLP = 5
    SECTOR = 6
    MEMBER_STATE = 7
    STARTS = 8
    MODIFIED = 9


class Roles(enum.IntEnum):
    REF = Qt.ItemDataRole.UserRole + 1
    KIND = Qt.ItemDataRole.UserRole + 2
    OVERDUE = Qt.ItemDataRole.UserRole + 3


#: The SQL order of each sortable column (``services.cases.list_cases``); the next due report is computed, so its
#: column does not sort (the deadline panel lists them by due time).
SORT_KEYS: dict[Columns, str] = {
    Columns.REF: "ref",
    Columns.KIND: "kind",
    Columns.TITLE: "title",
    Columns.STATUS: "status",
    Columns.TLP: "tlp",
    Columns.SECTOR: "sector",
    Columns.MEMBER_STATE: "member_state",
    Columns.STARTS: "starts_at",
    Columns.MODIFIED: "modified",
}


def _label(vocab: Any, key: str | None) -> str:
    if not key:
        return ""
    try:
        return str(vocab.parse(key).label)
    except InvalidInput:
        return key


class CaseListModel(PagedListModel[CaseSummary]):
    Columns = Columns
    Roles = Roles

    task_name = "case list page"

    def __init__(self, session: Session, parent: Any = None, *, page_size: int = PAGE_SIZE) -> None:
        super().__init__(session, parent, page_size=page_size)
        self._filter = CaseFilter()
        self._order = Columns.MODIFIED
        self._descending = True
        self.now = datetime.now(UTC)

    # -- loading -----------------------------------------------------------------------------------------------

    @property
    def case_filter(self) -> CaseFilter:
        return self._filter

    def set_filter(self, case_filter: CaseFilter) -> None:
        self._filter = case_filter
        self.reload()

    def clear(self) -> None:
        self._filter = replace(self._filter, text="")
        self._reset(fetch=False)

    def page_work(self, size: int) -> Callable[[Any, Any], list[CaseSummary]]:
        flt, offset = self._filter, len(self._items)
        order, descending = SORT_KEYS.get(self._order, "modified"), self._descending

        def work(ws: Any, _control: Any) -> list[CaseSummary]:
            return cases.list_cases(
                ws,
                kind=flt.kind,
                status=[flt.status] if flt.status else None,
                open_only=flt.open_only,
                sector=flt.sector,
                member_state=flt.member_state,
                text=flt.text.strip() or None,
                limit=size,
                offset=offset,
                order=order,
                descending=descending,
            )

        return work

    def page_arrived(self) -> None:
        self.now = datetime.now(UTC)

    def tick(self, now: datetime) -> None:
        """The clock moved on (the deadline panel's): the "next report due" column counts down with it."""
        self.now = now
        if self._items:
            self.dataChanged.emit(
                self.index(0, Columns.NEXT_DUE),
                self.index(len(self._items) - 1, Columns.NEXT_DUE),
                [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.FontRole],
            )

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(Columns) or Columns(column) not in SORT_KEYS:
            return
        self._order = Columns(column)
        self._descending = order == Qt.SortOrder.DescendingOrder
        self.reload()

    @property
    def sort_order(self) -> tuple[Columns, Qt.SortOrder]:
        """The column the list is sorted by, and in which direction."""
        return self._order, Qt.SortOrder.DescendingOrder if self._descending else Qt.SortOrder.AscendingOrder

    def summary(self, row: int) -> CaseSummary | None:
        return self.item(row)

    def row_of(self, ref: str) -> int | None:
        return next((row for row, item in enumerate(self._items) if item.ref == ref), None)

    # -- ListTableModel ----------------------------------------------------------------------------------------

    def headers(self) -> Sequence[str]:
        return (
            self.tr("Reference"),
            self.tr("Title"),
            self.tr("Status"),
            self.tr("Next report due"),
            self.tr("Kind"),
            self.tr("TLP"),
            self.tr("Sector"),
            self.tr("Member State"),
            self.tr("Aware / starts"),
            self.tr("Changed"),
        )

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            role == Qt.ItemDataRole.ToolTipRole
            and orientation == Qt.Orientation.Horizontal
            and section == Columns.NEXT_DUE
        ):
            return self.tr("The next NIS2 or CIRCIA report an open incident owes (not sortable: see Reports due)")
        return super().headerData(section, orientation, role)

    def overdue(self, item: CaseSummary) -> bool:
        """Whether the case's next due report is past its due time."""
        due = item.next_due
        return due is not None and due.due is not None and (due.state is StageState.OVERDUE or due.due <= self.now)

    def cell(self, item: CaseSummary, column: int) -> str:
        if column == Columns.REF:
            return item.ref
        if column == Columns.KIND:
            return item.kind.label
        if column == Columns.TITLE:
            return item.title
        if column == Columns.STATUS:
            return item.status.label
        if column == Columns.TLP:
            return item.tlp.label if item.tlp is not None else ""
        if column == Columns.SECTOR:
            return _label(Sector, item.sector)
        if column == Columns.MEMBER_STATE:
            return _label(MemberState, item.member_state)
        if column == Columns.STARTS:
            return format_local(item.starts_at) if item.starts_at else ""
        if column == Columns.NEXT_DUE:
            due = item.next_due
            if due is None or due.due is None:
                return ""
            left = time_left(due.due, self.now)
            return (self.tr("⚠ OVERDUE {0}: {1}") if self.overdue(item) else self.tr("{0}: {1}")).format(
                due.stage.label, left
            )
        return format_local(item.modified)

    def tooltip(self, item: CaseSummary, column: int) -> str | None:
        due = item.next_due
        if column == Columns.NEXT_DUE and due is not None and due.due is not None:
            return f"{due.stage.label}, due {format_local(due.due)} ({due.basis})"
        return item.title if column == Columns.TITLE else None

    def foreground(self, item: CaseSummary, column: int) -> Any:
        return QBrush(alarm_colour()) if column == Columns.NEXT_DUE and self.overdue(item) else None

    def font(self, item: CaseSummary, column: int) -> Any:
        if column == Columns.NEXT_DUE and self.overdue(item):
            font = QFont()
            font.setBold(True)
            return font
        return None

    def role_data(self, item: CaseSummary, role: int) -> Any:
        if role == Roles.REF:
            return item.ref
        if role == Roles.KIND:
            return item.kind.value
        if role == Roles.OVERDUE:
            return self.overdue(item)
        return None
