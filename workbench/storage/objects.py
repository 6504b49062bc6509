"""The STIX object store: every version of every object, the current one per id, provenance and full text.

Versioning rules (docs/exchange-format.md, "Versions and their authors"): ``(id, modified)`` is unique; a newer
``modified`` adds a version and becomes current; an older one is kept as history and never becomes current; the
same ``modified`` with other content is recorded as a conflict and changes nothing else; the current version is the
newest non-revoked one, and an object with a revoked version is flagged revoked. An import from outside may only
version what its sender authored (``storage.authorship``); other versions are kept aside as foreign versions.

The store writes inside the caller's transaction and never commits: one import is one transaction.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from workbench.domain.errors import InvalidInput
from workbench.domain.exercise_material import EXERCISE_MARKING_DEFINITION, EXERCISE_MARKING_ID
from workbench.domain.timestamps import now_stix
from workbench.domain.tlp import Tlp
from workbench.storage.bulk import BulkWriter, PreparedVersion, prepare, references, version_key
from workbench.storage.database import Connection, inserted_rowid
from workbench.storage.fts import words_of

__all__ = [
    "ROW_COLUMNS",
    "ObjectRow",
    "ObjectStore",
    "Outcome",
    "PreparedVersion",
    "Provenance",
    "VersionInfo",
    "content_hash",
    "row_from",
    "serialize",
    "store_digest",
    "version_key",
]


class Outcome(enum.Enum):
    """What storing one incoming object did."""

    NEW = "new"
    NEW_VERSION = "new_version"
    UNCHANGED = "unchanged"
    OLDER = "older"
    CONFLICT = "conflict"
    FOREIGN = "foreign"  # a version its sender did not author, kept aside (storage.authorship)


#: The columns of an ``ObjectRow``, over ``o`` (objects) joined with ``s`` (sources ON s.id = o.source_id).
ROW_COLUMNS = "o.rowid, o.id, o.type, o.name, o.modified, o.tlp, o.revoked, o.source_id, o.versions, s.kind, s.name"
_ROW_FROM = "objects o JOIN sources s ON s.id = o.source_id"


@dataclass(frozen=True)
class ObjectRow:
    """One object as the library lists it (its current version): the one row type of every reader of the library.

    ``name`` is the stored name; the library names relationships and sightings by what they join
    (``services.library.rows.describe_relations``). ``source`` is where the current version came from
    (``kind: name``).
    """

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
    #: The producer marked the current version deprecated (ATT&CK's ``x_mitre_deprecated``); the library sets it.
    deprecated: bool = False


def row_from(values: Sequence[Any]) -> ObjectRow:
    """An ``ObjectRow`` from the values of ``ROW_COLUMNS``."""
    return ObjectRow(
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


@dataclass(frozen=True)
class Provenance:
    """Where one stored version came from."""

    kind: str
    name: str
    sha256: str | None
    partner_key_id: str | None
    package_id: str | None
    imported_at: str


@dataclass(frozen=True)
class VersionInfo:
    vid: int
    modified: str
    revoked: bool
    current: bool
    provenance: Provenance


def serialize(obj: dict[str, Any]) -> bytes:
    """Compact JSON of an object, keys in their incoming order. Refuses what JSON cannot hold exactly."""
    try:
        return orjson.dumps(obj)
    except (TypeError, orjson.JSONEncodeError) as exc:
        raise InvalidInput(f"{obj.get('id', 'object')}: cannot be stored: {exc}") from None


def content_hash(obj: dict[str, Any]) -> str:
    """SHA-256 of the object's content with keys sorted: equal content, equal hash, whatever the key order."""
    try:
        data = orjson.dumps(obj, option=orjson.OPT_SORT_KEYS)
    except (TypeError, orjson.JSONEncodeError) as exc:
        raise InvalidInput(f"{obj.get('id', 'object')}: cannot be stored: {exc}") from None
    return hashlib.sha256(data).hexdigest()


