"""Read queries behind the library screen: paged listing, full-text search, facets, one object's detail.

Everything here is read-only and Qt-free; the window calls it from worker threads on their own connection.

Paging is by keyset, never by OFFSET: a page asks for the rows after the last one it showed, in an order that an
index of the ``objects`` table already holds, so page 5,000 costs what page 1 costs. Each sort order ends in
``rowid`` so that it is total. The one nullable sort column (``tlp``) is walked in two segments, the unmarked
objects (NULL, which SQLite sorts first) and the marked ones, because a row-value comparison with NULL is never
true.

Full-text search is capped: the best ``MAX_SEARCH_RESULTS`` matches (by relevance, or by the chosen column) are
returned in one go, and the caller says "refine the search" when the cap is reached. Ranking every match of a
common word in a million objects cannot be paged by keyset, and no analyst reads past the first thousands.
"""

from __future__ import annotations

import enum
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import orjson

from workbench.domain.ids import type_of
from workbench.domain.tlp import Tlp
from workbench.storage.authorship import ForeignVersion, foreign_versions
from workbench.storage.database import Connection
from workbench.storage.objects import ObjectStore, VersionInfo, fts_query

logger = logging.getLogger(__name__)

PAGE_SIZE = 500
MAX_SEARCH_RESULTS = 5_000
MAX_LINKS = 500
# TLP filter value meaning "objects with no TLP marking".
NO_TLP = -1


class SortKey(enum.Enum):
    """Orders the library can list in; each one walks an index of the objects table."""

    NAME = "name"
    TYPE = "type"
    TLP = "tlp"
    MODIFIED = "modified"
    SOURCE = "source"


# The columns of each order (before the final rowid), as SQL expressions over ``o`` (objects).
_SORT_COLUMNS: dict[SortKey, tuple[str, ...]] = {
    SortKey.NAME: ("o.name COLLATE NOCASE",),
    SortKey.TYPE: ("o.type", "o.modified"),
    SortKey.TLP: ("o.tlp", "o.modified"),
    SortKey.MODIFIED: ("o.modified",),
    SortKey.SOURCE: ("o.source_id", "o.modified"),
}
_ROW_COLUMNS = "o.rowid, o.id, o.type, o.name, o.modified, o.tlp, o.revoked, o.source_id, o.versions, s.kind, s.name"


@dataclass(frozen=True)
class LibraryFilter:
    """What the library shows. Empty fields do not filter.

    ``tlp`` is a ``Tlp`` value or ``NO_TLP``; dates compare with the object's current ``modified`` and are
    ``YYYY-MM-DD`` (``modified_to`` inclusive); ``search`` is what the analyst typed in the search box.
    ``exercise`` lists exercise material instead of real intelligence: the two are never listed together, and
    exercise material is never found by a search (it is not in the full-text index).
    """

    object_type: str | None = None
    tlp: int | None = None
    source_id: int | None = None
    modified_from: str | None = None
    modified_to: str | None = None
    search: str = ""
    exercise: bool = False

    @property
    def searching(self) -> bool:
        return bool(self.search.strip())


@dataclass(frozen=True)
class LibraryRow:
    """One object as the library lists it (its current version)."""

    rowid: int
    id: str
    type: str
    name: str
    modified: str
    tlp: Tlp | None
    revoked: bool
    source_id: int
    versions: int
    source: str
    #: The producer marked the current version deprecated (ATT&CK's ``x_mitre_deprecated``).
    deprecated: bool = False


@dataclass(frozen=True)
class Page:
    """A page of rows and the cursor to pass for the next one (None: there is no next page)."""

    rows: list[LibraryRow]
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


class Direction(enum.Enum):
    OUTGOING = "outgoing"
    INCOMING = "incoming"


