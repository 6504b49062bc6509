"""The library table's model: the object store, fetched in pages off the GUI thread.

Browsing walks the store by keyset pages (``services.library.fetch_page``) as the view scrolls: ``canFetchMore``
says a page is left, ``fetchMore`` starts a task for it, and the rows are inserted when it arrives. A search
fetches its capped result in one task. The GUI thread runs no query at all, so a slow sort never freezes it.

Rows are kept column-wise in compact arrays (an id as its type index and 16 UUID bytes, the time as an integer,
names in one UTF-8 buffer), well under 120 bytes a row and no Python object per row, so that scrolling to the end
of a million objects holds ~100 MB rather than ~500 MB of Python objects, and the garbage collector has nothing
to walk there.
"""

from __future__ import annotations

import enum
import logging
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from PySide6.QtCore import QByteArray, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from workbench.app.session import Session
from workbench.app.tasks import TaskFailure, TaskHandle
from workbench.domain.tlp import Tlp
from workbench.services import library
from workbench.services.library import LibraryFilter, LibraryRow, Page, SortKey
from workbench.ui.common.table_model import TableModel
from workbench.ui.common.text import one_line, tooltip_text

logger = logging.getLogger(__name__)

Index = QModelIndex | QPersistentModelIndex


class Columns(enum.IntEnum):
    NAME = 0
    TYPE = 1
    TLP = 2
    MODIFIED = 3
    SOURCE = 4


SORT_OF_COLUMN = {
    Columns.NAME: SortKey.NAME,
    Columns.TYPE: SortKey.TYPE,
    Columns.TLP: SortKey.TLP,
    Columns.MODIFIED: SortKey.MODIFIED,
    Columns.SOURCE: SortKey.SOURCE,
}
COLUMN_OF_SORT = {sort: column for column, sort in SORT_OF_COLUMN.items()}


class Roles(enum.IntEnum):
    ID = Qt.ItemDataRole.UserRole + 1
    TYPE = Qt.ItemDataRole.UserRole + 2
    TLP = Qt.ItemDataRole.UserRole + 3
    REVOKED = Qt.ItemDataRole.UserRole + 4
    ROWID = Qt.ItemDataRole.UserRole + 5
    DEPRECATED = Qt.ItemDataRole.UserRole + 6


@dataclass(frozen=True)
class LoadState:
    """After each fetch: rows held, whether the listing is complete, whether a search hit its cap."""

    loaded: int
    complete: bool
    capped: bool = False


def _minutes(modified: str) -> int:
    """``2026-01-10T08:00:00.000000000Z`` as the integer 202601100800 (0 when there is no time)."""
    if len(modified) < 16:
        return 0
    try:
        return int(modified[0:4] + modified[5:7] + modified[8:10] + modified[11:13] + modified[14:16])
    except ValueError:
        return 0


def _format_minutes(value: int) -> str:
    if not value:
        return ""
    return (
        f"{value // 100_000_000:04d}-{value // 1_000_000 % 100:02d}-{value // 10_000 % 100:02d} "
        f"{value // 100 % 100:02d}:{value % 100:02d}"
    )


