"""The incident report: each NIS2 stage with its due time and met/missed, a CISA-style notification, and the facts.

What the report prints about the incident is decided by the field declarations of the case model
(``workbench.domain.cases.incident``): every section is printed under its declared title with its declared labels,
and each stage's report repeats the fields declared for that stage. This module only lays them out; the deadlines
come from ``workbench.domain.deadlines``, the one implementation of the NIS2 and CIRCIA rules.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from reportlab.platypus import Flowable, Paragraph

from workbench.domain.cases.incident import CLOCKS, ENTITY, IncidentDetails, StageSubmission, reporting_deadlines
from workbench.domain.deadlines import StageDeadline, StageState
from workbench.services.reports import sections
from workbench.services.reports.layout import (
    Styles,
    bullets,
    clock,
    gap,
    heading,
    keep,
    key_values,
    paragraph,
    span,
    utc,
)
from workbench.services.reports.model import IncidentReportInput, StageDocument
from workbench.services.reports.pages import PageChrome
from workbench.services.reports.sections import declared_sections, label
from workbench.services.reports.stage import IOC_STAGES, dossier_rows
from workbench.services.reports.tables import Column, data_table
from workbench.services.reports.text import markup

KIND_TITLE = "Incident report: NIS2 notification and CISA incident notification"


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


#: An unsubmitted stage is printed as a draft in the dossier only when it is overdue or due this soon: a final
#: report due a month ahead is not printed filled with interim data.
DRAFT_WINDOW = timedelta(hours=72)


def build(report: IncidentReportInput, chrome: PageChrome, styles: Styles, as_of: datetime) -> list[Flowable]:
    details = report.details
    deadlines = reporting_deadlines(details, report.submissions, as_of)
    submissions = sorted(report.submissions, key=lambda item: item.submitted_at)
    blocks = declared_sections(details)
    entity = next((rows for title, rows in blocks if title == ENTITY), [])
    clocks = next((rows for title, rows in blocks if title == CLOCKS), [])
    # ENTITY and CLOCKS are printed in every stage's header and in the notification status; the rest on their own.
    body = [(title, rows) for title, rows in blocks if title not in (ENTITY, CLOCKS)]
    notes = sections.Notes()
    numbers = iter(range(4 + len(body), 100))
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
    if submissions:
        flow += heading(styles, "Submissions", level=2)
        flow.append(
            data_table(
                [
                    Column("Seq.", 5),
                    Column(label(StageSubmission, "stage"), 17),
                    Column(label(StageSubmission, "version"), 8),
                    Column(f"{label(StageSubmission, 'submitted_at')} (UTC)", 15),
                    Column(label(StageSubmission, "reference"), 17, optional=True),
                    Column(label(StageSubmission, "note"), 38, optional=True),
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
                styles=styles,
            )
        )
    else:
        flow.append(Paragraph(markup("No report sent yet."), styles.note))

    flow += heading(styles, "3 Reports by stage")
    # A stage with no due time yet and nothing sent (an intermediate report nobody asked for) has no report.
    printed = [item for item in deadlines if item.state is not StageState.ON_REQUEST or item.versions]
    for index, item in enumerate(printed, start=1):
        flow += _stage(report, item, submissions, styles, as_of, f"3.{index}")

    for number, (title, rows) in enumerate(body, start=4):
        flow += heading(styles, f"{number} {title}")
        flow.append(key_values(styles, rows))

    flow += sections.timeline(styles, report.timeline, number=str(next(numbers)))
    flow += sections.indicators(
        styles,
        report.indicators,
        number=str(next(numbers)),
        defang=report.defang,
        attached=bool(report.indicators),
    )
    if report.assets:
        flow += sections.assets(styles, report.assets, number=str(next(numbers)), level=1)
    flow += sections.techniques(styles, report.techniques, number=str(next(numbers)), notes=notes)
    # Tasks and other linked objects are not part of the template: printed only when the case has some.
    if report.tasks:
        flow += sections.tasks(styles, report.tasks, number=str(next(numbers)))
    if report.linked:
        flow += sections.linked_objects(styles, report.linked, number=str(next(numbers)), notes=notes)
    flow += notes.appendix(styles, "Appendix: full texts of shortened descriptions")
    return flow


def _stage(
    report: IncidentReportInput,
    item: StageDeadline,
    submissions: list[StageSubmission],
    styles: Styles,
    as_of: datetime,
    number: str,
) -> list[Flowable]:
    """One stage: where it stands, then what it said when sent (with what changed since), or its draft when it is
    due soon, or one line when it is not due for a while."""
    own = [entry for entry in submissions if entry.stage is item.stage]
    flow = heading(styles, f"{number} {item.stage.label}", level=2)
    rows: list[tuple[str, object]] = [
        ("Deadline", f"{item.basis}: {utc(item.due, empty='no fixed date')}"),
        ("Sent", _sent_text(item)),
        ("Status", status_text(item, as_of)),
    ]
    if own and own[-1].reference:
        rows.append(("Authority's reference", own[-1].reference))
    notes = [entry.note for entry in own if entry.note]
    if notes:
        rows.append((label(StageSubmission, "note"), "\n\n".join(notes)))
    flow.append(key_values(styles, rows))
    flow.append(gap(4))
    sent = report.sent.get(item.stage)
    draft = report.drafts.get(item.stage)
    if sent is not None and sent.document is not None:
        document = sent.document
        flow.append(
            Paragraph(
                markup(
                    f"As submitted {utc(document.submitted_at)} (version {document.version}, sequence number "
                    f"{document.sequence}), printed from the record kept when it was sent: report "
                    f"{sent.report_id}, SHA-256 {sent.pdf_sha256}."
                ),
                styles.note,
            )
        )
        flow.append(key_values(styles, [*dossier_rows(document), *_ioc_line(document)]))
        if sent.changes:
            # The line that introduces the changes stays with them.
            flow.append(
                keep(
                    Paragraph(markup("Changed in the case since this stage was submitted:"), styles.body),
                    bullets(styles, sent.changes),
                )
            )
        else:
            flow.append(Paragraph(markup("Nothing it reported has changed in the case since."), styles.note))
    elif sent is not None:
        if sent.recorded_by:
            why = (
                f"Submitted by {sent.recorded_by}: this is their record of the submission, received with the case; "
                "the document they sent was not received. Below, the stage as the case reads now:"
            )
        else:
            why = (
                "What this stage said was not kept when its submission was recorded (before this version of the "
                "workbench kept it). Below, the stage as the case reads now:"
            )
        flow.append(Paragraph(markup(why), styles.note))
        if draft is not None:
            flow.append(key_values(styles, [*dossier_rows(draft), *_ioc_line(draft)]))
    elif draft is not None and item.due is not None and item.due - as_of <= DRAFT_WINDOW:
        flow.append(Paragraph(markup("Draft from the case as it is now; not yet submitted."), styles.note))
        flow.append(key_values(styles, [*dossier_rows(draft), *_ioc_line(draft)]))
    else:
        flow.append(
            Paragraph(
                markup(
                    f"Not yet drafted: due {utc(item.due, empty='when requested')}. The case's interim data is "
                    f"not printed as this stage; print its draft with --stage {item.stage.value}."
                ),
                styles.note,
            )
        )
    flow.append(gap(6))
    return flow


def _ioc_line(document: StageDocument) -> list[tuple[str, str]]:
    if document.stage not in IOC_STAGES:
        return []
    count = f"{len(document.indicators):,}"
    assets = f"; {len(document.assets):,} affected assets" if document.assets else ""
    return [("Indicators of compromise", f"{count} reported{assets}")]
