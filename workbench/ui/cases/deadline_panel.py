"""The deadline panel: every open incident's next due NIS2 or CIRCIA report, overdue ones first and marked.

A timer moves the panel's clock every ``TICK_MS``: the time left counts down and a report whose due time passes
turns overdue, then the panel reads the workspace again (the next stage may have changed). Double-click or Enter
on a row opens its case.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QModelIndex, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QVBoxLayout, QWidget

from workbench.app.session import Session
from workbench.app.tasks import TaskFailure, TaskHandle
from workbench.services import cases
from workbench.services.cases import DueReport
from workbench.ui.cases.deadline_model import Columns, DeadlineModel, Roles
from workbench.ui.common.text import plain_label
from workbench.ui.common.views import read_only_rows

logger = logging.getLogger(__name__)

TICK_MS = 30_000


def utc_clock() -> datetime:
    return datetime.now(UTC)


class DeadlinePanel(QWidget):
    case_opened = Signal(str)
    """The reference of the case whose row was double-clicked (or chosen with Enter)."""
    clock_moved = Signal(object)
    """The panel's clock (a UTC ``datetime``) moved on: other views of due times count down with it."""

    def __init__(
        self, session: Session, parent: QWidget | None = None, clock: Callable[[], datetime] = utc_clock
    ) -> None:
        super().__init__(parent)
        self.setObjectName("deadlinePanel")
        self.session = session
        self.clock = clock
        self.model = DeadlineModel(self)
        heading = plain_label(self.tr("Reports due"), self)
        font = QFont(heading.font())
        font.setBold(True)
        heading.setFont(font)
        self.summary = plain_label("", self, wrap=True)
        self.summary.setObjectName("deadlineSummary")
        self.summary.setAccessibleName(self.tr("Reports due, summary"))
        self.table = QTableView(self)
        self.table.setObjectName("deadlineTable")
        self.table.setAccessibleName(self.tr("Reports due"))
        self.table.setToolTip(
            self.tr("Each open incident's next due report; overdue ones first. Double-click or Enter opens the case.")
        )
        self.table.setModel(self.model)
        read_only_rows(self.table)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        for column, width in (
            (Columns.STATE, 92),
            (Columns.REF, 102),
            (Columns.STAGE, 140),
            (Columns.TIME_LEFT, 155),
            (Columns.DUE, 150),
        ):
            header.resizeSection(column, width)
        self.table.activated.connect(self._activated)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(heading)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.tick)
        self._task: TaskHandle | None = None
        self._generation = 0

    def reload(self) -> None:
        """Read every open incident's next due report (off the GUI thread)."""
        if not self.session.is_open:
            return
        self._generation += 1
        generation, now = self._generation, self.clock()
        if self._task is not None:
            self._task.cancel()
        task = self.session.run("deadline panel", lambda ws, _control: cases.deadline_panel(ws, now=now))
        self._task = task
        task.succeeded.connect(lambda rows: self._loaded(generation, rows, now))
        task.failed.connect(lambda failure: self._failed(generation, failure))
        self.timer.start()

    def clear(self) -> None:
        self._generation += 1
        self.timer.stop()
        if self._task is not None:
            self._task.cancel()
            self._task = None
        self.model.clear()
        self.summary.setText("")

    def tick(self) -> None:
        """The clock moved on: count down, and read again when a report passed its due time."""
        if not self.session.is_open:
            return
        now = self.clock()
        crossed = self.model.tick(now)
        self.clock_moved.emit(now)
        self._summarise()
        if crossed:
            self.reload()

    def _loaded(self, generation: int, rows: list[DueReport], now: datetime) -> None:
        if generation != self._generation:
            return
        self._task = None
        self.model.set_rows(rows, now)
        self.model.tick(self.clock())
        self._summarise()

    def _failed(self, generation: int, failure: TaskFailure) -> None:
        if generation == self._generation:
            self._task = None
            self.summary.setText(failure.message)

    def _summarise(self) -> None:
        total, overdue = self.model.rowCount(), self.model.overdue_count
        if total == 0:
            self.summary.setText(self.tr("No report is due: no open incident owes one."))
        elif overdue:
            self.summary.setText(self.tr("{0} report(s) due, ⚠ {1} overdue.").format(total, overdue))
        else:
            self.summary.setText(self.tr("{0} report(s) due, none overdue.").format(total))

    def _activated(self, index: QModelIndex) -> None:
        ref = self.model.data(index, Roles.REF)
        if ref:
            self.case_opened.emit(str(ref))

    def row_texts(self) -> list[tuple[Any, ...]]:
        """What each row shows, column by column (for tests and the accessibility tree alike)."""
        return [
            tuple(self.model.index(row, column).data() for column in Columns) for row in range(self.model.rowCount())
        ]
