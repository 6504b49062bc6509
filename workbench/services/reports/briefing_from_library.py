"""A briefing built from a library selection: a search over the store, plus what the analyst enters.

The selection is every current, non-revoked object the full-text search finds, and the objects one relationship
away from them (the techniques an actor uses, the indicators that indicate it, the actor a campaign is attributed
to). From those it takes threat actors and intrusion sets, malware and tools, ATT&CK attack patterns (id from the
external reference, tactics from the kill-chain phases, the ATT&CK release from the collection they came in),
indicators (type and value from a simple pattern, first and last seen from sightings), and incidents (counted by
the sectors of the identities they target). Objects marked above ``tlp_ceiling`` are held back and counted.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from workbench.domain.errors import InvalidInput
from workbench.domain.exercise_material import is_exercise_material
from workbench.domain.stix import display_name
from workbench.domain.timestamps import parse_stix_timestamp
from workbench.domain.tlp import Tlp, object_tlp
from workbench.services import library, markings
from workbench.services.reports.analyst_input import AnalystBriefing
from workbench.services.reports.model import (
    BriefingInput,
    IndicatorRow,
    KnownUseRow,
    MalwareRow,
    SectorImpact,
    TechniqueRow,
    ThreatActorRow,
)
from workbench.services.reports.text import readable
from workbench.services.workspace import Workspace

logger = logging.getLogger(__name__)

MAX_SELECTION = 20_000
#: The level of the analyst's own text when neither the analyst input nor the command names one.
DEFAULT_TLP = Tlp.AMBER
ACTOR_TYPES = ("threat-actor", "intrusion-set")
TOOL_TYPES = ("malware", "tool")
WANTED_TYPES = frozenset({*ACTOR_TYPES, *TOOL_TYPES, "attack-pattern", "indicator", "incident", "campaign"})
ATTACK_SOURCES = ("mitre-attack", "mitre-ics-attack", "mitre-mobile-attack", "mitre-pre-attack")

# One comparison, the form nearly every indicator takes: [ipv4-addr:value = '198.51.100.7']. Anything else is
# printed as the pattern itself. A full pattern parser (stix2-patterns) is slow on thousands of indicators and
# recurses past Python's limit on the large OR-patterns real feeds contain.
_SIMPLE_PATTERN = re.compile(
    r"^\[\s*([a-z0-9-]+):([A-Za-z0-9_.'\-\[\]*]+)\s*(?:=|LIKE|MATCHES)\s*'((?:[^'\\]|\\.)*)'\s*\]$"
)
_HASH_PATH = re.compile(r"^hashes\.'?([A-Za-z0-9-]+)'?$")
_HASH_NAMES = {"SHA1": "SHA-1", "SHA224": "SHA-224", "SHA256": "SHA-256", "SHA384": "SHA-384", "SHA512": "SHA-512"}


@dataclass
class LibraryBriefing:
    """The briefing input and what the selection held: found by the search (``found``, the ids in the search's
    order), added as related, held back."""

    briefing: BriefingInput
    matched: int
    related: int
    held_back: Counter[str] = field(default_factory=Counter)
    found: list[str] = field(default_factory=list)


def briefing_from_query(
    ws: Workspace,
    query: str,
    analyst: AnalystBriefing | None = None,
    *,
    tlp_ceiling: Tlp | None = None,
    related: bool = True,
    issued_at: datetime | None = None,
) -> LibraryBriefing:
    """Select objects with ``query`` (refuses an empty one) and build the briefing around the analyst's text."""
    analyst = analyst or AnalystBriefing()
    store = ws.objects
    hits = library.search_ids(ws, library.LibraryFilter(search=query), limit=MAX_SELECTION)
    objects = store.get_many(hits)
    extra: set[str] = set()
    relationships: list[dict[str, Any]] = []
    if related:
        extra, relationships = _one_hop(ws, list(objects))
        objects.update(store.get_many(extra - objects.keys()))
    held_back: Counter[str] = Counter()
    selected: dict[str, dict[str, Any]] = {}
    # Judged as the exchange judges them: a custom TLP definition at its level, a marking not understood as RED.
    judge = markings.judge_for(ws.conn)
    for stix_id, obj in objects.items():
        # Exercise material is not in the search index, but a relationship can lead to it: never in a briefing.
        if obj.get("type") not in WANTED_TYPES or _withdrawn(obj) or is_exercise_material(obj):
            continue
        level = judge.of_object(obj).judged
        if tlp_ceiling is not None and level is not None and level > tlp_ceiling:
            held_back[obj["type"]] += 1
            continue
        selected[stix_id] = obj
    briefing = build_briefing(
        ws,
        selected,
        relationships,
        analyst,
        default_title=f"Threat briefing: {query.strip()[:120]}",
        tlp_ceiling=tlp_ceiling,
        issued_at=issued_at,
    )
    note = f"Selection: library search {query.strip()[:200]!r}: {len(hits):,} objects found"
    if related:
        note += f", {len(extra - set(hits)):,} related objects added"
    if held_back:
        note += f"; {sum(held_back.values()):,} held back as marked above {_level(tlp_ceiling, None).label}"
    briefing.selection_note = note + "."
    logger.info(
        "briefing selection: %d found, %d related, %d held back", len(hits), len(extra), sum(held_back.values())
    )
    return LibraryBriefing(briefing, len(hits), len(extra - set(hits)), held_back, hits)


