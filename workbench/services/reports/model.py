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
from datetime import datetime, timedelta
from typing import Any

from workbench.domain.cases.exercise import (
    CriticalTask,
    EvaluatorObservation,
    ExerciseOverview,
    ImprovementItem,
    Inject,
    Objective,
    Observation,
    Participant,
)
from workbench.domain.cases.incident import IncidentDetails, StageSubmission, Task, TimelineEvent
from workbench.domain.deadlines import Stage
from workbench.domain.tlp import Tlp, highest
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
    stix_id: str = ""


@dataclass(frozen=True)
class TechniqueRow:
    """An ATT&CK technique observed in the case or the selection; ``tactics`` are kill-chain phase names
    (``initial-access``).

    ``observed_use`` is the procedure the analyst recorded as seen (never the library's description of how others
    use the technique: that is a ``KnownUseRow``); ``observed_at`` and ``source`` say when and from what.
    ``observations`` weighs the cell in the heat map: how many times it was recorded as observed.
    """

    technique_id: str
    name: str
    tactics: tuple[str, ...] = ()
    observed_use: str = ""
    attack_version: str = ""
    observations: int = 1
    tlp: Tlp | None = None
    observed_at: datetime | None = None
    source: str = ""


@dataclass(frozen=True)
class KnownUseRow:
    """Library knowledge, never an observation: ``by`` (an actor or software) is known to use the technique, as
    the library's ``uses`` relationship says (``source``: "ATT&CK v18.1")."""

    technique_id: str
    technique: str
    by: str
    procedure: str = ""
    source: str = ""
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
    assets: list[IndicatorRow] = field(default_factory=list)
    originator: str = ""
    #: Where the case came from when a partner sent it, and what was left out of the report (printed as notes).
    origin_note: str = ""
    selection_note: str = ""
    #: Each stage as the case would send it now, and each submitted stage as it was sent (its latest version).
    drafts: dict[Stage, StageDocument] = field(default_factory=dict)
    sent: dict[Stage, SentStage] = field(default_factory=dict)
    #: Print indicator values defanged (``hxxp``, ``[.]``); the attached STIX bundle and CSV keep them as stored.
    defang: bool = False
    #: The STIX objects behind the indicators, attached to the PDF as a bundle (empty: no attachment).
    indicator_objects: list[dict[str, Any]] = field(default_factory=list)

    kind = "incident"

    def item_levels(self) -> Iterable[Tlp | None]:
        for rows in (self.indicators, self.techniques, self.linked, self.assets):
            yield from (row.tlp for row in rows)


@dataclass
class StageDocument:
    """One stage's report as the entity sends it to its CSIRT or authority: the NIS2 header block and the fields
    the stage declares, the indicators, affected assets and observed techniques where the stage reports them.

    Built from the case while the stage is drafted; frozen (``stage.to_json``) when its submission is recorded,
    and printed from that snapshot ever after. Every value is already text as printed, so that the snapshot
    prints the same whatever the case or the field declarations become.
    """

    stage: Stage
    case_ref: str
    title: str
    tlp: Tlp
    originator: str = ""
    header: list[tuple[str, str]] = field(default_factory=list)
    fields: list[tuple[str, str]] = field(default_factory=list)
    sequence: int | None = None
    version: int = 1
    submitted_at: datetime | None = None
    indicators: list[IndicatorRow] = field(default_factory=list)
    assets: list[IndicatorRow] = field(default_factory=list)
    techniques: list[TechniqueRow] = field(default_factory=list)
    defang: bool = False
    indicator_objects: list[dict[str, Any]] = field(default_factory=list)
    #: Set for a submitted stage whose snapshot this workspace does not hold, printed again from the case: who
    #: recorded the submission ("" for this workspace, before snapshots were kept; a partner's name for a case
    #: received from them). Such a document is never printed as the one that was sent.
    reconstructed: bool = False
    recorded_by: str = ""

    kind = "stage"

    def item_levels(self) -> Iterable[Tlp | None]:
        for rows in (self.indicators, self.assets, self.techniques):
            yield from (row.tlp for row in rows)


@dataclass(frozen=True)
class SentStage:
    """A submitted stage in the dossier: what it said when sent (None when no snapshot was kept: recorded before
    snapshots were, or received from a partner), its report id and PDF digest, and the lines that changed since."""

    document: StageDocument | None
    report_id: str = ""
    pdf_sha256: str = ""
    changes: list[str] = field(default_factory=list)
    #: Without a snapshot: who recorded the submission ("" for this workspace, a partner's name when received).
    recorded_by: str = ""


# -- exercise report ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConductRecord:
    """What the exercise's conduct recorded beyond its records: its clock, and the evaluators' observations."""

    started_at: datetime | None = None
    ended_at: datetime | None = None
    time_in_play: timedelta | None = None
    scenario_started: datetime | None = None
    observations: list[EvaluatorObservation] = field(default_factory=list)
    critical_tasks: list[CriticalTask] = field(default_factory=list)


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
    known_uses: list[KnownUseRow] = field(default_factory=list)
    sectors: list[SectorImpact] = field(default_factory=list)
    indicators: list[IndicatorRow] = field(default_factory=list)
    recommendations: list[str] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    sources: list[SourceRow] = field(default_factory=list)
    distribution: list[str] = field(default_factory=list)
    selection_note: str = ""
    case_ref: str = ""
    defang: bool = False
    indicator_objects: list[dict[str, Any]] = field(default_factory=list)

    kind = "briefing"

    def item_levels(self) -> Iterable[Tlp | None]:
        for rows in (self.actors, self.malware, self.techniques, self.sectors, self.indicators, self.known_uses):
            yield from (row.tlp for row in rows)


ReportInput = IncidentReportInput | ExerciseReportInput | BriefingInput | StageDocument


def effective_tlp(report: ReportInput) -> Tlp:
    """The label printed on every page: the analyst's level, raised to the highest marking of anything inside."""
    found = highest([report.tlp, *report.item_levels()])
    assert found is not None
    return found
