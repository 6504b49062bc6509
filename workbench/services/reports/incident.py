"""The incident report: each NIS2 stage with its due time and met/missed, a CISA-style notification, and the facts.

Labels live in the tables at the top of this module: when a binding EU template arrives, re-mapping is a change of
labels and order here, not of the input model.
"""

from __future__ import annotations

from datetime import datetime

from reportlab.platypus import Flowable, Paragraph

from workbench.services.reports import sections
from workbench.services.reports.deadlines import MET, MISSED, StageStatus, notification_deadlines
from workbench.services.reports.layout import (
    Column,
    PageChrome,
    Styles,
    data_table,
    gap,
    heading,
    key_values,
    paragraph,
    utc,
)
from workbench.services.reports.model import IncidentReportInput
from workbench.services.reports.text import markup
from workbench.services.reports.vocabulary import Nis2Stage

KIND_TITLE = "Incident report: NIS2 notification and CISA incident notification"

ENTITY_LABELS = (
    ("Reporting entity", "name"),
    ("Sector (NIS2 Annex I/II)", "sector"),
    ("Subsector", "subsector"),
    ("Essential or important entity", "entity_type"),
    ("Member State", "member_state"),
    ("24/7 contact", "contact_24_7"),
)
CLASSIFICATION_LABELS = (
    ("RSIT class", "rsit_class"),
    ("RSIT type", "rsit_type"),
    ("Root cause category (NIS CG)", "root_cause"),
    ("Threat severity (NIS CG)", "threat_severity"),
    ("Impact severity (NIS CG: red/yellow/green/white)", "impact_severity"),
    ("Six-hour outlook (NIS CG)", "outlook"),
)
CISA_LABELS = (
    ("Functional impact", "functional_impact"),
    ("Information impact", "information_impact"),
    ("Recoverability", "recoverability"),
    ("Attack vector", "attack_vector"),
    ("First detected", "first_detected"),
    ("Systems affected", "systems_affected"),
    ("Records affected", "records_affected"),
    ("Users affected", "users_affected"),
    ("Network location", "network_location"),
    ("Point of contact", "point_of_contact"),
)
STAGE_NUMBER = {stage: index for index, stage in enumerate(Nis2Stage, start=1)}


def _value(value: object) -> object:
    if isinstance(value, datetime):
        return utc(value)
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if value is None:
        return "unknown"
    return value


def _status_text(status: StageStatus) -> str:
    word = {MET: "MET", MISSED: "MISSED"}.get(status.state, status.state)
    return f"{word}: {status.detail}"


def build(report: IncidentReportInput, chrome: PageChrome, styles: Styles, as_of: datetime) -> list[Flowable]:
    statuses = notification_deadlines(report, as_of)
    entity = report.entity
    flow = sections.cover(styles, chrome, title=report.title, kind=KIND_TITLE, analyst_tlp=report.tlp, rows=[
        ("Reporting entity", entity.name),
        ("Sector", entity.sector),
        ("Member State", entity.member_state),
        ("Case reference", report.case_ref),
        ("Time of awareness", utc(report.aware_at)),
        ("Originator", report.originator or entity.name),
    ])
    flow += heading(styles, "1 Summary")
    flow.append(paragraph(styles, report.summary))

    flow += heading(styles, "2 Notification status (NIS2 Article 23)")
    flow.append(Paragraph(markup(f"Clocks start at the time of awareness, {utc(report.aware_at)}. "
                                 f"Status as of {utc(as_of)}."), styles.note))
    flow.append(data_table(
        [Column("Stage", 14), Column("Deadline", 24), Column("Due", 17), Column("Sent", 17), Column("Seq.", 5),
         Column("Status", 23)],
        [[str(s.stage), s.stage.rule, utc(s.due), utc(s.submitted_at), s.sequence or "–", _status_text(s)]
         for s in statuses],
        styles=styles,
    ))

    flow += heading(styles, "3 Reports by stage")
    number = 0
    for status in statuses:
        if not status.printed:
            continue
        number += 1
        flow += _stage(report, status, styles, f"3.{number}")

    flow += heading(styles, "4 Classification (RSIT and NIS Cooperation Group)")
    flow.append(key_values(styles, [(label, getattr(report.classification, attr)) for label, attr
                                    in CLASSIFICATION_LABELS]))

    flow += heading(styles, "5 CISA incident notification")
    flow.append(key_values(styles, [(label, _value(getattr(report.cisa, attr))) for label, attr in CISA_LABELS]))

    flow += sections.timeline(styles, report.timeline, number="6")
    flow += sections.indicators(styles, report.indicators, number="7")

    flow += heading(styles, "8 Affected assets")
    flow.append(data_table(
        [Column("Asset", 22), Column("Kind", 14), Column("Location", 16), Column("Impact", 30), Column("Status", 18)],
        [[a.name, a.kind, a.location, a.impact, a.status] for a in report.assets],
        empty="No affected assets recorded.", styles=styles,
    ))
    flow += sections.techniques(styles, report.techniques, number="9")

    flow += heading(styles, "10 Actions taken")
    flow.append(data_table(
        [Column("Time (UTC)", 20), Column("Action", 46), Column("By", 18), Column("Status", 16)],
        [[utc(a.at), a.action, a.by, a.status] for a in sorted(report.actions, key=_action_key)],
        empty="No actions recorded.", styles=styles,
    ))
    return flow