def build_briefing(
    ws: Workspace,
    selected: dict[str, dict[str, Any]],
    relationships: Sequence[dict[str, Any]],
    analyst: AnalystBriefing,
    *,
    default_title: str,
    tlp_ceiling: Tlp | None = None,
    issued_at: datetime | None = None,
    observed: list[TechniqueRow] | None = None,
) -> BriefingInput:
    """A briefing of ``selected`` objects (by id, already within the ceiling) around the analyst's text.

    The techniques observed are ``observed`` (a case's recorded observations) or else the sightings of the selected
    attack patterns stored in the library. ``relationships`` may hold any relationships; the ``uses`` ones between
    selected objects are library knowledge and print under their own heading, never as an observation. Refuses an
    analyst input marked above the ceiling. Leaves ``selection_note`` to the caller.
    """
    if tlp_ceiling is not None and analyst.tlp is not None and analyst.tlp > tlp_ceiling:
        raise InvalidInput(
            f"the analyst input is marked {analyst.tlp.label}, above the report's "
            f"{tlp_ceiling.label}; lower it or raise the report's level"
        )
    uses = [
        rel
        for rel in relationships
        if rel.get("relationship_type") == "uses"
        and rel.get("source_ref") in selected
        and rel.get("target_ref") in selected
        and not _withdrawn(rel)
    ]
    by_type: dict[str, list[dict[str, Any]]] = {}
    for obj in selected.values():
        by_type.setdefault(obj["type"], []).append(obj)
    actor_notes = {note.name.casefold(): note for note in analyst.actors}
    return BriefingInput(
        title=analyst.title or default_title,
        tlp=_level(tlp_ceiling, analyst.tlp),
        issued_at=issued_at or datetime.now(UTC),
        reference=analyst.reference,
        version=analyst.version,
        originator=analyst.originator or ws.org_name,
        audience=analyst.audience,
        valid_from=analyst.valid_from,
        valid_until=analyst.valid_until,
        bluf=list(analyst.bluf),
        judgements=list(analyst.judgements),
        actors=_actors([*by_type.get("threat-actor", []), *by_type.get("intrusion-set", [])], actor_notes),
        malware=_malware([*by_type.get("malware", []), *by_type.get("tool", [])]),
        techniques=observed if observed is not None else sighted_rows(ws, by_type.get("attack-pattern", [])),
        known_uses=known_uses(ws, selected, uses),
        sectors=_sectors(ws, by_type.get("incident", []), analyst.sectors),
        indicators=indicator_rows(ws, by_type.get("indicator", [])),
        recommendations=list(analyst.recommendations),
        gaps=list(analyst.gaps),
        sources=list(analyst.sources),
        distribution=list(analyst.distribution),
    )


def _level(ceiling: Tlp | None, analyst: Tlp | None) -> Tlp:
    """The level of the analyst's text: the command's, else the analyst input's, else the default.

    (Compared with None on purpose: TLP:CLEAR is IntEnum 0 and would read as "not given".)
    """
    if ceiling is not None:
        return ceiling
    return analyst if analyst is not None else DEFAULT_TLP