@dataclass(frozen=True)
class Link:
    """One relation of an object: a relationship object collapsed to its other end, or a plain reference.

    ``label`` is the relationship type (``uses``) or the referring property (``created_by_ref``); ``via`` is the
    id of the relationship object that carries it, if any. ``other_name`` is empty when the other end is not
    stored here.
    """

    direction: Direction
    label: str
    other_id: str
    other_type: str
    other_name: str
    stored: bool
    via: str | None = None


@dataclass(frozen=True)
class ObjectDetail:
    """All the detail pane shows about one object."""

    row: LibraryRow
    obj: dict[str, Any]
    links: list[Link]
    links_truncated: bool
    versions: list[VersionInfo]
    conflicts: int = 0
    #: Versions sent by someone who is not the object's author, waiting for the analyst (``storage.authorship``).
    foreign: tuple[ForeignVersion, ...] = ()


@dataclass(frozen=True)
class Neighbourhood:
    """An object and its direct neighbours, for the relationship graph."""

    centre: LibraryRow
    links: list[Link] = field(default_factory=list)
    truncated: bool = False


# Exercise material is found through its small partial index (a rowid list), whatever other index the planner picks.
_EXERCISE = "o.rowid IN (SELECT rowid FROM objects WHERE exercise = 1)"
_REAL = "o.exercise = 0"


def _where(flt: LibraryFilter, *, exercise: bool | None = None) -> tuple[list[str], list[Any]]:
    """The filter as SQL over ``o`` (objects); ``exercise`` overrides the filter's choice of material."""
    wanted = flt.exercise if exercise is None else exercise
    clauses, args = _filters(flt)
    return [_EXERCISE if wanted else _REAL, *clauses], args


def _filters(flt: LibraryFilter) -> tuple[list[str], list[Any]]:
    """The filters other than the choice of material."""
    clauses: list[str] = []
    args: list[Any] = []
    if flt.object_type:
        clauses.append("o.type = ?")
        args.append(flt.object_type)
    if flt.tlp is not None:
        if flt.tlp == NO_TLP:
            clauses.append("o.tlp IS NULL")
        else:
            clauses.append("o.tlp = ?")
            args.append(int(flt.tlp))
    if flt.source_id is not None:
        clauses.append("o.source_id = ?")
        args.append(flt.source_id)
    if flt.modified_from:
        clauses.append("o.modified >= ?")
        args.append(f"{flt.modified_from}T00:00:00")
    if flt.modified_to:
        clauses.append("o.modified < ?")
        args.append(f"{flt.modified_to}T99")  # any time on that day sorts below 'T99'
    return clauses, args


def _row(values: Sequence[Any]) -> LibraryRow:
    return LibraryRow(
        rowid=values[0],
        id=values[1],
        type=values[2],
        name=values[3] or "",
        modified=values[4],
        tlp=Tlp(values[5]) if values[5] is not None else None,
        revoked=bool(values[6]),
        source_id=values[7],
        versions=values[8],
        source=f"{values[9]}: {values[10]}",
    )


def _finish(conn: Connection, rows: list[LibraryRow]) -> list[LibraryRow]:
    """Rows as the library shows them: relationships named by their ends, deprecated objects marked."""
    return _mark_deprecated(conn, _describe_relations(conn, rows))


def _mark_deprecated(conn: Connection, rows: list[LibraryRow]) -> list[LibraryRow]:
    """Mark the rows whose current version its producer deprecated: shown as such, as a revoked one is."""
    found = ObjectStore(conn).deprecated_rowids([row.rowid for row in rows])
    return [replace(row, deprecated=True) if row.rowid in found else row for row in rows]


