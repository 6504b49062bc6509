"""A case's linked objects as report rows: indicators, affected assets, observed techniques, the rest.

One reading of the links serves the incident report, each stage's document and the briefing of a case:

- objects marked above the report's ceiling are held back and counted;
- objects their producer withdrew (``revoked``, ATT&CK's ``x_mitre_deprecated``) are left out unless the analyst
  linked them explicitly (picked from the library or created in the case): an import that linked a whole ATT&CK
  release does not put Industroyer in a report twice;
- observables linked as affected assets are the victim's own and never count as indicators of compromise;
- a technique is observed only where the case records a sighting of it (``observed``); attack patterns merely
  linked are listed with the other linked objects.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

from workbench.domain.cases.case import Case
from workbench.domain.ids import type_of
from workbench.domain.stix import SCO_TYPES, display_name, iter_refs
from workbench.domain.tlp import BUILTIN_MARKING_DEFINITIONS, Tlp, object_tlp
from workbench.services import markings
from workbench.services.cases.observed import observed_techniques, retired
from workbench.services.reports.briefing_from_library import indicator_rows, technique_rows
from workbench.services.reports.model import IndicatorRow, LinkedObjectRow, TechniqueRow
from workbench.services.reports.text import readable
from workbench.services.workspace import Workspace
from workbench.storage.cases import CaseStore

#: Link origins that mean the analyst chose the object; 'import' and 'partner' links were made wholesale.
EXPLICIT_ORIGINS = ("library", "created")


@dataclass
class Linked:
    """The case's linked objects at or below the ceiling, by id, in link order, with their roles; what was held
    back (above the ceiling), left out (withdrawn by their producer) or absent from the library."""

    objects: dict[str, dict[str, Any]]
    roles: dict[str, str]
    held_back: Counter[str]
    missing: int
    retired: Counter[str] = field(default_factory=Counter)

    def of_types(self, *types: str) -> list[dict[str, Any]]:
        return [obj for obj in self.objects.values() if obj.get("type") in types]

    def note(self, ceiling: Tlp | None) -> str:
        parts = []
        if self.held_back:
            counts = ", ".join(f"{count} {kind}" for kind, count in sorted(self.held_back.items()))
            parts.append(
                f"Linked objects marked above {ceiling.label if ceiling is not None else ''} left out: {counts}."
            )
        if self.retired:
            counts = ", ".join(f"{count} {kind}" for kind, count in sorted(self.retired.items()))
            parts.append(f"Deprecated or revoked objects linked by an import left out: {counts}.")
        if self.missing:
            parts.append(
                f"{self.missing} linked object{'s are' if self.missing != 1 else ' is'} not in this "
                "library and not shown."
            )
        return " ".join(parts)


def linked(ws: Workspace, case: Case, ceiling: Tlp | None) -> Linked:
    """Read the case's links once, applying the ceiling and leaving out what was withdrawn (see the module)."""
    row = CaseStore(ws.conn).find(case.ref)
    links = CaseStore(ws.conn).links(row.id) if row is not None and row.id is not None else []
    origins = {link.object_id: link.origin for link in links}
    roles = {link.object_id: link.role for link in links}
    found = ws.objects.get_many(case.linked)
    # Judged as the exchange judges them: a custom TLP definition at its level, a marking not understood as RED.
    judge = markings.judge_for(ws.conn)
    kept: dict[str, dict[str, Any]] = {}
    held_back: Counter[str] = Counter()
    withdrawn: Counter[str] = Counter()
    for object_id in case.linked:
        obj = found.get(object_id)
        if obj is None:
            continue
        level = judge.of_object(obj).judged
        if ceiling is not None and level is not None and level > ceiling:
            held_back[str(obj.get("type"))] += 1
            continue
        if retired(obj) and origins.get(object_id) not in EXPLICIT_ORIGINS:
            withdrawn[str(obj.get("type"))] += 1
            continue
        kept[object_id] = obj
    return Linked(
        kept, {key: roles.get(key, "linked") for key in kept}, held_back, len(case.linked) - len(found), withdrawn
    )


