"""The deadline panel follows stage submissions and the clock; objects are linked from the library or created in
the case, and a link picker in use at locking is kept and put back; the list filters and sorts; locking drops
everything."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMessageBox

from tests.ui.case_helpers import (
    choose,
    click,
    lock_again_while_restoring,
    open_cases,
    shown,
    type_time,
    wait_dialog,
)
from workbench.domain.cases.case import RecordKind
from workbench.domain.ids import derived_id
from workbench.services import cases
from workbench.services.cases import links as case_links
from workbench.services.cases import records as case_records
from workbench.storage.objects import store_digest
from workbench.ui.cases.case_list_model import Columns as ListColumns
from workbench.ui.cases.deadline_model import Columns, time_left
from workbench.ui.cases.link_dialog import LinkObjectsDialog
from workbench.ui.cases.object_dialog import CreateObjectDialog
from workbench.ui.cases.record_dialog import RecordDialog
from workbench.ui.cases.stage_models import Columns as StageColumns

OWL = derived_id("threat-actor", "demo", "owl")


def test_recording_a_stage_moves_the_deadline_panel_to_the_next_report(qtbot, window, ui_workspace) -> None:
    aware = (datetime.now(UTC) - timedelta(hours=2)).replace(second=0, microsecond=0)
    ref = cases.create_case(ui_workspace, "incident", "Hospital ransomware", fields={"awareness_at": aware}).ref
    screen = open_cases(qtbot, window, ui_workspace)
    panel = screen.deadlines
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1)
    assert panel.row_texts()[0][Columns.STAGE] == "Early warning"
    assert panel.timer.isActive()  # the panel counts down by itself

    screen.open_case(ref)
    qtbot.waitUntil(lambda: screen.editor.view is not None)
    reporting = screen.editor.reporting
    screen.editor.tabs.setCurrentWidget(reporting)
    click(qtbot, reporting.submissions.add_button)
    dialog = wait_dialog(qtbot, RecordDialog)
    type_time(qtbot, dialog.form.editor("submitted_at"), aware + timedelta(hours=1))
    qtbot.keyClicks(dialog.form.editor("reference").input, "CSIRT-2026-0042")
    click(qtbot, dialog.ok_button)
    qtbot.waitUntil(lambda: reporting.submissions.model.rowCount() == 1)

    qtbot.waitUntil(lambda: panel.row_texts() and panel.row_texts()[0][Columns.STAGE] == "Incident notification")
    assert panel.row_texts()[0][Columns.TIME_LEFT].startswith("69 h")
    states = {
        reporting.model.index(row, StageColumns.STAGE).data(): reporting.model.index(row, StageColumns.STATE).data()
        for row in range(reporting.model.rowCount())
    }
    assert states["Early warning"] == "✔ Met"
    assert states["Incident notification"].startswith("Pending (69 h")
    stored = cases.get_case(ui_workspace, ref).stages
    assert [(item.stage.value, item.version, item.reference) for item in stored] == [
        ("early-warning", 1, "CSIRT-2026-0042")
    ]


def test_the_panel_counts_down_turns_overdue_in_words_and_opens_the_case(qtbot, window, ui_workspace) -> None:
    aware = datetime.now(UTC) - timedelta(hours=23)
    ref = cases.create_case(ui_workspace, "incident", "Grid intrusion", fields={"awareness_at": aware}).ref
    cases.create_case(
        ui_workspace,
        "incident",
        "Closed long ago",
        status="closed",
        fields={"awareness_at": aware - timedelta(days=90)},
    )
    screen = open_cases(qtbot, window, ui_workspace)
    panel = screen.deadlines
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1)  # the closed incident owes nothing
    first = panel.row_texts()[0]
    assert first[Columns.STATE] == "Due" and first[Columns.TIME_LEFT].endswith("left")
    assert "none overdue" in panel.summary.text()

    later = datetime.now(UTC) + timedelta(hours=2)
    panel.clock = lambda: later
    panel.timer.timeout.emit()  # what the timer does every half minute
    qtbot.waitUntil(lambda: panel.row_texts()[0][Columns.STATE] == "⚠ OVERDUE")
    row = panel.row_texts()[0]
    assert row[Columns.TIME_LEFT].endswith("overdue") and row[Columns.STAGE] == "Early warning"
    assert "1 overdue" in panel.summary.text()
    index = panel.model.index(0, Columns.STATE)
    assert index.data(Qt.ItemDataRole.BackgroundRole) is not None  # the colour repeats what the words say

    panel.table.setFocus()
    panel.table.setCurrentIndex(panel.model.index(0, Columns.REF))
    qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.editor.ref == ref)
    assert screen.table.currentIndex().row() == screen.model.row_of(ref)


def test_time_left_reads_in_hours_days_and_overdue() -> None:
    now = datetime(2026, 3, 29, 0, 0, tzinfo=UTC)
    assert time_left(now + timedelta(minutes=35, seconds=20), now) == "35 min left"
    assert time_left(now + timedelta(hours=20, minutes=5), now) == "20 h 05 min left"
    assert time_left(now + timedelta(days=3, hours=4), now) == "76 h 00 min left"
    assert time_left(now + timedelta(days=5, hours=4, minutes=20), now) == "5 d 4 h left"
    assert time_left(now - timedelta(hours=2, minutes=1), now) == "2 h 01 min overdue"


def test_an_object_is_linked_from_the_library_with_a_search(qtbot, window, demo_workspace) -> None:
    ref = cases.create_case(demo_workspace, "incident", "Invoice lure").ref
    screen = open_cases(qtbot, window, demo_workspace)
    screen.open_case(ref)
    qtbot.waitUntil(lambda: screen.editor.view is not None)
    linked = screen.editor.linked
    screen.editor.tabs.setCurrentWidget(linked)
    click(qtbot, linked.link_button)
    dialog = wait_dialog(qtbot, LinkObjectsDialog)
    qtbot.keyClicks(dialog.search, "Sandstorm")
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.searched == ("Sandstorm", None))
    names = [dialog.model.index(row, 0).data() for row in range(dialog.model.rowCount())]
    assert "Sandstorm Owl" in names and "GreyLantern" not in names
    dialog.table.selectRow(names.index("Sandstorm Owl"))
    click(qtbot, dialog.ok_button)
    qtbot.waitUntil(lambda: linked.model.rowCount() == 1)
    assert not shown(LinkObjectsDialog)
    assert linked.model.index(0, 1).data() == "Sandstorm Owl"
    assert linked.model.index(0, 3).data() == "linked from the library"
    assert cases.get_case(demo_workspace, ref).linked == [OWL]
    # Show in library switches screens and opens the object there.
    linked.table.selectRow(0)
    click(qtbot, linked.show_button)
    library = window.screens["library"]
    assert window.pages.currentWidget() is library
    qtbot.waitUntil(lambda: library.detail.current is not None and library.detail.current.row.id == OWL)


def test_an_indicator_is_created_inside_the_case_and_a_bad_pattern_refused(qtbot, window, ui_workspace) -> None:
    ref = cases.create_case(ui_workspace, "incident", "Scanning").ref
    screen = open_cases(qtbot, window, ui_workspace)
    screen.open_case(ref)
    qtbot.waitUntil(lambda: screen.editor.view is not None)
    linked = screen.editor.linked
    screen.editor.tabs.setCurrentWidget(linked)
    click(qtbot, linked.create_button)
    dialog = wait_dialog(qtbot, CreateObjectDialog)
    choose(qtbot, dialog.type_box, "Indicator")
    qtbot.keyClicks(dialog.name, "Scanner")
    qtbot.keyClicks(dialog.pattern, "[ipv4-addr:value = ")
    before = store_digest(ui_workspace.conn)
    click(qtbot, dialog.ok_button)
    qtbot.waitUntil(lambda: dialog.error.isVisible())
    assert dialog.error.text().startswith("Not saved: not a valid indicator object")
    assert store_digest(ui_workspace.conn) == before
    qtbot.keyClicks(dialog.pattern, "'203.0.113.9']")
    click(qtbot, dialog.ok_button)
    qtbot.waitUntil(lambda: linked.model.rowCount() == 1)
    assert linked.model.index(0, 0).data() == "indicator" and linked.model.index(0, 1).data() == "Scanner"
    assert linked.model.index(0, 3).data() == "created in the case"
    stored = ui_workspace.objects.get(linked.model.object(0).object_id)
    assert stored["pattern"] == "[ipv4-addr:value = '203.0.113.9']"
    assert stored["object_marking_refs"]  # marked with the case's TLP


def test_unlinking_asks_nothing_and_keeps_the_object(qtbot, window, demo_workspace) -> None:
    ref = cases.create_case(demo_workspace, "incident", "Invoice lure").ref
    case_links.link_objects(demo_workspace, ref, [OWL])
    screen = open_cases(qtbot, window, demo_workspace)
    screen.open_case(ref)
    qtbot.waitUntil(lambda: screen.editor.view is not None and screen.editor.linked.model.rowCount() == 1)
    linked = screen.editor.linked
    linked.table.setFocus()
    linked.table.selectRow(0)
    qtbot.keyClick(linked.table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: linked.model.rowCount() == 0)
    assert demo_workspace.objects.get(OWL) is not None


def test_the_list_filters_and_sorts(qtbot, window, ui_workspace) -> None:
    grid = cases.create_case(
        ui_workspace, "incident", "Grid intrusion", fields={"sector": "energy", "member_state": "FI"}
    ).ref
    carrier = cases.create_case(
        ui_workspace,
        "incident",
        "Carrier outage",
        description="BGP hijack",
        fields={"sector": "telecommunications", "member_state": "NL"},
    ).ref
    drill = cases.create_case(ui_workspace, "exercise", "Annual drill").ref
    cases.update_case(ui_workspace, carrier, status="closed")
    screen = open_cases(qtbot, window, ui_workspace)
    model, filters = screen.model, screen.filters

    def refs() -> set[str]:
        qtbot.waitUntil(lambda: not model.loading)
        return {model.summary(row).ref for row in range(model.rowCount())}

    assert refs() == {grid, carrier, drill}
    choose(qtbot, filters.kind_box, "Exercises")
    assert refs() == {drill}
    choose(qtbot, filters.kind_box, "All kinds")
    click(qtbot, filters.open_check)
    assert refs() == {grid, drill}
    click(qtbot, filters.open_check)
    choose(qtbot, filters.sector_box, "Digital infrastructure")
    assert refs() == {carrier}
    filters.reset()
    choose(qtbot, filters.state_box, "FI")
    assert refs() == {grid}
    filters.reset()
    qtbot.keyClicks(filters.search, "hijack")
    qtbot.keyClick(filters.search, Qt.Key.Key_Return)
    assert refs() == {carrier}
    qtbot.keyClicks(filters.search, "zzz")
    qtbot.keyClick(filters.search, Qt.Key.Key_Return)
    assert refs() == set() and screen.status.text() == "No cases match these filters."
    filters.reset()
    assert refs() == {grid, carrier, drill}
    header = screen.table.horizontalHeader()
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=_section_centre(header, ListColumns.TITLE))
    qtbot.waitUntil(lambda: not model.loading)
    titles = [model.summary(row).title for row in range(model.rowCount())]
    assert titles == ["Annual drill", "Carrier outage", "Grid intrusion"]  # by title, in SQL
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=_section_centre(header, ListColumns.TITLE))
    qtbot.waitUntil(lambda: not model.loading and model.summary(0).title == "Grid intrusion")
    # The next report due is computed, not a column of the query: clicking it keeps the order and says so.
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=_section_centre(header, ListColumns.NEXT_DUE))
    assert header.sortIndicatorSection() == ListColumns.TITLE
    assert not model.loading and model.summary(0).title == "Grid intrusion"


def _section_centre(header, column: int) -> QPoint:
    return QPoint(header.sectionViewportPosition(column) + header.sectionSize(column) // 2, header.height() // 2)


def test_removing_a_record_asks_first(qtbot, window, ui_workspace) -> None:
    ref = cases.create_case(ui_workspace, "incident", "Grid intrusion").ref
    task = case_records.add_record(ui_workspace, ref, "task", {"title": "Image the disk", "owner": "A. Lind"})
    screen = open_cases(qtbot, window, ui_workspace)
    screen.open_case(ref)
    qtbot.waitUntil(lambda: screen.editor.view is not None)
    tasks = screen.editor.records[RecordKind.TASK]
    assert tasks.model.index(0, tasks.model.Columns.OWNER).data() == "A. Lind"
    tasks.table.selectRow(0)
    click(qtbot, tasks.remove_button)
    box = wait_dialog(qtbot, QMessageBox)
    click(qtbot, box.button(QMessageBox.StandardButton.Yes))
    qtbot.waitUntil(lambda: tasks.model.rowCount() == 0)
    assert cases.get_case(ui_workspace, ref).tasks == [] and task.uid


def test_locking_drops_the_cases_from_memory(qtbot, window, ui_workspace) -> None:
    ref = cases.create_case(ui_workspace, "incident", "Grid intrusion").ref
    screen = open_cases(qtbot, window, ui_workspace)
    qtbot.keyClicks(screen.filters.search, "Grid")
    qtbot.keyClick(screen.filters.search, Qt.Key.Key_Return)
    screen.open_case(ref)
    qtbot.waitUntil(lambda: screen.editor.view is not None)
    screen.editor.add_record(RecordKind.TASK)
    assert shown(RecordDialog)
    window.session.lock()
    assert screen.model.rowCount() == 0 and screen.deadlines.model.rowCount() == 0
    assert screen.editor.view is None and screen.editor.heading.text() == ""
    assert screen.filters.search.text() == "" and not screen.deadlines.timer.isActive()
    qtbot.waitUntil(lambda: not shown(RecordDialog))


def _open_link_picker(qtbot, window, ws, title: str):  # type: ignore[no-untyped-def]
    ref = cases.create_case(ws, "incident", title).ref
    screen = open_cases(qtbot, window, ws)
    screen.open_case(ref)
    qtbot.waitUntil(lambda: screen.editor.view is not None)
    linked = screen.editor.linked
    screen.editor.tabs.setCurrentWidget(linked)
    click(qtbot, linked.link_button)
    dialog = wait_dialog(qtbot, LinkObjectsDialog)
    qtbot.waitUntil(lambda: dialog.searched == ("", None))  # the most recent objects, listed at opening
    return ref, screen, dialog


def _search_and_choose(qtbot, dialog: LinkObjectsDialog, words: str, name: str) -> None:
    qtbot.keyClicks(dialog.search, words)
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.searched == (words, None))
    names = [dialog.model.index(row, 0).data() for row in range(dialog.model.rowCount())]
    dialog.table.selectRow(names.index(name))


def test_an_untouched_link_picker_is_not_unsaved_work(qtbot, window, demo_workspace) -> None:
    _ref, _screen, dialog = _open_link_picker(qtbot, window, demo_workspace, "Invoice lure")
    assert dialog.model.rowCount() > 0
    assert window.keeper.unsaved() == []
    qtbot.keyClicks(dialog.search, "Owl")
    assert len(window.keeper.unsaved()) == 1
    dialog.search.clear()  # back as it opened
    qtbot.waitUntil(lambda: dialog.searched == ("", None))
    assert window.keeper.unsaved() == []


def test_the_search_and_objects_chosen_in_the_link_picker_at_locking_are_put_back(
    qtbot, window, demo_workspace
) -> None:
    ref, screen, dialog = _open_link_picker(qtbot, window, demo_workspace, "Invoice lure")
    _search_and_choose(qtbot, dialog, "Sandstorm", "Sandstorm Owl")
    assert [item.what for _key, item in window.keeper.unsaved()] == [f"Case {ref} (Invoice lure): objects being linked"]
    # Locked again at once after Restore, before the case was read and the picker opened: kept again.
    lock_again_while_restoring(qtbot, window, lambda: not shown(LinkObjectsDialog))
    qtbot.waitUntil(lambda: screen.editor.ref == ref)
    again = wait_dialog(qtbot, LinkObjectsDialog)
    assert again is not dialog
    qtbot.waitUntil(lambda: again.searched == ("Sandstorm", None))  # the search was run again
    assert again.search.text() == "Sandstorm"
    assert again.chosen_ids() == [OWL]  # and the object chosen then is chosen again
    assert cases.get_case(window.session.workspace, ref).linked == []  # kept, not linked
    click(qtbot, again.ok_button)
    qtbot.waitUntil(lambda: not shown(LinkObjectsDialog))
    assert cases.get_case(window.session.workspace, ref).linked == [OWL]


def test_quit_with_a_link_picker_in_use_asks_to_finish_it_first(qtbot, window, demo_workspace) -> None:
    _ref, screen, dialog = _open_link_picker(qtbot, window, demo_workspace, "Invoice lure")
    _search_and_choose(qtbot, dialog, "Sandstorm", "Sandstorm Owl")
    window.close()
    box = wait_dialog(qtbot, QMessageBox)
    assert "objects being linked" in box.text()
    click(qtbot, box.button(QMessageBox.StandardButton.Save))
    qtbot.waitUntil(lambda: "Finish or cancel the objects being linked" in screen.editor.error.text())
    assert window.isVisible() and window.session.is_open and dialog.isVisible()


def test_a_link_picker_kept_for_a_case_gone_is_dropped_with_a_message(qtbot, window, demo_workspace) -> None:
    ref, screen, dialog = _open_link_picker(qtbot, window, demo_workspace, "Invoice lure")
    _search_and_choose(qtbot, dialog, "Sandstorm", "Sandstorm Owl")
    [(key, work)] = window.keeper.unsaved()
    dialog.reject()
    qtbot.waitUntil(lambda: not shown(LinkObjectsDialog))
    gone = ref[:-4] + "9999"  # no case has this reference
    assert screen.restore_work({**work.content, "ref": gone})
    qtbot.waitUntil(lambda: f"The case {gone} could not be opened again" in window.statusBar().currentMessage())
    message = window.statusBar().currentMessage()
    assert 'the objects being linked (search "Sandstorm", 1 chosen)' in message and "is lost" in message
    assert not shown(LinkObjectsDialog)
    assert screen.editor.ref == ref  # the case shown stays; nothing was put over it
    assert key == "cases" and cases.get_case(window.session.workspace, ref).linked == []
