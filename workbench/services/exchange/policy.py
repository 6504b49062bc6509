"""The sharing plan: what leaves for a recipient, and what is held back and why.

Rules, applied to the selection's roots plus everything they bring along:

1. Brought along: what a leaving object references (``*_ref``, ``*_refs``, ``object_refs``, at any depth and
   transitively), sightings of it (with what they reference), and relationships, notes and opinions all of whose
   references leave. With ``AllObjects`` every object is a candidate.
2. Held back for being, or not being, exercise material: a real export never carries exercise material (objects
   marked EXERCISE or labelled as exercise, see ``domain.exercise_material``), and an exercise's package carries
   nothing else. Definitions (markings, extensions) are neither and go with what cites them.
3. Held back for its own marking: an object (or a stored older version) marked above the ceiling. An unmarked
   object counts as ``unmarked_as`` (TLP:AMBER unless the analyst says otherwise) and leaves unchanged, unmarked;
   the package's ``tlp_ceiling`` covers it. Marking definitions are not judged by level: they go with the objects
   that cite them. With ``sanitize``, internal notes are held back too.
4. Held back for what it points at: an object whose content references (anything but ``created_by_ref`` and
   marking references) include a held-back object, since the reference alone would reveal it.
5. Held back for who points at it: an object that is referenced, but only by objects held back for their own
   marking (rule 2) or, in turn, by objects held back under this rule; unless the analyst chose it explicitly.
   A victim named only in a TLP:RED report stays with the report.

The plan is computed from the index of references the store keeps for current versions, so it costs no JSON
parsing except for older versions and, with ``sanitize``, notes. Ids in ``exclude`` are planned as if they were not
stored: the selection writes those objects itself (a case's own objects, built afresh for the export).
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson

from workbench.domain.errors import Cancelled
from workbench.domain.exercise_material import DEFINITION_TYPES
from workbench.domain.stix import iter_refs
from workbench.domain.tlp import Tlp
from workbench.services.exchange.gcpause import let_go, paused_gc
from workbench.services.exchange.sanitize import is_internal_note
from workbench.storage import exchange as rows
from workbench.storage.database import Connection

_ATTACHED = frozenset({"relationship", "note", "opinion"})
_MARK, _AUTHOR, _CONTENT = 0, 1, 2


@dataclass(frozen=True)
class HeldBack:
    """One object (or one older version of it) that does not leave, and why, in words for the analyst."""

    id: str
    type: str
    name: str
    reason: str
    version: str | None = None


@dataclass
class Plan:
    """Versions to write (by store vid, in bundle order) and everything held back."""

    vids: list[int] = field(default_factory=list)
    object_ids: set[str] = field(default_factory=set)
    held: list[HeldBack] = field(default_factory=list)
    highest: Tlp | None = None
    candidates: int = 0

    @property
    def object_count(self) -> int:
        return len(self.vids)


def _kind(prop: str) -> int:
    if prop == "object_marking_refs" or prop.endswith("marking_ref"):
        return _MARK
    if prop == "created_by_ref":
        return _AUTHOR
    return _CONTENT


def plan_export(
    conn: Connection,
    roots: list[str] | None,
    *,
    ceiling: Tlp,
    unmarked_as: Tlp,
    recipient: str,
    include_history: bool = True,
    sanitize: bool = False,
    cancel: Callable[[], bool] | None = None,
    exclude: frozenset[str] = frozenset(),
    exercise: bool = False,
) -> Plan:
    """Work out the plan; see the module docstring. ``roots`` None means every object; ``exercise`` plans an
    exercise's package (exercise material only)."""
    with paused_gc():
        return _plan(conn, roots, ceiling, unmarked_as, recipient, include_history, sanitize, cancel, exclude, exercise)