@dataclass
class Evidence:
    """The rows reports print from a case's links."""

    indicators: list[IndicatorRow]
    assets: list[IndicatorRow]
    observed: list[TechniqueRow]
    others: list[LinkedObjectRow]
    #: The STIX objects behind ``indicators`` with the markings and identities they refer to: the attached bundle.
    indicator_objects: list[dict[str, Any]]


def evidence(ws: Workspace, found: Linked) -> Evidence:
    """Indicators, affected assets, observed techniques and the other linked objects of a case."""
    asset_objects = [obj for key, obj in found.objects.items() if found.roles.get(key) == "asset"]
    asset_ids = {obj["id"] for obj in asset_objects}
    indicator_objects = [obj for obj in found.of_types("indicator") if obj["id"] not in asset_ids]
    observables = [obj for obj in found.of_types(*SCO_TYPES) if obj["id"] not in asset_ids]
    indicators = indicator_rows(ws, indicator_objects) + [observable_row(obj) for obj in observables]
    assets = [
        observable_row(obj, context=readable(obj.get("description")) or "affected asset") for obj in asset_objects
    ]
    targets = ws.objects.get_many(
        [str(obj.get("sighting_of_ref")) for obj in found.of_types("sighting") if obj.get("sighting_of_ref")]
    )
    observations = observed_techniques(found.objects, targets)
    observed = []
    for item in observations:
        base = technique_rows(ws, [item.technique])[0]
        observed.append(
            replace(
                base,
                observed_use=item.procedure,
                observations=1,
                observed_at=item.observed_at,
                source=item.source,
                tlp=object_tlp(item.sighting) or base.tlp,
            )
        )
    observation_ids = {item.sighting_id for item in observations}
    shown = {"indicator", *SCO_TYPES}
    others = [
        LinkedObjectRow(
            str(obj.get("type")),
            _named(obj),
            readable(obj.get("description")),
            object_tlp(obj),
        )
        for obj in found.objects.values()
        if obj.get("type") not in shown and obj["id"] not in asset_ids and obj["id"] not in observation_ids
    ]
    return Evidence(indicators, assets, observed, others, bundle_objects(ws, [*indicator_objects, *observables]))


def _named(obj: dict[str, Any]) -> str:
    name = display_name(obj)
    if obj.get("type") == "attack-pattern":
        external = next(
            (
                str(ref.get("external_id"))
                for ref in obj.get("external_references") or []
                if isinstance(ref, dict)
                and ref.get("external_id")
                and str(ref.get("source_name", "")).startswith("mitre")
            ),
            "",
        )
        name = f"{external} {name}".strip()
    flag = retired(obj)
    return f"{name} ({flag})" if flag else name


def observable_row(obj: dict[str, Any], *, context: str = "observable linked to the case") -> IndicatorRow:
    """An observable (IP address, domain, file) as a row of its own type."""
    return IndicatorRow(obj["type"], display_name(obj), context, tlp=object_tlp(obj), stix_id=str(obj["id"]))


def bundle_objects(ws: Workspace, objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``objects`` with the marking definitions and authoring identities they refer to, for a bundle that a
    partner's tool imports whole."""
    extra: dict[str, dict[str, Any]] = {}
    for obj in objects:
        for prop, ref in iter_refs(obj):
            if ref in extra:
                continue
            if type_of(ref) == "marking-definition":
                definition = BUILTIN_MARKING_DEFINITIONS.get(ref) or ws.objects.get(ref)
                if definition is not None:
                    extra[ref] = definition
            elif prop == "created_by_ref":
                identity = ws.objects.get(ref)
                if identity is not None:
                    extra[ref] = identity
    return [*extra.values(), *objects]
