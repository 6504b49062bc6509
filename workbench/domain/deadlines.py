"""Reporting deadlines of incidents: NIS2 Article 23 stages and a CIRCIA-style 72-hour report.

All instants are aware datetimes in UTC; people see them in local time (``fields.format_local``). Hours are
elapsed hours, so a deadline 24 hours after an awareness just before a daylight-saving change shows a local clock
time one hour off the awareness's: the clocks regulators enforce do not stop for the change.

The stages, from the time of awareness:

- early warning: 24 hours (NIS2 Art. 23(4)(a));
- incident notification: 72 hours (Art. 23(4)(b));
- intermediate report: on request of the CSIRT or authority; no fixed due time (Art. 23(4)(c));
- final report: one month after the incident notification was submitted, or after its due time while it has not
  been (Art. 23(4)(d));
- progress report: due at the final report's deadline instead of it when the incident is still ongoing then;
  the final report is then due one month after the incident was handled (Art. 23(4)(e));
- CIRCIA-style covered incident report: 72 hours.

"One month" is a calendar month in UTC: the same day of the next month at the same time, or the last day of that
month when it has no such day (31 January 10:00 gives 28 February 10:00, 29 February in a leap year). This is
never later than the end of the period counted under Regulation (EEC, Euratom) No 1182/71, so a stage shown as
met here is met under either reading.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta

from workbench.domain.cases.vocab import Regime, Vocab, vocabulary

EARLY_WARNING_HOURS = 24
NOTIFICATION_HOURS = 72
CIRCIA_HOURS = 72


@vocabulary(
    "report stage",
    {
        "circia": "circia-report",
        "circia-72h": "circia-report",
        "warning": "early-warning",
        "final-report": "final",
        "progress-report": "progress",
    },
)
class Stage(Vocab):
    """A report stage. ``regime`` says which obligation it belongs to."""

    EARLY_WARNING = ("early-warning", "Early warning")
    NOTIFICATION = ("notification", "Incident notification")
    INTERMEDIATE = ("intermediate", "Intermediate report")
    FINAL = ("final", "Final report")
    PROGRESS = ("progress", "Progress report")
    CIRCIA = ("circia-report", "CIRCIA covered incident report")

    @property
    def regime(self) -> Regime:
        return Regime.CIRCIA if self is Stage.CIRCIA else Regime.NIS2


class StageState(enum.Enum):
    """Where a stage stands against its deadline."""

    MET = "met"  # submitted on or before the due time
    LATE = "late"  # submitted after the due time: the deadline was missed
    PENDING = "pending"  # not submitted, due time still ahead
    OVERDUE = "overdue"  # not submitted, due time passed
    ON_REQUEST = "on-request"  # not submitted, no due time yet (on request, or after handling)
    SUBMITTED = "submitted"  # submitted, no due time applied

    @property
    def met(self) -> bool | None:
        """True if met, False if missed or overdue, None while undecided or without deadline."""
        return {StageState.MET: True, StageState.LATE: False, StageState.OVERDUE: False}.get(self)


@dataclass(frozen=True)
class Submission:
    """One version of a stage sent to the authority."""

    stage: Stage
    submitted_at: datetime
    version: int


@dataclass(frozen=True)
class StageDeadline:
    """A stage with its due time (None when none applies yet), its submissions and its state at ``now``."""

    stage: Stage
    due: datetime | None
    basis: str
    first_submitted: datetime | None
    latest_submitted: datetime | None
    versions: int
    state: StageState

    @property
    def met(self) -> bool | None:
        return self.state.met

    @property
    def open(self) -> bool:
        """Still owed: pending or overdue."""
        return self.state in (StageState.PENDING, StageState.OVERDUE)


def add_one_month(moment: datetime) -> datetime:
    """The same day and time one calendar month later, in UTC, clamped to the month's last day."""
    return moment + relativedelta(months=1)


def incident_deadlines(
    awareness_at: datetime,
    regimes: Iterable[Regime],
    submissions: Sequence[Submission],
    *,
    handled_at: datetime | None,
    now: datetime,
) -> list[StageDeadline]:
    """Every stage of the given regimes with its due time and state; see the module docstring for the rules."""
    regimes = set(regimes)
    by_stage: dict[Stage, list[Submission]] = {}
    for submission in sorted(submissions, key=lambda item: item.submitted_at):
        by_stage.setdefault(submission.stage, []).append(submission)

    def first(stage: Stage) -> datetime | None:
        found = by_stage.get(stage)
        return found[0].submitted_at if found else None

    def deadline(stage: Stage, due: datetime | None, basis: str) -> StageDeadline:
        found = by_stage.get(stage, [])
        submitted = found[0].submitted_at if found else None
        if submitted is not None:
            state = StageState.SUBMITTED if due is None else (StageState.MET if submitted <= due else StageState.LATE)
        elif due is None:
            state = StageState.ON_REQUEST
        else:
            state = StageState.OVERDUE if now > due else StageState.PENDING
        return StageDeadline(stage, due, basis, submitted, found[-1].submitted_at if found else None, len(found), state)

    result: list[StageDeadline] = []
    if Regime.NIS2 in regimes:
        notification_due = awareness_at + timedelta(hours=NOTIFICATION_HOURS)
        result.append(
            deadline(
                Stage.EARLY_WARNING,
                awareness_at + timedelta(hours=EARLY_WARNING_HOURS),
                f"{EARLY_WARNING_HOURS} h after awareness",
            )
        )
        result.append(deadline(Stage.NOTIFICATION, notification_due, f"{NOTIFICATION_HOURS} h after awareness"))
        result.append(deadline(Stage.INTERMEDIATE, None, "on request of the CSIRT or authority"))
        notified = first(Stage.NOTIFICATION)
        if notified is not None:
            final_due, final_basis = add_one_month(notified), "one month after the notification was submitted"
        else:
            final_due, final_basis = add_one_month(notification_due), "one month after the notification's due time"
        final_first = first(Stage.FINAL)
        ongoing_at_final = (
            first(Stage.PROGRESS) is not None
            or (handled_at is None and now >= final_due)
            or (handled_at is not None and handled_at > final_due)
        ) and not (final_first is not None and final_first <= final_due)
        if ongoing_at_final:
            result.append(deadline(Stage.PROGRESS, final_due, final_basis + " (incident still ongoing)"))
            if handled_at is not None:
                result.append(
                    deadline(Stage.FINAL, add_one_month(handled_at), "one month after the incident was handled")
                )
            else:
                result.append(deadline(Stage.FINAL, None, "one month after the incident is handled"))
        else:
            result.append(deadline(Stage.FINAL, final_due, final_basis))
    if Regime.CIRCIA in regimes:
        result.append(
            deadline(Stage.CIRCIA, awareness_at + timedelta(hours=CIRCIA_HOURS), f"{CIRCIA_HOURS} h after awareness")
        )
    # Submissions of stages not computed above (a progress report sent early) still show, without a deadline.
    listed = {item.stage for item in result}
    for stage in by_stage:
        if stage not in listed:
            result.append(deadline(stage, None, "submitted without a deadline applying"))
    return result


def next_due(deadlines: Iterable[StageDeadline]) -> StageDeadline | None:
    """The owed stage with the earliest due time (overdue ones come first by nature); None if nothing is owed."""
    owed = [item for item in deadlines if item.open and item.due is not None]
    return min(owed, key=lambda item: item.due or datetime.max) if owed else None
