"""Markings in a workspace: what each one means here, and the analyst's mapping of those the program cannot read.

``judge_for(conn)`` is the ``MarkingJudge`` of a workspace (known TLP ids, every stored definition, the mappings):
the sharing plan, the importer and the package checks all ask it. ``list_markings`` is what ``workbench markings
list`` and the window's Markings dialog show; ``map_marking`` (``workbench markings map ID LEVEL``) maps a
definition the program does not understand to a TLP level, and ``unmap_marking`` takes a mapping back. Mapping
changes the level every object citing the marking is shown at and judged by, at once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

import orjson

from workbench.domain.errors import InvalidInput
from workbench.domain.ids import canonical_id
from workbench.domain.markings import Judgement, MarkingJudge, MarkingKind, marking_refs
from workbench.domain.timestamps import now_stix
from workbench.domain.tlp import Tlp
from workbench.services.workspace import Workspace
from workbench.storage import audit
from workbench.storage import markings as rows
from workbench.storage.database import Connection

logger = logging.getLogger(__name__)


def judge_for(conn: Connection) -> MarkingJudge:
    """The workspace's judge: known TLP ids, its stored definitions, the analyst's mappings."""
    judge = MarkingJudge(mappings={marking_id: Tlp(level) for marking_id, level in rows.mappings(conn).items()})
    for _, text in rows.definitions(conn):
        judge.learn(orjson.loads(text))
    return judge


@dataclass(frozen=True)
class MarkingRow:
    """One marking as the analyst sees it: what it is, what it means here, how many objects cite it."""

    id: str
    name: str
    judgement: Judgement
    mapped: Tlp | None
    objects: int
    defined: bool

    @property
    def meaning(self) -> str:
        """In words: ``TLP:AMBER``, ``statement (restricts nothing)``, ``not understood (held back)``, ``mapped to
        TLP:GREEN``."""
        judgement = self.judgement
        if judgement.kind is MarkingKind.TLP:
            assert judgement.level is not None
            return judgement.level.label
        if judgement.kind is MarkingKind.STATEMENT:
            return "statement (restricts nothing)"
        if judgement.kind is MarkingKind.EXERCISE:
            return "exercise material (kept apart from real intelligence)"
        if self.mapped is not None:
            return f"mapped to {self.mapped.label}"
        return "not understood (held back from every export)"

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.judgement.kind.value,
            "level": self.judgement.level.label if self.judgement.level is not None else None,
            "recognised_as": self.judgement.what,
            "mapped": self.mapped.label if self.mapped is not None else None,
            "objects": self.objects,
            "defined": self.defined,
            "meaning": self.meaning,
        }


def list_markings(ws: Workspace) -> list[MarkingRow]:
    """Every marking the workspace holds a definition of or that an object cites: those not understood first, then
    by name. A citation that is not exactly a marking-definition id is listed as written."""
    return markings_in(ws.conn)


def markings_in(conn: Connection) -> list[MarkingRow]:
    """``list_markings`` inside the caller's transaction."""
    judge = judge_for(conn)
    mapped = {marking_id: Tlp(level) for marking_id, level in rows.mappings(conn).items()}
    names: dict[str, str] = {}
    for marking_id, text in rows.definitions(conn):
        name = orjson.loads(text).get("name")
        names[canonical_id(marking_id) or marking_id] = name if isinstance(name, str) else ""
    counts: dict[str, int] = {}
    for cited, count in rows.citations(conn).items():
        key = canonical_id(cited) or cited
        counts[key] = counts.get(key, 0) + count
    listed = [
        MarkingRow(
            marking_id,
            names.get(marking_id, ""),
            judge.judge(marking_id),
            mapped.get(marking_id),
            counts.get(marking_id, 0),
            marking_id in names,
        )
        for marking_id in dict.fromkeys([*names, *counts])
    ]
    listed.sort(key=lambda row: (row.judgement.understood, row.name.lower() or "~", row.id))
    return listed


def _known_marking(conn: Connection, marking_id: str) -> MarkingRow:
    canonical = canonical_id(marking_id)
    if canonical is None or not canonical.startswith("marking-definition--"):
        raise InvalidInput(f"{marking_id[:100]!r} is not a marking-definition id")
    for row in markings_in(conn):
        if row.id == canonical:
            return row
    raise InvalidInput(f"no marking {canonical} in this workspace (see workbench markings list)")


