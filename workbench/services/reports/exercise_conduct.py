"""What conducting an exercise adds to its after-action report: the inject timeline (planned, delivered and
response times, scenario time beside them), the evaluators' observations behind each finding, the areas for
improvement each improvement item answers, and the time in play.

Times in the timeline are printed in UTC to the second, as they were recorded, so that a reader can hold every
one of them against the MSEL and the partners' records.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from reportlab.platypus import Flowable, Paragraph

from workbench.domain.cases.exercise import (
    CriticalTask,
    ImprovementItem,
    Inject,
    Objective,
    Observation,
)
from workbench.domain.cases.vocab import InjectStatus, ObservationKind
from workbench.services.reports.layout import Styles, span
from workbench.services.reports.model import ConductRecord
from workbench.services.reports.tables import Column, data_table
from workbench.services.reports.text import markup


def stamp(moment: datetime | None, *, empty: str = "–") -> str:
    """``2026-11-03 08:10:27``: UTC to the second, the precision conduct mode records."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") if moment is not None else empty


def conduct_rows(record: ConductRecord) -> list[tuple[str, str]]:
    """Lines of the overview about play itself (none for an exercise recorded afterwards)."""
    if record.started_at is None:
        return []
    rows = [("Play started (UTC)", stamp(record.started_at)), ("Play ended (UTC)", stamp(record.ended_at))]
    if record.time_in_play is not None:
        rows.append(("Time in play", span(record.time_in_play)))
    if record.scenario_started is not None:
        rows.append(("Scenario started at (UTC)", stamp(record.scenario_started)))
    return rows


def _delivered(inject: Inject) -> str:
    if inject.status is InjectStatus.SKIPPED:
        return f"skipped: {inject.status_reason or ''}".strip()
    if inject.actual_at is None:
        return "held" if inject.status is InjectStatus.HELD else "–"
    lines = [stamp(inject.actual_at) + _drift(inject)]
    if inject.delivered_scenario_at is not None:
        lines.append(f"scenario {stamp(inject.delivered_scenario_at)}")
    if inject.delivered_by:
        lines.append(f"by {inject.delivered_by}")
    return "\n".join(lines)


def _drift(inject: Inject) -> str:
    """How far from its planned time an inject was delivered: `` (on time)``, `` (+12 min)``, `` (−1 h 5 min)``."""
    assert inject.actual_at is not None
    delta = inject.actual_at - inject.planned_at
    if abs(delta.total_seconds()) < 60:
        return " (on time)"
    return f" ({'+' if delta.total_seconds() > 0 else '−'}{span(delta)})"


def _response(inject: Inject) -> str:
    if inject.responded_at is None:
        return "–"
    return stamp(inject.responded_at) + (f"\nby {inject.responded_by}" if inject.responded_by else "")


def _planned(inject: Inject) -> str:
    lines = [stamp(inject.planned_at)]
    if inject.scenario_at is not None:
        lines.append(f"scenario {stamp(inject.scenario_at)}")
    if inject.added_in_play:
        lines.append(f"added in play: {inject.status_reason or ''}".strip())
    return "\n".join(lines)


def inject_timeline(styles: Styles, injects: Sequence[Inject]) -> Flowable:
    """The inject timeline: planned against delivered against the players' response, in MSEL order."""
    ordered = sorted(injects, key=lambda item: (item.due_at, item.number or ""))
    return data_table(
        [
            Column("No.", 5),
            Column("Planned (UTC)", 15),
            Column("Delivered (UTC)", 16),
            Column("Response (UTC)", 14),
            Column("From / to", 12),
            Column("Inject", 14),
            Column("Expected action", 12),
            Column("Observed action", 12),
        ],
        [
            [
                item.number or "",
                _planned(item),
                _delivered(item),
                _response(item),
                f"{item.sender or '–'} → {item.recipient or '–'}",
                item.description,
                item.expected_action or "",
                item.observed_action or "",
            ]
            for item in ordered
        ],
        empty="No injects recorded.",
        styles=styles,
    )


def task_label(task_id: str | None, tasks: Sequence[CriticalTask]) -> str:
    task = next((item for item in tasks if item.uid == task_id), None)
    if task is None:
        return ""
    return f"task {task.number}" if task.number else f"task {task.task[:40]}"


def observations_behind(
    styles: Styles, finding: Observation, record: ConductRecord, objectives: Sequence[Objective]
) -> list[Flowable]:
    """The evaluators' observations a finding was made from, each with its time, evaluator and critical task."""
    notes = {note.uid: note for note in record.observations}
    behind = [notes[uid] for uid in finding.based_on if uid in notes]
    if not behind:
        return []
    flow: list[Flowable] = [Paragraph(markup("Based on these observations:"), styles.note)]
    numbers = {objective.uid: number for number, objective in enumerate(objectives, start=1)}
    for note in behind:
        where = [f"objective {numbers[note.objective]}" if note.objective in numbers else ""]
        where.append(task_label(note.task, record.critical_tasks))
        who = ", ".join(part for part in (note.evaluator, note.organisation) if part)
        rating = f"; suggested {note.rating.value}" if note.rating is not None else ""
        evidence = f" (evidence: {note.evidence_name or note.evidence_ref})" if note.evidence_ref else ""
        head = f"{stamp(note.at)} UTC, {who or 'evaluator'}, {', '.join(part for part in where if part)}{rating}"
        flow.append(Paragraph(markup(f"• {head}: {note.text}{evidence}"), styles.body))
    return flow


def answered_areas(item: ImprovementItem, findings: Sequence[Observation]) -> str:
    """The areas for improvement an improvement item answers, by title, when its issue does not say it already."""
    titles = [
        finding.title
        for finding in findings
        if finding.uid in item.answers and finding.kind is ObservationKind.AREA_FOR_IMPROVEMENT
    ]
    shown = [title for title in titles if title != item.issue]
    return f"answers: {'; '.join(shown)}" if shown else ""
