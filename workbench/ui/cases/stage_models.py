"""The reporting clocks of an incident: each NIS2 and CIRCIA stage with its due time, state and submissions.

States are said in words with a sign (✔ met, ✘ missed, ⚠ overdue), the colour only repeats them.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush

from workbench.domain.cases.fields import format_local
from workbench.domain.deadlines import StageDeadline, StageState
from workbench.ui.cases.deadline_model import alarm_colour, good_colour, time_left
from workbench.ui.common.list_model import ListTableModel


class Columns(enum.IntEnum):
    STAGE = 0
    STATE = 1
    DUE = 2
    SUBMITTED = 3
    VERSIONS = 4
    BASIS = 5


class Roles(enum.IntEnum):
    STAGE = Qt.ItemDataRole.UserRole + 1
    STATE = Qt.ItemDataRole.UserRole + 2


class StageDeadlineModel(ListTableModel[StageDeadline]):
    Columns = Columns
    Roles = Roles

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.now = datetime.now(UTC)

    def set_deadlines(self, rows: list[StageDeadline], now: datetime) -> None:
        self.now = now
        self.set_items(rows)

    def deadline(self, row: int) -> StageDeadline | None:
        return self.item(row)

    def state_text(self, item: StageDeadline) -> str:
        state = item.state
        if state is StageState.MET:
            return self.tr("✔ Met")
        if state is StageState.LATE:
            assert item.due is not None and item.first_submitted is not None
            return self.tr("✘ Missed (late by {0})").format(
                time_left(item.due, item.first_submitted).replace(self.tr(" overdue"), "")
            )
        if state is StageState.OVERDUE:
            assert item.due is not None
            return self.tr("⚠ OVERDUE ({0})").format(time_left(item.due, self.now))
        if state is StageState.PENDING:
            assert item.due is not None
            return self.tr("Pending ({0})").format(time_left(item.due, self.now))
        if state is StageState.SUBMITTED:
            return self.tr("Submitted")
        return self.tr("On request")

    # -- ListTableModel ----------------------------------------------------------------------------------------

    def headers(self) -> Sequence[str]:
        return (
            self.tr("Report"),
            self.tr("State"),
            self.tr("Due (local time)"),
            self.tr("First submitted"),
            self.tr("Versions"),
            self.tr("Rule"),
        )

    def cell(self, item: StageDeadline, column: int) -> str:
        if column == Columns.STAGE:
            return item.stage.label
        if column == Columns.STATE:
            return self.state_text(item)
        if column == Columns.DUE:
            return format_local(item.due) if item.due else self.tr("no due time")
        if column == Columns.SUBMITTED:
            return format_local(item.first_submitted) if item.first_submitted else ""
        if column == Columns.VERSIONS:
            return str(item.versions) if item.versions else ""
        return item.basis

    def tooltip(self, item: StageDeadline, column: int) -> str:
        return f"{item.stage.label}: {self.state_text(item)}\n{item.basis}"

    def foreground(self, item: StageDeadline, column: int) -> Any:
        if column == Columns.STATE and item.met is not None:
            return QBrush(good_colour() if item.met else alarm_colour())
        return None

    def role_data(self, item: StageDeadline, role: int) -> Any:
        if role == Roles.STAGE:
            return item.stage.value
        if role == Roles.STATE:
            return item.state.value
        return None
