"""STIX objects linked to a case: picked from the library, or created inside the case as local-source versions.

Each change is one transaction with one audit entry, through ``cases.change_case``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import orjson

from workbench.domain.cases.case import Case
from workbench.domain.cases.vocab import CaseKind
from workbench.domain.errors import InvalidInput
from workbench.domain.exercise_material import is_exercise_material, mark_as_exercise
from workbench.domain.ids import is_stix_id, new_id
from workbench.domain.stix import SCO_TYPES
from workbench.domain.timestamps import format_stix_timestamp, utc_now
from workbench.services.cases import change_case, find_row, get_case
from workbench.services.workspace import Workspace
from workbench.storage.cases import CaseStore, LinkRow
from workbench.storage.objects import ObjectStore, store_exercise_marking

logger = logging.getLogger(__name__)

#: Types an analyst may create inside a case, besides observables (SCOs).
CREATABLE_TYPES = frozenset(
    {
        "indicator",
        "malware",
        "threat-actor",
        "vulnerability",
        "attack-pattern",
        "observed-data",
        "infrastructure",
        "tool",
        "intrusion-set",
        "sighting",
        "relationship",
    }
)
#: What a linked object is to its case: evidence or context, or one of the victim's own affected assets.
ROLES = ("linked", "asset")
MAX_LINKS_PER_CALL = 100_000


def link_objects(
    ws: Workspace,
    ident: str,
    object_ids: Iterable[str],
    *,
    origin: str = "library",
    now: datetime | None = None,
    role: str = "linked",
) -> int:
    """Link objects of the library to a case; returns how many were not linked before. ``role="asset"`` links
    them as affected assets (an object linked already takes that role).

    Refuses ids that are not STIX ids or not in the library (all or nothing)."""
    ids = list(dict.fromkeys(object_ids))
    if not ids:
        raise InvalidInput("no objects given to link")
    if len(ids) > MAX_LINKS_PER_CALL:
        raise InvalidInput(f"more than {MAX_LINKS_PER_CALL} objects at once")
    for object_id in ids:
        if not is_stix_id(object_id):
            raise InvalidInput(f"{object_id!r} is not a STIX id (type--UUID)")

    def change(store: CaseStore, case: Case, moment: datetime) -> dict[str, Any]:
        found = ObjectStore(store.conn).get_many(ids)
        missing = [object_id for object_id in ids if object_id not in found]
        if missing:
            raise InvalidInput(
                f"{missing[0]} is not in the library" + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else "")
            )
        if case.stix_id in ids:
            raise InvalidInput("a case cannot be linked to itself")
        if case.kind is CaseKind.INCIDENT:
            drilled = [object_id for object_id in ids if is_exercise_material(found[object_id])]
            if drilled:
                raise InvalidInput(
                    f"{drilled[0]} is exercise material: an incident is real, and its reports and exports never "
                    "include exercise material"
                )
        row = find_row(store, case.ref)
        assert row.id is not None
        added = 0
        for object_id in ids:
            if store.link(row.id, object_id, origin, format_stix_timestamp(moment), role):
                added += 1
            elif role != "linked":
                store.set_role(row.id, object_id, role)
        case.linked = [link.object_id for link in store.links(row.id)]
        counted.append(added)
        return {"linked": added, "origin": origin}

    counted: list[int] = []
    change_case(ws, ident, "case.link", change, now=now)
    return counted[0]


def unlink_objects(ws: Workspace, ident: str, object_ids: Iterable[str], *, now: datetime | None = None) -> int:
    """Remove links (the objects stay in the library); returns how many were removed. Refuses ids not linked."""
    ids = list(dict.fromkeys(object_ids))
    if not ids:
        raise InvalidInput("no objects given to unlink")

    def change(store: CaseStore, case: Case, moment: datetime) -> dict[str, Any]:
        row = find_row(store, case.ref)
        assert row.id is not None
        linked = {link.object_id for link in store.links(row.id)}
        absent = [object_id for object_id in ids if object_id not in linked]
        if absent:
            raise InvalidInput(f"{absent[0]} is not linked to case {case.ref}")
        for object_id in ids:
            store.unlink(row.id, object_id)
        case.linked = [link.object_id for link in store.links(row.id)]
        return {"unlinked": len(ids)}

    change_case(ws, ident, "case.unlink", change, now=now)
    return len(ids)


def links(ws: Workspace, ident: str) -> list[LinkRow]:
    """The case's links with their origin and time."""
    store = CaseStore(ws.conn)
    row = find_row(store, ident)
    assert row.id is not None
    return store.links(row.id)


