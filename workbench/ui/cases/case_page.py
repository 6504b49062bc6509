"""The tabs of one kind of case, built once per kind and kept: an incident's details, reporting clocks, timeline,
tasks and linked objects; an exercise's overview, participants, objectives, injects, timeline, observations,
improvement plan, tasks and linked objects. The case editor fills them and connects their requests."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QScrollArea, QTabWidget, QVBoxLayout, QWidget

from workbench.domain.cases.case import RECORD_KINDS, RecordKind
from workbench.domain.cases.exercise import ExerciseOverview
from workbench.domain.cases.incident import IncidentDetails
from workbench.domain.cases.vocab import CaseKind
from workbench.ui.cases.case_header import CaseHeader
from workbench.ui.cases.case_timeline import TimelineTab
from workbench.ui.cases.field_form import FieldForm
from workbench.ui.cases.linked_tab import LinkedTab
from workbench.ui.cases.records_tab import RecordsTab
from workbench.ui.cases.stage_panel import ReportingTab


class CasePage(QTabWidget):
    """Every tab of one kind of case; ``records`` holds the table of each kind of record it shows."""

    def __init__(self, kind: CaseKind, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.setObjectName(f"caseTabs_{kind.value}")
        self.setDocumentMode(True)
        # Every tab stays in view (an exercise has nine): a narrow editor elides their titles, whose whole text
        # is the tab's tool tip, rather than hiding some behind scroll arrows.
        self.setUsesScrollButtons(False)
        self.setElideMode(Qt.TextElideMode.ElideRight)
        self.tabBar().setExpanding(False)
        self.tabBar().setStyleSheet("QTabBar::tab { padding: 4px 7px; }")
        self.records: dict[RecordKind, RecordsTab] = {}
        details: type = IncidentDetails if kind is CaseKind.INCIDENT else ExerciseOverview
        self.header = CaseHeader()
        self.form = FieldForm(details)
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.addWidget(self.header)
        column.addWidget(self.form)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setObjectName("detailsScroll")
        scroll.setWidgetResizable(True)
        scroll.setWidget(holder)
        self.details = scroll
        self.addTab(scroll, self.tr("Details") if kind is CaseKind.INCIDENT else self.tr("Overview"))
        self.reporting: ReportingTab | None = None
        if kind is CaseKind.INCIDENT:
            self.reporting = ReportingTab()
            self.records[RecordKind.STAGE] = self.reporting.submissions
            self.addTab(self.reporting, self.tr("Reporting"))
        # The tab of each kind of record (the timeline tab holds the events, the reporting tab the stages).
        titles = {
            RecordKind.TASK: self.tr("Tasks"),
            RecordKind.PARTICIPANT: self.tr("People"),
            RecordKind.OBJECTIVE: self.tr("Objectives"),
            RecordKind.INJECT: self.tr("Injects"),
            RecordKind.OBSERVATION: self.tr("Observations"),
            RecordKind.IMPROVEMENT: self.tr("Improvements"),
        }
        for record_kind in RECORD_KINDS[kind]:
            if record_kind in titles:
                tab = RecordsTab(record_kind)
                self.records[record_kind] = tab
                self.addTab(tab, titles[record_kind])
        self.timeline = TimelineTab()
        self.records[RecordKind.EVENT] = self.timeline.events
        # Incidents: after the reporting clocks; exercises: after the injects it draws.
        injects = self.records.get(RecordKind.INJECT)
        self.insertTab(self.indexOf(injects) + 1 if injects is not None else 2, self.timeline, self.tr("Timeline"))
        self.linked = LinkedTab()
        self.addTab(self.linked, self.tr("Linked"))
        whole = {
            self.indexOf(self.linked): self.tr("Linked objects: STIX objects of the library linked to this case"),
        }
        if RecordKind.PARTICIPANT in self.records:
            whole[self.indexOf(self.records[RecordKind.PARTICIPANT])] = self.tr(
                "Participants, third-party observers included"
            )
        if RecordKind.IMPROVEMENT in self.records:
            whole[self.indexOf(self.records[RecordKind.IMPROVEMENT])] = self.tr("Improvement plan")
        for index in range(self.count()):
            self.setTabToolTip(index, whole.get(index, self.tabText(index)))

    def clear(self) -> None:
        self.header.clear()
        self.form.set_values({})
        for tab in self.records.values():
            tab.model.clear()
        if self.reporting is not None:
            self.reporting.clear()
        self.timeline.view.clear()
        self.linked.model.clear()