def _plan(
    conn: Connection,
    roots: list[str] | None,
    ceiling: Tlp,
    unmarked_as: Tlp,
    recipient: str,
    include_history: bool,
    sanitize: bool,
    cancel: Callable[[], bool] | None,
    exclude: frozenset[str],
    exercise: bool,
) -> Plan:
    names: dict[str, str] = {}
    objects: dict[str, tuple[str, int | None, int]] = {}
    for stix_id, kind, tlp, vid, name in rows.current_objects(conn):
        if stix_id in exclude:
            continue
        objects[stix_id] = (kind, tlp, vid)
        names[stix_id] = name
    refs_out: dict[str, list[tuple[str, int]]] = defaultdict(list)
    refs_in: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for source, target, prop in rows.current_refs(conn):
        if target in objects and source in objects and target != source:
            how = _kind(prop)
            refs_out[source].append((target, how))
            refs_in[target].append((source, how))
    if cancel and cancel():
        raise Cancelled()

    explicit: set[str] = set(roots or ())
    if roots is None:
        candidates = {stix_id for stix_id, (kind, _, _) in objects.items() if kind != "marking-definition"}
    else:
        candidates = _closure(set(roots), objects, refs_out, refs_in)

    unmarked_level = int(unmarked_as)

    def level(stix_id: str) -> int:
        tlp = objects[stix_id][1]
        return tlp if tlp is not None else unmarked_level

    def describe(stix_id: str, reason: str, version: str | None = None) -> HeldBack:
        return HeldBack(stix_id, objects[stix_id][0], names[stix_id], reason, version)

    # Internal notes dropped by sanitising are taken out first: leaving them behind says nothing about the
    # objects they annotate, which still leave.
    dropped: list[str] = []
    if sanitize:
        notes = [stix_id for stix_id in candidates if objects[stix_id][0] == "note"]
        note_json = rows.version_json(conn, [objects[stix_id][2] for stix_id in notes])
        dropped = [stix_id for stix_id in notes if is_internal_note(orjson.loads(note_json[objects[stix_id][2]]))]
        candidates -= set(dropped)
    apart = _exercise_rule(conn, candidates, objects, exercise)
    held: dict[str, str] = dict(apart)
    for stix_id in candidates:
        kind, tlp, vid = objects[stix_id]
        if stix_id in held:
            continue
        if kind != "marking-definition" and level(stix_id) > ceiling:
            marked = Tlp(tlp).label if tlp is not None else f"unmarked (treated as {unmarked_as.label})"
            held[stix_id] = f"{marked}, above {ceiling.label}, the ceiling for {recipient}"

    # Objects held back for their own marking, and those only they refer to: what an object referenced only
    # from here would reveal. A link held back because it points at such an object does not count: the object
    # at its other end stands on its own.
    # Objects kept apart as (not) exercise material are no context: what only they refer to stands on its own.
    context = set(held) - set(apart)
    queue = deque(held)
    while queue:
        cause = queue.popleft()
        for source, how in refs_in.get(cause, ()):
            if how == _CONTENT and source in candidates and source not in held:
                held[source] = f"refers to held-back {cause}"
                queue.append(source)
        for target, how in refs_out.get(cause, ()):
            if how == _MARK or target not in candidates or target in held or target in explicit:
                continue
            referrers = [source for source, way in refs_in[target] if way != _MARK and source in candidates]
            if referrers and all(source in context for source in referrers):
                context.add(target)
                held[target] = f"only referenced by held-back {cause}"
                queue.append(target)
    if cancel and cancel():
        raise Cancelled()

    leaving = candidates - set(held)
    plan = Plan(candidates=len(candidates))
    plan.held = [describe(stix_id, reason) for stix_id, reason in held.items()]
    plan.held.extend(describe(stix_id, "internal note, dropped by sanitising") for stix_id in dropped)
    markings: set[str] = set()
    for stix_id in leaving:
        markings.update(target for target, kind in refs_out.get(stix_id, ()) if kind == _MARK)

    history: dict[str, list[int]] = defaultdict(list)
    if include_history:
        older = [(stix_id, vid, tlp) for stix_id, vid, tlp, _ in rows.other_versions(conn) if stix_id in leaving]
        texts = rows.version_json(conn, [vid for _, vid, _ in older])
        for stix_id, vid, tlp in older:
            version = orjson.loads(texts[vid])
            reason = _version_problem(version, tlp, objects[stix_id][0], unmarked_as, ceiling, held, recipient)
            if reason:
                plan.held.append(describe(stix_id, reason, str(version.get("modified") or version.get("created"))))
                continue
            history[stix_id].append(vid)
            markings.update(target for prop, target in iter_refs(version) if _kind(prop) == _MARK and target in objects)

    for marking in sorted(markings - leaving):
        kind, tlp, _ = objects[marking]
        if kind == "marking-definition" and (tlp is None or Tlp(tlp) <= ceiling):
            leaving.add(marking)
    # Marking definitions first, then identities, then the rest, each in storage order. Sorted group by group
    # on the integer vid: one sort of 100,000 tuple keys is 0.1 s of comparisons in C without a break, during
    # which no other thread (the window's) gets to run.
    groups: dict[int, list[str]] = {0: [], 1: [], 2: []}
    for stix_id in leaving:
        kind = objects[stix_id][0]
        groups[0 if kind == "marking-definition" else 1 if kind == "identity" else 2].append(stix_id)
    ordered: list[str] = []
    for group in groups.values():
        group.sort(key=lambda stix_id: objects[stix_id][2])
        ordered.extend(group)
    highest = -1
    for stix_id in ordered:
        plan.vids.extend(history.get(stix_id, ()))
        plan.vids.append(objects[stix_id][2])
        plan.object_ids.add(stix_id)
        if objects[stix_id][0] != "marking-definition":
            highest = max(highest, level(stix_id))
    plan.highest = Tlp(highest) if highest >= 0 else None
    let_go(objects, names, refs_out, refs_in, candidates, held, context, leaving, history, groups, ordered)
    return plan