def create_object(
    ws: Workspace, ident: str, obj: Mapping[str, Any], *, now: datetime | None = None, role: str = "linked"
) -> str:
    """Create a STIX object inside a case (indicator, observable, malware, threat actor, vulnerability, attack
    pattern, sighting, ...), store it as a local-source version and link it; returns its id.

    The caller gives the object's own properties; ``spec_version``, ``id``, ``created``, ``modified``,
    ``created_by_ref`` and the case's TLP marking are filled in when absent; in an exercise case the object is
    exercise material, marked EXERCISE and labelled so. The object must be valid STIX 2.1 (checked by the stix2
    library, patterns included); no custom properties. ``role="asset"`` links it as an affected asset (the
    victim's own host or address), which reports never count as an indicator.
    """
    case = get_case(ws, ident)
    stored = prepare_object(ws, case, obj, now=now)

    def change(store: CaseStore, case: Case, at: datetime) -> dict[str, Any]:
        store_created(store, case, stored, at, role=role)
        return {"created": stored["id"], "type": stored["type"]}

    change_case(ws, ident, "case.create-object", change, now=now)
    return str(stored["id"])


def prepare_object(ws: Workspace, case: Case, obj: Mapping[str, Any], *, now: datetime | None = None) -> dict[str, Any]:
    """The object as it will be stored: defaults filled in, checked by the stix2 library; ``InvalidInput`` if not
    valid STIX 2.1 or not a type a case may create."""
    if not isinstance(obj, Mapping):
        raise InvalidInput("the object must be a JSON object")
    kind = obj.get("type")
    if kind not in CREATABLE_TYPES and kind not in SCO_TYPES:
        allowed = ", ".join(sorted(CREATABLE_TYPES)) + " or an observable type"
        raise InvalidInput(f"objects of type {kind!r} cannot be created in a case; use {allowed}")
    moment = format_stix_timestamp(now or utc_now())
    # What an exercise's players or controller create is scenario material: marked so, it never passes for real.
    draft = mark_as_exercise(dict(obj)) if case.kind is CaseKind.EXERCISE else dict(obj)
    draft.setdefault("spec_version", "2.1")
    if case.tlp is not None:
        draft.setdefault("object_marking_refs", [case.tlp.marking_id])
    if kind not in SCO_TYPES:
        draft.setdefault("id", new_id(str(kind)))
        draft.setdefault("created", moment)
        draft.setdefault("modified", draft["created"])
        draft.setdefault("created_by_ref", ws.identity_id)
    import stix2  # only here: creating objects is rare, and stix2 takes a while to import
    import stix2.exceptions

    try:
        parsed = stix2.parse(draft, allow_custom=False)
    except (stix2.exceptions.STIXError, ValueError, TypeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InvalidInput(f"not a valid {kind} object: {first}") from None
    stored: dict[str, Any] = orjson.loads(parsed.serialize())
    return stored


def store_created(store: CaseStore, case: Case, stored: dict[str, Any], at: datetime, *, role: str = "linked") -> None:
    """Store an object prepared by ``prepare_object`` as a local version and link it to the case (inside the
    caller's ``change_case``)."""
    objects = ObjectStore(store.conn)
    object_id = str(stored["id"])
    if objects.get(object_id) is not None and stored["type"] not in SCO_TYPES:
        raise InvalidInput(f"{object_id} exists already in the library; link it instead")
    source = objects.add_source("local", f"case {case.ref}")
    if case.kind is CaseKind.EXERCISE:
        store_exercise_marking(objects, source)
    objects.put(stored, source)
    row = find_row(store, case.ref)
    assert row.id is not None
    if not store.link(row.id, object_id, "created", format_stix_timestamp(at), role):
        store.set_role(row.id, object_id, role)
    case.linked = [link.object_id for link in store.links(row.id)]


def set_role(ws: Workspace, ident: str, object_ids: Iterable[str], role: str, *, now: datetime | None = None) -> int:
    """Mark linked objects as affected assets (``role="asset"``) or as ordinary links again (``"linked"``)."""
    if role not in ROLES:
        raise InvalidInput(f"unknown link role {role!r}; use one of {', '.join(ROLES)}")
    ids = list(dict.fromkeys(object_ids))

    def change(store: CaseStore, case: Case, moment: datetime) -> dict[str, Any]:
        row = find_row(store, case.ref)
        assert row.id is not None
        for object_id in ids:
            if not store.set_role(row.id, object_id, role):
                raise InvalidInput(f"{object_id} is not linked to case {case.ref}")
        return {"role": role, "objects": len(ids)}

    change_case(ws, ident, "case.link-role", change, now=now)
    return len(ids)
