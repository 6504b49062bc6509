"""The STIX object store: every version of every object, the current one per id, provenance and full text.

Versioning rules (design.md): ``(id, modified)`` is unique; a newer ``modified`` adds a version and becomes
current; an older one is kept as history and never becomes current; the same ``modified`` with other content is
recorded as a conflict and changes nothing else; the current version is the newest non-revoked one, and an
object with a revoked version is flagged revoked.

The store writes inside the caller's transaction and never commits: one import is one transaction.
"""

from __future__ import annotations

import enum
import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import orjson

from workbench.domain.errors import InvalidInput
from workbench.domain.stix import display_name, iter_refs, search_fields
from workbench.domain.timestamps import now_stix, sortable_timestamp
from workbench.domain.tlp import Tlp, object_tlp
from workbench.storage.database import Connection


class Outcome(enum.Enum):
    """What storing one incoming object did."""

    NEW = "new"
    NEW_VERSION = "new_version"
    UNCHANGED = "unchanged"
    OLDER = "older"
    CONFLICT = "conflict"


@dataclass(frozen=True)
class ObjectRow:
    """One object as the library lists it (its current version)."""

    rowid: int
    id: str
    type: str
    name: str
    modified: str
    tlp: Tlp | None
    revoked: bool


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


def version_key(obj: dict[str, Any]) -> str:
    """The sortable ``modified`` of a version; ``created`` for objects that have no ``modified``, else ''."""
    for prop in ("modified", "created"):
        value = obj.get(prop)
        if value is not None:
            key = sortable_timestamp(value)
            if key is None:
                raise InvalidInput(f"{obj.get('id', 'object')}: {prop} is not an RFC 3339 timestamp")
            return key
    return ""


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
        return int(cursor.lastrowid)

    # -- writing -----------------------------------------------------------------------------------------------

    def put(self, obj: dict[str, Any], source_id: int) -> Outcome:
        """Store one object version under the versioning rules; see the module docstring."""
        stix_id = obj["id"]
        modified = version_key(obj)
        revoked = obj.get("revoked") is True
        digest = content_hash(obj)
        conn = self.conn
        current = conn.execute(
            "SELECT rowid, modified, versions FROM objects WHERE id = ?", (stix_id,)
        ).fetchone()
        if current is not None:
            same = conn.execute(
                "SELECT vid, content_sha256 FROM object_versions WHERE id = ? AND modified = ?",
                (stix_id, modified),
            ).fetchone()
            if same is not None:
                if same[1] == digest:
                    return Outcome.UNCHANGED
                conn.execute(
                    "INSERT OR IGNORE INTO conflicts"
                    " (id, modified, existing_vid, content_sha256, json, source_id, detected_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (stix_id, modified, same[0], digest, serialize(obj).decode(), source_id, now_stix()),
                )
                return Outcome.CONFLICT
        tlp = object_tlp(obj)
        vid = conn.execute(
            "INSERT INTO object_versions (id, type, modified, revoked, tlp, content_sha256, json, source_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (stix_id, obj["type"], modified, int(revoked), tlp, digest, serialize(obj).decode(), source_id),
        ).lastrowid
        if current is None:
            rowid = conn.execute(
                "INSERT INTO objects (id, type, name, created, modified, tlp, revoked, vid, source_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (stix_id, obj["type"], display_name(obj), obj.get("created"), modified, tlp, int(revoked), vid,
                 source_id),
            ).lastrowid
            self._index(rowid, stix_id, obj, replace=False)
            return Outcome.NEW
        rowid, current_modified, versions = current
        current_is_revoked_only = revoked is False and conn.execute(
            "SELECT 1 FROM object_versions WHERE id = ? AND revoked = 0 AND vid != ? LIMIT 1", (stix_id, vid)
        ).fetchone() is None
        if revoked:
            conn.execute(
                "UPDATE objects SET revoked = 1, versions = ? WHERE rowid = ?", (versions + 1, rowid)
            )
            return Outcome.NEW_VERSION if modified > current_modified else Outcome.OLDER
        if modified > current_modified or current_is_revoked_only:
            conn.execute(
                "UPDATE objects SET type = ?, name = ?, created = ?, modified = ?, tlp = ?, vid = ?,"
                " source_id = ?, versions = ? WHERE rowid = ?",
                (obj["type"], display_name(obj), obj.get("created"), modified, tlp, vid, source_id,
                 versions + 1, rowid),
            )
            self._index(rowid, stix_id, obj, replace=True)
            return Outcome.NEW_VERSION
        conn.execute("UPDATE objects SET versions = ? WHERE rowid = ?", (versions + 1, rowid))
        return Outcome.OLDER

    def _index(self, rowid: int, stix_id: str, obj: dict[str, Any], *, replace: bool) -> None:
        conn = self.conn
        if replace:
            conn.execute("DELETE FROM object_fts WHERE rowid = ?", (rowid,))
            conn.execute("DELETE FROM object_refs WHERE from_id = ?", (stix_id,))
        conn.execute(
            "INSERT INTO object_fts (rowid, name, description, pattern, observables, extra)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (rowid, *search_fields(obj)),
        )
        refs = [(stix_id, target, prop) for prop, target in iter_refs(obj)]
        if refs:
            conn.executemany("INSERT INTO object_refs (from_id, to_id, property) VALUES (?, ?, ?)", refs)

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
        found = self.conn.execute(
            "SELECT rowid, id, type, name, modified, tlp, revoked FROM objects WHERE id = ?", (stix_id,)
        ).fetchone()
        return _object_row(found) if found else None

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
                vid=row[0], modified=row[1], revoked=bool(row[2]), current=current is not None and row[0] == current[0],
                provenance=Provenance(*row[3:]),
            )
            for row in rows
        ]

    def version_json(self, vid: int) -> dict[str, Any] | None:
        row = self.conn.execute("SELECT json FROM object_versions WHERE vid = ?", (vid,)).fetchone()
        return orjson.loads(row[0]) if row else None

    def refs_from(self, stix_id: str) -> list[tuple[str, str]]:
        """``(property, target id)`` pairs the current version of an object holds."""
        return [(prop, target) for target, prop in self.conn.execute(
            "SELECT to_id, property FROM object_refs WHERE from_id = ? ORDER BY property, to_id", (stix_id,)
        )]

    def refs_to(self, stix_id: str) -> list[tuple[str, str]]:
        """``(property, source id)`` pairs of current versions that refer to this object."""
        return [(prop, source) for source, prop in self.conn.execute(
            "SELECT from_id, property FROM object_refs WHERE to_id = ? ORDER BY property, from_id", (stix_id,)
        )]

    def count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM objects").fetchone()[0])

    def conflicts(self, stix_id: str | None = None) -> list[tuple[str, str, str]]:
        """``(id, modified, detected_at)`` of recorded conflicts."""
        sql = "SELECT id, modified, detected_at FROM conflicts"
        if stix_id is None:
            return list(self.conn.execute(sql + " ORDER BY cid"))
        return list(self.conn.execute(sql + " WHERE id = ? ORDER BY cid", (stix_id,)))

    def search(self, query: str, *, limit: int = 50, offset: int = 0, include_revoked: bool = False) -> list[ObjectRow]:
        """Objects whose name, description, pattern, observable values or other names match every word.

        Words are matched as prefixes; punctuation inside a word (``198.51.100.7``, ``evil-domain.example``)
        is matched as a phrase. Best matches first. Refuses an empty query.
        """
        match = fts_query(query)
        revoked = "" if include_revoked else " AND o.revoked = 0"
        rows = self.conn.execute(
            "SELECT o.rowid, o.id, o.type, o.name, o.modified, o.tlp, o.revoked"
            " FROM object_fts JOIN objects o ON o.rowid = object_fts.rowid"
            f" WHERE object_fts MATCH ?{revoked} ORDER BY object_fts.rank LIMIT ? OFFSET ?",
            (match, limit, offset),
        ).fetchall()
        return [_object_row(row) for row in rows]


