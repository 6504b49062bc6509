"""The exercise after-action report and improvement plan, in the HSEEP structure.

Overview, analysis of each objective's capability with its P/S/M/U rating, strengths and areas for improvement,
the improvement plan matrix, and the appendices (participants, inject timeline planned against actual).
"""

from __future__ import annotations

from reportlab.platypus import Flowable, Paragraph

from workbench.services.reports import sections
from workbench.services.reports.deadlines import span
from workbench.services.reports.layout import (
    Column,
    PageChrome,
    Styles,
    bullets,
    data_table,
    day,
    gap,
    heading,
    key_values,
    paragraph,
    utc,
)
from workbench.services.reports.model import ExerciseReportInput, Inject
from workbench.services.reports.text import markup
from workbench.services.reports.vocabulary import HseepRating

KIND_TITLE = "After-action report and improvement plan (HSEEP)"


def build(report: ExerciseReportInput, chrome: PageChrome, styles: Styles) -> list[Flowable]:
    period = f"{utc(report.start)} to {utc(report.end)}"
    flow = sections.cover(styles, chrome, title=report.title, kind=KIND_TITLE, analyst_tlp=report.tlp, rows=[
        ("Exercise", report.exercise_name),
        ("Dates", period),
        ("Sponsor", report.sponsor),
        ("Case reference", report.case_ref),
        ("Point of contact", report.point_of_contact),
        ("Originator", report.originator),
    ])

    flow += heading(styles, "1 Exercise overview")
    flow.append(key_values(styles, [
        ("Exercise name", report.exercise_name),
        ("Dates", period),
        ("Scope: type", report.exercise_type),
        ("Scope: duration", span(report.end - report.start) if report.end >= report.start else "–"),
        ("Scope: location", report.location),
        ("Scope: limits of play", report.limits_of_play),
        ("Mission areas", ", ".join(report.mission_areas)),
        ("Threat or hazard", report.threat_or_hazard),
        ("Sponsor", report.sponsor),
        ("Participating organisations", "\n".join(report.organisations)),
        ("Point of contact", report.point_of_contact),
    ]))
    flow += heading(styles, "Objectives", level=2)
    flow.append(bullets(styles, [item.objective for item in report.objectives], empty="(no objectives entered)"))
    flow += heading(styles, "Scenario summary", level=2)
    flow.append(paragraph(styles, report.scenario))

    flow += heading(styles, "2 Analysis of capabilities")
    legend = "; ".join(f"{rating.value} = {rating.meaning}" for rating in HseepRating)
    flow.append(Paragraph(markup(f"Ratings: {legend}."), styles.note))
    flow.append(data_table(
        [Column("Objective", 40), Column("Capability", 28), Column("Rating", 32)],
        [[item.objective, item.capability, f"{item.rating.value}: {item.rating.meaning}"]
         for item in report.objectives],
        empty="No objectives analysed.", styles=styles,
    ))
    flow += heading(styles, "Strengths", level=2)
    strengths = [f"{item.capability}: {strength}" for item in report.objectives for strength in item.strengths]
    flow.append(bullets(styles, strengths, empty="(no strengths recorded)"))
    flow += heading(styles, "Areas for improvement", level=2)
    if not report.improvements:
        flow.append(paragraph(styles, "", empty="(no areas for improvement recorded)"))
    for number, area in enumerate(report.improvements, start=1):
        flow.append(Paragraph(markup(f"Area for improvement {number}: {area.title}"), styles.body))
        flow.append(key_values(styles, [
            ("Capability", area.capability),
            ("Observation", area.observation),
            ("Reference", area.reference),
            ("Analysis (root cause)", area.analysis),
            ("Recommendation", area.recommendation),
        ]))
        flow.append(gap(6))

    flow += heading(styles, "3 Improvement plan")
    flow.append(data_table(
        [Column("Capability", 12), Column("Issue / area for improvement", 15), Column("Corrective action", 18),
         Column("Capability element", 10), Column("Responsible organisation", 12), Column("Point of contact", 9),
         Column("Start", 11), Column("Completion", 13)],
        [[row.capability, row.issue, row.action, str(row.element), row.responsible_org, row.point_of_contact,
          day(row.start), day(row.completion)] for row in report.plan],
        empty="No corrective actions planned.", styles=styles,
    ))

    flow += heading(styles, "Appendix A: Participants")
    flow.append(data_table(
        [Column("Name", 35), Column("Organisation", 40), Column("Role", 25)],
        [[p.name, p.organisation, p.role] for p in sorted(report.participants,
                                                          key=lambda p: (p.organisation, p.name))],
        empty="No participants recorded.", styles=styles,
    ))
    flow += heading(styles, "Appendix B: Inject timeline")
    flow.append(data_table(
        [Column("No.", 5), Column("Planned (UTC)", 12), Column("Actual (UTC)", 12), Column("Drift", 8),
         Column("From / to", 13), Column("Inject", 18), Column("Expected action", 16),
         Column("Observed action", 16)],
        [[i.number, utc(i.planned_at), utc(i.actual_at), _drift(i), f"{i.source} → {i.recipient}", i.description,
          i.expected_action, i.observed_action] for i in sorted(report.injects, key=_inject_key)],
        empty="No injects recorded.", styles=styles,
    ))
    return flow


def _drift(inject: Inject) -> str:
    if inject.planned_at is None or inject.actual_at is None:
        return "–"
    delta = inject.actual_at - inject.planned_at
    if abs(delta.total_seconds()) < 60:
        return "on time"
    return ("+" if delta.total_seconds() > 0 else "−") + span(delta)


def _inject_key(inject: Inject) -> tuple[str, str]:
    planned = inject.planned_at.isoformat() if inject.planned_at else "~"
    return planned, inject.number