def _describe_relations(conn: Connection, rows: list[LibraryRow]) -> list[LibraryRow]:
    """Name relationships and sightings by what they join (``uses: Sandstorm Owl → GreyLantern``) for display.

    The stored name of a relationship is its type alone, which says little in a list of thousands. It stays the
    first word, so that the list still reads as sorted by name (sorting uses the stored name).
    """
    wanted = [row.id for row in rows if row.type in ("relationship", "sighting")]
    if not wanted:
        return rows
    # The ends are read from the stored objects themselves: the reference index is keyed by target.
    store = ObjectStore(conn)
    ends: dict[str, dict[str, str]] = {}
    for from_id, obj in store.get_many(wanted).items():
        for prop in ("source_ref", "target_ref", "sighting_of_ref"):
            target = obj.get(prop)
            if isinstance(target, str):
                ends.setdefault(from_id, {})[prop] = target
    names = _names(conn, {target for found in ends.values() for target in found.values()})
    for found in ends.values():
        for prop, target in found.items():
            found[prop] = names.get(target) or target
    described = []
    for row in rows:
        joined = ends.get(row.id)
        if joined and row.type == "relationship" and "source_ref" in joined and "target_ref" in joined:
            row = replace(row, name=f"{row.name}: {joined['source_ref']} → {joined['target_ref']}")
        elif joined and row.type == "sighting" and "sighting_of_ref" in joined:
            row = replace(row, name=f"{row.name}: {joined['sighting_of_ref']}")
        described.append(row)
    return described


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
    conn: Connection,
    flt: LibraryFilter,
    sort: SortKey = SortKey.MODIFIED,
    *,
    descending: bool = True,
    cursor: tuple[Any, ...] | None = None,
    limit: int = PAGE_SIZE,
) -> Page:
    """The next page of the library (the first one when ``cursor`` is None), filtered and sorted in SQL.

    The returned cursor is opaque: pass it back unchanged for the page after. Not for searches (see ``search``).
    """
    columns = _SORT_COLUMNS[sort]
    if sort is SortKey.TLP:
        return _fetch_tlp_page(conn, flt, descending, cursor, limit)
    rows, last = _query_page(conn, flt, columns, descending, cursor, limit, extra=None)
    return Page(_finish(conn, rows), last if len(rows) == limit else None)


def _query_page(
    conn: Connection,
    flt: LibraryFilter,
    columns: Sequence[str],
    descending: bool,
    cursor: Sequence[Any] | None,
    limit: int,
    extra: str | None,
) -> tuple[list[LibraryRow], tuple[Any, ...]]:
    clauses, args = _where(flt)
    if extra:
        clauses.append(extra)
    if cursor is not None:
        clauses.append(_keyset(columns, descending))
        args += _keyset_args(cursor)
    order = ", ".join(f"{column} {'DESC' if descending else 'ASC'}" for column in [*columns, "o.rowid"])
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    selected = ", ".join(column.replace(" COLLATE NOCASE", "") for column in columns)
    sql = (
        f"SELECT {_ROW_COLUMNS}, {selected} FROM objects o JOIN sources s ON s.id = o.source_id"
        f"{where} ORDER BY {order} LIMIT ?"
    )
    result = conn.execute(sql, [*args, limit]).fetchall()
    rows = [_row(values) for values in result]
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
    rows: list[LibraryRow] = []
    start = cursor[0] if cursor else 0
    keys: Sequence[Any] | None = cursor[1:] if cursor else None
    for segment in range(start, len(segments)):
        extra, columns = segments[segment]
        found, last = _query_page(
            conn, flt, columns, descending, keys if segment == start else None, limit - len(rows), extra
        )
        rows += found
        if len(rows) == limit:
            return Page(_finish(conn, rows), (segment, *last))
    return Page(_finish(conn, rows), None)


def count(conn: Connection, flt: LibraryFilter) -> int:
    """How many objects the filter shows (searches excluded). Scans an index: run it off the GUI thread.

    Real intelligence is counted as everything the other filters show less the exercise material among it: the
    exercise flag is in no index but the small partial one, and reading every row to check it would cost a scan
    of the table instead of an index."""

    def counted(clauses: list[str], args: list[Any]) -> int:
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        return int(conn.execute(f"SELECT count(*) FROM objects o{where}", args).fetchone()[0])

    drilled = counted(*_where(flt, exercise=True))
    return drilled if flt.exercise else counted(*_filters(flt)) - drilled


