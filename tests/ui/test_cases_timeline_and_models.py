"""The timeline view puts events and injects in time order, zooms and scrolls by keys and wheel; hostile text in a
case stays text; every model of the Cases screen passes the model tester; the demo's cases."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QLabel

from tests.ui.case_helpers import open_cases, shown
from workbench.domain.cases.case import RECORD_CLASSES, RecordKind
from workbench.domain.cases.fields import field_info
from workbench.domain.cases.incident import IncidentDetails
from workbench.domain.cases.vocab import CaseKind
from workbench.services import cases, library
from workbench.services.cases import records as case_records
from workbench.services.demo import PARTNER_NAME
from workbench.services.demo.cases import fill_cases
from workbench.ui.cases.case_list_model import CaseListModel
from workbench.ui.cases.case_view import load_case_view
from workbench.ui.cases.deadline_model import DeadlineModel
from workbench.ui.cases.field_editors import TimeEditor
from workbench.ui.cases.link_dialog import PickModel
from workbench.ui.cases.linked_tab import LinkedModel
from workbench.ui.cases.record_dialog import RecordDialog
from workbench.ui.cases.record_model import RecordModel
from workbench.ui.cases.stage_models import StageDeadlineModel
from workbench.ui.cases.timeline_view import Mark

HOSTILE = '<img src="file:///etc/passwd"><b>bold</b> <a href="http://evil.example">click</a>'
START = datetime(2026, 6, 10, 7, 0, tzinfo=UTC)


def exercise_with_injects(ws) -> str:
    ref = cases.create_case(
        ws, "exercise", "Cyber Coast 2026", fields={"starts_at": START, "ends_at": START + timedelta(hours=8)}
    ).ref
    case_records.add_records(
        ws,
        ref,
        {
            # Entered out of order, on purpose.
            "events": [
                {"at": START + timedelta(hours=6), "title": "Hot wash"},
                {"at": START + timedelta(hours=1), "title": "Players briefed"},
                {"at": START + timedelta(hours=3), "title": "Media enquiry handled"},
            ],
            "injects": [
                {
                    "number": "2",
                    "planned_at": START + timedelta(hours=2),
                    "actual_at": START + timedelta(hours=2.5),
                    "description": "Beaconing seen",
                },
                {"number": "1", "planned_at": START + timedelta(minutes=30), "description": "EDR alert"},
            ],
        },
    )
    return ref


def test_the_timeline_shows_events_and_injects_in_time_order(qtbot, window, ui_workspace) -> None:
    ref = exercise_with_injects(ui_workspace)
    screen = open_cases(qtbot, window, ui_workspace)
    screen.open_case(ref)
    qtbot.waitUntil(lambda: screen.editor.view is not None)
    tab = screen.editor.timeline
    screen.editor.tabs.setCurrentWidget(tab)
    view = tab.view
    assert view.labels_in_order(Mark.EVENT) == ["Players briefed", "Media enquiry handled", "Hot wash"]
    assert view.labels_in_order(Mark.INJECT_PLANNED) == ["Inject 1: EDR alert", "Inject 2: Beaconing seen"]
    planned = next(m for m in view.markers if m.entry.mark is Mark.INJECT_PLANNED and "Beaconing" in m.entry.label)
    actual = next(m for m in view.markers if m.entry.mark is Mark.INJECT_ACTUAL)
    assert actual.x() > planned.x() and actual.y() == planned.y()  # planned and actual on one row, joined
    assert [lane.title for lane in view.lanes] == ["Events", "Injects ◇ planned ◆ actual"]
    # The table under the view lists the same events, in time order.
    events = tab.events.model
    assert [events.record(row).title for row in range(events.rowCount())] == [
        "Players briefed",
        "Media enquiry handled",
        "Hot wash",
    ]

    view.setFocus()
    fitted, span = view.pph, actual.x() - planned.x()
    qtbot.keyClick(view, Qt.Key.Key_Plus)
    assert view.pph > fitted
    planned = next(m for m in view.markers if m.entry.mark is Mark.INJECT_PLANNED and "Beaconing" in m.entry.label)
    actual = next(m for m in view.markers if m.entry.mark is Mark.INJECT_ACTUAL)
    assert actual.x() - planned.x() > span  # time stretched (the scene is rebuilt, so text keeps its size)
    for _ in range(3):
        qtbot.keyClick(view, Qt.Key.Key_Plus)
    qtbot.keyClick(view, Qt.Key.Key_End)
    assert view.horizontalScrollBar().value() == view.horizontalScrollBar().maximum() > 0
    qtbot.keyClick(view, Qt.Key.Key_Home)
    assert view.horizontalScrollBar().value() == 0
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert view.horizontalScrollBar().value() > 0
    wheel = QWheelEvent(
        QPointF(100, 60),
        QPointF(view.mapToGlobal(QPoint(100, 60))),
        QPoint(0, 0),
        QPoint(0, -120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.ControlModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    zoomed = view.pph
    QApplication.sendEvent(view.viewport(), wheel)
    assert view.pph < zoomed  # Ctrl+wheel down zooms out
    qtbot.keyClick(view, Qt.Key.Key_0)
    assert view.pph == fitted

    # Up and Down walk the markers; Enter opens the record.
    qtbot.keyClick(view, Qt.Key.Key_Down)
    chosen = [m for m in view.markers if m.isSelected()]
    assert len(chosen) == 1 and chosen[0].entry.label == "Inject 1: EDR alert"
    qtbot.keyClick(view, Qt.Key.Key_Return)
    dialog = next(iter(shown(RecordDialog)))
    assert dialog.form.editor("description").value() == "EDR alert"
    dialog.reject()


def test_hostile_text_in_a_case_is_shown_literally(qtbot, window, ui_workspace) -> None:
    ref = cases.create_case(
        ui_workspace,
        "incident",
        HOSTILE,
        description=HOSTILE,
        fields={"reporting_entity": HOSTILE, "affected_assets": HOSTILE},
    ).ref
    case_records.add_record(ui_workspace, ref, "event", {"at": datetime.now(UTC), "title": HOSTILE})
    screen = open_cases(qtbot, window, ui_workspace)
    screen.open_case(ref)
    qtbot.waitUntil(lambda: screen.editor.view is not None)
    editor = screen.editor
    assert editor.heading.textFormat() == Qt.TextFormat.PlainText and HOSTILE in editor.heading.text()
    assert editor.header.title_edit.text() == HOSTILE and editor.header.description.toPlainText() == HOSTILE
    assert editor.form.editor("reporting_entity").value() == HOSTILE
    assert editor.form.editor("affected_assets").value() == HOSTILE
    row = screen.model.row_of(ref)
    title = screen.model.index(row, 1)
    assert title.data() == HOSTILE
    assert "&lt;img" in title.data(Qt.ItemDataRole.ToolTipRole)  # tool tips are rich text: escaped
    events = editor.timeline.events.model
    assert events.index(0, 1).data() == HOSTILE and "&lt;a href" in events.index(0, 1).data(Qt.ItemDataRole.ToolTipRole)
    assert editor.timeline.view.labels_in_order(Mark.EVENT) == [HOSTILE]
    texts = [item.text() for item in editor.timeline.view.scene().items() if hasattr(item, "text")]
    assert any(text.startswith('<img src="file:///etc/passwd">') for text in texts)
    labels = [label for label in editor.findChildren(QLabel) if HOSTILE in label.text()]
    assert labels and all(label.textFormat() == Qt.TextFormat.PlainText for label in labels)
    qtbot.waitUntil(lambda: screen.deadlines.model.rowCount() == 1)
    assert screen.deadlines.row_texts()[0][-1] == HOSTILE
    # The refusal banner shows a message that quotes the analyst's text as text, too.
    editor.error.show_message(HOSTILE)
    assert editor.error.label.textFormat() == Qt.TextFormat.PlainText


def test_every_model_of_the_cases_screen_passes_the_model_tester(qtmodeltester, qtbot, session, demo_workspace) -> None:
    refs = fill_cases(demo_workspace)
    session.attach(demo_workspace)
    listing = CaseListModel(session, page_size=2)
    listing.reload()
    qtbot.waitUntil(lambda: listing.rowCount() == 2)
    assert listing.canFetchMore()
    qtmodeltester.check(listing, force_py=True)  # the tester fetches the next page itself
    if listing.canFetchMore():
        listing.fetchMore()
    qtbot.waitUntil(lambda: listing.rowCount() == 3)
    assert not listing.canFetchMore()
    qtmodeltester.check(listing, force_py=True)

    panel = DeadlineModel()
    panel.set_rows(cases.deadline_panel(demo_workspace), datetime.now(UTC))
    assert panel.rowCount() == 2
    qtmodeltester.check(panel, force_py=True)

    incident = load_case_view(demo_workspace, refs[0])
    exercise = load_case_view(demo_workspace, refs[2])
    stages = StageDeadlineModel()
    stages.set_deadlines(incident.deadlines, incident.now)
    qtmodeltester.check(stages, force_py=True)
    for kind in RECORD_CLASSES:
        records = RecordModel(kind)
        case = incident.case if kind in (RecordKind.STAGE,) else exercise.case
        records.set_records(case.of(kind) or incident.case.of(kind))
        assert records.rowCount() > 0, kind
        qtmodeltester.check(records, force_py=True)
    linked = LinkedModel()
    linked.set_objects(incident.linked)
    qtmodeltester.check(linked, force_py=True)
    picks = PickModel()
    picks.set_rows(library.search(demo_workspace, library.LibraryFilter(search="GreyLantern")).rows)
    assert picks.rowCount() > 0
    qtmodeltester.check(picks, force_py=True)


def test_the_demo_cases(demo_workspace) -> None:
    grid, hospital, drill = (cases.get_case(demo_workspace, ref) for ref in fill_cases(demo_workspace))
    assert grid.kind is CaseKind.INCIDENT and grid.incident is not None
    states = {item.stage.value: item.state.value for item in cases.case_deadlines(grid)}
    assert states["early-warning"] == "late" and states["notification"] == "pending"
    assert len(grid.events) >= 4 and len(grid.tasks) == 3 and len(grid.linked) == 9
    assert all(demo_workspace.objects.get(object_id) is not None for object_id in grid.linked)
    panel = cases.deadline_panel(demo_workspace)
    assert [(row.ref, row.overdue) for row in panel] == [(hospital.ref, True), (grid.ref, False)]
    observers = [item for item in drill.participants if item.role.value == "third-party-observer"]
    assert [item.organisation for item in observers] == [PARTNER_NAME]
    assert {item.rating.value for item in drill.objectives if item.rating} == {"P", "S", "M"}
    assert any(inject.actual_at is None for inject in drill.injects)
    assert drill.improvements and drill.observations


@pytest.fixture
def brussels(monkeypatch):
    """This computer in Brussels (CET/CEST) for one test."""
    monkeypatch.setenv("TZ", "Europe/Brussels")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_times_are_edited_in_local_time_and_kept_in_utc_across_daylight_saving(qtbot, brussels) -> None:
    editor = TimeEditor(field_info(IncidentDetails, "awareness_at"))
    qtbot.addWidget(editor)
    shown_as = {}
    for stored in (
        "2026-03-29T00:30:00.000Z",
        "2026-03-29T01:30:00.000Z",
        "2026-10-25T00:30:00.000Z",
        "2026-10-25T01:30:00.000Z",
    ):
        editor.set_value(stored)
        shown_as[stored] = f"{editor.edit.text()} {editor.zone.text()}"
        assert editor.value() == stored  # what is shown goes back to the services unchanged
    assert shown_as == {
        "2026-03-29T00:30:00.000Z": "2026-03-29 01:30 CET",
        "2026-03-29T01:30:00.000Z": "2026-03-29 03:30 CEST",
        # The hour that happens twice in October: the zone says which one.
        "2026-10-25T00:30:00.000Z": "2026-10-25 02:30 CEST",
        "2026-10-25T01:30:00.000Z": "2026-10-25 02:30 CET",
    }
    editor.edit.setFocus()
    qtbot.keyClick(editor.edit, Qt.Key.Key_Home)
    editor.edit.setSelectedSection(editor.edit.Section.YearSection)
    qtbot.keyClicks(editor.edit, "202607011200")  # typed as a Brussels analyst reads the clock
    assert editor.value() == "2026-07-01T10:00:00.000Z"
