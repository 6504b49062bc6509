"""What a report still lacks before it may be marked final: incident stages and after-action reports.

A final report is one an analyst sends without editing, so ``--final`` is refused with the list of what is
missing: for an incident, the header block and the fields each stage requires (the stage printed, or every stage
that is owed or was sent); for an exercise, objectives, their ratings and the improvement plan, and a status past
"planned". The briefing's own rule (bottom line and key judgements) is ``analyst_input.check_final``.
"""

from __future__ import annotations

from workbench.domain.cases.vocab import ExerciseStatus
from workbench.domain.deadlines import Stage
from workbench.domain.errors import InvalidInput
from workbench.services.reports.model import ExerciseReportInput, IncidentReportInput, ReportInput, StageDocument

#: Stages the dossier requires complete only once they were sent (they are asked for, not owed by a deadline).
ON_REQUEST = (Stage.INTERMEDIATE, Stage.PROGRESS)


def _empty(rows: list[tuple[str, str]]) -> list[str]:
    return [label for label, text in rows if not str(text or "").strip() or str(text).strip() == "–"]


def stage_missing(doc: StageDocument) -> list[str]:
    """The header fields and the stage's own fields left empty."""
    return _empty(doc.header) + _empty(doc.fields)


def missing(report: ReportInput) -> list[str]:
    """What ``report`` lacks to be final, as lines for people; empty when nothing does."""
    if isinstance(report, StageDocument):
        if report.reconstructed:
            who = f" by {report.recorded_by}" if report.recorded_by else ""
            return [f"{report.stage.label}: the document as submitted (the submission was recorded{who} without it)"]
        return [f"{report.stage.label}: {label}" for label in stage_missing(report)]
    if isinstance(report, IncidentReportInput):
        found: list[str] = []
        if not report.summary.strip():
            found.append("Summary (the case description)")
        header_done = False
        sent = {item.stage for item in report.submissions}
        for stage, doc in report.drafts.items():
            if stage in ON_REQUEST and stage not in sent:
                continue
            if not header_done:
                found += [f"Header: {label}" for label in _empty(doc.header)]
                header_done = True
            found += [f"{stage.label}: {label}" for label in _empty(doc.fields)]
        return found
    if isinstance(report, ExerciseReportInput):
        found = []
        if not report.objectives:
            found.append("objectives (none recorded)")
        unrated = [item.objective for item in report.objectives if item.rating is None]
        if unrated:
            found.append(f"ratings of {len(unrated)} objective{'s' if len(unrated) != 1 else ''}")
        if not report.improvements:
            found.append("an improvement plan (no corrective actions recorded)")
        if report.status.lower() == ExerciseStatus.PLANNED.label.lower():
            found.append("a status past 'planned' (the exercise has not been conducted)")
        return found
    return []


def check_final(report: ReportInput) -> None:
    """Refuse to mark ``report`` final while something is missing, naming every missing item in one line."""
    found = missing(report)
    if found:
        what = "stage report" if isinstance(report, StageDocument) else f"{report.kind} report"
        raise InvalidInput(f"the {what} cannot be marked final; missing: {'; '.join(found)}")