class _RowStore:
    """The loaded rows, column-wise."""

    def __init__(self) -> None:
        self.rowids = array("q")
        self.type_index = array("H")
        self.uuids = bytearray()
        self.odd_ids: dict[int, str] = {}  # ids that are not type--UUID (never from the importer, but possible)
        # Names as UTF-8 in one buffer with each one's end offset, not a list of a million ``str``: the garbage
        # collector visits every item of a list at each full collection (40 to 60 ms for a million, each time
        # a stall of the window), and dropping the rows (a new sort) freed them one by one on the GUI thread.
        self._name_bytes = bytearray()
        self._name_ends = array("Q")
        self.minutes = array("q")
        self.tlp = array("b")
        self.revoked = bytearray()
        self.deprecated = bytearray()
        self.source_ids = array("q")
        self.versions = array("l")
        self.types: list[str] = []
        self._type_numbers: dict[str, int] = {}
        self.sources: dict[int, str] = {}

    def __len__(self) -> int:
        return len(self.rowids)

    def append(self, rows: Sequence[LibraryRow]) -> None:
        for row in rows:
            number = self._type_numbers.get(row.type)
            if number is None:
                number = self._type_numbers[row.type] = len(self.types)
                self.types.append(row.type)
            position = len(self.rowids)
            self.rowids.append(row.rowid)
            self.type_index.append(number)
            compact = library.compact_id(row.id)
            if compact is not None and compact[0] == row.type:
                self.uuids += compact[1]
            else:
                self.uuids += bytes(16)
                self.odd_ids[position] = row.id
            self._name_bytes += one_line(row.name).encode("utf-8", "surrogatepass")
            self._name_ends.append(len(self._name_bytes))
            self.minutes.append(_minutes(row.modified))
            self.tlp.append(-1 if row.tlp is None else int(row.tlp))
            self.revoked.append(1 if row.revoked else 0)
            self.deprecated.append(1 if row.deprecated else 0)
            self.source_ids.append(row.source_id)
            self.versions.append(row.versions)
            self.sources.setdefault(row.source_id, row.source)

    def name(self, position: int) -> str:
        start = self._name_ends[position - 1] if position else 0
        return self._name_bytes[start : self._name_ends[position]].decode("utf-8", "surrogatepass")

    def stix_id(self, position: int) -> str:
        odd = self.odd_ids.get(position)
        if odd is not None:
            return odd
        raw = bytes(self.uuids[position * 16 : (position + 1) * 16])
        return f"{self.types[self.type_index[position]]}--{UUID(bytes=raw)}"

    def find(self, stix_id: str) -> int | None:
        compact = library.compact_id(stix_id)
        if compact is None or compact[0] not in self._type_numbers:
            return next((pos for pos, value in self.odd_ids.items() if value == stix_id), None)
        needle, start = compact[1], 0
        while True:
            found = self.uuids.find(needle, start)
            if found < 0:
                return None
            if found % 16 == 0 and self.types[self.type_index[found // 16]] == compact[0]:
                return found // 16
            start = found + 1


class LibraryModel(TableModel):
    """The objects of the open workspace, filtered and sorted in SQL, fetched in pages by tasks."""

    rows_loaded = Signal(object)
    """A ``LoadState`` after each page (or search result) was inserted."""
    counted = Signal(int)
    """How many objects the current filter shows (browsing only; a search reports through ``rows_loaded``)."""
    load_failed = Signal(str)
    """A fetch failed (a search the store refused, for instance): the message."""
    fetch_started = Signal()
    """A fetch task started; ``rows_loaded`` or ``load_failed`` follows."""

    def __init__(self, session: Session, parent: Any = None, *, page_size: int = library.PAGE_SIZE) -> None:
        super().__init__(parent)
        self._session = session
        self._page_size = page_size
        self._rows = _RowStore()
        self._filter = LibraryFilter()
        self._sort: SortKey | None = SortKey.MODIFIED
        self._descending = True
        self._cursor: tuple[Any, ...] | None = None
        self._has_more = False
        self._task: TaskHandle | None = None
        self._count_task: TaskHandle | None = None
        self._generation = 0
        self._capped = False

    # -- the query ---------------------------------------------------------------------------------------------

    @property
    def query(self) -> tuple[LibraryFilter, SortKey | None, bool]:
        return self._filter, self._sort, self._descending

    @property
    def loading(self) -> bool:
        return self._task is not None

    def set_filter(self, flt: LibraryFilter) -> None:
        """Show what ``flt`` selects. A new search sorts by relevance; leaving search sorts by date again."""
        sort, descending = self._sort, self._descending
        if flt.searching and not self._filter.searching:
            sort, descending = None, False
        elif not flt.searching and sort is None:
            sort, descending = SortKey.MODIFIED, True
        self.set_query(flt, sort, descending)

    def set_query(self, flt: LibraryFilter, sort: SortKey | None, descending: bool) -> None:
        if sort is None and not flt.searching:
            sort, descending = SortKey.MODIFIED, True
        self._filter, self._sort, self._descending = flt, sort, descending
        self.reload()

    def reload(self) -> None:
        """Drop the rows and fetch the first page again (after an import, or a new query)."""
        self._reset(fetch=True)

    def clear(self) -> None:
        """Drop every row and stop fetching (the workspace is locking)."""
        self._reset(fetch=False)

    def _reset(self, *, fetch: bool) -> None:
        self._generation += 1
        for task in (self._task, self._count_task):
            if task is not None:
                task.cancel()
        self._task = self._count_task = None
        self.beginResetModel()
        self._rows = _RowStore()
        self._cursor = None
        self._capped = False
        self._has_more = fetch and self._session.is_open
        self.endResetModel()
        if self._has_more:
            self.fetchMore(QModelIndex())
            if not self._filter.searching:
                self._start_count()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort in SQL by ``column`` (the view's header calls this)."""
        if column < 0:  # "no sort" from the view: relevance while searching, else nothing to change
            if self._filter.searching and self._sort is not None:
                self.set_query(self._filter, None, False)
            return
        sort = SORT_OF_COLUMN.get(Columns(column))
        if sort is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if (sort, descending) != (self._sort, self._descending):
            self.set_query(self._filter, sort, descending)

    # -- fetching ----------------------------------------------------------------------------------------------

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._has_more and self._task is None

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent) or not self._session.is_open:
            return
        generation = self._generation
        flt, sort, descending, cursor, size = self._filter, self._sort, self._descending, self._cursor, self._page_size
        if flt.searching:
            task = self._session.run(
                "library search", lambda ws, _control: library.search(ws.conn, flt, sort, descending=descending)
            )
        else:
            assert sort is not None
            task = self._session.run(
                "library page",
                lambda ws, _control: library.fetch_page(
                    ws.conn, flt, sort, descending=descending, cursor=cursor, limit=size
                ),
            )
        self._task = task
        task.succeeded.connect(lambda result: self._fetched(generation, result))
        task.failed.connect(lambda failure: self._fetch_failed(generation, failure))
        task.finished.connect(lambda: self._fetch_ended(generation))
        self.fetch_started.emit()

    def _fetch_ended(self, generation: int) -> None:
        if generation == self._generation:
            self._task = None

    def _fetched(self, generation: int, result: Page | list[LibraryRow]) -> None:
        if generation != self._generation:
            return
        if isinstance(result, Page):
            rows, self._cursor = result.rows, result.cursor
            self._has_more = result.cursor is not None
        else:
            rows = result
            self._has_more = False
            self._capped = len(rows) >= library.MAX_SEARCH_RESULTS
        self._task = None
        if rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self._rows.append(rows)
            self.endInsertRows()
        self.rows_loaded.emit(LoadState(len(self._rows), not self._has_more, self._capped))

    def _fetch_failed(self, generation: int, failure: TaskFailure) -> None:
        if generation != self._generation:
            return
        self._task = None
        self._has_more = False
        self.load_failed.emit(failure.message)

    def _start_count(self) -> None:
        generation, flt = self._generation, self._filter
        task = self._session.run("library count", lambda ws, _control: library.count(ws.conn, flt))
        self._count_task = task
        task.succeeded.connect(lambda total: self._counted(generation, total))

    def _counted(self, generation: int, total: int) -> None:
        # Slots here return None: PySide mishandles a lambda that returns a bool (a crash at exit).
        if generation == self._generation:
            self.counted.emit(total)

    # -- Qt model ----------------------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Columns)

    def roleNames(self) -> dict[int, QByteArray]:
        names = dict(super().roleNames())
        names.update({int(role): QByteArray(role.name.lower().encode()) for role in Roles})
        return names

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Columns):
            return None
        column = Columns(section)
        if role == Qt.ItemDataRole.DisplayRole:
            return {
                Columns.NAME: self.tr("Name"),
                Columns.TYPE: self.tr("Type"),
                Columns.TLP: self.tr("TLP"),
                Columns.MODIFIED: self.tr("Modified (UTC)"),
                Columns.SOURCE: self.tr("Source"),
            }[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return {
                Columns.NAME: self.tr("The object's name, or its value for observables"),
                Columns.TYPE: self.tr("STIX object type"),
                Columns.TLP: self.tr("Traffic Light Protocol marking (the most restrictive one)"),
                Columns.MODIFIED: self.tr("When the current version was modified"),
                Columns.SOURCE: self.tr("The file or package the current version came from (sorted in import order)"),
            }[column]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid():
            return None
        row, column = index.row(), index.column()
        rows = self._rows
        if not 0 <= row < len(rows) or not 0 <= column < len(Columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, Columns(column))
        if role == Roles.ID:
            return rows.stix_id(row)
        if role == Roles.TYPE:
            return rows.types[rows.type_index[row]]
        if role == Roles.TLP:
            return None if rows.tlp[row] < 0 else int(rows.tlp[row])
        if role == Roles.REVOKED:
            return bool(rows.revoked[row])
        if role == Roles.DEPRECATED:
            return bool(rows.deprecated[row])
        if role == Roles.ROWID:
            return int(rows.rowids[row])
        if role == Qt.ItemDataRole.ToolTipRole:
            text = self._display(row, Columns(column))
            if rows.revoked[row]:
                text += "\n" + self.tr("Revoked by its producer: left out of reports unless linked explicitly")
            elif rows.deprecated[row]:
                text += "\n" + self.tr("Deprecated by its producer: left out of reports unless linked explicitly")
            return tooltip_text(text) if text else None
        if role == Qt.ItemDataRole.FontRole and (rows.revoked[row] or rows.deprecated[row]):
            font = QFont()
            font.setStrikeOut(bool(rows.revoked[row]))
            font.setItalic(bool(rows.deprecated[row]))
            return font
        if column == Columns.TLP and rows.tlp[row] >= 0:
            # TLP labels are printed in their colour on black, as FIRST defines them.
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor(Tlp(rows.tlp[row]).colour))
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(QColor("#000000"))
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self._display(row, Columns(column))
        return None

    def _display(self, row: int, column: Columns) -> str:
        rows = self._rows
        if column == Columns.NAME:
            if rows.revoked[row]:
                return self.tr("{0} (revoked)").format(rows.name(row))
            if rows.deprecated[row]:
                return self.tr("{0} (deprecated)").format(rows.name(row))
            return rows.name(row)
        if column == Columns.TYPE:
            return rows.types[rows.type_index[row]]
        if column == Columns.TLP:
            return Tlp(rows.tlp[row]).label if rows.tlp[row] >= 0 else ""
        if column == Columns.MODIFIED:
            return _format_minutes(rows.minutes[row])
        return rows.sources.get(rows.source_ids[row], "")

    # -- helpers for the screen --------------------------------------------------------------------------------

    def object_id(self, row: int) -> str | None:
        return self._rows.stix_id(row) if 0 <= row < len(self._rows) else None

    def row_of(self, stix_id: str) -> int | None:
        """The row showing ``stix_id`` among those loaded, or None."""
        return self._rows.find(stix_id)

    def sort_column(self) -> int:
        """The column the rows are sorted by, -1 for relevance."""
        return int(COLUMN_OF_SORT[self._sort]) if self._sort is not None else -1
