"""The inputs of the incident and exercise reports, as plain frozen dataclasses (no ReportLab, no Qt).

``incident_report_input`` gives what the incident report (NIS2 stages, CISA fields) prints; ``exercise_report_input``
what the after-action report and improvement plan print. Times are aware datetimes in UTC (the renderer shows them
in local time); texts are the analyst's or a partner's, unescaped: the renderer escapes them. Field sections come
from the field declarations of the case model, so a re-mapped template changes labels here without code changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from workbench.domain.cases.case import Case
from workbench.domain.cases.fields import display_lines
from workbench.domain.cases.incident import CLOCKS, ENTITY
from workbench.domain.cases.vocab import CaseKind, ObservationKind, ParticipantRole
from workbench.domain.errors import InvalidInput
from workbench.domain.stix import SCO_TYPES, display_name
from workbench.domain.timestamps import parse_stix_timestamp, utc_now
from workbench.domain.tlp import Tlp, highest, object_tlp
from workbench.services import cases
from workbench.services.workspace import Workspace


@dataclass(frozen=True)
class FieldLine:
    key: str
    label: str
    value: str


@dataclass(frozen=True)
class FieldSection:
    """A titled block of label/value lines, in declaration order; empty fields are left out."""

    title: str
    lines: tuple[FieldLine, ...]


@dataclass(frozen=True)
class StageLine:
    """A report stage with its due time and whether it was met (None: undecided or no deadline)."""

    stage: str
    label: str
    due: datetime | None
    basis: str
    first_submitted: datetime | None
    latest_submitted: datetime | None
    versions: int
    state: str
    met: bool | None


@dataclass(frozen=True)
class SubmissionLine:
    """One submission; ``sequence`` numbers every submission of the case in time order (the report's sequence)."""

    sequence: int
    stage: str
    label: str
    version: int
    submitted_at: datetime
    reference: str
    note: str


@dataclass(frozen=True)
class TimelineLine:
    at: datetime
    kind: str
    title: str
    description: str


@dataclass(frozen=True)
class TaskLine:
    title: str
    owner: str
    due: datetime | None
    status: str
    completed_at: datetime | None
    description: str


@dataclass(frozen=True)
class IndicatorLine:
    """An indicator or observable linked to the case."""

    stix_id: str
    type: str
    value: str
    name: str
    context: str
    first_seen: datetime | None
    last_seen: datetime | None
    tlp: Tlp | None
    confidence: int | None


@dataclass(frozen=True)
class TechniqueLine:
    """An ATT&CK technique (attack-pattern) linked to the case."""

    stix_id: str
    technique_id: str
    name: str
    tactics: tuple[str, ...]
    observed_use: str
    attack_version: str


@dataclass(frozen=True)
class ObjectLine:
    """Any other linked object (threat actor, malware, vulnerability, ...)."""

    stix_id: str
    type: str
    name: str
    tlp: Tlp | None


@dataclass(frozen=True)
class IncidentReportInput:
    case_ref: str
    title: str
    status: str
    description: str
    #: The highest marking of anything in the report: the case's own and its linked objects'.
    tlp: Tlp | None
    case_tlp: Tlp | None
    awareness_at: datetime
    header: FieldSection
    sections: tuple[FieldSection, ...]
    stages: tuple[StageLine, ...]
    next_due: StageLine | None
    submissions: tuple[SubmissionLine, ...]
    timeline: tuple[TimelineLine, ...]
    tasks: tuple[TaskLine, ...]
    indicators: tuple[IndicatorLine, ...]
    techniques: tuple[TechniqueLine, ...]
    other_objects: tuple[ObjectLine, ...]
    affected_assets: str
    actions_taken: str
    origin: str
    origin_ref: str | None
    generated_at: datetime


@dataclass(frozen=True)
class ParticipantLine:
    organisation: str
    role: str
    third_party_observer: bool
    contact: str
    country: str


@dataclass(frozen=True)
class ObjectiveLine:
    number: int
    objective: str
    capability: str
    rating: str | None
    rating_label: str
    rationale: str


@dataclass(frozen=True)
class ObservationLine:
    title: str
    capability: str
    description: str
    reference: str
    analysis: str
    recommendation: str


@dataclass(frozen=True)
class ImprovementLine:
    capability: str
    issue: str
    corrective_action: str
    capability_element: str
    responsible_org: str
    contact: str
    start_date: date | None
    completion_date: date | None


@dataclass(frozen=True)
class InjectLine:
    number: str
    planned_at: datetime
    actual_at: datetime | None
    sender: str
    recipient: str
    description: str
    expected_action: str
    observed_action: str


@dataclass(frozen=True)
class ExerciseReportInput:
    case_ref: str
    title: str
    status: str
    description: str
    tlp: Tlp | None
    case_tlp: Tlp | None
    overview: FieldSection
    sections: tuple[FieldSection, ...]
    starts_at: datetime | None
    ends_at: datetime | None
    duration: timedelta | None
    participants: tuple[ParticipantLine, ...]
    objectives: tuple[ObjectiveLine, ...]
    strengths: tuple[ObservationLine, ...]
    areas_for_improvement: tuple[ObservationLine, ...]
    improvement_plan: tuple[ImprovementLine, ...]
    injects: tuple[InjectLine, ...]
    origin: str
    origin_ref: str | None
    generated_at: datetime


def field_sections(record: Any, tz: tzinfo | None = None) -> tuple[FieldSection, ...]:
    """A record's non-empty fields grouped by their declared section, in declaration order."""
    sections: dict[str, list[FieldLine]] = {}
    for info, text in display_lines(record, tz):
        sections.setdefault(info.section, []).append(FieldLine(info.name, info.label, text))
    return tuple(FieldSection(title, tuple(lines)) for title, lines in sections.items())


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _time(value: Any) -> datetime | None:
    return parse_stix_timestamp(value) if isinstance(value, str) else None


_PATTERN_TYPE = re.compile(r"\[\s*([a-z0-9-]+):")


def _linked(ws: Workspace, case: Case) -> tuple[list[IndicatorLine], list[TechniqueLine], list[ObjectLine],
                                                 list[Tlp | None]]:
    indicators: list[IndicatorLine] = []
    techniques: list[TechniqueLine] = []
    others: list[ObjectLine] = []
    levels: list[Tlp | None] = []
    found = ws.objects.get_many(case.linked)
    for object_id in case.linked:
        obj = found.get(object_id)
        if obj is None:
            continue
        level = object_tlp(obj)
        levels.append(level)
        kind = str(obj.get("type"))
        confidence = obj.get("confidence") if isinstance(obj.get("confidence"), int) else None
        if kind == "indicator":
            pattern = _text(obj.get("pattern"))
            match = _PATTERN_TYPE.search(pattern)
            indicators.append(IndicatorLine(
                object_id, match.group(1) if match else _text(obj.get("pattern_type")) or "indicator", pattern,
                _text(obj.get("name")), _text(obj.get("description")), _time(obj.get("valid_from")),
                _time(obj.get("valid_until")), level, confidence))
        elif kind in SCO_TYPES:
            indicators.append(IndicatorLine(object_id, kind, display_name(obj), "", "", None, None, level, None))
        elif kind == "attack-pattern":
            references = [ref for ref in obj.get("external_references") or [] if isinstance(ref, dict)]
            technique = next((_text(ref.get("external_id")) for ref in references
                              if _text(ref.get("source_name")).startswith("mitre")), "")
            tactics = tuple(_text(phase.get("phase_name")) for phase in obj.get("kill_chain_phases") or []
                            if isinstance(phase, dict))
            techniques.append(TechniqueLine(object_id, technique, _text(obj.get("name")), tactics,
                                            _text(obj.get("description")), _text(obj.get("x_mitre_version"))))
        else:
            others.append(ObjectLine(object_id, kind, display_name(obj), level))
    techniques.sort(key=lambda line: (line.technique_id or "~", line.name))
    return indicators, techniques, others, levels


def incident_report_input(ws: Workspace, ident: str, *, now: datetime | None = None,
                          tz: tzinfo | None = None) -> IncidentReportInput:
    """Everything the incident report prints for one incident case; refuses an exercise case."""
    case = cases.get_case(ws, ident)
    if case.kind is not CaseKind.INCIDENT or case.incident is None:
        raise InvalidInput(f"case {case.ref} is an exercise; use the exercise report")
    details = case.incident
    moment = now or utc_now()
    stage_lines = tuple(
        StageLine(item.stage.value, item.stage.label, item.due, item.basis, item.first_submitted,
                  item.latest_submitted, item.versions, item.state.value, item.met)
        for item in cases.case_deadlines(case, moment)
    )
    owed = [line for line in stage_lines if line.state in ("pending", "overdue") and line.due is not None]
    submissions = tuple(
        SubmissionLine(sequence, item.stage.value, item.stage.label, item.version or 1, item.submitted_at,
                       item.reference or "", item.note or "")
        for sequence, item in enumerate(case.stages, start=1)
    )
    sections = field_sections(details, tz)
    header_lines = [line for section in sections if section.title in (ENTITY, CLOCKS) for line in section.lines]
    indicators, techniques, others, levels = _linked(ws, case)
    return IncidentReportInput(
        case_ref=case.ref, title=case.title, status=case.status.label, description=case.description,
        tlp=highest([case.tlp, *levels]), case_tlp=case.tlp, awareness_at=details.awareness_at,
        header=FieldSection("Header", tuple(header_lines)),
        sections=tuple(section for section in sections if section.title not in (ENTITY, CLOCKS)),
        stages=stage_lines, next_due=min(owed, key=lambda line: line.due or moment) if owed else None,
        submissions=submissions,
        timeline=tuple(TimelineLine(event.at, event.kind.label, event.title, event.description or "")
                       for event in case.events),
        tasks=tuple(TaskLine(task.title, task.owner or "", task.due, task.status.label, task.completed_at,
                             task.description or "") for task in case.tasks),
        indicators=tuple(indicators), techniques=tuple(techniques), other_objects=tuple(others),
        affected_assets=details.affected_assets or "", actions_taken=details.actions_taken or "",
        origin=case.origin, origin_ref=case.origin_ref, generated_at=moment,
    )


def _observation(item: Any) -> ObservationLine:
    return ObservationLine(item.title, item.capability or "", item.description or "", item.reference or "",
                           item.analysis or "", item.recommendation or "")


def exercise_report_input(ws: Workspace, ident: str, *, now: datetime | None = None,
                          tz: tzinfo | None = None) -> ExerciseReportInput:
    """Everything the after-action report and improvement plan print for one exercise case."""
    case = cases.get_case(ws, ident)
    if case.kind is not CaseKind.EXERCISE or case.exercise is None:
        raise InvalidInput(f"case {case.ref} is an incident; use the incident report")
    overview = case.exercise
    sections = field_sections(overview, tz)
    _, _, _, levels = _linked(ws, case)
    duration = overview.ends_at - overview.starts_at if overview.starts_at and overview.ends_at else None
    return ExerciseReportInput(
        case_ref=case.ref, title=case.title, status=case.status.label, description=case.description,
        tlp=highest([case.tlp, *levels]), case_tlp=case.tlp,
        overview=FieldSection("Exercise overview", tuple(line for section in sections for line in section.lines)),
        sections=sections, starts_at=overview.starts_at, ends_at=overview.ends_at, duration=duration,
        participants=tuple(
            ParticipantLine(item.organisation, item.role.label, item.role is ParticipantRole.THIRD_PARTY_OBSERVER,
                            item.contact or "", item.country or "") for item in case.participants),
        objectives=tuple(
            ObjectiveLine(number, item.objective, item.capability or "",
                          item.rating.value if item.rating else None, item.rating.label if item.rating else "",
                          item.rationale or "") for number, item in enumerate(case.objectives, start=1)),
        strengths=tuple(_observation(item) for item in case.observations
                        if item.kind is ObservationKind.STRENGTH),
        areas_for_improvement=tuple(_observation(item) for item in case.observations
                                    if item.kind is ObservationKind.AREA_FOR_IMPROVEMENT),
        improvement_plan=tuple(
            ImprovementLine(item.capability, item.issue, item.corrective_action, item.capability_element.label,
                            item.responsible_org or "", item.contact or "", item.start_date, item.completion_date)
            for item in case.improvements),
        injects=tuple(
            InjectLine(item.number or "", item.planned_at, item.actual_at, item.sender or "", item.recipient or "",
                       item.description, item.expected_action or "", item.observed_action or "")
            for item in case.injects),
        origin=case.origin, origin_ref=case.origin_ref, generated_at=now or utc_now(),
    )
