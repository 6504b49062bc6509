"""The exercise after-action report and improvement plan, in the HSEEP structure.

Overview, analysis of each objective's capability with its P/S/M/U rating, strengths and areas for improvement,
the improvement plan matrix, and the appendices (participants, inject timeline planned against actual, the case's
events, tasks and linked objects when it has any). Labels and sections are the declared ones of the exercise case
model (``workbench.domain.cases.exercise``).
"""

from __future__ import annotations

from datetime import date

from reportlab.platypus import Flowable, Paragraph

from workbench.domain.cases.exercise import ImprovementItem, Objective, Observation, Participant
from workbench.domain.cases.vocab import ObservationKind, ParticipantRole, Rating
from workbench.services.reports import sections
from workbench.services.reports.exercise_conduct import (
    answered_areas,
    conduct_rows,
    inject_timeline,
    observations_behind,
)
from workbench.services.reports.layout import (
    Column,
    PageChrome,
    Styles,
    bullets,
    data_table,
    gap,
    heading,
    key_values,
    paragraph,
    span,
    utc,
)
from workbench.services.reports.model import ExerciseReportInput
from workbench.services.reports.sections import declared_sections, label
from workbench.services.reports.text import markup

KIND_TITLE = "After-action report and improvement plan (HSEEP)"
#: What an observation prints below its title, in this order.
OBSERVATION_FIELDS = ("capability", "description", "reference", "analysis", "recommendation")


def _period(report: ExerciseReportInput) -> str:
    overview = report.overview
    if overview.starts_at is None and overview.ends_at is None:
        return "–"
    return f"{utc(overview.starts_at)} to {utc(overview.ends_at)}"


def _organisation(item: Participant) -> str:
    extra = ", ".join(part for part in (item.role.label, item.country or "") if part)
    return f"{item.organisation} ({extra})"


