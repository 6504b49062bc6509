"""PDF reports: incident (NIS2 and CISA), exercise after-action (HSEEP) and briefing, rendered with ReportLab.

No Qt here. Build an input dataclass (``model``), then ``render`` it to bytes (preview) and ``save`` those, or
``generate`` it to a file (atomic write and an audit entry); ``record_print`` logs a print. ``briefing_from_library``
builds a briefing input from a search over the store; ``workbench.services.cases.reports`` builds any of the three
from a case.
"""

from workbench.services.reports.model import (
    BriefingInput,
    ExerciseReportInput,
    IncidentReportInput,
    IndicatorRow,
    KeyJudgement,
    LinkedObjectRow,
    MalwareRow,
    ReportInput,
    SectorImpact,
    SourceRow,
    TechniqueRow,
    ThreatActorRow,
    effective_tlp,
)
from workbench.services.reports.service import (
    RenderedReport,
    generate,
    next_report_id,
    record_print,
    render,
    save,
    write_atomically,
)

__all__ = [
    "BriefingInput",
    "ExerciseReportInput",
    "IncidentReportInput",
    "IndicatorRow",
    "KeyJudgement",
    "LinkedObjectRow",
    "MalwareRow",
    "RenderedReport",
    "ReportInput",
    "SectorImpact",
    "SourceRow",
    "TechniqueRow",
    "ThreatActorRow",
    "effective_tlp",
    "generate",
    "next_report_id",
    "record_print",
    "render",
    "save",
    "write_atomically",
]
