"""The case's timeline tab: the time axis above, the timeline events table below (the accessible equivalent).

``timeline_entries`` turns a case into markers: its timeline events, an exercise's injects (planned and actual),
an incident's stage submissions and report due times, and the incident's awareness or the exercise's start and
end.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from workbench.domain.cases.case import Case, RecordKind
from workbench.domain.cases.vocab import CaseKind
from workbench.domain.deadlines import StageDeadline
from workbench.ui.cases.records_tab import RecordsTab
from workbench.ui.cases.timeline_view import Mark, TimelineEntry, TimelineView


def _t(text: str) -> str:
    return QCoreApplication.translate("CaseTimeline", text)


def timeline_entries(case: Case, deadlines: list[StageDeadline]) -> list[TimelineEntry]:
    """Every dated thing of the case, as markers for the timeline view."""
    entries: list[TimelineEntry] = []
    for event in case.events:
        entries.append(
            TimelineEntry(Mark.EVENT, event.at, event.title, event.kind.label, event.uid, RecordKind.EVENT.value)
        )
    for inject in case.injects:
        name = _t("Inject {0}").format(inject.number) if inject.number else _t("Inject")
        label = f"{name}: {inject.description}"
        entries.append(
            TimelineEntry(
                Mark.INJECT_PLANNED, inject.planned_at, label, _t("planned"), inject.uid, RecordKind.INJECT.value
            )
        )
        if inject.actual_at is not None:
            entries.append(
                TimelineEntry(
                    Mark.INJECT_ACTUAL,
                    inject.actual_at,
                    label,
                    _t("actual"),
                    inject.uid,
                    RecordKind.INJECT.value,
                    planned_at=inject.planned_at,
                )
            )
    for stage in case.stages:
        label = _t("{0} sent (v{1})").format(stage.stage.label, stage.version or 1)
        entries.append(
            TimelineEntry(
                Mark.SUBMISSION, stage.submitted_at, label, stage.reference or "", stage.uid, RecordKind.STAGE.value
            )
        )
    for item in deadlines:
        if item.due is not None:
            entries.append(TimelineEntry(Mark.DUE, item.due, _t("{0} due").format(item.stage.label), item.basis))
    if case.kind is CaseKind.INCIDENT and case.incident is not None:
        entries.append(TimelineEntry(Mark.BOUNDARY, case.incident.awareness_at, _t("Awareness")))
    elif case.exercise is not None:
        if case.exercise.starts_at is not None:
            entries.append(TimelineEntry(Mark.BOUNDARY, case.exercise.starts_at, _t("Exercise starts")))
        if case.exercise.ends_at is not None:
            entries.append(TimelineEntry(Mark.BOUNDARY, case.exercise.ends_at, _t("Exercise ends")))
    return entries


class TimelineTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timelineTab")
        self.view = TimelineView(self)
        self.events = RecordsTab(RecordKind.EVENT, self)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.view)
        splitter.addWidget(self.events)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.splitter = splitter
