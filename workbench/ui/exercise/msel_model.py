"""The master scenario events list as conduct mode shows it: due order, the next inject marked, its countdown.

Rows are ``MselRow`` values of ``services.exercise.conduct``; ``tick`` re-reads the countdowns from the clock the
screen holds, without a database read. The next inject is marked in words and bold type besides its colour, and an
overdue one says so.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from workbench.domain.cases.conduct import MselRow, format_duration
from workbench.domain.cases.exercise import Inject
from workbench.domain.cases.fields import format_local
from workbench.domain.cases.vocab import InjectStatus
from workbench.ui.common.list_model import ListTableModel


def _t(text: str) -> str:
    return QCoreApplication.translate("Msel", text)


def scenario_text(moment: datetime | None) -> str:
    """Scenario time as a controller reads it: weekday, date and time (the story may run over several days)."""
    if moment is None:
        return "–"
    return moment.astimezone().strftime("%a %d %b %H:%M:%S")


def countdown_text(row: MselRow) -> str:
    if row.countdown is None:
        return ""
    if row.overdue:
        return _t("overdue {0}").format(format_duration(row.countdown))
    return _t("in {0}").format(format_duration(row.countdown))


class Columns(enum.IntEnum):
    NEXT = 0
    NUMBER = 1
    DUE = 2
    COUNTDOWN = 3
    STATUS = 4
    FROM = 5
    TO = 6
    METHOD = 7
    DESCRIPTION = 8
    DELIVERED = 9


class Roles(enum.IntEnum):
    UID = Qt.ItemDataRole.UserRole + 1
    IS_NEXT = Qt.ItemDataRole.UserRole + 2


_NEXT_BACKGROUND = QColor("#fff4ce")
_DONE_TEXT = QColor("#5f6368")


class MselModel(ListTableModel[MselRow]):
    Columns = Columns
    Roles = Roles
    tooltip_limit = 2000

    def set_rows(self, rows: Sequence[MselRow]) -> None:
        self.set_items(rows)

    def tick(self, rows: Sequence[MselRow]) -> None:
        """New countdowns for the same injects: cells change, the selection stays."""
        if [row.inject.uid for row in rows] != [row.inject.uid for row in self._items]:
            self.set_items(rows)
            return
        self._items = list(rows)
        if self._items:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._items) - 1, len(Columns) - 1))

    def row_of(self, uid: str) -> int:
        return next((number for number, row in enumerate(self._items) if row.inject.uid == uid), -1)

    def inject(self, row: int) -> Inject | None:
        found = self.item(row)
        return found.inject if found is not None else None

    # -- ListTableModel ----------------------------------------------------------------------------------------

    def headers(self) -> Sequence[str]:
        return (
            self.tr("Next"),
            self.tr("No."),
            self.tr("Due (scenario)"),
            self.tr("Countdown"),
            self.tr("Status"),
            self.tr("From"),
            self.tr("To"),
            self.tr("Method"),
            self.tr("Description"),
            self.tr("Delivered (local time)"),
        )

    def cell(self, item: MselRow, column: int) -> str:
        inject = item.inject
        if column == Columns.NEXT:
            return self.tr("▶ next") if item.is_next else ""
        if column == Columns.NUMBER:
            return inject.number or ""
        if column == Columns.DUE:
            return scenario_text(item.due_at)
        if column == Columns.COUNTDOWN:
            return countdown_text(item)
        if column == Columns.STATUS:
            added = self.tr(" (added in play)") if inject.added_in_play else ""
            return inject.status.label + added
        if column == Columns.FROM:
            return inject.sender or ""
        if column == Columns.TO:
            return inject.recipient or ""
        if column == Columns.METHOD:
            return inject.method.label if inject.method is not None else ""
        if column == Columns.DESCRIPTION:
            return inject.description
        if inject.actual_at is None:
            return ""
        by = f" ({inject.delivered_by})" if inject.delivered_by else ""
        return format_local(inject.actual_at) + by

    def tooltip(self, item: MselRow, column: int) -> str:
        inject = item.inject
        lines = [inject.description]
        if inject.expected_action:
            lines.append(self.tr("Expected action: {0}").format(inject.expected_action))
        if inject.status_reason:
            lines.append(self.tr("Reason: {0}").format(inject.status_reason))
        if inject.observed_action:
            lines.append(self.tr("Response: {0}").format(inject.observed_action))
        return "\n".join(lines)

    def background(self, item: MselRow, column: int) -> Any:
        return QBrush(_NEXT_BACKGROUND) if item.is_next else None

    def foreground(self, item: MselRow, column: int) -> Any:
        if item.inject.status in (InjectStatus.DELIVERED, InjectStatus.SKIPPED):
            return QBrush(_DONE_TEXT)
        if item.is_next:
            return QBrush(QColor("#202124"))  # dark on the light highlight, also in a dark palette
        return None

    def font(self, item: MselRow, column: int) -> Any:
        if item.is_next or (column == Columns.COUNTDOWN and item.overdue):
            font = QFont()
            font.setBold(True)
            return font
        return None

    def role_data(self, item: MselRow, role: int) -> Any:
        if role == Roles.UID:
            return item.inject.uid
        if role == Roles.IS_NEXT:
            return item.is_next
        return None
