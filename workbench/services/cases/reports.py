"""Reports from a case: the one adapter from a case to the report inputs of ``workbench.services.reports.model``.

``report_from_case`` builds the incident report or the after-action report of a case of that kind, or a briefing
about a case of either kind, and says what it was built from (for the audit entry and the command's summary).
The case's fields and records go into the report as the case model holds them, so the field declarations decide
what prints; the linked STIX objects become the report's rows (indicators and observables, ATT&CK techniques, threat
actors, malware, the rest) through the same functions the library briefing uses.

Markings: the report's own level is the analyst's ceiling when one is given, else the case's marking. A case marked
above the ceiling is refused (its fields are at the case's level and cannot be left out); linked objects marked
above it are left out and counted, as in a library briefing. The printed label is raised to the highest marking
inside (``effective_tlp``).
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from workbench.domain.cases.case import Case
from workbench.domain.cases.vocab import CaseKind
from workbench.domain.errors import InvalidInput
from workbench.domain.stix import SCO_TYPES, display_name
from workbench.domain.tlp import Tlp, object_tlp
from workbench.services import cases
from workbench.services.reports.analyst_input import AnalystBriefing
from workbench.services.reports.briefing_from_library import (
    build_briefing,
    indicator_rows,
    readable,
    relationships_among,
    technique_rows,
)
from workbench.services.reports.exercise_conduct import ConductRecord
from workbench.services.reports.model import (
    BriefingInput,
    ExerciseReportInput,
    IncidentReportInput,
    IndicatorRow,
    LinkedObjectRow,
    ReportInput,
    SectorImpact,
)
from workbench.services.workspace import Workspace

logger = logging.getLogger(__name__)

REPORT_KINDS = ("incident", "exercise", "briefing")
#: The case kind each report needs; a briefing can be about a case of either kind.
NEEDED_KIND = {"incident": CaseKind.INCIDENT, "exercise": CaseKind.EXERCISE}


@dataclass
class CaseReport:
    """A report input built from a case, and what it was built from."""

    report: ReportInput
    case: Case
    linked: int
    held_back: Counter[str] = field(default_factory=Counter)
    missing: int = 0

    @property
    def source(self) -> dict[str, Any]:
        """What the audit entry records: the case by reference and STIX id, and what was left out."""
        return {
            "case": self.case.ref,
            "case_stix_id": self.case.stix_id,
            "case_kind": self.case.kind.value,
            "linked": self.linked,
            "held_back": dict(self.held_back),
            "missing": self.missing,
        }


@dataclass
class _Linked:
    """The case's linked objects at or below the ceiling, by id, in link order; what was held back or absent."""

    objects: dict[str, dict[str, Any]]
    held_back: Counter[str]
    missing: int

    def of_types(self, *types: str) -> list[dict[str, Any]]:
        return [obj for obj in self.objects.values() if obj.get("type") in types]

    def note(self, ceiling: Tlp | None) -> str:
        parts = []
        if self.held_back:
            counts = ", ".join(f"{count} {kind}" for kind, count in sorted(self.held_back.items()))
            parts.append(
                f"Linked objects marked above {ceiling.label if ceiling is not None else ''} left out: {counts}."
            )
        if self.missing:
            parts.append(
                f"{self.missing} linked object{'s are' if self.missing != 1 else ' is'} not in this "
                "library and not shown."
            )
        return " ".join(parts)


