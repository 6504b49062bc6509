"""What a report is rendered from: plain dataclasses, filled by a case, a library selection or a test.

The renderer reads only these; it never touches the workspace. Every text field is untrusted (typed by an analyst
or taken from an imported object) and is escaped when printed. Times are timezone-aware and printed in UTC.

Markings: each input has ``tlp``, the level the analyst gives the report's own text. Rows taken from objects carry
their own ``tlp``. The printed label of every page, and the cover, is the highest of all of these
(``effective_tlp``): a report is never marked below anything inside it.

The field names follow the templates they come from (NIS2 Article 23, the NIS Cooperation Group's taxonomy, the
CISA incident notification, HSEEP), each grouped in its own small dataclass, so that mapping to a future binding EU
template means changing a label table in the renderer, not the model.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from workbench.domain.tlp import Tlp, highest
from workbench.services.reports.vocabulary import (
    CapabilityElement,
    Confidence,
    Credibility,
    HseepRating,
    Likelihood,
    Nis2Stage,
    Reliability,
)

# -- rows shared by several reports ------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorRow:
    """One indicator: ``type`` as people say it (``ipv4-addr``, ``file SHA-256``), ``confidence`` 0-100 or None."""

    type: str
    value: str
    context: str = ""
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    tlp: Tlp | None = None
    confidence: int | None = None


@dataclass(frozen=True)
class TechniqueRow:
    """An ATT&CK technique observed; ``tactics`` are kill-chain phase names (``initial-access``).

    ``observations`` weighs the cell in the heat map (how many times or by how many actors it was seen).
    """

    technique_id: str
    name: str
    tactics: tuple[str, ...] = ()
    observed_use: str = ""
    attack_version: str = ""
    observations: int = 1
    tlp: Tlp | None = None


@dataclass(frozen=True)
class TimelineEvent:
    at: datetime
    event: str
    source: str = ""
    tlp: Tlp | None = None


@dataclass(frozen=True)
class AffectedAsset:
    name: str
    kind: str = ""
    location: str = ""
    impact: str = ""
    status: str = ""
    tlp: Tlp | None = None


@dataclass(frozen=True)
class ActionTaken:
    at: datetime | None
    action: str
    by: str = ""
    status: str = ""


# -- incident report ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NotifyingEntity:
    """The header NIS2 wants on every stage's report."""

    name: str
    sector: str
    subsector: str = ""
    entity_type: str = ""  # "essential" or "important"
    member_state: str = ""
    contact_24_7: str = ""


@dataclass(frozen=True)
class StageSubmission:
    """One NIS2 report as sent (or not yet sent).

    ``submitted_at`` None means not sent. ``requested_due`` is the deadline the authority set for an intermediate
    report. ``content`` is the text of that stage (what the directive asks for at that stage).
    """

    stage: Nis2Stage
    sequence: int = 1
    submitted_at: datetime | None = None
    requested_due: datetime | None = None
    content: str = ""


@dataclass(frozen=True)
class Classification:
    """RSIT class and type; the NIS Cooperation Group's root cause, severities and six-hour outlook."""

    rsit_class: str = ""
    rsit_type: str = ""
    root_cause: str = ""
    threat_severity: str = ""
    impact_severity: str = ""  # red / yellow / green / white
    outlook: str = ""  # improving / stable / worsening


@dataclass(frozen=True)
class CisaFields:
    """The fields of a CISA incident notification."""

    functional_impact: str = ""
    information_impact: str = ""
    recoverability: str = ""
    attack_vector: str = ""
    first_detected: datetime | None = None
    systems_affected: str = ""
    records_affected: str = ""
    users_affected: str = ""
    network_location: str = ""
    point_of_contact: str = ""


@dataclass(frozen=True)
class IncidentAssessment:
    """What the notification and final report describe."""

    suspected_malicious: bool | None = None
    cross_border_possible: bool | None = None
    severity_and_impact: str = ""
    threat_or_root_cause: str = ""
    mitigation_applied: str = ""
    mitigation_ongoing: str = ""
    cross_border_impact: str = ""
    status_update: str = ""
    ongoing: bool = True


@dataclass
class IncidentReportInput:
    title: str
    tlp: Tlp
    case_ref: str
    entity: NotifyingEntity
    aware_at: datetime
    submissions: list[StageSubmission] = field(default_factory=list)
    assessment: IncidentAssessment = field(default_factory=IncidentAssessment)
    classification: Classification = field(default_factory=Classification)
    cisa: CisaFields = field(default_factory=CisaFields)
    summary: str = ""
    timeline: list[TimelineEvent] = field(default_factory=list)
    indicators: list[IndicatorRow] = field(default_factory=list)
    assets: list[AffectedAsset] = field(default_factory=list)
    techniques: list[TechniqueRow] = field(default_factory=list)
    actions: list[ActionTaken] = field(default_factory=list)
    originator: str = ""

    kind = "incident"

    def item_levels(self) -> Iterable[Tlp | None]:
        for rows in (self.timeline, self.indicators, self.assets, self.techniques):
            yield from (row.tlp for row in rows)


