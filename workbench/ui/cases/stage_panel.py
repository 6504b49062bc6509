"""An incident's reporting tab: each NIS2 and CIRCIA stage with its due time and state, and the submissions
recorded (with "Record submission…")."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView, QSplitter, QTableView, QVBoxLayout, QWidget

from workbench.domain.cases.case import RecordKind
from workbench.domain.deadlines import StageDeadline
from workbench.ui.cases.records_tab import RecordsTab
from workbench.ui.cases.stage_models import StageDeadlineModel
from workbench.ui.common.text import plain_label
from workbench.ui.common.views import read_only_rows


class ReportingTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reportingTab")
        self.model = StageDeadlineModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("stageTable")
        self.table.setAccessibleName(self.tr("Reports and deadlines"))
        self.table.setModel(self.model)
        read_only_rows(self.table)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        # A handful of rows (one per report stage): sized to their text, so that "Missed (late by …)" shows whole.
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        note = plain_label(
            self.tr("The clocks start at the time of awareness (Details). Hours are elapsed hours; times are local."),
            self,
            wrap=True,
        )
        note.setEnabled(False)
        self.submissions = RecordsTab(RecordKind.STAGE, self, add_text=self.tr("&Record submission…"))
        self.submissions.add_button.setObjectName("recordSubmission")
        self.submissions.add_button.setToolTip(self.tr("Record that a report stage was sent to the authority"))
        top = QWidget(self)
        column = QVBoxLayout(top)
        column.setContentsMargins(4, 4, 4, 0)
        column.addWidget(self.table, 1)
        column.addWidget(note)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(top)
        splitter.addWidget(self.submissions)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

    def set_deadlines(self, deadlines: list[StageDeadline], now: datetime) -> None:
        self.model.set_deadlines(deadlines, now)

    def clear(self) -> None:
        self.model.clear()
        self.submissions.model.clear()