def report_from_case(
    ws: Workspace,
    kind: str,
    ident: str,
    *,
    analyst: AnalystBriefing | None = None,
    tlp_ceiling: Tlp | None = None,
    issued_at: datetime | None = None,
) -> CaseReport:
    """The ``kind`` report ("incident", "exercise" or "briefing") of the case ``ident`` (reference, STIX id or
    number). Refuses, in one line, an unknown case, a case of the wrong kind, and a case marked above the
    ceiling. ``analyst`` is the analyst's part of a briefing (judgements, bottom line); other reports ignore it."""
    if kind not in REPORT_KINDS:
        raise InvalidInput(f"unknown report {kind!r}; use one of {', '.join(REPORT_KINDS)}")
    case = cases.get_case(ws, ident)
    needed = NEEDED_KIND.get(kind)
    if needed is not None and case.kind is not needed:
        raise InvalidInput(
            f"case {case.ref} is an {case.kind.value} case; an {kind} report needs an "
            f"{needed.value} case (use `report {case.kind.value}` or `report briefing`)"
        )
    level = _report_level(case, tlp_ceiling)
    linked = _linked(ws, case, tlp_ceiling)
    if kind == "incident":
        report: ReportInput = _incident(ws, case, linked, level, tlp_ceiling)
    elif kind == "exercise":
        report = _exercise(ws, case, linked, level, tlp_ceiling)
    else:
        report = _briefing(ws, case, linked, analyst or AnalystBriefing(), tlp_ceiling, issued_at)
    logger.info(
        "%s report from a case: %d linked objects, %d held back",
        kind,
        len(linked.objects),
        sum(linked.held_back.values()),
    )
    return CaseReport(report, case, len(linked.objects), linked.held_back, linked.missing)


def incident_report_input(ws: Workspace, ident: str, *, tlp_ceiling: Tlp | None = None) -> IncidentReportInput:
    """The incident report of an incident case; refuses an exercise case."""
    report = report_from_case(ws, "incident", ident, tlp_ceiling=tlp_ceiling).report
    assert isinstance(report, IncidentReportInput)
    return report


def exercise_report_input(ws: Workspace, ident: str, *, tlp_ceiling: Tlp | None = None) -> ExerciseReportInput:
    """The after-action report of an exercise case; refuses an incident case."""
    report = report_from_case(ws, "exercise", ident, tlp_ceiling=tlp_ceiling).report
    assert isinstance(report, ExerciseReportInput)
    return report


def _report_level(case: Case, ceiling: Tlp | None) -> Tlp:
    own = case.tlp if case.tlp is not None else cases.DEFAULT_TLP
    if ceiling is None:
        return own
    if own > ceiling:
        raise InvalidInput(
            f"case {case.ref} is marked {own.label}, above the report's {ceiling.label}; its fields "
            "cannot be left out: raise the report's level"
        )
    return ceiling


def _linked(ws: Workspace, case: Case, ceiling: Tlp | None) -> _Linked:
    found = ws.objects.get_many(case.linked)
    kept: dict[str, dict[str, Any]] = {}
    held_back: Counter[str] = Counter()
    for object_id in case.linked:
        obj = found.get(object_id)
        if obj is None:
            continue
        level = object_tlp(obj)
        if ceiling is not None and level is not None and level > ceiling:
            held_back[str(obj.get("type"))] += 1
            continue
        kept[object_id] = obj
    return _Linked(kept, held_back, len(case.linked) - len(found))


def _origin_note(case: Case) -> str:
    if case.origin == "local":
        return ""
    theirs = f", their reference {case.origin_ref}" if case.origin_ref else ""
    return f"This case was received from {case.origin}{theirs}."


def _object_rows(ws: Workspace, linked: _Linked) -> tuple[list[IndicatorRow], list[Any], list[LinkedObjectRow]]:
    """Indicators and observables, ATT&CK techniques, and everything else linked, as report rows."""
    indicators = indicator_rows(ws, linked.of_types("indicator")) + _observable_rows(linked)
    patterns = linked.of_types("attack-pattern")
    techniques = technique_rows(ws, patterns, relationships_among(ws, linked.objects)) if patterns else []
    shown = {"indicator", "attack-pattern", *SCO_TYPES}
    others = [
        LinkedObjectRow(str(obj.get("type")), display_name(obj), readable(obj.get("description")), object_tlp(obj))
        for obj in linked.objects.values()
        if obj.get("type") not in shown
    ]
    return indicators, techniques, others


def _observable_rows(linked: _Linked) -> list[IndicatorRow]:
    """Observables (IP addresses, domains, files) linked to the case print as indicators of their own type."""
    return [
        IndicatorRow(obj["type"], display_name(obj), "observable linked to the case", tlp=object_tlp(obj))
        for obj in linked.objects.values()
        if obj.get("type") in SCO_TYPES
    ]


