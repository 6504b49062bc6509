"""NIS2 deadlines: 24 h, 72 h, one calendar month after the notification, progress report while ongoing."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from workbench.services.reports import StageSubmission, samples
from workbench.services.reports.deadlines import (
    DEFERRED,
    MET,
    MISSED,
    NOT_REQUESTED,
    NOT_REQUIRED,
    PENDING,
    notification_deadlines,
)
from workbench.services.reports.vocabulary import Nis2Stage

AWARE = datetime(2026, 1, 28, 10, 0, tzinfo=UTC)


def report(*submissions: StageSubmission, ongoing: bool = False):
    base = samples.incident()
    return dataclasses.replace(base, aware_at=AWARE, submissions=list(submissions),
                               assessment=dataclasses.replace(base.assessment, ongoing=ongoing))


def by_stage(statuses):
    return {status.stage: status for status in statuses}


def test_deadlines_count_from_awareness_and_the_final_report_from_the_notification() -> None:
    sent = AWARE + timedelta(hours=80)  # notification 8 hours late: 2026-01-31 18:00
    statuses = by_stage(notification_deadlines(report(
        StageSubmission(Nis2Stage.EARLY_WARNING, 1, AWARE + timedelta(hours=23, minutes=59)),
        StageSubmission(Nis2Stage.NOTIFICATION, 2, sent),
    ), as_of=AWARE + timedelta(days=10)))
    assert statuses[Nis2Stage.EARLY_WARNING].due == AWARE + timedelta(hours=24)
    assert statuses[Nis2Stage.EARLY_WARNING].state == MET
    assert statuses[Nis2Stage.NOTIFICATION].due == AWARE + timedelta(hours=72)
    assert statuses[Nis2Stage.NOTIFICATION].state == MISSED
    assert statuses[Nis2Stage.NOTIFICATION].detail == "sent 8 h 0 min late"
    # One calendar month after 31 January is 28 February (not 3 March).
    assert statuses[Nis2Stage.FINAL].due == datetime(2026, 2, 28, 18, 0, tzinfo=UTC)
    assert statuses[Nis2Stage.FINAL].state == PENDING
    assert statuses[Nis2Stage.INTERMEDIATE].state == NOT_REQUESTED
    assert statuses[Nis2Stage.PROGRESS].state == NOT_REQUIRED


def test_unsent_stages_past_their_deadline_are_missed() -> None:
    statuses = by_stage(notification_deadlines(report(), as_of=AWARE + timedelta(hours=30)))
    assert statuses[Nis2Stage.EARLY_WARNING].state == MISSED
    assert statuses[Nis2Stage.EARLY_WARNING].detail == "not sent; overdue by 6 h 0 min"
    assert statuses[Nis2Stage.NOTIFICATION].state == PENDING
    assert statuses[Nis2Stage.NOTIFICATION].detail == "due in 1 d 18 h"


def test_ongoing_incident_owes_a_progress_report_at_the_final_deadline() -> None:
    notification = StageSubmission(Nis2Stage.NOTIFICATION, 2, AWARE + timedelta(hours=48))
    progress = StageSubmission(Nis2Stage.PROGRESS, 3, AWARE + timedelta(days=31))
    statuses = by_stage(notification_deadlines(report(notification, progress, ongoing=True),
                                               as_of=AWARE + timedelta(days=40)))
    assert statuses[Nis2Stage.FINAL].state == DEFERRED
    assert statuses[Nis2Stage.PROGRESS].due == datetime(2026, 2, 28, 10, 0, tzinfo=UTC)
    assert statuses[Nis2Stage.PROGRESS].state == MET


def test_intermediate_reports_are_judged_against_the_date_the_authority_set() -> None:
    late = StageSubmission(Nis2Stage.INTERMEDIATE, 3, AWARE + timedelta(days=6), AWARE + timedelta(days=5))
    statuses = [s for s in notification_deadlines(report(late), as_of=AWARE + timedelta(days=7))
                if s.stage is Nis2Stage.INTERMEDIATE]
    assert [(s.state, s.detail) for s in statuses] == [(MISSED, "sent 1 d 0 h late")]