# -- exercise report ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ObjectiveAnalysis:
    """One objective of the exercise: the capability it exercised and how it was performed."""

    objective: str
    capability: str
    rating: HseepRating
    strengths: tuple[str, ...] = ()


@dataclass(frozen=True)
class AreaForImprovement:
    capability: str
    title: str
    observation: str
    reference: str = ""
    analysis: str = ""
    recommendation: str = ""


@dataclass(frozen=True)
class CorrectiveAction:
    """One row of the improvement plan matrix."""

    capability: str
    issue: str
    action: str
    element: CapabilityElement
    responsible_org: str
    point_of_contact: str = ""
    start: datetime | None = None
    completion: datetime | None = None


@dataclass(frozen=True)
class Participant:
    name: str
    organisation: str = ""
    role: str = ""  # player, controller, evaluator, observer


@dataclass(frozen=True)
class Inject:
    """One inject of the master scenario events list: planned against actual time, expected against observed."""

    number: str
    planned_at: datetime | None
    actual_at: datetime | None
    source: str
    recipient: str
    description: str
    expected_action: str = ""
    observed_action: str = ""


@dataclass
class ExerciseReportInput:
    title: str
    tlp: Tlp
    case_ref: str
    exercise_name: str
    start: datetime
    end: datetime
    exercise_type: str = ""  # tabletop, functional, full-scale
    location: str = ""
    limits_of_play: str = ""
    mission_areas: tuple[str, ...] = ()
    threat_or_hazard: str = ""
    scenario: str = ""
    sponsor: str = ""
    organisations: tuple[str, ...] = ()
    point_of_contact: str = ""
    objectives: list[ObjectiveAnalysis] = field(default_factory=list)
    improvements: list[AreaForImprovement] = field(default_factory=list)
    plan: list[CorrectiveAction] = field(default_factory=list)
    participants: list[Participant] = field(default_factory=list)
    injects: list[Inject] = field(default_factory=list)
    originator: str = ""

    kind = "exercise"

    def item_levels(self) -> Iterable[Tlp | None]:
        return ()


# -- briefing ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyJudgement:
    statement: str
    likelihood: Likelihood
    confidence: Confidence
    basis: str = ""


@dataclass(frozen=True)
class ThreatActorRow:
    name: str
    aliases: tuple[str, ...] = ()
    motivation: str = ""
    attribution_confidence: Confidence | None = None
    description: str = ""
    tlp: Tlp | None = None


@dataclass(frozen=True)
class MalwareRow:
    """Malware or a tool the actors use; ``kinds`` are STIX malware or tool types (``backdoor``)."""

    name: str
    kinds: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    description: str = ""
    tlp: Tlp | None = None


@dataclass(frozen=True)
class SectorImpact:
    """Impact on one sector; ``incidents`` feeds the incidents-by-sector chart."""

    sector: str
    severity: str = ""
    outlook: str = ""
    incidents: int = 0
    summary: str = ""
    tlp: Tlp | None = None


@dataclass(frozen=True)
class SourceRow:
    """A source with its Admiralty grade: reliability of the source, credibility of the information."""

    name: str
    reliability: Reliability
    credibility: Credibility
    description: str = ""

    @property
    def grade(self) -> str:
        return f"{self.reliability.value}{self.credibility.value}"


@dataclass
class BriefingInput:
    title: str
    tlp: Tlp
    issued_at: datetime
    reference: str = ""
    version: str = "1"
    originator: str = ""
    audience: str = ""
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    bluf: list[str] = field(default_factory=list)
    judgements: list[KeyJudgement] = field(default_factory=list)
    actors: list[ThreatActorRow] = field(default_factory=list)
    malware: list[MalwareRow] = field(default_factory=list)
    techniques: list[TechniqueRow] = field(default_factory=list)
    sectors: list[SectorImpact] = field(default_factory=list)
    indicators: list[IndicatorRow] = field(default_factory=list)
    recommendations: list[str] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    sources: list[SourceRow] = field(default_factory=list)
    distribution: list[str] = field(default_factory=list)
    selection_note: str = ""
    case_ref: str = ""

    kind = "briefing"

    def item_levels(self) -> Iterable[Tlp | None]:
        for rows in (self.actors, self.malware, self.techniques, self.sectors, self.indicators):
            yield from (row.tlp for row in rows)


ReportInput = IncidentReportInput | ExerciseReportInput | BriefingInput


def effective_tlp(report: ReportInput) -> Tlp:
    """The label printed on every page: the analyst's level, raised to the highest marking of anything inside."""
    found = highest([report.tlp, *report.item_levels()])
    assert found is not None
    return found