def _incident(ws: Workspace, case: Case, linked: _Linked, level: Tlp, ceiling: Tlp | None) -> IncidentReportInput:
    assert case.incident is not None
    indicators, techniques, others = _object_rows(ws, linked)
    return IncidentReportInput(
        title=case.title,
        tlp=level,
        case_ref=case.ref,
        details=case.incident,
        submissions=case.stages,
        summary=case.description,
        status=case.status.label,
        timeline=case.events,
        tasks=case.tasks,
        indicators=indicators,
        techniques=techniques,
        linked=others,
        originator=ws.org_name,
        origin_note=_origin_note(case),
        selection_note=linked.note(ceiling),
    )


def _conduct(case: Case) -> ConductRecord:
    """The exercise's clock (real start and end, time in play) and its evaluators' observations."""
    clock = case.clock
    end = clock.ended_at or clock.real_anchor
    return ConductRecord(
        clock.started_at,
        clock.ended_at,
        clock.time_in_play(end) if end is not None else None,
        clock.scenario_started,
        case.evaluator_observations,
        case.critical_tasks,
    )


def _exercise(ws: Workspace, case: Case, linked: _Linked, level: Tlp, ceiling: Tlp | None) -> ExerciseReportInput:
    assert case.exercise is not None
    indicators, techniques, others = _object_rows(ws, linked)
    # An exercise report has no indicator or technique sections: what the scenario used is listed with the rest.
    rows = [
        *others,
        *(LinkedObjectRow("indicator", row.value, row.context, row.tlp) for row in indicators),
        *(
            LinkedObjectRow("attack-pattern", f"{row.technique_id} {row.name}".strip(), row.observed_use, row.tlp)
            for row in techniques
        ),
    ]
    return ExerciseReportInput(
        title=case.title,
        tlp=level,
        case_ref=case.ref,
        overview=case.exercise,
        summary=case.description,
        status=case.status.label,
        participants=case.participants,
        objectives=case.objectives,
        observations=case.observations,
        improvements=case.improvements,
        injects=case.injects,
        timeline=case.events,
        tasks=case.tasks,
        linked=rows,
        originator=ws.org_name,
        origin_note=_origin_note(case),
        selection_note=linked.note(ceiling),
        conduct=_conduct(case),
    )


def _briefing(
    ws: Workspace,
    case: Case,
    linked: _Linked,
    analyst: AnalystBriefing,
    ceiling: Tlp | None,
    issued_at: datetime | None,
) -> BriefingInput:
    level = analyst.tlp if analyst.tlp is not None else (case.tlp if case.tlp is not None else None)
    analyst = replace(analyst, tlp=level, sectors=_case_sectors(case, analyst.sectors))
    briefing = build_briefing(
        ws,
        linked.objects,
        relationships_among(ws, linked.objects),
        analyst,
        default_title=f"Threat briefing: {case.title}",
        tlp_ceiling=ceiling,
        issued_at=issued_at,
    )
    briefing.case_ref = case.ref
    briefing.indicators += _observable_rows(linked)
    note = f"Selection: the {len(linked.objects):,} objects linked to case {case.ref}."
    extra = linked.note(ceiling)
    briefing.selection_note = f"{note} {extra}" if extra else note
    return briefing


def _case_sectors(case: Case, entered: list[SectorImpact]) -> list[SectorImpact]:
    """The analyst's sector rows with the incident's own sector counted in (and added when the analyst has none)."""
    details = case.incident
    if details is None or details.sector is None:
        return list(entered)
    name = details.sector.label
    rows = list(entered)
    for index, row in enumerate(rows):
        if row.sector.casefold() == name.casefold():
            rows[index] = replace(row, incidents=row.incidents or 1)
            return rows
    severity = details.impact_severity.value if details.impact_severity is not None else ""
    outlook = details.outlook.label.lower() if details.outlook is not None else ""
    rows.append(SectorImpact(name, severity, outlook, 1, f"{case.ref}: {case.title}", case.tlp))
    return rows