class ObjectStore:
    """Queries over one connection. Writes join the caller's open transaction."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # -- provenance --------------------------------------------------------------------------------------------

    def add_source(
        self,
        kind: str,
        name: str,
        *,
        sha256: str | None = None,
        partner_key_id: str | None = None,
        package_id: str | None = None,
        imported_at: str | None = None,
    ) -> int:
        cursor = self.conn.execute(
            "INSERT INTO sources (kind, name, sha256, partner_key_id, package_id, imported_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (kind, name, sha256, partner_key_id, package_id, imported_at or now_stix()),
        )
        return inserted_rowid(cursor)

    # -- writing -----------------------------------------------------------------------------------------------

    def put(self, obj: dict[str, Any], source_id: int) -> Outcome:
        """Store one object version under the versioning rules; see the module docstring."""
        return self.put_many([prepare(obj)], source_id)[0]

    def put_many(self, versions: Sequence[PreparedVersion], source_id: int) -> list[Outcome]:
        """Store prepared versions in order, as many ``put`` calls would, in a few statements (see ``bulk``)."""
        writer = BulkWriter(self.conn, source_id)
        outcomes = [Outcome(value) for value in writer.write(versions)]
        writer.finish()
        return outcomes

    # -- reading -----------------------------------------------------------------------------------------------

    def get(self, stix_id: str) -> dict[str, Any] | None:
        """The current version of an object, or None."""
        row = self.conn.execute(
            "SELECT v.json FROM objects o JOIN object_versions v ON v.vid = o.vid WHERE o.id = ?", (stix_id,)
        ).fetchone()
        return orjson.loads(row[0]) if row else None

    def get_many(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Current versions of the given ids that are stored."""
        found: dict[str, dict[str, Any]] = {}
        batch: list[str] = []
        for stix_id in ids:
            batch.append(stix_id)
            if len(batch) == 500:
                found.update(self._get_batch(batch))
                batch = []
        if batch:
            found.update(self._get_batch(batch))
        return found

    def _get_batch(self, ids: list[str]) -> Iterator[tuple[str, dict[str, Any]]]:
        marks = ",".join("?" * len(ids))
        for stix_id, text in self.conn.execute(
            f"SELECT o.id, v.json FROM objects o JOIN object_versions v ON v.vid = o.vid WHERE o.id IN ({marks})",
            ids,
        ):
            yield stix_id, orjson.loads(text)

    def row(self, stix_id: str) -> ObjectRow | None:
        """The row of one stored object, or None."""
        found = self.conn.execute(f"SELECT {ROW_COLUMNS} FROM {_ROW_FROM} WHERE o.id = ?", (stix_id,)).fetchone()
        return row_from(found) if found else None

    def by_external_id(self, external_id: str, types: Sequence[str] | None = None) -> list[ObjectRow]:
        """Current objects (of ``types`` when given) with an external reference whose ``external_id`` is exactly
        this one (``T0855``, ``CVE-2021-44228``), compared without regard to case; revoked ones last, then the
        newest first.

        External ids are in the full-text index with the other names (its ``extra`` column): the index finds the
        objects that hold the id's words there, and only their stored JSON is read to keep the exact matches, so
        this costs the same with a million objects as with a thousand.
        """
        wanted = external_id.strip()
        try:
            words_of(wanted)
        except InvalidInput:
            return []  # no letter or digit: no external id an index could hold
        phrase = '"' + wanted.replace('"', '""') + '"'
        kinds = f" AND o.type IN ({','.join('?' * len(types))})" if types else ""
        rows = self.conn.execute(
            f"SELECT {ROW_COLUMNS} FROM object_fts CROSS JOIN objects o ON o.rowid = object_fts.rowid"
            " JOIN sources s ON s.id = o.source_id JOIN object_versions v ON v.vid = o.vid"
            f" WHERE object_fts MATCH ?{kinds} AND EXISTS (SELECT 1 FROM json_each(v.json, '$.external_references') r"
            " WHERE upper(json_extract(r.value, '$.external_id')) = upper(?))"
            " ORDER BY o.revoked, o.modified DESC, o.rowid DESC",
            (f"extra : {phrase}", *(types or ()), wanted),
        ).fetchall()
        return [row_from(row) for row in rows]

    def deprecated_rowids(self, rowids: Sequence[int]) -> set[int]:
        """Those of ``rowids`` whose current version says ``x_mitre_deprecated`` (ATT&CK's mark for an object it
        withdrew without revoking it). Reads only these rows' stored JSON, in batches."""
        found: set[int] = set()
        for start in range(0, len(rowids), 500):
            part = list(rowids[start : start + 500])
            found.update(
                rowid
                for (rowid,) in self.conn.execute(
                    "SELECT o.rowid FROM objects o JOIN object_versions v ON v.vid = o.vid"
                    f" WHERE o.rowid IN ({','.join('?' * len(part))})"
                    " AND json_extract(v.json, '$.x_mitre_deprecated') = 1",
                    part,
                )
            )
        return found

    def by_name(self, name: str, types: Sequence[str] | None = None) -> list[ObjectRow]:
        """Current objects named exactly ``name`` (without regard to case), of ``types`` when given."""
        sql = f"SELECT {ROW_COLUMNS} FROM {_ROW_FROM} WHERE o.name = ? COLLATE NOCASE"
        args: list[Any] = [name.strip()]
        if types:
            sql += f" AND o.type IN ({','.join('?' * len(types))})"
            args += list(types)
        return [row_from(row) for row in self.conn.execute(sql + " ORDER BY o.revoked, o.modified DESC", args)]

    def versions(self, stix_id: str) -> list[VersionInfo]:
        """Every stored version of an object, newest first, with where each came from."""
        current = self.conn.execute("SELECT vid FROM objects WHERE id = ?", (stix_id,)).fetchone()
        rows = self.conn.execute(
            "SELECT v.vid, v.modified, v.revoked, s.kind, s.name, s.sha256, s.partner_key_id, s.package_id,"
            " s.imported_at FROM object_versions v JOIN sources s ON s.id = v.source_id"
            " WHERE v.id = ? ORDER BY v.modified DESC",
            (stix_id,),
        ).fetchall()
        return [
            VersionInfo(
                vid=row[0],
                modified=row[1],
                revoked=bool(row[2]),
                current=current is not None and row[0] == current[0],
                provenance=Provenance(*row[3:]),
            )
            for row in rows
        ]

    def version_json(self, vid: int) -> dict[str, Any] | None:
        row = self.conn.execute("SELECT json FROM object_versions WHERE vid = ?", (vid,)).fetchone()
        return orjson.loads(row[0]) if row else None

    def refs_from(self, stix_id: str) -> list[tuple[str, str]]:
        """``(property, target id)`` pairs the current version of an object holds, sorted, each once.

        Read from the current version itself (see ``bulk.references``), which is what the reference index holds.
        """
        current = self.get(stix_id)
        if current is None:
            return []
        return sorted(set(references(current)))

    def refs_to(self, stix_id: str) -> list[tuple[str, str]]:
        """``(property, source id)`` pairs of current versions that refer to this object."""
        return [
            (prop, source)
            for source, prop in self.conn.execute(
                "SELECT o.id, r.property FROM object_refs r JOIN objects o ON o.rowid = r.from_rowid"
                " WHERE r.to_id = ? ORDER BY r.property, o.id",
                (stix_id,),
            )
        ]

    def count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM objects").fetchone()[0])

    def conflicts(self, stix_id: str | None = None) -> list[tuple[str, str, str]]:
        """``(id, modified, detected_at)`` of recorded conflicts."""
        sql = "SELECT id, modified, detected_at FROM conflicts"
        if stix_id is None:
            return list(self.conn.execute(sql + " ORDER BY cid"))
        return list(self.conn.execute(sql + " WHERE id = ? ORDER BY cid", (stix_id,)))


def store_digest(conn: Connection) -> str:
    """SHA-256 over every row of every table: equal digests mean an unchanged store (used by tests and checks)."""
    digest = hashlib.sha256()
    tables = [
        name
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    for table in tables:
        digest.update(table.encode())
        if (
            conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,))
            .fetchone()[0]
            .upper()
            .startswith("CREATE VIRTUAL")
        ):
            continue  # the FTS table's shadow tables are real tables and are hashed themselves
        for row in sorted(repr(row) for row in conn.execute(f'SELECT * FROM "{table}"')):
            digest.update(row.encode())
    return digest.hexdigest()


def store_exercise_marking(store: ObjectStore, source_id: int) -> None:
    """Store the EXERCISE marking definition if the store does not hold it yet (it is stored with the first
    exercise material made here, so that packages carry it with what it marks)."""
    if store.get(EXERCISE_MARKING_ID) is None:
        store.put(EXERCISE_MARKING_DEFINITION, source_id)
