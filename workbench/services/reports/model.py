"""What a report is rendered from: plain dataclasses, filled by a case, a library selection or a test.

The renderer reads only these; it never touches the workspace. Every text field is untrusted (typed by an analyst
or taken from an imported object) and is escaped when printed. Times are timezone-aware and printed in UTC.

Markings: each input has ``tlp``, the level the analyst gives the report's own text. Rows taken from objects carry
their own ``tlp``. The printed label of every page, and the cover, is the highest of all of these
(``effective_tlp``): a report is never marked below anything inside it.

The incident and exercise reports carry the case model's own records (``workbench.domain.cases``): a field is
declared once there, with the label and section it prints under, so mapping to a future binding EU template is a
change of declarations, not of this model or the renderer. ``workbench.services.cases.reports`` fills these inputs
from a case; ``samples`` fills them for the demo, tests and benchmarks. Rows taken from STIX objects (indicators,
techniques, actors) are this module's own, shared by all three reports.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from workbench.domain.cases.exercise import (
    ExerciseOverview,
    ImprovementItem,
    Inject,
    Objective,
    Observation,
    Participant,
)
from workbench.domain.cases.incident import IncidentDetails, StageSubmission, Task, TimelineEvent
from workbench.domain.tlp import Tlp, highest
from workbench.services.reports.exercise_conduct import ConductRecord
from workbench.services.reports.vocabulary import Confidence, Credibility, Likelihood, Reliability

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
class LinkedObjectRow:
    """Any other object linked to a case (threat actor, malware, vulnerability, ...): its STIX type and name."""

    type: str
    name: str
    description: str = ""
    tlp: Tlp | None = None


# -- incident report ---------------------------------------------------------------------------------------------


@dataclass
class IncidentReportInput:
    """An incident report: the case's fields and records as the case model holds them, and its linked objects.

    ``details`` carries every declared incident field; the renderer prints them under their declared sections and
    labels, and each stage's report repeats the fields declared for that stage, so which fields the report prints
    is decided by the declarations in ``workbench.domain.cases.incident`` alone. The NIS2 and CIRCIA deadlines are
    computed from ``details`` and ``submissions`` at render time (``workbench.domain.deadlines``).
    """

    title: str
    tlp: Tlp
    case_ref: str
    details: IncidentDetails
    submissions: list[StageSubmission] = field(default_factory=list)
    summary: str = ""
    status: str = ""
    timeline: list[TimelineEvent] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    indicators: list[IndicatorRow] = field(default_factory=list)
    techniques: list[TechniqueRow] = field(default_factory=list)
    linked: list[LinkedObjectRow] = field(default_factory=list)
    originator: str = ""
    #: Where the case came from when a partner sent it, and what was left out of the report (printed as notes).
    origin_note: str = ""
    selection_note: str = ""

    kind = "incident"

    def item_levels(self) -> Iterable[Tlp | None]:
        for rows in (self.indicators, self.techniques, self.linked):
            yield from (row.tlp for row in rows)


# -- exercise report ---------------------------------------------------------------------------------------------


@dataclass
class ExerciseReportInput:
    """An after-action report and improvement plan: the exercise case's overview and records (HSEEP structure).

    Labels and sections come from the declarations in ``workbench.domain.cases.exercise``.
    """

    title: str
    tlp: Tlp
    case_ref: str
    overview: ExerciseOverview
    summary: str = ""
    status: str = ""
    participants: list[Participant] = field(default_factory=list)
    objectives: list[Objective] = field(default_factory=list)
    observations: list[Observation] = field(default_factory=list)
    improvements: list[ImprovementItem] = field(default_factory=list)
    injects: list[Inject] = field(default_factory=list)
    timeline: list[TimelineEvent] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    linked: list[LinkedObjectRow] = field(default_factory=list)
    originator: str = ""
    origin_note: str = ""
    selection_note: str = ""
    #: The exercise's clock and the evaluators' observations, when it was conducted in the workbench.
    conduct: ConductRecord = field(default_factory=ConductRecord)

    kind = "exercise"

    def item_levels(self) -> Iterable[Tlp | None]:
        return (row.tlp for row in self.linked)


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
