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
from workbench.domain.cases.incident import reporting_deadlines
from workbench.domain.cases.vocab import CaseKind
from workbench.domain.deadlines import Stage
from workbench.domain.errors import InvalidInput
from workbench.domain.timestamps import utc_now
from workbench.domain.tlp import Tlp
from workbench.services import cases
from workbench.services.cases.evidence import Evidence, Linked, evidence, linked
from workbench.services.cases.sectors import case_sectors
from workbench.services.cases.stages import (
    FrozenStage,
    frozen_stages,
    latest_sent,
    reconstructed,
    recorded_by,
    report_level,
    sent_stage,
    stage_document,
)
from workbench.services.reports.analyst_input import AnalystBriefing
from workbench.services.reports.briefing_from_library import build_briefing, relationships_among
from workbench.services.reports.model import (
    BriefingInput,
    ConductRecord,
    ExerciseReportInput,
    IncidentReportInput,
    LinkedObjectRow,
    ReportInput,
    StageDocument,
)
from workbench.services.workspace import Workspace

logger = logging.getLogger(__name__)

REPORT_KINDS = ("incident", "exercise", "briefing")
#: The case kind each report needs; a briefing can be about a case of either kind.
NEEDED_KIND = {"incident": CaseKind.INCIDENT, "exercise": CaseKind.EXERCISE}


@dataclass
class CaseReport:
    """A report input built from a case, and what it was built from.

    ``frozen`` is set when the report is one submitted stage printed from its snapshot: render it under the
    snapshot's report id and time (``report_id``, ``generated_at``), final, and the PDF is the one that was sent.
    """

    report: ReportInput
    case: Case
    linked: int
    held_back: Counter[str] = field(default_factory=Counter)
    missing: int = 0
    frozen: FrozenStage | None = None

    @property
    def source(self) -> dict[str, Any]:
        """What the audit entry records: the case by reference and STIX id, and what was left out."""
        found: dict[str, Any] = {
            "case": self.case.ref,
            "case_stix_id": self.case.stix_id,
            "case_kind": self.case.kind.value,
            "linked": self.linked,
            "held_back": dict(self.held_back),
            "missing": self.missing,
        }
        if isinstance(self.report, StageDocument):
            found["stage"] = self.report.stage.value
            found["as_submitted"] = self.frozen is not None
        return found

    @property
    def report_id(self) -> str | None:
        return self.frozen.report_id if self.frozen is not None else None

    @property
    def generated_at(self) -> datetime | None:
        return self.frozen.rendered_at if self.frozen is not None else None


def report_from_case(
    ws: Workspace,
    kind: str,
    ident: str,
    *,
    analyst: AnalystBriefing | None = None,
    tlp_ceiling: Tlp | None = None,
    issued_at: datetime | None = None,
    stage: Stage | str | None = None,
    defang: bool = False,
    with_tasks: bool = False,
    now: datetime | None = None,
) -> CaseReport:
    """The ``kind`` report ("incident", "exercise" or "briefing") of the case ``ident`` (reference, STIX id or
    number). Refuses, in one line, an unknown case, a case of the wrong kind, and a case marked above the
    ceiling. ``analyst`` is the analyst's part of a briefing (judgements, bottom line); other reports ignore it.

    ``stage`` (incidents) gives that one stage's document instead of the dossier: as submitted (from its snapshot)
    once it was, else drafted from the case now. ``defang`` prints network indicator values defanged; ``with_tasks``
    keeps the case's internal tasks in an after-action report (left out by default). ``now`` is the "as of" time
    of the dossier's stage states (default: the current time)."""
    if kind not in REPORT_KINDS:
        raise InvalidInput(f"unknown report {kind!r}; use one of {', '.join(REPORT_KINDS)}")
    case = cases.get_case(ws, ident)
    needed = NEEDED_KIND.get(kind)
    if needed is not None and case.kind is not needed:
        raise InvalidInput(
            f"case {case.ref} is an {case.kind.value} case; an {kind} report needs an "
            f"{needed.value} case (use `report {case.kind.value}` or `report briefing`)"
        )
    if stage is not None and kind != "incident":
        raise InvalidInput("--stage picks one stage of an incident report")
    level = report_level(case, tlp_ceiling)
    found = linked(ws, case, tlp_ceiling)
    rows = evidence(ws, found)
    frozen: FrozenStage | None = None
    report: ReportInput
    if stage is not None:
        report, frozen = _stage_report(ws, case, Stage.parse(stage), rows, level, defang)
    elif kind == "incident":
        report = _incident(ws, case, found, rows, level, tlp_ceiling, defang, now)
    elif kind == "exercise":
        report = _exercise(ws, case, found, rows, level, tlp_ceiling, with_tasks)
    else:
        report = _briefing(ws, case, found, rows, analyst or AnalystBriefing(), tlp_ceiling, issued_at, defang)
    logger.info(
        "%s report from a case: %d linked objects, %d held back",
        kind,
        len(found.objects),
        sum(found.held_back.values()),
    )
    return CaseReport(report, case, len(found.objects), found.held_back, found.missing, frozen)


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


