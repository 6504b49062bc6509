"""PDF reports: incident (NIS2 and CISA), exercise after-action (HSEEP) and briefing, rendered with ReportLab.

No Qt here. Build an input dataclass (``model``), then ``render`` it to bytes (preview) or ``generate`` it to a file
(atomic write and an audit entry); ``record_print`` logs a print. ``briefing_from_library`` builds a briefing
input from a search over the store.
"""

from workbench.services.reports.model import (
    ActionTaken,
    AffectedAsset,
    AreaForImprovement,
    BriefingInput,
    CisaFields,
    Classification,
    CorrectiveAction,
    ExerciseReportInput,
    IncidentAssessment,
    IncidentReportInput,
    IndicatorRow,
    Inject,
    KeyJudgement,
    MalwareRow,
    NotifyingEntity,
    ObjectiveAnalysis,
    Participant,
    ReportInput,
    SectorImpact,
    SourceRow,
    StageSubmission,
    TechniqueRow,
    ThreatActorRow,
    TimelineEvent,
    effective_tlp,
)
from workbench.services.reports.service import (
    RenderedReport,
    generate,
    next_report_id,
    record_print,
    render,
    write_atomically,
)

__all__ = [
    "ActionTaken", "AffectedAsset", "AreaForImprovement", "BriefingInput", "CisaFields", "Classification",
    "CorrectiveAction", "ExerciseReportInput", "IncidentAssessment", "IncidentReportInput", "IndicatorRow",
    "Inject", "KeyJudgement", "MalwareRow", "NotifyingEntity", "ObjectiveAnalysis", "Participant", "RenderedReport",
    "ReportInput", "SectorImpact", "SourceRow", "StageSubmission", "TechniqueRow", "ThreatActorRow",
    "TimelineEvent", "effective_tlp", "generate", "next_report_id", "record_print", "render", "write_atomically",
]
