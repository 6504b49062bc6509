"""NIS2 Article 23 deadlines: when each report is due and whether it was sent in time.

The clocks start at the time of awareness (UTC). Early warning within 24 hours, incident notification within 72
hours, intermediate reports when the authority asks (by the date it sets), final report within one month of the
notification. When the incident is still ongoing at that point, a progress report is due then instead and the
final report one month after the incident has been handled (a date not known in advance).

Pure functions over the report input, used by the renderer and usable by the case screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta

from workbench.services.reports.model import IncidentReportInput, StageSubmission
from workbench.services.reports.vocabulary import Nis2Stage

MET = "met"
MISSED = "missed"
PENDING = "pending"
NOT_REQUESTED = "not requested"
NOT_REQUIRED = "not required"
SUBMITTED = "submitted"
DEFERRED = "deferred"


@dataclass(frozen=True)
class StageStatus:
    """One line of the notification table: a stage, when it is due, when it was sent, met or missed."""

    stage: Nis2Stage
    due: datetime | None
    submitted_at: datetime | None
    sequence: int | None
    state: str
    detail: str
    submission: StageSubmission | None

    @property
    def printed(self) -> bool:
        """Whether the report prints this stage's own section (a stage that was sent, due or missed)."""
        return self.state not in (NOT_REQUESTED, NOT_REQUIRED)


def span(delta: timedelta) -> str:
    """A duration as people say it: ``2 d 3 h``, ``5 h 12 min``, ``40 min``."""
    minutes = int(abs(delta).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min"


def judge(due: datetime | None, submitted: datetime | None, as_of: datetime) -> tuple[str, str]:
    """Met, missed or pending, with a detail naming by how much."""
    if due is None:
        return (SUBMITTED, "no deadline set") if submitted else (PENDING, "no deadline set")
    if submitted is not None:
        if submitted <= due:
            return MET, f"sent {span(due - submitted)} before the deadline"
        return MISSED, f"sent {span(submitted - due)} late"
    if as_of > due:
        return MISSED, f"not sent; overdue by {span(as_of - due)}"
    return PENDING, f"due in {span(due - as_of)}"


def _first(submissions: list[StageSubmission], stage: Nis2Stage) -> StageSubmission | None:
    found = [item for item in submissions if item.stage is stage]
    sent = [item for item in found if item.submitted_at is not None]
    if sent:
        return min(sent, key=lambda item: item.submitted_at)  # type: ignore[arg-type, return-value]
    return found[0] if found else None


def notification_deadlines(report: IncidentReportInput, as_of: datetime) -> list[StageStatus]:
    """Every stage in order, intermediate reports one line each; see the module docstring for the rules."""
    aware = report.aware_at
    subs = report.submissions
    statuses: list[StageStatus] = []

    def add(stage: Nis2Stage, due: datetime | None, sub: StageSubmission | None) -> None:
        sent = sub.submitted_at if sub else None
        state, detail = judge(due, sent, as_of)
        statuses.append(StageStatus(stage, due, sent, sub.sequence if sub else None, state, detail, sub))

    add(Nis2Stage.EARLY_WARNING, aware + timedelta(hours=24), _first(subs, Nis2Stage.EARLY_WARNING))
    notification = _first(subs, Nis2Stage.NOTIFICATION)
    notification_due = aware + timedelta(hours=72)
    add(Nis2Stage.NOTIFICATION, notification_due, notification)

    intermediates = sorted((item for item in subs if item.stage is Nis2Stage.INTERMEDIATE),
                           key=lambda item: (item.sequence, item.requested_due or aware))
    for item in intermediates:
        add(Nis2Stage.INTERMEDIATE, item.requested_due, item)
    if not intermediates:
        statuses.append(StageStatus(Nis2Stage.INTERMEDIATE, None, None, None, NOT_REQUESTED,
                                    "none requested", None))

    start = notification.submitted_at if notification and notification.submitted_at else notification_due
    final_due = start + relativedelta(months=1)
    final = _first(subs, Nis2Stage.FINAL)
    progress = _first(subs, Nis2Stage.PROGRESS)
    ongoing = report.assessment.ongoing and (final is None or final.submitted_at is None)
    if ongoing and as_of > final_due:
        statuses.append(StageStatus(Nis2Stage.FINAL, None, None, final.sequence if final else None, DEFERRED,
                                    "incident ongoing: due one month after it has been handled", final))
    else:
        add(Nis2Stage.FINAL, final_due, final)
    if ongoing or progress is not None:
        add(Nis2Stage.PROGRESS, final_due, progress)
    else:
        statuses.append(StageStatus(Nis2Stage.PROGRESS, None, None, None, NOT_REQUIRED,
                                    "incident handled before the final report", None))
    return statuses