_WORD = re.compile(r"\S+")


def fts_query(text: str) -> str:
    """Turn what an analyst types into a safe FTS5 query: every word must match, as a prefix.

    Each word is quoted, so FTS5 operators and column filters typed by accident (or by a hostile string) are
    searched for literally rather than parsed.
    """
    # Words without a letter or digit hold no token and would match nothing: leave them out.
    words = [word for word in _WORD.findall(text or "") if any(char.isalnum() for char in word)]
    if not words:
        raise InvalidInput("the search is empty")
    if len(words) > 32:
        raise InvalidInput("the search has more than 32 words")
    return " AND ".join('"' + word.replace('"', '""') + '"*' for word in words)


def _object_row(row: tuple[Any, ...]) -> ObjectRow:
    return ObjectRow(
        rowid=row[0], id=row[1], type=row[2], name=row[3] or "", modified=row[4],
        tlp=Tlp(row[5]) if row[5] is not None else None, revoked=bool(row[6]),
    )


def store_digest(conn: Connection) -> str:
    """SHA-256 over every row of every table: equal digests mean an unchanged store (used by tests and checks)."""
    digest = hashlib.sha256()
    tables = [
        name for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    for table in tables:
        digest.update(table.encode())
        if conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0].upper().startswith(
            "CREATE VIRTUAL"
        ):
            continue  # the FTS table's shadow tables are real tables and are hashed themselves
        for row in sorted(repr(row) for row in conn.execute(f'SELECT * FROM "{table}"')):
            digest.update(row.encode())
    return digest.hexdigest()
