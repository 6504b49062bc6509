"""NIS2 and CIRCIA-style reporting deadlines: elapsed hours across daylight-saving changes, calendar months
across month ends and leap years, met/missed/overdue states and the next due report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from workbench.domain.cases.fields import format_local, parse_time
from workbench.domain.cases.vocab import Regime
from workbench.domain.deadlines import (
    Stage,
    StageState,
    Submission,
    add_one_month,
    incident_deadlines,
    next_due,
)

BRUSSELS = ZoneInfo("Europe/Brussels")
NEW_YORK = ZoneInfo("America/New_York")


def utc(text: str) -> datetime:
    return parse_time(text)


def by_stage(items: list) -> dict:  # type: ignore[type-arg]
    return {item.stage: item for item in items}


def test_early_warning_across_the_spring_change_is_24_elapsed_hours_and_shows_one_hour_later_locally() -> None:
    # Saturday 28 March 2026, 12:00 in Brussels (CET, UTC+1); clocks go forward on Sunday 29 March at 02:00.
    awareness = datetime(2026, 3, 28, 12, 0, tzinfo=BRUSSELS).astimezone(UTC)
    stages = by_stage(incident_deadlines(awareness, [Regime.NIS2], [], handled_at=None, now=awareness))
    warning = stages[Stage.EARLY_WARNING].due
    assert warning == datetime(2026, 3, 29, 11, 0, tzinfo=UTC)
    assert warning - awareness == timedelta(hours=24)
    assert format_local(warning, BRUSSELS) == "2026-03-29 13:00 CEST"
    notification = stages[Stage.NOTIFICATION].due
    assert format_local(notification, BRUSSELS) == "2026-03-31 13:00 CEST"


def test_notification_across_the_autumn_change_shows_one_hour_earlier_locally() -> None:
    # Friday 30 October 2026, 09:00 in New York (EDT); clocks go back on Sunday 1 November.
    awareness = datetime(2026, 10, 30, 9, 0, tzinfo=NEW_YORK).astimezone(UTC)
    stages = by_stage(incident_deadlines(awareness, [Regime.NIS2, Regime.CIRCIA], [], handled_at=None, now=awareness))
    assert stages[Stage.CIRCIA].due - awareness == timedelta(hours=72)
    assert format_local(stages[Stage.CIRCIA].due, NEW_YORK) == "2026-11-02 08:00 EST"


@pytest.mark.parametrize(
    ("notified", "final"),
    [
        ("2026-01-31T10:00:00Z", "2026-02-28T10:00:00Z"),  # no 31 February: last day of the month
        ("2028-01-31T10:00:00Z", "2028-02-29T10:00:00Z"),  # leap year
        ("2028-01-30T23:30:00Z", "2028-02-29T23:30:00Z"),
        ("2026-03-31T08:00:00Z", "2026-04-30T08:00:00Z"),  # 30-day month
        ("2026-12-15T12:00:00Z", "2027-01-15T12:00:00Z"),  # year end
        ("2100-01-31T00:00:00Z", "2100-02-28T00:00:00Z"),  # 2100 is not a leap year
    ],
)
def test_one_month_is_the_same_day_next_month_or_its_last_day(notified: str, final: str) -> None:
    assert add_one_month(utc(notified)) == utc(final)


def test_final_report_runs_from_the_notification_submitted_not_from_its_due_time() -> None:
    awareness = utc("2026-01-28T10:00:00Z")
    submitted = utc("2026-01-31T10:00:00Z")  # 72 h after awareness, the last moment
    items = by_stage(
        incident_deadlines(
            awareness,
            [Regime.NIS2],
            [Submission(Stage.NOTIFICATION, submitted, 1)],
            handled_at=None,
            now=utc("2026-02-01T00:00:00Z"),
        )
    )
    assert items[Stage.NOTIFICATION].state is StageState.MET
    assert items[Stage.FINAL].due == utc("2026-02-28T10:00:00Z")
    assert "submitted" in items[Stage.FINAL].basis


def test_without_a_notification_the_final_report_runs_from_its_due_time() -> None:
    awareness = utc("2026-01-01T00:00:00Z")
    items = by_stage(incident_deadlines(awareness, [Regime.NIS2], [], handled_at=None, now=utc("2026-01-02T00:00:00Z")))
    assert items[Stage.FINAL].due == utc("2026-02-04T00:00:00Z")


def test_met_late_overdue_and_pending_states() -> None:
    awareness = utc("2026-05-04T08:00:00Z")
    submissions = [
        Submission(Stage.EARLY_WARNING, utc("2026-05-05T09:00:00Z"), 1),  # 25 h: late
        Submission(Stage.EARLY_WARNING, utc("2026-05-05T12:00:00Z"), 2),
    ]
    now = utc("2026-05-08T09:00:00Z")  # notification due 2026-05-07T08:00Z has passed
    items = by_stage(incident_deadlines(awareness, [Regime.NIS2, Regime.CIRCIA], submissions, handled_at=None, now=now))
    warning = items[Stage.EARLY_WARNING]
    assert warning.state is StageState.LATE and warning.met is False
    assert warning.versions == 2 and warning.first_submitted == utc("2026-05-05T09:00:00Z")
    assert items[Stage.NOTIFICATION].state is StageState.OVERDUE
    assert items[Stage.CIRCIA].state is StageState.OVERDUE
    assert items[Stage.FINAL].state is StageState.PENDING
    assert items[Stage.INTERMEDIATE].state is StageState.ON_REQUEST and items[Stage.INTERMEDIATE].due is None
    # The earliest owed report comes first: the notification and the CIRCIA report share a due time.
    upcoming = next_due(items.values())
    assert upcoming is not None and upcoming.due == utc("2026-05-07T08:00:00Z") and upcoming.state.met is False


def test_an_incident_still_ongoing_at_the_final_deadline_owes_a_progress_report_then_a_final_one() -> None:
    awareness = utc("2026-01-10T00:00:00Z")
    notified = Submission(Stage.NOTIFICATION, utc("2026-01-12T00:00:00Z"), 1)
    final_deadline = utc("2026-02-12T00:00:00Z")

    before = by_stage(
        incident_deadlines(awareness, [Regime.NIS2], [notified], handled_at=None, now=utc("2026-02-01T00:00:00Z"))
    )
    assert before[Stage.FINAL].due == final_deadline and Stage.PROGRESS not in before

    after = by_stage(
        incident_deadlines(awareness, [Regime.NIS2], [notified], handled_at=None, now=utc("2026-02-13T00:00:00Z"))
    )
    assert after[Stage.PROGRESS].due == final_deadline
    assert after[Stage.PROGRESS].state is StageState.OVERDUE
    assert after[Stage.FINAL].due is None and after[Stage.FINAL].state is StageState.ON_REQUEST

    handled = by_stage(
        incident_deadlines(
            awareness,
            [Regime.NIS2],
            [
                Submission(Stage.EARLY_WARNING, utc("2026-01-10T06:00:00Z"), 1),
                notified,
                Submission(Stage.PROGRESS, utc("2026-02-11T00:00:00Z"), 1),
            ],
            handled_at=utc("2026-03-31T12:00:00Z"),
            now=utc("2026-04-01T00:00:00Z"),
        )
    )
    assert handled[Stage.PROGRESS].state is StageState.MET
    assert handled[Stage.FINAL].due == utc("2026-04-30T12:00:00Z")
    assert next_due(handled.values()) == handled[Stage.FINAL]


def test_only_the_regimes_of_the_case_are_listed() -> None:
    awareness = utc("2026-01-10T00:00:00Z")
    nis2 = {item.stage for item in incident_deadlines(awareness, [Regime.NIS2], [], handled_at=None, now=awareness)}
    circia = {item.stage for item in incident_deadlines(awareness, [Regime.CIRCIA], [], handled_at=None, now=awareness)}
    assert Stage.CIRCIA not in nis2 and Stage.EARLY_WARNING in nis2
    assert circia == {Stage.CIRCIA}


def test_nothing_owed_when_every_stage_is_in() -> None:
    awareness = utc("2026-01-10T00:00:00Z")
    done = [
        Submission(Stage.EARLY_WARNING, utc("2026-01-10T06:00:00Z"), 1),
        Submission(Stage.NOTIFICATION, utc("2026-01-11T06:00:00Z"), 1),
        Submission(Stage.FINAL, utc("2026-02-01T06:00:00Z"), 1),
    ]
    items = incident_deadlines(
        awareness, [Regime.NIS2], done, handled_at=utc("2026-01-20T00:00:00Z"), now=utc("2026-03-01T00:00:00Z")
    )
    assert next_due(items) is None
    assert all(item.met in (True, None) for item in items)