def _action_key(action: object) -> tuple[int, str]:
    at = getattr(action, "at", None)
    return (0, at.isoformat()) if at is not None else (1, "")


def _stage(report: IncidentReportInput, status: StageStatus, styles: Styles, number: str) -> list[Flowable]:
    """One stage's report: the NIS2 header block, then what the directive asks for at that stage."""
    sub = status.submission
    sequence = sub.sequence if sub else 1
    flow = heading(styles, f"{number} {str(status.stage).capitalize()}", level=2)
    header = [(label, getattr(report.entity, attr)) for label, attr in ENTITY_LABELS]
    header += [
        ("Time of awareness", utc(report.aware_at)),
        ("Report stage and sequence", f"{status.stage} (stage {STAGE_NUMBER[status.stage]} of 5), "
                                      f"sequence number {sequence}"),
        ("Case reference", report.case_ref),
        ("Deadline", f"{status.stage.rule}: {utc(status.due, empty='no fixed date')}"),
        ("Sent", utc(status.submitted_at, empty="not sent")),
        ("Status", _status_text(status)),
    ]
    body = _stage_fields(report, status.stage, sub.content if sub else "")
    flow.append(key_values(styles, header + body))
    flow.append(gap(6))
    return flow


def _stage_fields(report: IncidentReportInput, stage: Nis2Stage, content: str) -> list[tuple[str, object]]:
    assessment = report.assessment
    if stage is Nis2Stage.EARLY_WARNING:
        return [
            ("Suspected unlawful or malicious act", _value(assessment.suspected_malicious)),
            ("Possible cross-border impact", _value(assessment.cross_border_possible)),
            ("Early warning text", content),
        ]
    if stage is Nis2Stage.NOTIFICATION:
        return [
            ("Update of the early warning", content),
            ("Initial assessment: severity and impact", assessment.severity_and_impact),
            ("Indicators of compromise", f"{len(report.indicators):,} listed in section 7"),
        ]
    if stage is Nis2Stage.INTERMEDIATE:
        return [("Status update", content or assessment.status_update)]
    if stage is Nis2Stage.FINAL:
        return [
            ("Detailed description", content or report.summary),
            ("Severity and impact", assessment.severity_and_impact),
            ("Type of threat or root cause", assessment.threat_or_root_cause),
            ("Mitigation applied", assessment.mitigation_applied),
            ("Mitigation ongoing", assessment.mitigation_ongoing),
            ("Cross-border impact", assessment.cross_border_impact),
        ]
    return [
        ("Progress", content or assessment.status_update),
        ("Mitigation ongoing", assessment.mitigation_ongoing),
    ]