def search(
    conn: Connection,
    flt: LibraryFilter,
    sort: SortKey | None = None,
    *,
    descending: bool = False,
    limit: int = MAX_SEARCH_RESULTS,
) -> list[LibraryRow]:
    """The objects matching ``flt.search`` and the other filters: best matches first, or in ``sort`` order.

    At most ``limit`` rows; when exactly ``limit`` come back there may be more. Refuses an empty search with
    ``InvalidInput``.
    """
    match = fts_query(flt.search)
    clauses, args = _where(flt)
    where = "".join(f" AND {clause}" for clause in clauses)
    if sort is None:
        order = "object_fts.rank, o.rowid"
    else:
        direction = "DESC" if descending else "ASC"
        order = ", ".join(f"{column} {direction}" for column in [*_SORT_COLUMNS[sort], "o.rowid"])
    sql = (
        f"SELECT {_ROW_COLUMNS} FROM object_fts JOIN objects o ON o.rowid = object_fts.rowid"
        f" JOIN sources s ON s.id = o.source_id WHERE object_fts MATCH ?{where} ORDER BY {order} LIMIT ?"
    )
    return _finish(conn, [_row(values) for values in conn.execute(sql, [match, *args, limit])])


def object_types(conn: Connection) -> list[str]:
    """The distinct types stored, sorted. A skip scan over the type index: fast on a million objects."""
    return [
        value
        for (value,) in conn.execute(
            "WITH RECURSIVE t(type) AS (SELECT min(type) FROM objects UNION ALL"
            " SELECT (SELECT min(type) FROM objects WHERE type > t.type) FROM t WHERE t.type IS NOT NULL)"
            " SELECT type FROM t WHERE type IS NOT NULL"
        )
    ]


def sources(conn: Connection, *, limit: int = 1000) -> list[SourceInfo]:
    """The newest sources (imported files and packages), newest first."""
    return [
        SourceInfo(*values)
        for values in conn.execute("SELECT id, kind, name, imported_at FROM sources ORDER BY id DESC LIMIT ?", (limit,))
    ]


def row(conn: Connection, stix_id: str) -> LibraryRow | None:
    found = conn.execute(
        f"SELECT {_ROW_COLUMNS} FROM objects o JOIN sources s ON s.id = o.source_id WHERE o.id = ?", (stix_id,)
    ).fetchone()
    return _finish(conn, [_row(found)])[0] if found else None


def links(conn: Connection, stix_id: str, *, limit: int = MAX_LINKS) -> tuple[list[Link], bool]:
    """The object's relations: relationships collapsed to their other end, then references both ways.

    At most ``limit`` of each kind; the flag says some were left out (a marking definition is referred to by
    every object it marks).
    """
    found: list[Link] = []
    truncated = False
    relationship_rows = conn.execute(
        "SELECT rel.id, rel.name, mine.property FROM object_refs mine"
        " JOIN objects rel ON rel.rowid = mine.from_rowid AND rel.type = 'relationship'"
        " WHERE mine.to_id = ? AND mine.property IN ('source_ref', 'target_ref') LIMIT ?",
        (stix_id, limit + 1),
    ).fetchall()
    truncated |= len(relationship_rows) > limit
    relationship_rows = relationship_rows[:limit]
    store = ObjectStore(conn)
    stored = store.get_many(rel_id for rel_id, _, _ in relationship_rows)
    other_end: dict[str, str] = {}
    for rel_id, _, prop in relationship_rows:
        other = stored.get(rel_id, {}).get("target_ref" if prop == "source_ref" else "source_ref")
        if isinstance(other, str):
            other_end[rel_id] = other
    outgoing = store.refs_from(stix_id)
    truncated |= len(outgoing) > limit
    outgoing = outgoing[:limit]
    described = _described(conn, set(other_end.values()) | {target for _, target in outgoing})
    for rel_id, rel_type, prop in relationship_rows:
        other = other_end.get(rel_id)
        if other is None:
            continue
        direction = Direction.OUTGOING if prop == "source_ref" else Direction.INCOMING
        other_type, other_name = described.get(other, (None, ""))
        found.append(
            Link(
                direction,
                rel_type or "related-to",
                other,
                other_type or type_of(other),
                other_name,
                other_type is not None,
                rel_id,
            )
        )
    for prop, target in outgoing:
        target_type, target_name = described.get(target, (None, ""))
        found.append(
            Link(Direction.OUTGOING, prop, target, target_type or type_of(target), target_name, target_type is not None)
        )
    incoming = conn.execute(
        "SELECT r.property, o.id, o.type, o.name FROM object_refs r JOIN objects o ON o.rowid = r.from_rowid"
        " WHERE r.to_id = ? AND NOT (o.type = 'relationship' AND r.property IN ('source_ref', 'target_ref'))"
        " LIMIT ?",
        (stix_id, limit + 1),
    ).fetchall()
    truncated |= len(incoming) > limit
    for prop, source, source_type, source_name in incoming[:limit]:
        found.append(Link(Direction.INCOMING, prop, source, source_type, source_name or "", True))
    return found, truncated


