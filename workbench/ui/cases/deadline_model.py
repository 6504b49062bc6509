"""The deadline panel's model: every open incident's next due report, the most urgent first, with time left.

Rows come from ``services.cases.deadline_panel``. ``tick(now)`` moves the model's clock: the time left and the
overdue mark follow without asking the database again; the panel re-reads when a row passes its due time.
Overdue rows say so in words and with a sign, besides their colour.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QByteArray, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication, QPalette

from workbench.domain.cases.fields import format_local
from workbench.services.cases import DueReport
from workbench.ui.common.table_model import TableModel
from workbench.ui.common.text import one_line, tooltip_text

Index = QModelIndex | QPersistentModelIndex


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


class DeadlineModel(TableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[DueReport] = []
        self.now = datetime.now(UTC)

    def set_rows(self, rows: list[DueReport], now: datetime) -> None:
        self.beginResetModel()
        self._rows = sorted(rows, key=lambda item: (item.due, item.ref))
        self.now = now
        self.endResetModel()

    def clear(self) -> None:
        self.set_rows([], self.now)

    def tick(self, now: datetime) -> bool:
        """Move the clock to ``now``; True when a row passed its due time since the last tick (re-read then)."""
        crossed = any(self.now < item.due <= now for item in self._rows)
        self.now = now
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(Columns) - 1))
        return crossed

    def report(self, row: int) -> DueReport | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def overdue(self, item: DueReport) -> bool:
        return item.overdue or item.due <= self.now

    @property
    def overdue_count(self) -> int:
        return sum(1 for item in self._rows if self.overdue(item))

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
        return (self.tr("State"), self.tr("Case"), self.tr("Report"), self.tr("Time left"),
                self.tr("Due (local time)"), self.tr("Title"))[section]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid() or not 0 <= index.row() < len(self._rows) \
                or not 0 <= index.column() < len(Columns):
            return None
        item = self._rows[index.row()]
        column = Columns(index.column())
        overdue = self.overdue(item)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if column == Columns.STATE:
                return self.tr("⚠ OVERDUE") if overdue else self.tr("Due")
            if column == Columns.TIME_LEFT:
                return time_left(item.due, self.now)
            if column == Columns.DUE:
                return format_local(item.due)
            if column == Columns.STAGE:
                return item.stage.label
            if column == Columns.REF:
                return item.ref
            return one_line(item.title)
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip_text(f"{item.ref}: {item.title}\n{item.stage.label} due {format_local(item.due)} "
                                f"({item.basis})\n" + self.tr("Double-click or Enter opens the case"))
        if role == Qt.ItemDataRole.BackgroundRole and overdue:
            return QBrush(_OVERDUE_BACKGROUND)
        if role == Qt.ItemDataRole.ForegroundRole and overdue:
            return QBrush(_OVERDUE_TEXT)
        if role == Qt.ItemDataRole.FontRole and overdue and column in (Columns.STATE, Columns.TIME_LEFT):
            font = QFont()
            font.setBold(True)
            return font
        if role == Roles.REF:
            return item.ref
        if role == Roles.OVERDUE:
            return overdue
        return None