def build(report: ExerciseReportInput, chrome: PageChrome, styles: Styles) -> list[Flowable]:
    overview = report.overview
    flow = sections.cover(
        styles,
        chrome,
        title=report.title,
        kind=KIND_TITLE,
        analyst_tlp=report.tlp,
        rows=[
            ("Exercise", report.title),
            ("Dates", _period(report)),
            (label(type(overview), "sponsor"), overview.sponsor or ""),
            ("Case reference", report.case_ref),
            (label(type(overview), "point_of_contact"), overview.point_of_contact or ""),
            ("Originator", report.originator),
        ],
    )

    flow += heading(styles, "1 Exercise overview")
    if report.summary:
        flow.append(paragraph(styles, report.summary))
    for note in (report.origin_note, report.selection_note):
        if note:
            flow.append(Paragraph(markup(note), styles.note))
    for index, (title, rows) in enumerate(declared_sections(overview)):
        if title != "Exercise overview":  # the first block sits right under the heading of that name
            flow += heading(styles, title, level=2)
        if index == 0:
            duration = span(overview.ends_at - overview.starts_at) if overview.starts_at and overview.ends_at else ""
            rows = [*rows, ("Duration", duration), *conduct_rows(report.conduct), ("Case status", report.status)]
        flow.append(key_values(styles, rows))
    flow += heading(styles, "Participating organisations", level=2)
    flow.append(
        bullets(
            styles,
            [_organisation(item) for item in report.participants],
            empty="(no participating organisations recorded)",
        )
    )
    flow += heading(styles, "Objectives", level=2)
    flow.append(bullets(styles, [item.objective for item in report.objectives], empty="(no objectives entered)"))

    flow += heading(styles, "2 Analysis of capabilities")
    legend = "; ".join(f"{rating.value} = {rating.label.lower()}" for rating in Rating)
    flow.append(Paragraph(markup(f"Ratings: {legend}."), styles.note))
    flow.append(
        data_table(
            [
                Column("No.", 5),
                Column(label(Objective, "objective"), 33),
                Column(label(Objective, "capability"), 20),
                Column(label(Objective, "rating"), 18),
                Column(label(Objective, "rationale"), 24),
            ],
            [
                [
                    number,
                    item.objective,
                    item.capability or "",
                    f"{item.rating.value}: {item.rating.label}" if item.rating else "not rated",
                    item.rationale or "",
                ]
                for number, item in enumerate(report.objectives, start=1)
            ],
            empty="No objectives analysed.",
            styles=styles,
        )
    )
    for kind, title in (
        (ObservationKind.STRENGTH, "Strengths"),
        (ObservationKind.AREA_FOR_IMPROVEMENT, "Areas for improvement"),
    ):
        found = [item for item in report.observations if item.kind is kind]
        flow += heading(styles, title, level=2)
        if not found:
            flow.append(paragraph(styles, "", empty=f"(no {title.lower()} recorded)"))
        for number, item in enumerate(found, start=1):
            flow.append(Paragraph(markup(f"{kind.label} {number}: {item.title}"), styles.body))
            lines = [(label(Observation, name), getattr(item, name) or "") for name in OBSERVATION_FIELDS]
            if kind is ObservationKind.STRENGTH:
                lines = [line for line in lines if line[1]]  # a strength needs no empty analysis lines
            if lines:
                flow.append(key_values(styles, lines))
            flow += observations_behind(styles, item, report.conduct, report.objectives)
            flow.append(gap(6))

    flow += heading(styles, "3 Improvement plan")
    flow.append(
        data_table(
            [
                Column(label(ImprovementItem, "capability"), 12),
                Column(label(ImprovementItem, "issue"), 15),
                Column(label(ImprovementItem, "corrective_action"), 18),
                Column(label(ImprovementItem, "capability_element"), 10),
                Column(label(ImprovementItem, "responsible_org"), 12),
                Column(label(ImprovementItem, "contact"), 9),
                Column(label(ImprovementItem, "start_date"), 11),
                Column(label(ImprovementItem, "completion_date"), 13),
            ],
            [
                [
                    row.capability,
                    "\n".join(part for part in (row.issue, answered_areas(row, report.observations)) if part),
                    row.corrective_action,
                    row.capability_element.label,
                    row.responsible_org or "",
                    row.contact or "",
                    _date(row.start_date),
                    _date(row.completion_date),
                ]
                for row in report.improvements
            ],
            empty="No corrective actions planned.",
            styles=styles,
        )
    )

    flow += heading(styles, "Appendix A: Participants")
    flow.append(
        data_table(
            [
                Column(label(Participant, "organisation"), 38),
                Column(label(Participant, "role"), 22),
                Column(label(Participant, "contact"), 25),
                Column(label(Participant, "country"), 15),
            ],
            [
                [p.organisation, p.role.label, p.contact or "", p.country or ""]
                for p in sorted(report.participants, key=_participant_key)
            ],
            empty="No participants recorded.",
            styles=styles,
        )
    )
    flow += heading(styles, "Appendix B: Inject timeline")
    flow.append(inject_timeline(styles, report.injects))
    # The case's own events, tasks and linked objects, only when it has them: most exercises have none.
    appendix = iter("CDE")
    if report.timeline:
        flow += sections.timeline(styles, report.timeline, number=f"Appendix {next(appendix)}:")
    if report.tasks:
        flow += sections.tasks(styles, report.tasks, number=f"Appendix {next(appendix)}:")
    if report.linked:
        flow += sections.linked_objects(
            styles, report.linked, number=f"Appendix {next(appendix)}:", title="Linked objects"
        )
    return flow


def _participant_key(item: Participant) -> tuple[int, str]:
    # In the order of the role vocabulary: sponsor and players first, observers and third-party observers last.
    order = list(ParticipantRole)
    return order.index(item.role), item.organisation.casefold()


def _date(value: date | None) -> str:
    return value.isoformat() if value is not None else "–"
