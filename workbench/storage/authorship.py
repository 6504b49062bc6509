"""Who may version a stored object: its author, and nobody else (see docs/exchange-format.md, "Versions").

An import from outside carries an ``Authorship``: the STIX identity pinned for the partner whose key signed the
package (None when none is pinned), the keys pinned for that partner, and this workspace's own identity. For an
object already stored, a version with another ``modified`` becomes a version only when the sender is its author:

- this workspace's own objects (our identity, what we created: ``created_by_ref`` our identity, or first stored by
  a local edit) are never versioned from outside;
- an object with a ``created_by_ref`` is versioned only by a sender whose pinned identity is that author;
- an object without one belongs to the partner whose package first brought it.

A file the analyst imports speaks for the analyst: only what this workspace itself created (its identity, what a
local edit first stored) is kept from it; an object that merely names us as its author is the analyst's to import.

Anything else is a *foreign version*: kept in ``foreign_versions`` with its source (the provenance), never current,
until the analyst accepts it (``accept``). A new object that claims this workspace as its author is kept aside the
same way: nobody outside speaks for us.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from workbench.domain.errors import InvalidInput
from workbench.storage.database import Connection

# SQLite binds at most 32,766 parameters to one statement; stay well below.
_IN_CHUNK = 900


@dataclass(frozen=True)
class Authorship:
    """The sender of one import, as far as versioning is concerned."""

    own_identity: str
    sender_identity: str | None = None
    sender_keys: frozenset[str] = frozenset()
    #: A file the analyst chose to import speaks for the analyst: only this workspace's own objects are judged.
    #: A package speaks for its partner: every stored object is.
    from_partner: bool = True

    def judge_new(self, stix_id: str, author: str | None) -> str | None:
        """Why a new object may not be stored as current, or None when it may."""
        if stix_id == self.own_identity or (self.from_partner and author == self.own_identity):
            return "claims to be created by this workspace; only this workspace versions its own objects"
        return None


@dataclass(frozen=True)
class StoredAuthor:
    """What decides who may version a stored object."""

    created_by_ref: str | None  # of its current version
    first_kind: str  # the kind of source of its first version: "file", "package" or "local"
    first_key: str | None  # the partner key of that source, for a package

    def refusal(self, stix_id: str, sender: Authorship) -> str | None:
        """Why ``sender`` may not version this object, or None when it is the author."""
        if stix_id == sender.own_identity or self.first_kind == "local":
            return "this workspace's own object; only this workspace versions it"
        if not sender.from_partner:
            return None
        if self.created_by_ref == sender.own_identity:
            return "this workspace's own object; only this workspace versions it"
        if self.created_by_ref is not None:
            if sender.sender_identity is not None and self.created_by_ref == sender.sender_identity:
                return None
            return f"created by {self.created_by_ref[:60]}, not by the sender; only its author versions it"
        if self.first_kind == "package" and self.first_key in sender.sender_keys:
            return None
        return "first received from another source and names no author; only that source versions it"


def stored_authors(conn: Connection, ids: Sequence[str]) -> dict[str, StoredAuthor]:
    """The ``StoredAuthor`` of each of these ids that is stored."""
    found: dict[str, StoredAuthor] = {}
    for start in range(0, len(ids), _IN_CHUNK):
        chunk = ids[start : start + _IN_CHUNK]
        marks = ",".join("?" * len(chunk))
        for stix_id, author, kind, key in conn.execute(
            "SELECT o.id, json_extract(v.json, '$.created_by_ref'), s.kind, s.partner_key_id"
            " FROM objects o JOIN object_versions v ON v.vid = o.vid"
            " JOIN object_versions f ON f.vid = (SELECT min(vid) FROM object_versions WHERE id = o.id)"
            f" JOIN sources s ON s.id = f.source_id WHERE o.id IN ({marks})",
            chunk,
        ):
            found[stix_id] = StoredAuthor(author if isinstance(author, str) else None, kind, key)
    return found


def known_foreign(conn: Connection, ids: Sequence[str]) -> set[tuple[str, str, str]]:
    """``(id, modified, content digest)`` of the foreign versions already kept for these ids."""
    found: set[tuple[str, str, str]] = set()
    for start in range(0, len(ids), _IN_CHUNK):
        chunk = ids[start : start + _IN_CHUNK]
        marks = ",".join("?" * len(chunk))
        found.update(
            conn.execute(f"SELECT id, modified, content_sha256 FROM foreign_versions WHERE id IN ({marks})", chunk)
        )
    return found


def insert_foreign(conn: Connection, rows: Iterable[tuple[Any, ...]]) -> None:
    """Rows of ``(id, type, modified, digest, json, source_id, reason, received_at)``."""
    conn.executemany(
        "INSERT OR IGNORE INTO foreign_versions (id, type, modified, content_sha256, json, source_id, reason,"
        " received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


@dataclass(frozen=True)
class ForeignVersion:
    """A version kept aside: who sent it (its source), why it was not made current, whether it was accepted."""

    fid: int
    id: str
    type: str
    modified: str
    reason: str
    received_at: str
    source_kind: str
    source_name: str
    partner_key_id: str | None
    package_id: str | None
    accepted_at: str | None


_FOREIGN = (
    "SELECT f.fid, f.id, f.type, f.modified, f.reason, f.received_at, s.kind, s.name, s.partner_key_id,"
    " s.package_id, f.accepted_at FROM foreign_versions f JOIN sources s ON s.id = f.source_id"
)


def foreign_versions(
    conn: Connection, *, stix_id: str | None = None, include_accepted: bool = False, limit: int = 1000
) -> list[ForeignVersion]:
    """Foreign versions, newest received first; those not accepted unless ``include_accepted``."""
    where, params = [], []
    if stix_id is not None:
        where.append("f.id = ?")
        params.append(stix_id)
    if not include_accepted:
        where.append("f.accepted_at IS NULL")
    sql = _FOREIGN + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY f.fid DESC LIMIT ?"
    return [ForeignVersion(*row) for row in conn.execute(sql, (*params, limit))]


def foreign_version(conn: Connection, fid: int) -> tuple[ForeignVersion, dict[str, Any], int]:
    """One foreign version, its object and its source id; refuses an unknown number."""
    row = conn.execute(_FOREIGN + " WHERE f.fid = ?", (fid,)).fetchone()
    if row is None:
        raise InvalidInput(f"no foreign version number {fid}")
    text, source_id = conn.execute("SELECT json, source_id FROM foreign_versions WHERE fid = ?", (fid,)).fetchone()
    return ForeignVersion(*row), orjson.loads(text), int(source_id)


def mark_accepted(conn: Connection, fid: int, at: str, vid: int | None) -> None:
    conn.execute("UPDATE foreign_versions SET accepted_at = ?, accepted_vid = ? WHERE fid = ?", (at, vid, fid))
