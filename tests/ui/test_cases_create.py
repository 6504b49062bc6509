"""Creating and editing cases from the window with clicks and keys; refusals show the services' message, mark the
field and save nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt

from tests.ui.case_helpers import choose, click, open_cases, shown, type_time, wait_dialog
from workbench.domain.cases.case import RecordKind
from workbench.domain.cases.vocab import Rating
from workbench.services import cases
from workbench.services.cases import records as case_records
from workbench.storage.objects import store_digest
from workbench.ui.cases.new_case_dialog import NewCaseDialog
from workbench.ui.cases.record_dialog import RecordDialog


def test_an_incident_is_created_with_clicks_and_keys(qtbot, window, ui_workspace) -> None:
    screen = open_cases(qtbot, window, ui_workspace)
    assert "No cases yet" in screen.status.text()
    click(qtbot, screen.new_incident_button)
    dialog = wait_dialog(qtbot, NewCaseDialog)
    qtbot.keyClicks(dialog.title, "Wiper on a water utility's SCADA network")
    form = dialog.form
    qtbot.keyClicks(form.editor("reporting_entity").input, "Riverside Water (fictional)")
    choose(qtbot, form.editor("sector").combo, "Drinking water")
    choose(qtbot, form.editor("member_state").combo, "DE")
    aware = (datetime.now(UTC) - timedelta(hours=3)).replace(second=0, microsecond=0)
    type_time(qtbot, form.editor("awareness_at"), aware)
    click(qtbot, dialog.ok_button)
    qtbot.waitUntil(lambda: not shown(NewCaseDialog))

    qtbot.waitUntil(lambda: screen.editor.view is not None)
    case = screen.editor.view.case
    assert case.title == "Wiper on a water utility's SCADA network"
    assert case.incident is not None and case.incident.awareness_at == aware
    assert case.incident.sector.value == "drinking-water" and case.incident.member_state.value == "DE"
    assert case.incident.reporting_entity == "Riverside Water (fictional)"
    stored = cases.get_case(ui_workspace, case.ref)
    assert stored.incident == case.incident
    assert screen.model.row_of(case.ref) is not None
    assert screen.editor.heading.text().startswith(case.ref)
    # The deadline panel now lists its early warning, 21 hours away.
    qtbot.waitUntil(lambda: screen.deadlines.model.rowCount() == 1)
    row = screen.deadlines.row_texts()[0]
    assert row[1] == case.ref and row[2] == "Early warning" and row[3].endswith("left")


def test_an_exercise_is_created_and_an_objective_rated_only_p_s_m_or_u(qtbot, window, ui_workspace) -> None:
    screen = open_cases(qtbot, window, ui_workspace)
    click(qtbot, screen.new_exercise_button)
    dialog = wait_dialog(qtbot, NewCaseDialog)
    qtbot.keyClicks(dialog.title, "Cyber Coast 2026")
    start = datetime(2026, 6, 10, 7, 0, tzinfo=UTC)
    type_time(qtbot, dialog.form.editor("starts_at"), start)
    type_time(qtbot, dialog.form.editor("ends_at"), start + timedelta(hours=8))
    qtbot.keyClicks(dialog.form.editor("sponsor").input, "Coast Guard CERT")
    qtbot.keyClick(dialog.title, Qt.Key.Key_Return)  # Enter presses the default button
    qtbot.waitUntil(lambda: screen.editor.view is not None)
    ref = screen.editor.view.case.ref
    assert ref.startswith("EXE-")

    objectives = screen.editor.records[RecordKind.OBJECTIVE]
    screen.editor.tabs.setCurrentWidget(objectives)
    click(qtbot, objectives.add_button)
    add = wait_dialog(qtbot, RecordDialog)
    rating = add.form.editor("rating")
    assert rating.options() == [member.value for member in Rating] == ["P", "S", "M", "U"]
    assert rating.combo.count() == 5  # and the empty entry: an objective may not be rated yet
    qtbot.keyClicks(add.form.editor("objective").input, "Notify the authority within 24 hours")
    qtbot.keyClicks(add.form.editor("capability").input, "Reporting")
    choose(qtbot, rating.combo, "S:")
    click(qtbot, add.ok_button)
    qtbot.waitUntil(lambda: objectives.model.rowCount() == 1)
    stored = cases.get_case(ui_workspace, ref)
    assert stored.exercise is not None and stored.exercise.starts_at == start
    assert [(item.objective, item.rating) for item in stored.objectives] == [
        ("Notify the authority within 24 hours", Rating.S)
    ]
    assert objectives.model.index(0, objectives.model.Columns.RATING).data() == "S: Performed with some challenges"


def test_an_inject_before_the_exercise_starts_is_refused_and_nothing_is_saved(qtbot, window, ui_workspace) -> None:
    start = datetime(2026, 6, 10, 7, 0, tzinfo=UTC)
    ref = cases.create_case(ui_workspace, "exercise", "Cyber Coast 2026", fields={"starts_at": start}).ref
    screen = open_cases(qtbot, window, ui_workspace)
    screen.open_case(ref)
    qtbot.waitUntil(lambda: screen.editor.view is not None)
    injects = screen.editor.records[RecordKind.INJECT]
    screen.editor.tabs.setCurrentWidget(injects)
    before = store_digest(ui_workspace.conn)
    click(qtbot, injects.add_button)
    dialog = wait_dialog(qtbot, RecordDialog)
    assert dialog.form.editor("planned_at").moment() == start  # a new inject starts at the exercise's start
    type_time(qtbot, dialog.form.editor("planned_at"), start - timedelta(hours=1))
    qtbot.keyClicks(dialog.form.editor("description").input, "Ransom note found")
    click(qtbot, dialog.ok_button)
    qtbot.waitUntil(lambda: dialog.error.isVisible())
    assert "cannot be planned" in dialog.error.text() and "before the exercise starts" in dialog.error.text()
    assert dialog.isVisible() and dialog.ok_button.isEnabled()
    assert dialog.form.editor("planned_at").input.styleSheet()  # the field named is outlined
    assert dialog.form.labels["planned_at"].text().startswith("⚠")
    assert store_digest(ui_workspace.conn) == before
    # Corrected, it is saved.
    type_time(qtbot, dialog.form.editor("planned_at"), start + timedelta(minutes=30))
    click(qtbot, dialog.ok_button)
    qtbot.waitUntil(lambda: injects.model.rowCount() == 1)
    assert not shown(RecordDialog)  # closed once saved


def test_an_actual_inject_time_before_the_start_is_refused_too(qtbot, window, ui_workspace) -> None:
    start = datetime(2026, 6, 10, 7, 0, tzinfo=UTC)
    ref = cases.create_case(ui_workspace, "exercise", "Cyber Coast 2026", fields={"starts_at": start}).ref
    inject = case_records.add_record(ui_workspace, ref, "inject", {"planned_at": start, "description": "Alert"})
    screen = open_cases(qtbot, window, ui_workspace)
    screen.open_case(ref)
    qtbot.waitUntil(lambda: screen.editor.view is not None)
    before = store_digest(ui_workspace.conn)
    dialog = screen.editor.edit_record(RecordKind.INJECT, inject.uid)
    assert dialog is not None
    type_time(qtbot, dialog.form.editor("actual_at"), start - timedelta(minutes=5))
    click(qtbot, dialog.ok_button)
    qtbot.waitUntil(lambda: dialog.error.isVisible())
    assert "cannot happen" in dialog.error.text()
    assert store_digest(ui_workspace.conn) == before


def test_a_stage_before_awareness_is_refused_and_nothing_is_saved(qtbot, window, ui_workspace) -> None:
    aware = (datetime.now(UTC) - timedelta(hours=5)).replace(second=0, microsecond=0)
    ref = cases.create_case(ui_workspace, "incident", "Phishing at a bank", fields={"awareness_at": aware}).ref
    screen = open_cases(qtbot, window, ui_workspace)
    screen.open_case(ref)
    qtbot.waitUntil(lambda: screen.editor.view is not None)
    reporting = screen.editor.reporting
    screen.editor.tabs.setCurrentWidget(reporting)
    before = store_digest(ui_workspace.conn)
    click(qtbot, reporting.submissions.add_button)
    dialog = wait_dialog(qtbot, RecordDialog)
    assert dialog.windowTitle() == "Record a report submission"
    assert dialog.form.editor("stage").value() == "early-warning"  # the next report owed is proposed
    assert "version" not in dialog.form.editors  # versions are counted, not typed
    type_time(qtbot, dialog.form.editor("submitted_at"), aware - timedelta(hours=1))
    click(qtbot, dialog.ok_button)
    qtbot.waitUntil(lambda: dialog.error.isVisible())
    assert "cannot be submitted" in dialog.error.text() and "before the time of awareness" in dialog.error.text()
    assert store_digest(ui_workspace.conn) == before
    assert reporting.submissions.model.rowCount() == 0


def test_a_field_refused_by_the_services_is_shown_beside_the_form_and_nothing_saved(
    qtbot, window, ui_workspace
) -> None:
    aware = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    ref = cases.create_case(ui_workspace, "incident", "Grid intrusion", fields={"awareness_at": aware}).ref
    screen = open_cases(qtbot, window, ui_workspace)
    screen.open_case(ref)
    qtbot.waitUntil(lambda: screen.editor.view is not None)
    editor = screen.editor
    before = store_digest(ui_workspace.conn)
    type_time(qtbot, editor.form.editor("first_detected"), aware + timedelta(hours=2))
    qtbot.keyClicks(editor.form.editor("systems_affected").input, "12")
    assert editor.dirty and editor.save_button.isEnabled()
    qtbot.keyClick(editor.form.editor("systems_affected").input, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: editor.error.isVisible())
    assert editor.error.text() == "Not saved: first detected is after the time of awareness"
    assert editor.form.labels["first_detected"].text().startswith("⚠")
    assert editor.dirty and editor.form.editor("systems_affected").value() == 12  # what was typed stays
    assert store_digest(ui_workspace.conn) == before
    # A letter cannot even be typed into a count.
    qtbot.keyClicks(editor.form.editor("users_affected").input, "x7")
    assert editor.form.editor("users_affected").value() == 7
    type_time(qtbot, editor.form.editor("first_detected"), aware - timedelta(hours=2))
    click(qtbot, editor.save_button)
    qtbot.waitUntil(lambda: not editor.dirty)
    stored = cases.get_case(ui_workspace, ref).incident
    assert stored is not None and stored.systems_affected == 12 and stored.users_affected == 7
    assert stored.first_detected == aware - timedelta(hours=2)
    assert not editor.error.isVisible()


def test_a_count_can_be_said_unknown_and_reads_back_unknown(qtbot, window, ui_workspace) -> None:
    ref = cases.create_case(ui_workspace, "incident", "Records leak", fields={"records_affected": 40}).ref
    screen = open_cases(qtbot, window, ui_workspace)
    screen.open_case(ref)
    qtbot.waitUntil(lambda: screen.editor.view is not None)
    editor = screen.editor
    count = editor.form.editor("records_affected")
    assert count.unknown is not None and not count.unknown.isChecked() and count.value() == 40
    click(qtbot, count.unknown)
    assert not count.line.isEnabled() and count.value() == "unknown" and editor.dirty
    click(qtbot, editor.save_button)
    qtbot.waitUntil(lambda: not editor.dirty)
    stored = cases.get_case(ui_workspace, ref).incident
    assert stored is not None and stored.records_affected == "unknown"
    # Shown again from the store: the box is ticked, the number empty.
    screen.open_case(ref)
    qtbot.waitUntil(lambda: screen.editor.form.editor("records_affected").unknown.isChecked())
    assert screen.editor.form.editor("records_affected").line.text() == ""
    # A submission's version is a plain count: no Unknown box.
    from workbench.domain.cases.fields import field_info
    from workbench.domain.cases.incident import StageSubmission
    from workbench.ui.cases.field_editors import make_editor

    version = make_editor(field_info(StageSubmission, "version"), editor)
    assert version.unknown is None


def test_the_sub_sector_list_follows_the_sector(qtbot, window, ui_workspace) -> None:
    ref = cases.create_case(ui_workspace, "incident", "Outage", fields={"sector": "energy"}).ref
    screen = open_cases(qtbot, window, ui_workspace)
    screen.open_case(ref)
    qtbot.waitUntil(lambda: screen.editor.view is not None)
    form = screen.editor.form
    assert "electricity" in form.editor("subsector").options()
    choose(qtbot, form.editor("sector").combo, "Digital infrastructure")
    options = form.editor("subsector").options()
    assert "electronic-communications" in options and "electricity" not in options
    choose(qtbot, form.editor("subsector").combo, "Telecommunications")
    click(qtbot, screen.editor.save_button)
    qtbot.waitUntil(lambda: not screen.editor.dirty)
    stored = cases.get_case(ui_workspace, ref).incident
    assert stored is not None and stored.subsector == "electronic-communications"


def test_unsaved_changes_are_asked_about_before_another_case_opens(qtbot, window, ui_workspace) -> None:
    first = cases.create_case(ui_workspace, "incident", "First").ref
    second = cases.create_case(ui_workspace, "incident", "Second").ref
    screen = open_cases(qtbot, window, ui_workspace)
    screen.open_case(first)
    qtbot.waitUntil(lambda: screen.editor.ref == first)
    qtbot.keyClicks(screen.editor.header.title, " (edited)")
    screen.table.selectRow(screen.model.row_of(second))
    from PySide6.QtWidgets import QMessageBox

    box = wait_dialog(qtbot, QMessageBox)
    assert box.objectName() == "unsavedBox" and screen.editor.ref == first
    click(qtbot, box.button(QMessageBox.StandardButton.Save))
    qtbot.waitUntil(lambda: screen.editor.ref == second)
    assert cases.get_case(ui_workspace, first).title == "First (edited)"
