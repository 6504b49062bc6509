"""The incident report: each NIS2 stage with its due time and met/missed, a CISA-style notification, and the facts.

What the report prints about the incident is decided by the field declarations of the case model
(``workbench.domain.cases.incident``): every section is printed under its declared title with its declared labels,
and each stage's report repeats the fields declared for that stage. This module only lays them out; the deadlines
come from ``workbench.domain.deadlines``, the one implementation of the NIS2 and CIRCIA rules.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from reportlab.platypus import Flowable, Paragraph

from workbench.domain.cases.fields import display_lines
from workbench.domain.cases.incident import CLOCKS, ENTITY, IncidentDetails, StageSubmission, reporting_deadlines
from workbench.domain.deadlines import Stage, StageDeadline, StageState
from workbench.services.reports import sections
from workbench.services.reports.layout import (
    Column,
    PageChrome,
    Styles,
    clock,
    data_table,
    gap,
    heading,
    key_values,
    paragraph,
    span,
    utc,
)
from workbench.services.reports.model import IncidentReportInput
from workbench.services.reports.sections import declared_sections, label
from workbench.services.reports.text import markup

KIND_TITLE = "Incident report: NIS2 notification and CISA incident notification"
#: Stages whose report refers the reader to the indicators of compromise (NIS2 Art. 23(4)(b); CIRCIA).
IOC_STAGES = (Stage.NOTIFICATION, Stage.CIRCIA)


def status_text(item: StageDeadline, as_of: datetime) -> str:
    """Where a stage stands, as the report prints it: ``MET: sent 4 h 0 min before the deadline``."""
    state, due, sent = item.state, item.due, item.first_submitted
    if state is StageState.MET and due is not None and sent is not None:
        return f"MET: sent {span(due - sent)} before the deadline"
    if state is StageState.LATE and due is not None and sent is not None:
        return f"MISSED: sent {span(sent - due)} late"
    if state is StageState.OVERDUE and due is not None:
        return f"MISSED: not sent; overdue by {span(as_of - due)}"
    if state is StageState.PENDING and due is not None:
        return f"pending: due in {span(due - as_of)}"
    if state is StageState.SUBMITTED:
        return "sent; no deadline applies"
    return f"no due time yet: {item.basis}"


def _sent_text(item: StageDeadline, when: Callable[[datetime | None], str] = utc) -> str:
    if item.first_submitted is None:
        return "not sent"
    if item.versions > 1:
        return f"{when(item.first_submitted)}; {item.versions} versions, the last {when(item.latest_submitted)}"
    return when(item.first_submitted)


def build(report: IncidentReportInput, chrome: PageChrome, styles: Styles, as_of: datetime) -> list[Flowable]:
    details = report.details
    deadlines = reporting_deadlines(details, report.submissions, as_of)
    submissions = sorted(report.submissions, key=lambda item: item.submitted_at)
    blocks = declared_sections(details)
    entity = next((rows for title, rows in blocks if title == ENTITY), [])
    clocks = next((rows for title, rows in blocks if title == CLOCKS), [])
    # ENTITY and CLOCKS are printed in every stage's header and in the notification status; the rest on their own.
    body = [(title, rows) for title, rows in blocks if title not in (ENTITY, CLOCKS)]
    timeline_number = 4 + len(body)
    indicators_number = str(timeline_number + 1)
    awareness = (label(IncidentDetails, "awareness_at"), utc(details.awareness_at))

    flow = sections.cover(
        styles,
        chrome,
        title=report.title,
        kind=KIND_TITLE,
        analyst_tlp=report.tlp,
        rows=[
            ("Case reference", report.case_ref),
            ("Case status", report.status),
            *[(name, text) for name, text in entity if text],
            awareness,
            ("Originator", report.originator),
        ],
    )
    flow += heading(styles, "1 Summary")
    flow.append(paragraph(styles, report.summary))
    for note in (report.origin_note, report.selection_note):
        if note:
            flow.append(Paragraph(markup(note), styles.note))

    flow += heading(styles, "2 Notification status (NIS2 Article 23)")
    flow.append(
        Paragraph(
            markup(f"Clocks start at the time of awareness, {utc(details.awareness_at)}. Status as of {utc(as_of)}."),
            styles.note,
        )
    )
    flow.append(key_values(styles, clocks))
    flow.append(gap(6))
    flow.append(
        data_table(
            [
                Column("Stage", 15),
                Column("Deadline", 22),
                Column("Due (UTC)", 15),
                Column("Sent (UTC)", 17),
                Column("Status", 31),
            ],
            [
                [
                    item.stage.label,
                    item.basis,
                    clock(item.due, empty="no fixed date"),
                    _sent_text(item, clock),
                    status_text(item, as_of),
                ]
                for item in deadlines
            ],
            styles=styles,
        )
    )
    flow += heading(styles, "Submissions", level=2)
    flow.append(
        data_table(
            [
                Column("Seq.", 5),
                Column(label(StageSubmission, "stage"), 17),
                Column(label(StageSubmission, "version"), 8),
                Column(f"{label(StageSubmission, 'submitted_at')} (UTC)", 15),
                Column(label(StageSubmission, "reference"), 17),
                Column(label(StageSubmission, "note"), 38),
            ],
            [
                [
                    sequence,
                    item.stage.label,
                    item.version or 1,
                    clock(item.submitted_at),
                    item.reference or "",
                    item.note or "",
                ]
                for sequence, item in enumerate(submissions, start=1)
            ],
            empty="No report sent yet.",
            styles=styles,
        )
    )

    flow += heading(styles, "3 Reports by stage")
    # A stage with no due time yet and nothing sent (an intermediate report nobody asked for) has no report.
    printed = [item for item in deadlines if item.state is not StageState.ON_REQUEST or item.versions]
    for index, item in enumerate(printed, start=1):
        flow += _stage(report, item, submissions, [*entity, awareness], styles, as_of, f"3.{index}", indicators_number)

    for number, (title, rows) in enumerate(body, start=4):
        flow += heading(styles, f"{number} {title}")
        flow.append(key_values(styles, rows))

    flow += sections.timeline(styles, report.timeline, number=str(timeline_number))
    flow += sections.indicators(styles, report.indicators, number=indicators_number)
    flow += sections.techniques(styles, report.techniques, number=str(timeline_number + 2))
    # Tasks and other linked objects are not part of the template: printed only when the case has some.
    number = timeline_number + 3
    if report.tasks:
        flow += sections.tasks(styles, report.tasks, number=str(number))
        number += 1
    if report.linked:
        flow += sections.linked_objects(styles, report.linked, number=str(number))
    return flow


def _stage(
    report: IncidentReportInput,
    item: StageDeadline,
    submissions: list[StageSubmission],
    header: list[tuple[str, str]],
    styles: Styles,
    as_of: datetime,
    number: str,
    indicators_number: str,
) -> list[Flowable]:
    """One stage's report: the NIS2 header block, where it stands, then the fields declared for that stage."""
    own = [entry for entry in submissions if entry.stage is item.stage]
    sequence = submissions.index(own[0]) + 1 if own else None
    flow = heading(styles, f"{number} {item.stage.label}", level=2)
    rows: list[tuple[str, object]] = [
        *header,
        (
            "Report stage and sequence number",
            f"{item.stage.label}, sequence number {sequence}" if sequence else f"{item.stage.label}, not yet sent",
        ),
        ("Case reference", report.case_ref),
        ("Deadline", f"{item.basis}: {utc(item.due, empty='no fixed date')}"),
        ("Sent", _sent_text(item)),
        ("Status", status_text(item, as_of)),
    ]
    if own:
        rows.append((label(StageSubmission, "reference"), own[-1].reference or ""))
    if item.stage is Stage.FINAL:
        rows.append(("Detailed description", report.summary))
    rows += [
        (info.label, text)
        for info, text in display_lines(report.details, UTC, keep_empty=True)
        if item.stage in info.stages
    ]
    if item.stage in IOC_STAGES:
        rows.append(("Indicators of compromise", f"{len(report.indicators):,} listed in section {indicators_number}"))
    notes = [entry.note for entry in own if entry.note]
    if notes:
        rows.append((label(StageSubmission, "note"), "\n\n".join(notes)))
    flow.append(key_values(styles, rows))
    flow.append(gap(6))
    return flow