def relationships_among(ws: Workspace, objects: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The relationships whose two ends are both among ``objects`` (by id)."""
    _, links = _one_hop(ws, list(objects))
    return [rel for rel in links if rel.get("source_ref") in objects and rel.get("target_ref") in objects]


def _one_hop(ws: Workspace, ids: list[str]) -> tuple[set[str], list[dict[str, Any]]]:
    """Objects one relationship or sighting away from ``ids``, and the relationships that link them."""
    store = ws.objects
    pointing: set[str] = set()
    for stix_id in ids:
        pointing.update(source for prop, source in store.refs_to(stix_id) if prop in ("source_ref", "target_ref"))
    links = [
        obj
        for obj in store.get_many(pointing).values()
        if obj.get("type") == "relationship" and not is_exercise_material(obj)
    ]
    ends = {end for rel in links for end in (rel.get("source_ref"), rel.get("target_ref")) if isinstance(end, str)}
    return ends, links


def _list(obj: dict[str, Any], key: str) -> tuple[str, ...]:
    value = obj.get(key)
    return tuple(item for item in value if isinstance(item, str)) if isinstance(value, list) else ()


def _actors(objects: list[dict[str, Any]], notes: dict[str, Any]) -> list[ThreatActorRow]:
    rows = []
    seen: set[str] = set()
    for obj in sorted(objects, key=lambda o: display_name(o).casefold()):
        name = display_name(obj)
        aliases = tuple(a for a in _list(obj, "aliases") if a != name)
        note = next((notes[key] for key in (name.casefold(), *(a.casefold() for a in aliases)) if key in notes), None)
        motivation = ", ".join(
            m for m in (obj.get("primary_motivation"), *_list(obj, "secondary_motivations")) if isinstance(m, str)
        )
        rows.append(
            ThreatActorRow(
                name,
                aliases,
                (note.motivation if note and note.motivation else motivation.replace("-", " ")),
                note.attribution_confidence if note else None,
                readable(obj.get("description")),
                object_tlp(obj),
            )
        )
        if note:
            seen.add(note.name.casefold())
    for key, note in notes.items():
        if key not in seen and not any(key in (r.name.casefold(), *(a.casefold() for a in r.aliases)) for r in rows):
            rows.append(ThreatActorRow(note.name, note.aliases, note.motivation, note.attribution_confidence))
    return rows


def _malware(objects: list[dict[str, Any]]) -> list[MalwareRow]:
    rows = []
    for obj in sorted(objects, key=lambda o: display_name(o).casefold()):
        name = display_name(obj)
        aliases = tuple(a for a in _list(obj, "aliases") or _list(obj, "x_mitre_aliases") if a != name)
        kinds = _list(obj, "malware_types") or _list(obj, "tool_types") or (obj["type"],)
        rows.append(MalwareRow(name, kinds, aliases, readable(obj.get("description")), object_tlp(obj)))
    return rows


def _attack_releases(ws: Workspace) -> dict[str, str]:
    """ATT&CK release ("18.1") of each object listed in an ATT&CK collection stored in the workspace."""
    ids = [row[0] for row in ws.conn.execute("SELECT id FROM objects WHERE type = 'x-mitre-collection'")]
    releases: dict[str, str] = {}
    for collection in ws.objects.get_many(ids).values():
        version = collection.get("x_mitre_version")
        for entry in collection.get("x_mitre_contents") or []:
            if isinstance(entry, dict) and isinstance(entry.get("object_ref"), str) and isinstance(version, str):
                releases[entry["object_ref"]] = f"v{version}"
    return releases


def _withdrawn(obj: dict[str, Any]) -> bool:
    return obj.get("revoked") is True or obj.get("x_mitre_deprecated") is True


def attack_id(obj: dict[str, Any]) -> str:
    """The ATT&CK id of an object (``T0855``), from its external references; "" when it has none."""
    return next(
        (
            str(ref.get("external_id"))
            for ref in obj.get("external_references") or []
            if isinstance(ref, dict) and ref.get("source_name") in ATTACK_SOURCES and ref.get("external_id")
        ),
        "",
    )


def technique_rows(ws: Workspace, objects: list[dict[str, Any]]) -> list[TechniqueRow]:
    """Technique rows (id, name, tactics, ATT&CK release) of attack-pattern objects, with nothing observed yet."""
    if not objects:
        return []
    releases = _attack_releases(ws)
    rows = []
    for obj in objects:
        phases = [phase for phase in obj.get("kill_chain_phases") or [] if isinstance(phase, dict)]
        tactics = tuple(
            dict.fromkeys(
                str(phase.get("phase_name"))
                for phase in phases
                if str(phase.get("kill_chain_name", "")).startswith("mitre") or len(phases) == 1
            )
        )
        rows.append(
            TechniqueRow(
                attack_id(obj), display_name(obj), tactics, "", releases.get(obj["id"], ""), 0, object_tlp(obj)
            )
        )
    return rows


def sighted_rows(ws: Workspace, patterns: list[dict[str, Any]]) -> list[TechniqueRow]:
    """One row per stored sighting of these attack patterns: what was observed, when, and its description."""
    rows = []
    base = {row_obj["id"]: row for row_obj, row in zip(patterns, technique_rows(ws, patterns), strict=True)}
    for pattern in patterns:
        sightings = [source for prop, source in ws.objects.refs_to(pattern["id"]) if prop == "sighting_of_ref"]
        for sighting in ws.objects.get_many(sightings).values():
            seen = sighting.get("first_seen") or sighting.get("last_seen")
            rows.append(
                replace(
                    base[pattern["id"]],
                    observed_use=readable(sighting.get("description")),
                    observations=1,
                    observed_at=parse_stix_timestamp(str(seen)) if seen else None,
                    tlp=object_tlp(sighting) or base[pattern["id"]].tlp,
                )
            )
    return rows


def known_uses(ws: Workspace, selected: dict[str, dict[str, Any]], uses: Sequence[dict[str, Any]]) -> list[KnownUseRow]:
    """Library knowledge: who is known to use each selected technique, as the ``uses`` relationships say."""
    releases = _attack_releases(ws)
    rows = []
    for rel in uses:
        target, source = selected.get(rel["target_ref"]), selected.get(rel["source_ref"])
        if target is None or source is None or target.get("type") != "attack-pattern":
            continue
        release = releases.get(rel["id"]) or releases.get(target["id"], "")
        rows.append(
            KnownUseRow(
                attack_id(target),
                display_name(target),
                display_name(source),
                readable(rel.get("description")),
                f"ATT&CK {release}".strip() if attack_id(target) else "library",
                object_tlp(rel),
            )
        )
    rows.sort(key=lambda row: (row.technique_id, row.by.casefold()))
    return rows


def _sectors(ws: Workspace, incidents: list[dict[str, Any]], entered: list[SectorImpact]) -> list[SectorImpact]:
    """The analyst's sector rows, with incident counts taken from the selection where the analyst gave none."""
    counts: Counter[str] = Counter()
    for incident in incidents:
        targets = [source for prop, source in ws.objects.refs_to(incident["id"]) if prop == "source_ref"]
        victims = set()
        for rel in ws.objects.get_many(targets).values():
            if rel.get("relationship_type") in ("targets", "impacts") and isinstance(rel.get("target_ref"), str):
                victims.add(rel["target_ref"])
        sectors = {sector for victim in ws.objects.get_many(victims).values() for sector in _list(victim, "sectors")}
        for sector in sectors:
            counts[sector.replace("-", " ")] += 1
    rows = []
    for row in entered:
        derived = counts.pop(row.sector.casefold(), None) or counts.pop(row.sector, None)
        rows.append(
            row
            if row.incidents or not derived
            else SectorImpact(row.sector, row.severity, row.outlook, derived, row.summary, row.tlp)
        )
    rows.extend(
        SectorImpact(sector, incidents=count, summary="from incidents in the selection")
        for sector, count in counts.most_common()
    )
    return rows


def indicator_rows(ws: Workspace, objects: list[dict[str, Any]]) -> list[IndicatorRow]:
    """Indicator rows from indicator objects (type and value from the pattern, first/last seen from sightings)."""
    rows = []
    for obj in objects:
        kind, value = indicator_value(obj)
        first, last = _sighted(ws, obj["id"])
        name = obj.get("name")
        context = name if isinstance(name, str) else ""
        kinds = ", ".join(_list(obj, "indicator_types"))
        if kinds and kinds not in context:
            context = f"{context} ({kinds})" if context else kinds
        rows.append(
            IndicatorRow(
                kind,
                value,
                context,
                first or parse_stix_timestamp(str(obj.get("valid_from", ""))),
                last,
                object_tlp(obj),
                obj["confidence"] if isinstance(obj.get("confidence"), int) else None,
            )
        )
    rows.sort(key=lambda row: (row.type, row.value))
    return rows


def indicator_value(obj: dict[str, Any]) -> tuple[str, str]:
    """``(type, value)`` of an indicator as an analyst reads them: ``("file SHA-256", "9f86...")``.

    A pattern of one comparison gives its object type and value; anything else prints as the pattern itself.
    """
    pattern = obj.get("pattern")
    pattern_type = obj.get("pattern_type") or "stix"
    if not isinstance(pattern, str):
        return str(pattern_type), ""
    if pattern_type != "stix":
        return str(pattern_type), pattern
    match = _SIMPLE_PATTERN.match(pattern.strip()) if len(pattern) < 4096 else None
    if not match:
        return "pattern", pattern
    object_type, path, value = match.groups()
    value = value.replace("\\'", "'").replace("\\\\", "\\")
    hashed = _HASH_PATH.match(path)
    if hashed:
        algorithm = hashed.group(1).upper()
        algorithm = _HASH_NAMES.get(algorithm, algorithm)
        return f"{object_type} {algorithm}", value
    if path in ("value", "name") and object_type != "file":
        return object_type, value
    return f"{object_type} {path}", value


def _sighted(ws: Workspace, indicator_id: str) -> tuple[datetime | None, datetime | None]:
    """Earliest first_seen and latest last_seen of the sightings of an indicator."""
    sighting_ids = [source for prop, source in ws.objects.refs_to(indicator_id) if prop == "sighting_of_ref"]
    if not sighting_ids:
        return None, None
    firsts, lasts = [], []
    for sighting in ws.objects.get_many(sighting_ids).values():
        first = parse_stix_timestamp(str(sighting.get("first_seen", "")))
        last = parse_stix_timestamp(str(sighting.get("last_seen", "")))
        if first:
            firsts.append(first)
        if last:
            lasts.append(last)
    return min(firsts, default=None), max(lasts, default=None)