def _described(conn: Connection, ids: set[str]) -> dict[str, tuple[str, str]]:
    """``id -> (type, name)`` of the given ids that are stored."""
    found: dict[str, tuple[str, str]] = {}
    batch = sorted(ids)
    for start in range(0, len(batch), 500):
        part = batch[start : start + 500]
        marks = ",".join("?" * len(part))
        for stix_id, kind, name in conn.execute(f"SELECT id, type, name FROM objects WHERE id IN ({marks})", part):
            found[stix_id] = (kind, name or "")
    return found


def _names(conn: Connection, ids: set[str]) -> dict[str, str]:
    return {stix_id: name for stix_id, (_, name) in _described(conn, ids).items()}


def object_detail(conn: Connection, stix_id: str) -> ObjectDetail | None:
    """Everything the detail pane shows about one object, or None when it is not stored."""
    current = row(conn, stix_id)
    if current is None:
        return None
    store = ObjectStore(conn)
    obj = store.get(stix_id) or {}
    found, truncated = links(conn, stix_id)
    waiting = tuple(foreign_versions(conn, stix_id=stix_id, limit=100))
    return ObjectDetail(current, obj, found, truncated, store.versions(stix_id), len(store.conflicts(stix_id)), waiting)


def version_json(conn: Connection, vid: int) -> dict[str, Any] | None:
    return ObjectStore(conn).version_json(vid)


def neighbourhood(conn: Connection, stix_id: str, *, limit: int = 40) -> Neighbourhood | None:
    """The object and up to ``limit`` neighbours for the graph; marking definitions are left out (the TLP column
    shows them) and each neighbour appears once."""
    centre = row(conn, stix_id)
    if centre is None:
        return None
    found, truncated = links(conn, stix_id, limit=limit * 4)
    seen: set[str] = set()
    chosen: list[Link] = []
    for link in found:
        if link.other_type == "marking-definition" or link.other_id in seen or link.other_id == stix_id:
            continue
        if len(chosen) == limit:
            truncated = True
            break
        seen.add(link.other_id)
        chosen.append(link)
    return Neighbourhood(centre, chosen, truncated)


def pretty_json(obj: dict[str, Any]) -> str:
    """The object as indented JSON, keys in their stored order."""
    return orjson.dumps(obj, option=orjson.OPT_INDENT_2).decode()


def compact_id(stix_id: str) -> tuple[str, bytes] | None:
    """``(type, 16 uuid bytes)`` of a well-formed id, for callers that hold millions of ids in memory."""
    kind, _, rest = stix_id.partition("--")
    try:
        return kind, uuid.UUID(rest).bytes
    except ValueError:
        return None