def map_marking(ws: Workspace, marking_id: str, level: Tlp) -> MarkingRow:
    """Map a marking the program does not understand to a TLP level, for this workspace; recorded in the audit log.

    Refuses a marking it understands already (a TLP marking or a statement), and one the workspace does not hold.
    Objects citing it are judged and shown at that level from now on.
    """
    with ws.transaction() as conn:
        row = _known_marking(conn, marking_id)
        if row.judgement.kind is not MarkingKind.NOT_UNDERSTOOD:
            raise InvalidInput(
                f"{row.id} is understood already ({row.meaning}); only markings not understood can be mapped"
            )
        rows.set_mapping(conn, row.id, int(level), now_stix())
        audit.append(
            conn,
            "marking.map",
            {
                "marking_id": row.id,
                "name": row.name,
                "tlp": level.short,
                "was": row.mapped.short if row.mapped else None,
            },
        )
        refresh_levels(conn, judge_for(conn), [row.id], every_spelling=True)
    logger.info("marking %s mapped to %s", row.id, level.label)
    return _known_marking(ws.conn, row.id)


def unmap_marking(ws: Workspace, marking_id: str) -> MarkingRow:
    """Take the analyst's mapping of a marking back: it is not understood again."""
    with ws.transaction() as conn:
        row = _known_marking(conn, marking_id)
        if not rows.remove_mapping(conn, row.id):
            raise InvalidInput(f"{row.id} is not mapped")
        audit.append(conn, "marking.unmap", {"marking_id": row.id, "name": row.name})
        refresh_levels(conn, judge_for(conn), [row.id], every_spelling=True)
    return _known_marking(ws.conn, row.id)


def refresh_imported(
    conn: Connection,
    judge: MarkingJudge,
    resolved: Iterable[str],
    cited_with: Iterable[str],
    source_id: int,
    first_vid: int,
) -> int:
    """Work out again the level of the objects an import stored before the definition of a marking they cite came
    (ATT&CK bundles put it last): those from ``source_id`` citing one of ``resolved``, ``cited_with`` holding every
    marking such objects cite. Read from the index of references alone: no object is parsed again. Their current
    versions get the same level; the import's other versions written at TLP:RED (``first_vid`` on: an object
    given a newer version later in the document) are judged again from their JSON."""
    markings, among = sorted(resolved), sorted(cited_with)
    if not markings:
        return 0
    cites: dict[int, list[str]] = {}
    for rowid, marking in rows.citations_of(conn, markings, among, source_id):
        cites.setdefault(rowid, []).append(marking)
    levels = []
    for rowid, cited in cites.items():
        judged = judge.verdict(sorted(cited)).judged
        levels.append((int(judged) if judged is not None else None, rowid))
    rows.set_levels(conn, levels, versions=True)
    wanted = set(markings)
    earlier = []
    for vid, text in rows.earlier_versions_since(conn, first_vid, source_id, int(Tlp.RED)):
        refs = marking_refs(orjson.loads(text))
        if wanted.intersection(refs):
            judged = judge.verdict(refs).judged
            earlier.append((int(judged) if judged is not None else None, vid))
    rows.set_version_levels(conn, earlier)
    return len(levels) + len(earlier)


def refresh_levels(
    conn: Connection,
    judge: MarkingJudge,
    markings: Iterable[str],
    *,
    every_spelling: bool = False,
    stored_before: int | None = None,
) -> int:
    """Work out again the level shown for every current object citing one of ``markings`` (its meaning changed:
    mapped, or its definition arrived after the objects); returns how many objects that was.

    Citations are indexed as written. The importer writes them in canonical form; ``every_spelling`` also finds
    objects stored before it did (an upper-case UUID), at the cost of reading every citation. ``stored_before``
    leaves out the objects whose current version came from that source (an import judged them already).
    """
    cited = set(markings)
    if not cited:
        return 0
    if every_spelling:
        cited = {marking for marking in rows.citations(conn) if (canonical_id(marking) or marking) in cited}
    rowids = rows.citing(conn, cited, not_from_source=stored_before)
    levels: list[tuple[int | None, int]] = []
    for rowid, text in rows.current_json(conn, rowids):
        judged = judge.of_object(orjson.loads(text)).judged
        levels.append((int(judged) if judged is not None else None, rowid))
    rows.set_levels(conn, levels)
    return len(levels)
