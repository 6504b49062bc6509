"""The deadline panel's model: every open incident's next due report, the most urgent first, with time left.

Rows come from ``services.cases.deadline_panel``. ``tick(now)`` moves the model's clock: the time left and the
overdue mark follow without asking the database again; the panel re-reads when a row passes its due time.
Overdue rows say so in words and with a sign, besides their colour.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication, QPalette

from workbench.domain.cases.fields import format_local
from workbench.services.cases import DueReport
from workbench.ui.common.list_model import ListTableModel


def _t(text: str) -> str:
    return QCoreApplication.translate("Deadlines", text)


def time_left(due: datetime, now: datetime) -> str:
    """``20 h 15 min left``, ``5 d 4 h left``, ``35 min overdue``: whole minutes; hours up to 96, as the 24 and
    72-hour rules count, days beyond."""
    seconds = int((due - now).total_seconds())
    overdue = seconds < 0
    minutes = abs(seconds) // 60
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days >= 4:
        span = _t("{0} d {1} h").format(days, hours)
    elif minutes >= 60:
        span = _t("{0} h {1:02d} min").format(days * 24 + hours, mins)
    else:
        span = _t("{0} min").format(mins)
    return (_t("{0} overdue") if overdue else _t("{0} left")).format(span)


def _dark() -> bool:
    return QGuiApplication.palette().color(QPalette.ColorRole.Base).lightness() < 128


def alarm_colour() -> QColor:
    """Red text that reads on the current palette's background (light or dark)."""
    return QColor("#f28b82") if _dark() else QColor("#b3261e")


def good_colour() -> QColor:
    return QColor("#81c995") if _dark() else QColor("#0d652d")


class Columns(enum.IntEnum):
    STATE = 0
    REF = 1
    STAGE = 2
    TIME_LEFT = 3
    DUE = 4
    TITLE = 5


class Roles(enum.IntEnum):
    REF = Qt.ItemDataRole.UserRole + 1
    OVERDUE = Qt.ItemDataRole.UserRole + 2


_OVERDUE_BACKGROUND = QColor("#fce8e6")
_OVERDUE_TEXT = QColor("#8c1d18")


class DeadlineModel(ListTableModel[DueReport]):
    Columns = Columns
    Roles = Roles

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.now = datetime.now(UTC)

    def set_rows(self, rows: list[DueReport], now: datetime) -> None:
        self.now = now
        self.set_items(sorted(rows, key=lambda item: (item.due, item.ref)))

    def tick(self, now: datetime) -> bool:
        """Move the clock to ``now``; True when a row passed its due time since the last tick (re-read then)."""
        crossed = any(self.now < item.due <= now for item in self._items)
        self.now = now
        if self._items:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._items) - 1, len(Columns) - 1))
        return crossed

    def report(self, row: int) -> DueReport | None:
        return self.item(row)

    def overdue(self, item: DueReport) -> bool:
        return item.overdue or item.due <= self.now

    @property
    def overdue_count(self) -> int:
        return sum(1 for item in self._items if self.overdue(item))

    # -- ListTableModel ----------------------------------------------------------------------------------------

    def headers(self) -> Sequence[str]:
        return (
            self.tr("State"),
            self.tr("Case"),
            self.tr("Report"),
            self.tr("Time left"),
            self.tr("Due (local time)"),
            self.tr("Title"),
        )

    def cell(self, item: DueReport, column: int) -> str:
        if column == Columns.STATE:
            return self.tr("⚠ OVERDUE") if self.overdue(item) else self.tr("Due")
        if column == Columns.TIME_LEFT:
            return time_left(item.due, self.now)
        if column == Columns.DUE:
            return format_local(item.due)
        if column == Columns.STAGE:
            return item.stage.label
        if column == Columns.REF:
            return item.ref
        return item.title

    def tooltip(self, item: DueReport, column: int) -> str:
        return f"{item.ref}: {item.title}\n{item.stage.label} due {format_local(item.due)} ({item.basis})\n" + self.tr(
            "Double-click or Enter opens the case"
        )

    def background(self, item: DueReport, column: int) -> Any:
        return QBrush(_OVERDUE_BACKGROUND) if self.overdue(item) else None

    def foreground(self, item: DueReport, column: int) -> Any:
        return QBrush(_OVERDUE_TEXT) if self.overdue(item) else None

    def font(self, item: DueReport, column: int) -> Any:
        if column in (Columns.STATE, Columns.TIME_LEFT) and self.overdue(item):
            font = QFont()
            font.setBold(True)
            return font
        return None

    def role_data(self, item: DueReport, role: int) -> Any:
        if role == Roles.REF:
            return item.ref
        if role == Roles.OVERDUE:
            return self.overdue(item)
        return None