def _exercise_rule(
    conn: Connection, candidates: set[str], objects: dict[str, tuple[str, int | None, int]], exercise: bool
) -> dict[str, str]:
    """Exercise material never leaves with real intelligence, nor real intelligence with an exercise."""
    flagged = rows.exercise_ids(conn)
    reason = (
        "not exercise material: an exercise's package carries exercise material only"
        if exercise
        else "exercise material: never sent with real intelligence"
    )
    return {
        stix_id: reason
        for stix_id in candidates
        if objects[stix_id][0] not in DEFINITION_TYPES and (stix_id in flagged) != exercise
    }


def _version_problem(
    version: dict[str, Any],
    tlp: int | None,
    kind: str,
    unmarked_as: Tlp,
    ceiling: Tlp,
    held: dict[str, str],
    recipient: str,
) -> str | None:
    if kind != "marking-definition":
        own = Tlp(tlp) if tlp is not None else unmarked_as
        if own > ceiling:
            marked = own.label if tlp is not None else f"unmarked (treated as {unmarked_as.label})"
            return f"older version {marked}, above {ceiling.label}, the ceiling for {recipient}"
    for prop, target in iter_refs(version):
        if _kind(prop) == _CONTENT and target in held:
            return f"older version refers to held-back {target}"
    return None


def _closure(
    roots: set[str],
    objects: dict[str, tuple[str, int | None, int]],
    refs_out: dict[str, list[tuple[str, int]]],
    refs_in: dict[str, list[tuple[str, int]]],
) -> set[str]:
    """The roots, what they reference (transitively), sightings of them, and fully attached SROs and notes."""
    candidates: set[str] = set()
    queue = deque(stix_id for stix_id in roots if stix_id in objects)
    while queue:
        stix_id = queue.popleft()
        if stix_id in candidates:
            continue
        candidates.add(stix_id)
        for target, kind in refs_out.get(stix_id, ()):
            if kind != _MARK and target not in candidates:
                queue.append(target)
        if not queue:
            # Attachments of everything gathered so far; sightings pull in what they reference.
            for member in list(candidates):
                for source, kind in refs_in.get(member, ()):
                    if source in candidates or kind == _MARK:
                        continue
                    source_type = objects[source][0]
                    if source_type == "sighting" or (
                        source_type in _ATTACHED
                        and all(target in candidates for target, how in refs_out.get(source, ()) if how == _CONTENT)
                    ):
                        queue.append(source)
    return candidates
