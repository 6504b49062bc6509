"""Listing the library page by page, sorted and filtered in SQL, and the facets its filters offer.

Paging is by keyset, never by OFFSET: a page asks for the rows after the last one it showed, in an order that an
index of the ``objects`` table already holds, so page 5,000 costs what page 1 costs. Each sort order ends in
``rowid`` so that it is total. The one nullable sort column (``tlp``) is walked in two segments, the unmarked
objects (NULL, which SQLite sorts first) and the marked ones, because a row-value comparison with NULL is never
true.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from workbench.services.library.rows import (
    ROW_COLUMNS,
    SORT_COLUMNS,
    LibraryFilter,
    ObjectRow,
    SortKey,
    finish,
    row_from,
)
from workbench.services.workspace import Workspace
from workbench.storage.database import Connection

PAGE_SIZE = 500


@dataclass(frozen=True)
class Page:
    """A page of rows and the cursor to pass for the next one (None: there is no next page)."""

    rows: list[ObjectRow]
    cursor: tuple[Any, ...] | None


@dataclass(frozen=True)
class SourceInfo:
    id: int
    kind: str
    name: str
    imported_at: str

    @property
    def label(self) -> str:
        return f"{self.name} ({self.kind}, {self.imported_at[:10]})"


def _keyset(columns: Sequence[str], descending: bool) -> str:
    """``after the cursor`` for a total order over ``columns`` then rowid, written so an index can seek it.

    The leading ``first >= ?`` (or ``<=``) is what the planner seeks on; the nested OR decides the ties.
    """
    keys = [*columns, "o.rowid"]
    strict, loose = ("<", "<=") if descending else (">", ">=")
    expression = f"{keys[-1]} {strict} ?"
    for key in reversed(keys[:-1]):
        expression = f"({key} {strict} ? OR ({key} = ? AND {expression}))"
    return f"{keys[0]} {loose} ? AND {expression}"


def _keyset_args(cursor: Sequence[Any]) -> list[Any]:
    args: list[Any] = [cursor[0]]
    for value in cursor[:-1]:
        args += [value, value]
    args.append(cursor[-1])
    return args


def fetch_page(
    ws: Workspace,
    flt: LibraryFilter,
    sort: SortKey = SortKey.MODIFIED,
    *,
    descending: bool = True,
    cursor: tuple[Any, ...] | None = None,
    limit: int = PAGE_SIZE,
) -> Page:
    """The next page of the library (the first one when ``cursor`` is None), filtered and sorted in SQL.

    The returned cursor is opaque: pass it back unchanged for the page after. ``flt.search`` is not looked at:
    a search is ``library.search``.
    """
    conn = ws.conn
    columns = SORT_COLUMNS[sort]
    if sort is SortKey.TLP:
        return _fetch_tlp_page(conn, flt, descending, cursor, limit)
    rows, last = _query_page(conn, flt, columns, descending, cursor, limit, extra=None)
    return Page(finish(conn, rows), last if len(rows) == limit else None)


def _query_page(
    conn: Connection,
    flt: LibraryFilter,
    columns: Sequence[str],
    descending: bool,
    cursor: Sequence[Any] | None,
    limit: int,
    extra: str | None,
) -> tuple[list[ObjectRow], tuple[Any, ...]]:
    clauses, args = flt.where()
    if extra:
        clauses.append(extra)
    if cursor is not None:
        clauses.append(_keyset(columns, descending))
        args += _keyset_args(cursor)
    order = ", ".join(f"{column} {'DESC' if descending else 'ASC'}" for column in [*columns, "o.rowid"])
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    selected = ", ".join(column.replace(" COLLATE NOCASE", "") for column in columns)
    sql = (
        f"SELECT {ROW_COLUMNS}, {selected} FROM objects o JOIN sources s ON s.id = o.source_id"
        f"{where} ORDER BY {order} LIMIT ?"
    )
    result = conn.execute(sql, [*args, limit]).fetchall()
    rows = [row_from(values) for values in result]
    last = (*result[-1][11:], result[-1][0]) if result else ()
    return rows, last


def _fetch_tlp_page(
    conn: Connection, flt: LibraryFilter, descending: bool, cursor: tuple[Any, ...] | None, limit: int
) -> Page:
    # Two segments: unmarked (tlp NULL) objects come first in ascending order, last in descending order.
    # The cursor is (segment, *keys); segment 0 is the first walked.
    segments = [("o.tlp IS NOT NULL", ("o.tlp", "o.modified")), ("o.tlp IS NULL", ("o.modified",))]
    if not descending:
        segments.reverse()
    rows: list[ObjectRow] = []
    start = cursor[0] if cursor else 0
    keys: Sequence[Any] | None = cursor[1:] if cursor else None
    for segment in range(start, len(segments)):
        extra, columns = segments[segment]
        found, last = _query_page(
            conn, flt, columns, descending, keys if segment == start else None, limit - len(rows), extra
        )
        rows += found
        if len(rows) == limit:
            return Page(finish(conn, rows), (segment, *last))
    return Page(finish(conn, rows), None)


def count(ws: Workspace, flt: LibraryFilter) -> int:
    """How many objects the filter shows (searches excluded). Scans an index: run it off the GUI thread.

    Real intelligence is counted as everything the other filters show less the exercise material among it: the
    exercise flag is in no index but the small partial one, and reading every row to check it would cost a scan of
    the table instead of an index."""

    def counted(clauses: list[str], args: list[Any]) -> int:
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        return int(ws.conn.execute(f"SELECT count(*) FROM objects o{where}", args).fetchone()[0])

    drilled = counted(*flt.where(exercise=True))
    return drilled if flt.exercise else counted(*flt.filters()) - drilled


def object_types(ws: Workspace) -> list[str]:
    """The distinct types stored, sorted. A skip scan over the type index: fast on a million objects."""
    return [
        value
        for (value,) in ws.conn.execute(
            "WITH RECURSIVE t(type) AS (SELECT min(type) FROM objects UNION ALL"
            " SELECT (SELECT min(type) FROM objects WHERE type > t.type) FROM t WHERE t.type IS NOT NULL)"
            " SELECT type FROM t WHERE type IS NOT NULL"
        )
    ]


def sources(ws: Workspace, *, limit: int = 1000) -> list[SourceInfo]:
    """The newest sources (imported files and packages), newest first."""
    return [
        SourceInfo(*values)
        for values in ws.conn.execute(
            "SELECT id, kind, name, imported_at FROM sources ORDER BY id DESC LIMIT ?", (limit,)
        )
    ]


def row(ws: Workspace, stix_id: str) -> ObjectRow | None:
    """The row of one stored object, or None."""
    found = ws.conn.execute(
        f"SELECT {ROW_COLUMNS} FROM objects o JOIN sources s ON s.id = o.source_id WHERE o.id = ?", (stix_id,)
    ).fetchone()
    return finish(ws.conn, [row_from(found)])[0] if found else None