def _origin_note(case: Case) -> str:
    if case.origin == "local":
        return ""
    theirs = f", their reference {case.origin_ref}" if case.origin_ref else ""
    return f"This case was received from {case.origin}{theirs}."


def _stage_report(
    ws: Workspace, case: Case, stage: Stage, rows: Evidence, level: Tlp, defang: bool
) -> tuple[StageDocument, FrozenStage | None]:
    if case.incident is None:
        raise InvalidInput(f"case {case.ref} is an exercise case; report stages belong to incidents")
    latest, frozen = latest_sent(case, frozen_stages(ws, case), stage)
    if frozen is not None:
        return frozen.document, frozen
    draft = stage_document(ws, case, stage, rows, level=level, defang=defang)
    if latest is not None:
        return reconstructed(case, latest, draft), None
    return draft, None


def _incident(
    ws: Workspace,
    case: Case,
    found: Linked,
    rows: Evidence,
    level: Tlp,
    ceiling: Tlp | None,
    defang: bool,
    now: datetime | None,
) -> IncidentReportInput:
    assert case.incident is not None
    frozen = frozen_stages(ws, case)
    deadlines = reporting_deadlines(case.incident, case.stages, now or utc_now())
    drafts = {item.stage: stage_document(ws, case, item.stage, rows, level=level, defang=defang) for item in deadlines}
    sent = {}
    for item in deadlines:
        latest, snapshot = latest_sent(case, frozen, item.stage)
        if latest is not None:
            sent[item.stage] = sent_stage(snapshot, drafts.get(item.stage), recorder=recorded_by(case))
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
        indicators=rows.indicators,
        techniques=rows.observed,
        linked=rows.others,
        assets=rows.assets,
        originator=ws.org_name,
        origin_note=_origin_note(case),
        selection_note=found.note(ceiling),
        drafts=drafts,
        sent=sent,
        defang=defang,
        indicator_objects=rows.indicator_objects,
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


def _exercise(
    ws: Workspace, case: Case, found: Linked, rows: Evidence, level: Tlp, ceiling: Tlp | None, with_tasks: bool
) -> ExerciseReportInput:
    assert case.exercise is not None
    # An exercise report has no indicator or technique sections: what the scenario used is listed with the rest.
    linked_rows = [
        *rows.others,
        *(LinkedObjectRow("indicator", row.value, row.context, row.tlp) for row in rows.indicators),
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
        tasks=case.tasks if with_tasks else [],
        linked=linked_rows,
        originator=ws.org_name,
        origin_note=_origin_note(case),
        selection_note=found.note(ceiling),
        conduct=_conduct(case),
    )


def _briefing(
    ws: Workspace,
    case: Case,
    found: Linked,
    rows: Evidence,
    analyst: AnalystBriefing,
    ceiling: Tlp | None,
    issued_at: datetime | None,
    defang: bool,
) -> BriefingInput:
    level = analyst.tlp if analyst.tlp is not None else (case.tlp if case.tlp is not None else None)
    analyst = replace(analyst, tlp=level, sectors=case_sectors(case, analyst.sectors))
    selected = {key: obj for key, obj in found.objects.items() if found.roles.get(key) != "asset"}
    briefing = build_briefing(
        ws,
        selected,
        relationships_among(ws, selected),
        analyst,
        default_title=f"Threat briefing: {case.title}",
        tlp_ceiling=ceiling,
        issued_at=issued_at,
        observed=rows.observed,
    )
    briefing.case_ref = case.ref
    briefing.indicators = rows.indicators
    briefing.indicator_objects = rows.indicator_objects
    briefing.defang = defang
    note = f"Selection: the {len(found.objects):,} objects linked to case {case.ref}."
    extra = found.note(ceiling)
    briefing.selection_note = f"{note} {extra}" if extra else note
    return briefing
