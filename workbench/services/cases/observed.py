"""What was observed in a case, as opposed to what the library knows: ATT&CK techniques recorded as seen.

``observe`` records that a technique was seen in this incident: a ``sighting`` of the attack pattern, created
inside the case (so it is the case's own object, linked to it and exported with it), with the procedure seen as its
description, the time as ``first_seen``/``last_seen`` and where the observation came from as an external reference.
The attack pattern itself is linked too. Reports print a technique as observed only from such sightings: a linked
attack pattern says nothing about this incident, and a library ``uses`` relationship is another actor's history.

``resolve`` finds the library object an analyst names the way analysts name them: a STIX id, an ATT&CK id
(``T0855``, ``G0034``) or a CVE by exact external id, or an exact name; it says which object it chose.
Deprecated and revoked objects are chosen only when nothing current matches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from workbench.domain.cases.case import Case
from workbench.domain.cases.fields import clean_text, parse_time
from workbench.domain.cases.vocab import CaseKind
from workbench.domain.errors import InvalidInput
from workbench.domain.ids import is_stix_id
from workbench.domain.timestamps import format_stix_timestamp, parse_stix_timestamp
from workbench.services.cases import change_case, get_case
from workbench.services.cases.links import prepare_object, store_created
from workbench.services.workspace import Workspace
from workbench.storage.cases import CaseStore
from workbench.storage.objects import ObjectRow

#: ATT&CK ids (techniques and sub-techniques, tactics, groups, software, mitigations, campaigns, data sources,
#: assets) and CVE ids: looked up by exact external id.
EXTERNAL_ID = re.compile(r"^(?:T\d{4}(?:\.\d{3})?|TA\d{4}|[GSMCA]\d{4}|DS\d{4}|CVE-\d{4}-\d{4,})$", re.IGNORECASE)
EXTERNAL_ID_TYPES = (
    "attack-pattern",
    "x-mitre-tactic",
    "intrusion-set",
    "malware",
    "tool",
    "course-of-action",
    "campaign",
    "x-mitre-data-source",
    "x-mitre-asset",
    "vulnerability",
)
#: The external reference that carries where an observation came from.
SOURCE_REFERENCE = "workbench observation source"
MAX_PROCEDURE = 4_000


def retired(obj: dict[str, Any] | None) -> str:
    """``"revoked"`` or ``"deprecated"`` (ATT&CK's ``x_mitre_deprecated``) for an object its producer withdrew,
    else ``""``."""
    if not obj:
        return ""
    if obj.get("revoked") is True:
        return "revoked"
    if obj.get("x_mitre_deprecated") is True:
        return "deprecated"
    return ""


@dataclass(frozen=True)
class Resolved:
    """The object chosen for what the analyst typed, and what else matched (for the message)."""

    given: str
    id: str
    type: str
    name: str
    others: int = 0
    retired: str = ""

    @property
    def description(self) -> str:
        flag = f", {self.retired}" if self.retired else ""
        more = (
            f"; {self.others} other match{'es' if self.others != 1 else ''} withdrawn or older" if self.others else ""
        )
        return f"{self.given} → {self.type} {self.name!r} ({self.id}{flag}){more}"


def resolve(ws: Workspace, given: str, types: tuple[str, ...] | None = None) -> Resolved:
    """The library object named by a STIX id, an ATT&CK or CVE id, or an exact name; ``InvalidInput`` when
    nothing matches or when several current objects of different types share the name."""
    text = given.strip()
    if not text:
        raise InvalidInput("an object to link is empty")
    store = ws.objects
    if is_stix_id(text):
        row = store.row(text)
        if row is None:
            raise InvalidInput(f"{text} is not in the library")
        return Resolved(text, row.id, row.type, row.name, 0, retired(store.get(text)))
    if EXTERNAL_ID.match(text):
        rows = store.by_external_id(text, types or EXTERNAL_ID_TYPES)
        what = "ATT&CK or CVE id"
    else:
        rows = store.by_name(text, types)
        what = "name"
    if not rows:
        raise InvalidInput(f"nothing in the library has the {what} {text!r}; search for it with `workbench search`")
    found = store.get_many([row.id for row in rows])
    current = [row for row in rows if not retired(found.get(row.id))]
    pool = current or rows
    kinds = {row.type for row in pool}
    if len(kinds) > 1:
        listed = "; ".join(f"{row.type} {row.name} ({row.id})" for row in pool[:5])
        raise InvalidInput(f"{text!r} names several objects: {listed}; give the STIX id")
    chosen: ObjectRow = pool[0]
    return Resolved(text, chosen.id, chosen.type, chosen.name, len(rows) - 1, retired(found.get(chosen.id)))


@dataclass(frozen=True)
class ObservedTechnique:
    """One recorded observation of a technique in a case: the sighting and the attack pattern it is of."""

    sighting_id: str
    technique: dict[str, Any]
    procedure: str
    observed_at: datetime | None
    source: str
    sighting: dict[str, Any]


def observe(
    ws: Workspace,
    ident: str,
    technique: str,
    *,
    procedure: str,
    at: datetime | str,
    source: str = "",
    now: datetime | None = None,
) -> tuple[Resolved, str]:
    """Record that ``technique`` (ATT&CK id, exact name or STIX id of an attack pattern) was observed in the
    incident ``ident``: a sighting created inside the case and the attack pattern linked. Returns what was chosen
    and the sighting's id. Refuses exercise cases, an empty procedure, a time in the future."""
    case = get_case(ws, ident)
    if case.kind is not CaseKind.INCIDENT:
        raise InvalidInput("techniques are observed in incidents; an exercise scenario lists them as linked objects")
    chosen = resolve(ws, technique, ("attack-pattern",))
    if chosen.type != "attack-pattern":
        raise InvalidInput(f"{technique!r} is a {chosen.type}, not an ATT&CK technique")
    text = clean_text(procedure, "the procedure observed", multiline=True, limit=MAX_PROCEDURE)
    if not text:
        raise InvalidInput("say what was seen: the procedure observed (--procedure) is empty")
    moment = parse_time(at, "the time observed")
    if now is not None and moment > now:
        raise InvalidInput("a technique cannot be observed in the future")
    where = clean_text(source or "", "the source", multiline=False, limit=500)
    sighting: dict[str, Any] = {
        "type": "sighting",
        "sighting_of_ref": chosen.id,
        "first_seen": format_stix_timestamp(moment),
        "last_seen": format_stix_timestamp(moment),
        "count": 1,
        "description": text,
        "where_sighted_refs": [ws.identity_id],
    }
    if where:
        sighting["external_references"] = [{"source_name": SOURCE_REFERENCE, "description": where}]
    stored = prepare_object(ws, case, sighting, now=now)

    def change(store: CaseStore, case: Case, at_time: datetime) -> dict[str, Any]:
        row = store.find(case.ref)
        assert row is not None and row.id is not None
        store.link(row.id, chosen.id, "library", format_stix_timestamp(at_time))
        store_created(store, case, stored, at_time)
        return {"observed": chosen.id, "sighting": stored["id"]}

    change_case(ws, ident, "case.observe", change, now=now)
    return chosen, str(stored["id"])


def observed_techniques(
    objects: dict[str, dict[str, Any]], lookup: dict[str, dict[str, Any]]
) -> list[ObservedTechnique]:
    """The observations among a case's linked ``objects`` (sightings of attack patterns); ``lookup`` holds the
    attack patterns they are of. Sightings of other things (an indicator seen) are not technique observations."""
    found = []
    for obj in objects.values():
        if obj.get("type") != "sighting":
            continue
        target = lookup.get(str(obj.get("sighting_of_ref")))
        if target is None or target.get("type") != "attack-pattern":
            continue
        source = next(
            (
                str(ref.get("description") or "")
                for ref in obj.get("external_references") or []
                if isinstance(ref, dict) and ref.get("source_name") == SOURCE_REFERENCE
            ),
            "",
        )
        seen = obj.get("first_seen") or obj.get("last_seen")
        found.append(
            ObservedTechnique(
                str(obj["id"]),
                target,
                str(obj.get("description") or ""),
                parse_stix_timestamp(str(seen)) if seen else None,
                source,
                obj,
            )
        )
    found.sort(key=lambda item: (item.observed_at is None, item.observed_at.isoformat() if item.observed_at else ""))
    return found
