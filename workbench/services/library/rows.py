"""The one row type the library lists, and the filter that narrows a listing or a search.

``ObjectRow`` (defined with the object store, ``storage.objects``) is what every reader of the library gets back
for an object (its current version): the Library screen, the case link picker, ``workbench search``, the export of
a search and a briefing from a search, and the case services that look an object up by id, external id or name.
``LibraryFilter`` holds what the analyst chose: object types, TLP, source, a range of dates, and the words of a
full-text search.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from workbench.domain.errors import InvalidInput
from workbench.domain.ids import is_stix_type
from workbench.storage.database import Connection
from workbench.storage.objects import ROW_COLUMNS, ObjectRow, ObjectStore, row_from

# TLP filter value meaning "objects with no TLP marking".
NO_TLP = -1
# Chunk of an ``IN (...)`` list: SQLite binds at most 32,766 parameters to one statement.
IN_CHUNK = 500


class SortKey(enum.Enum):
    """Orders the library can list in; each one walks an index of the objects table."""

    NAME = "name"
    TYPE = "type"
    TLP = "tlp"
    MODIFIED = "modified"
    SOURCE = "source"


# The columns of each order (before the final rowid), as SQL expressions over ``o`` (objects).
SORT_COLUMNS: dict[SortKey, tuple[str, ...]] = {
    SortKey.NAME: ("o.name COLLATE NOCASE",),
    SortKey.TYPE: ("o.type", "o.modified"),
    SortKey.TLP: ("o.tlp", "o.modified"),
    SortKey.MODIFIED: ("o.modified",),
    SortKey.SOURCE: ("o.source_id", "o.modified"),
}


# Exercise material is found through its small partial index (a rowid list), whatever other index the planner picks.
EXERCISE_MATERIAL = "o.rowid IN (SELECT rowid FROM objects WHERE exercise = 1)"
REAL_INTELLIGENCE = "o.exercise = 0"


@dataclass(frozen=True)
class LibraryFilter:
    """What the library shows. Empty fields do not filter.

    ``types`` are STIX types (any of them); ``tlp`` is a ``Tlp`` value or ``NO_TLP``; dates compare with the
    object's current ``modified`` and are ``YYYY-MM-DD`` (``modified_to`` inclusive); ``search`` is the words of a
    full-text search (``library.search``), empty when listing. ``exercise`` lists exercise material instead of
    real intelligence: the two are never listed together, and exercise material is never found by words (it is not
    in the full-text index).
    """

    types: tuple[str, ...] = ()
    tlp: int | None = None
    source_id: int | None = None
    modified_from: str | None = None
    modified_to: str | None = None
    search: str = ""
    exercise: bool = False

    @property
    def searching(self) -> bool:
        return bool(self.search.strip())

    def where(self, *, exercise: bool | None = None) -> tuple[list[str], list[Any]]:
        """SQL conditions over ``o`` (objects) and their arguments; refuses a type that cannot be a STIX type.
        ``exercise`` overrides the filter's choice of material (real intelligence or exercise material)."""
        clauses, args = self.filters()
        wanted = self.exercise if exercise is None else exercise
        return [EXERCISE_MATERIAL if wanted else REAL_INTELLIGENCE, *clauses], args

    def filters(self) -> tuple[list[str], list[Any]]:
        """The conditions other than the choice of material."""
        clauses: list[str] = []
        args: list[Any] = []
        if self.types:
            for kind in self.types:
                if not is_stix_type(kind):
                    raise InvalidInput(f"{kind[:80]!r} is not a STIX type")
            clauses.append(f"o.type IN ({','.join('?' * len(self.types))})")
            args.extend(self.types)
        if self.tlp is not None:
            if self.tlp == NO_TLP:
                clauses.append("o.tlp IS NULL")
            else:
                clauses.append("o.tlp = ?")
                args.append(int(self.tlp))
        if self.source_id is not None:
            clauses.append("o.source_id = ?")
            args.append(self.source_id)
        if self.modified_from:
            clauses.append("o.modified >= ?")
            args.append(f"{self.modified_from}T00:00:00")
        if self.modified_to:
            clauses.append("o.modified < ?")
            args.append(f"{self.modified_to}T99")  # any time on that day sorts below 'T99'
        return clauses, args


def rows_in_order(conn: Connection, rowids: Sequence[int]) -> list[ObjectRow]:
    """The rows of these objects, in the order given (rowids no longer stored are skipped), relations described."""
    by_rowid: dict[int, ObjectRow] = {}
    for start in range(0, len(rowids), IN_CHUNK):
        chunk = list(rowids[start : start + IN_CHUNK])
        marks = ",".join("?" * len(chunk))
        for values in conn.execute(
            f"SELECT {ROW_COLUMNS} FROM objects o JOIN sources s ON s.id = o.source_id WHERE o.rowid IN ({marks})",
            chunk,
        ):
            by_rowid[values[0]] = row_from(values)
    return finish(conn, [by_rowid[rowid] for rowid in rowids if rowid in by_rowid])


def finish(conn: Connection, rows: list[ObjectRow]) -> list[ObjectRow]:
    """Rows as the library shows them: relationships named by their ends, deprecated objects marked."""
    return mark_deprecated(conn, describe_relations(conn, rows))


def mark_deprecated(conn: Connection, rows: list[ObjectRow]) -> list[ObjectRow]:
    """Mark the rows whose current version its producer deprecated: shown as such, as a revoked one is."""
    found = ObjectStore(conn).deprecated_rowids([row.rowid for row in rows])
    return [replace(row, deprecated=True) if row.rowid in found else row for row in rows]


def describe_relations(conn: Connection, rows: list[ObjectRow]) -> list[ObjectRow]:
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
    names = names_of(conn, {target for found in ends.values() for target in found.values()})
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


def described(conn: Connection, ids: set[str]) -> dict[str, tuple[str, str]]:
    """``id -> (type, name)`` of the given ids that are stored."""
    found: dict[str, tuple[str, str]] = {}
    batch = sorted(ids)
    for start in range(0, len(batch), IN_CHUNK):
        part = batch[start : start + IN_CHUNK]
        marks = ",".join("?" * len(part))
        for stix_id, kind, name in conn.execute(f"SELECT id, type, name FROM objects WHERE id IN ({marks})", part):
            found[stix_id] = (kind, name or "")
    return found


def names_of(conn: Connection, ids: set[str]) -> dict[str, str]:
    return {stix_id: name for stix_id, (_, name) in described(conn, ids).items()}


def compact_id(stix_id: str) -> tuple[str, bytes] | None:
    """``(type, 16 uuid bytes)`` of a well-formed id, for callers that hold millions of ids in memory."""
    kind, _, rest = stix_id.partition("--")
    try:
        return kind, uuid.UUID(rest).bytes
    except ValueError:
        return None
