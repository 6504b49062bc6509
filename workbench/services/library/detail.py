"""One object in detail: its properties, its relations both ways, every version, and its neighbourhood for the
relationship graph. Read-only; the window calls it from worker tasks."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

import orjson

from workbench.domain.ids import type_of
from workbench.services.library.listing import row
from workbench.services.library.rows import ObjectRow, described
from workbench.services.workspace import Workspace
from workbench.storage.authorship import ForeignVersion, foreign_version, foreign_versions
from workbench.storage.objects import VersionInfo

MAX_LINKS = 500


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

    row: ObjectRow
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

    centre: ObjectRow
    links: list[Link] = field(default_factory=list)
    truncated: bool = False


def links(ws: Workspace, stix_id: str, *, limit: int = MAX_LINKS) -> tuple[list[Link], bool]:
    """The object's relations: relationships collapsed to their other end, then references both ways.

    At most ``limit`` of each kind; the flag says some were left out (a marking definition is referred to by
    every object it marks).
    """
    conn = ws.conn
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
    store = ws.objects
    stored = store.get_many(rel_id for rel_id, _, _ in relationship_rows)
    other_end: dict[str, str] = {}
    for rel_id, _, prop in relationship_rows:
        other = stored.get(rel_id, {}).get("target_ref" if prop == "source_ref" else "source_ref")
        if isinstance(other, str):
            other_end[rel_id] = other
    outgoing = store.refs_from(stix_id)
    truncated |= len(outgoing) > limit
    outgoing = outgoing[:limit]
    names = described(conn, set(other_end.values()) | {target for _, target in outgoing})
    for rel_id, rel_type, prop in relationship_rows:
        other = other_end.get(rel_id)
        if other is None:
            continue
        direction = Direction.OUTGOING if prop == "source_ref" else Direction.INCOMING
        other_type, other_name = names.get(other, (None, ""))
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
        target_type, target_name = names.get(target, (None, ""))
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


def object_detail(ws: Workspace, stix_id: str) -> ObjectDetail | None:
    """Everything the detail pane shows about one object, or None when it is not stored."""
    current = row(ws, stix_id)
    if current is None:
        return None
    store = ws.objects
    obj = store.get(stix_id) or {}
    found, truncated = links(ws, stix_id)
    waiting = tuple(foreign_versions(ws.conn, stix_id=stix_id, limit=100))
    return ObjectDetail(current, obj, found, truncated, store.versions(stix_id), len(store.conflicts(stix_id)), waiting)


def version_json(ws: Workspace, vid: int) -> dict[str, Any] | None:
    """One stored version as it was imported, or None."""
    return ws.objects.version_json(vid)


def foreign_version_json(ws: Workspace, fid: int) -> dict[str, Any]:
    """A foreign version (kept aside, see ``storage.authorship``) as it was received; refuses an unknown number."""
    return foreign_version(ws.conn, fid)[1]


def neighbourhood(ws: Workspace, stix_id: str, *, limit: int = 40) -> Neighbourhood | None:
    """The object and up to ``limit`` neighbours for the graph; marking definitions are left out (the TLP column
    shows them) and each neighbour appears once."""
    centre = row(ws, stix_id)
    if centre is None:
        return None
    found, truncated = links(ws, stix_id, limit=limit * 4)
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
