"""The reporting clocks of an incident: each NIS2 and CIRCIA stage with its due time, state and submissions.

States are said in words with a sign (✔ met, ✘ missed, ⚠ overdue), the colour only repeats them.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QByteArray, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush

from workbench.domain.cases.fields import format_local
from workbench.domain.deadlines import StageDeadline, StageState
from workbench.ui.cases.deadline_model import alarm_colour, good_colour, time_left
from workbench.ui.common.table_model import TableModel
from workbench.ui.common.text import tooltip_text

Index = QModelIndex | QPersistentModelIndex



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


class StageDeadlineModel(TableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[StageDeadline] = []
        self.now = datetime.now(UTC)

    def set_deadlines(self, rows: list[StageDeadline], now: datetime) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.now = now
        self.endResetModel()

    def clear(self) -> None:
        self.set_deadlines([], self.now)

    def deadline(self, row: int) -> StageDeadline | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def state_text(self, item: StageDeadline) -> str:
        state = item.state
        if state is StageState.MET:
            return self.tr("✔ Met")
        if state is StageState.LATE:
            assert item.due is not None and item.first_submitted is not None
            return self.tr("✘ Missed (late by {0})").format(
                time_left(item.due, item.first_submitted).replace(self.tr(" overdue"), ""))
        if state is StageState.OVERDUE:
            assert item.due is not None
            return self.tr("⚠ OVERDUE ({0})").format(time_left(item.due, self.now))
        if state is StageState.PENDING:
            assert item.due is not None
            return self.tr("Pending ({0})").format(time_left(item.due, self.now))
        if state is StageState.SUBMITTED:
            return self.tr("Submitted")
        return self.tr("On request")

    # -- Qt model ----------------------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Columns)

    def roleNames(self) -> dict[int, QByteArray]:
        names = dict(super().roleNames())
        names.update({int(role): QByteArray(role.name.lower().encode()) for role in Roles})
        return names

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole \
                or not 0 <= section < len(Columns):
            return None
        return (self.tr("Report"), self.tr("State"), self.tr("Due (local time)"), self.tr("First submitted"),
                self.tr("Versions"), self.tr("Rule"))[section]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid() or not 0 <= index.row() < len(self._rows) \
                or not 0 <= index.column() < len(Columns):
            return None
        item = self._rows[index.row()]
        column = Columns(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
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
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip_text(f"{item.stage.label}: {self.state_text(item)}\n{item.basis}")
        if role == Qt.ItemDataRole.ForegroundRole and column == Columns.STATE:
            if item.met is False:
                return QBrush(alarm_colour())
            if item.met is True:
                return QBrush(good_colour())
        if role == Roles.STAGE:
            return item.stage.value
        if role == Roles.STATE:
            return item.state.value
        return None
