"""Conduct mode in the window with clicks and keys, on a fixed clock: the controller plays the MSEL, an evaluator
records observations keyboard first, the hot wash makes findings, ratings and an improvement item."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QMessageBox

from tests.ui.case_helpers import (
    choose,
    click,
    lock_again_while_restoring,
    lock_and_restore,
    shown,
    unlock_and_restore,
    wait_dialog,
)
from workbench.domain.cases.vocab import ConductState, InjectStatus, ObservationKind, Rating
from workbench.services import cases
from workbench.services.cases import records as case_records
from workbench.services.exercise import evaluation
from workbench.storage import audit
from workbench.storage.objects import store_digest
from workbench.ui.cases.record_dialog import RecordDialog
from workbench.ui.exercise.critical_task_dialog import CriticalTaskDialog
from workbench.ui.exercise.evaluation_models import FindingModel, NoteModel, ObjectiveModel, TaskModel, note_rows
from workbench.ui.exercise.exercise_data import load_exercise
from workbench.ui.exercise.exercise_screen import ExerciseScreen
from workbench.ui.exercise.inject_dialog import InjectDialog
from workbench.ui.exercise.jump_dialog import JumpDialog
from workbench.ui.exercise.msel_model import Columns, MselModel, Roles, scenario_text
from workbench.ui.exercise.rating_dialog import RatingDialog
from workbench.ui.exercise.reason_dialog import ReasonDialog

START = datetime(2026, 6, 10, 7, 0, tzinfo=UTC)


class FixedClock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, minutes: float) -> None:
        self.now += timedelta(minutes=minutes)


def drill(ws) -> str:  # type: ignore[no-untyped-def]
    ref = cases.create_case(ws, "exercise", "Lantern drill", fields={"starts_at": START}, now=START).ref
    case_records.add_records(
        ws,
        ref,
        {
            "objectives": [{"objective": "Share indicators within 2 hours", "capability": "Intelligence sharing"}],
            "injects": [
                {"number": str(n), "planned_at": START + timedelta(minutes=30 * n), "description": text, "to": "SOC"}
                for n, text in ((1, "Ransom note"), (2, "Press call"), (3, "Minister asks"))
            ],
        },
        now=START,
    )
    evaluation.add_critical_task(ws, ref, "1", "Triage the report", number="1.1", measures="Within 30 min")
    return ref


def open_screen(qtbot, window, ws, clock: FixedClock) -> ExerciseScreen:  # type: ignore[no-untyped-def]
    screen: ExerciseScreen = window.screens["exercise"]
    screen.clock = clock
    screen.name.setText("Ana (controller)")
    window.session.attach(ws)
    window.show_screen("exercise")
    qtbot.waitUntil(lambda: screen.data is not None)
    return screen


def stored(ws, ref: str):  # type: ignore[no-untyped-def]
    return cases.get_case(ws, ref)


def select_inject(qtbot, screen: ExerciseScreen, number: str) -> None:  # type: ignore[no-untyped-def]
    page = screen.controller
    row = next(row for row in range(page.model.rowCount()) if page.model.inject(row).number == number)
    page.table.selectRow(row)
    qtbot.waitUntil(lambda: page.selected() is not None and page.selected().number == number)


def test_the_controller_runs_the_clock_and_the_msel_from_the_window(qtbot, window, ui_workspace) -> None:
    ref = drill(ui_workspace)
    clock = FixedClock()
    screen = open_screen(qtbot, window, ui_workspace, clock)
    page = screen.controller
    assert page.start_button.isEnabled() and not page.deliver_button.isEnabled()
    click(qtbot, page.start_button)
    qtbot.waitUntil(lambda: screen.data is not None and screen.data.view.clock.state is ConductState.RUNNING)
    assert page.clock_bar.scenario.text() == scenario_text(START)

    clock.advance(10)
    screen.tick()  # the timer's work, without waiting a second
    assert page.clock_bar.scenario.text() == scenario_text(START + timedelta(minutes=10))
    next_row = next(
        row for row in range(page.model.rowCount()) if page.model.data(page.model.index(row, 0), Roles.IS_NEXT)
    )
    assert page.model.data(page.model.index(next_row, Columns.NUMBER)) == "1"
    assert page.model.data(page.model.index(next_row, Columns.COUNTDOWN)) == "in 0:20:00"
    assert "Next: inject 1, in 0:20:00" in page.clock_bar.next.text()

    select_inject(qtbot, screen, "2")
    click(qtbot, page.hold_button)
    hold = wait_dialog(qtbot, ReasonDialog)
    assert not hold.ok_button.isEnabled()  # a hold needs its reason
    qtbot.keyClicks(hold.text, "players still on inject 1")
    qtbot.keyClick(hold.text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not shown(ReasonDialog))

    clock.advance(25)
    select_inject(qtbot, screen, "1")
    click(qtbot, page.deliver_button)
    qtbot.waitUntil(lambda: stored(ui_workspace, ref).injects[0].status is InjectStatus.DELIVERED)
    first = stored(ui_workspace, ref).injects[0]
    assert (first.actual_at, first.delivered_scenario_at, first.delivered_by) == (
        START + timedelta(minutes=35),
        START + timedelta(minutes=35),
        "Ana (controller)",
    )

    click(qtbot, page.jump_button)
    jump = wait_dialog(qtbot, JumpDialog)
    qtbot.keyClicks(jump.duration, "soon")
    click(qtbot, jump.ok_button)
    assert "90m" in jump.error.text()  # refused in the dialog, nothing recorded
    jump.duration.clear()
    qtbot.keyClicks(jump.duration, "1h")
    click(qtbot, jump.ok_button)
    qtbot.waitUntil(lambda: not shown(JumpDialog))
    assert page.clock_bar.scenario.text() == scenario_text(START + timedelta(minutes=95))

    click(qtbot, page.add_button)
    add = wait_dialog(qtbot, InjectDialog)
    qtbot.keyClicks(add.form.editor("description").input, "Journalist calls the SOC")
    qtbot.keyClicks(add.form.editor("number").input, "2a")
    click(qtbot, add.ok_button)
    qtbot.waitUntil(lambda: add.error.isVisible())
    assert "reason for adding an inject during play" in add.error.text()
    qtbot.keyClicks(add.reason, "players ahead of the script")
    click(qtbot, add.ok_button)
    qtbot.waitUntil(lambda: not shown(InjectDialog))
    added = next(item for item in stored(ui_workspace, ref).injects if item.number == "2a")
    assert added.added_in_play and added.status_reason == "players ahead of the script"

    select_inject(qtbot, screen, "1")
    click(qtbot, page.response_button)
    response = wait_dialog(qtbot, ReasonDialog)
    qtbot.keyClicks(response.text, "Blocked the C2 address")
    click(qtbot, response.ok_button)
    qtbot.waitUntil(lambda: not shown(ReasonDialog))
    first = stored(ui_workspace, ref).injects[0]
    assert (first.observed_action, first.responded_at) == ("Blocked the C2 address", START + timedelta(minutes=35))

    click(qtbot, page.end_button)
    confirm = wait_dialog(qtbot, QMessageBox)
    click(qtbot, confirm.button(QMessageBox.StandardButton.Yes))
    qtbot.waitUntil(lambda: screen.data.view.clock.state is ConductState.ENDED)
    assert not any(button.isEnabled() for button in (page.pause_button, page.deliver_button, page.jump_button))
    logged = [entry.action for entry in audit.entries(ui_workspace.conn) if entry.action.startswith("exercise.")]
    assert logged == [
        "exercise.clock",
        "exercise.hold",
        "exercise.deliver",
        "exercise.clock",
        "exercise.add-inject",
        "exercise.response",
        "exercise.clock",
    ]


def test_a_refused_action_shows_its_message_and_changes_nothing(qtbot, window, ui_workspace) -> None:
    ref = drill(ui_workspace)
    screen = open_screen(qtbot, window, ui_workspace, FixedClock())
    click(qtbot, screen.controller.start_button)
    qtbot.waitUntil(lambda: screen.data.view.clock.in_play)
    # Another controller delivers inject 1 from another window: this one still offers Deliver.
    from workbench.services.exercise import conduct

    conduct.deliver(ui_workspace, ref, "1", by="Bo", now=START + timedelta(minutes=1))
    before = store_digest(ui_workspace.conn)
    select_inject(qtbot, screen, "1")
    click(qtbot, screen.controller.deliver_button)
    box = wait_dialog(qtbot, QMessageBox)
    assert "inject 1 was delivered already" in box.text()
    assert store_digest(ui_workspace.conn) == before


def test_an_evaluator_records_observations_keyboard_first_and_the_hot_wash_uses_them(
    qtbot, window, ui_workspace
) -> None:
    ref = drill(ui_workspace)
    clock = FixedClock()
    screen = open_screen(qtbot, window, ui_workspace, clock)
    click(qtbot, screen.controller.start_button)
    qtbot.waitUntil(lambda: screen.data.view.clock.in_play)
    screen.tabs.setCurrentWidget(screen.evaluator)
    page = screen.evaluator
    assert [page.tasks.data(page.tasks.index(row, 0)) for row in range(page.tasks.rowCount())] == ["1", "1.1"]
    page.text.setFocus()
    qtbot.keyClick(page.text, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)  # to task 1.1
    assert page.selected_row() is not None and page.selected_row().label == "1.1"
    assert "Within 30 min" in page.about.text()
    clock.advance(12)
    qtbot.keyClicks(page.text, "Triage took 40 minutes")
    qtbot.keyClick(page.text, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)  # typed where the focus is
    assert page.rating() == "M"
    qtbot.keyClick(page.text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(stored(ui_workspace, ref).evaluator_observations) == 1)
    qtbot.waitUntil(lambda: page.text.toPlainText() == "")
    assert page.text.hasFocus() and page.rating() is None and page.selected_row().label == "1.1"
    clock.advance(3)
    qtbot.keyClicks(page.text, "The report sat in a shared inbox")
    qtbot.keyClick(page.text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(stored(ui_workspace, ref).evaluator_observations) == 2)
    notes = stored(ui_workspace, ref).evaluator_observations
    assert [(note.at, note.rating, note.evaluator) for note in notes] == [
        (START + timedelta(minutes=12), Rating.M, "Ana (controller)"),
        (START + timedelta(minutes=15), None, "Ana (controller)"),
    ]
    qtbot.waitUntil(lambda: page.notes.rowCount() == 2)

    screen.tabs.setCurrentWidget(screen.hot_wash)
    wash = screen.hot_wash
    assert wash.notes.rowCount() == 2 and not wash.area_button.isEnabled()
    selection = wash.note_table.selectionModel()
    for row in range(2):
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        selection.select(wash.notes.index(row, 0), flags)
    click(qtbot, wash.area_button)
    finding = wait_dialog(qtbot, RecordDialog)
    qtbot.keyClicks(finding.form.editor("title").input, "Triage is slow")
    click(qtbot, finding.ok_button)
    qtbot.waitUntil(lambda: not shown(RecordDialog))
    made = stored(ui_workspace, ref).observations
    assert [(item.kind, item.title, sorted(item.based_on)) for item in made] == [
        (ObservationKind.AREA_FOR_IMPROVEMENT, "Triage is slow", sorted(note.uid for note in notes))
    ]
    assert made[0].capability == "Intelligence sharing"

    wash.objective_table.selectRow(0)
    click(qtbot, wash.rate_button)
    rating = wait_dialog(qtbot, RatingDialog)
    choose(qtbot, rating.rating, "M:")
    qtbot.keyClicks(rating.rationale, "Triage missed its measure")
    click(qtbot, rating.ok_button)
    qtbot.waitUntil(lambda: not shown(RatingDialog))
    objective = stored(ui_workspace, ref).objectives[0]
    assert (objective.rating, objective.rationale) == (Rating.M, "Triage missed its measure")

    wash.finding_table.selectRow(0)
    click(qtbot, wash.improve_button)
    improve = wait_dialog(qtbot, RecordDialog)
    qtbot.keyClicks(improve.form.editor("corrective_action").input, "A triage rota")
    choose(qtbot, improve.form.editor("capability_element").combo, "Training")
    click(qtbot, improve.ok_button)
    qtbot.waitUntil(lambda: not shown(RecordDialog))
    item = stored(ui_workspace, ref).improvements[0]
    assert (item.issue, item.answers) == ("Triage is slow", [made[0].uid])


def test_a_partners_copy_offers_responses_only(qtbot, window, ui_workspace) -> None:
    ref = drill(ui_workspace)
    from workbench.services.exercise import conduct

    conduct.clock_action(ui_workspace, ref, "start", now=START)
    conduct.deliver(ui_workspace, ref, "1", by="EXCON", now=START + timedelta(minutes=30))
    with ui_workspace.transaction() as conn:  # the copy a partner's workspace holds names the controller
        conn.execute("UPDATE cases SET origin = 'EU Agency for Cybersecurity' WHERE ref = ?", (ref,))
    screen = open_screen(qtbot, window, ui_workspace, FixedClock())
    page = screen.controller
    assert "copy of EU Agency for Cybersecurity's exercise" in page.role.text()
    select_inject(qtbot, screen, "1")
    assert page.response_button.isEnabled()
    assert not any(
        button.isEnabled()
        for button in (page.start_button, page.pause_button, page.deliver_button, page.hold_button, page.add_button)
    )


def test_every_model_of_conduct_mode_passes_the_model_tester(qtmodeltester, demo_workspace) -> None:
    from workbench.services.demo import fill_cases

    refs = fill_cases(demo_workspace)
    data = load_exercise(demo_workspace, refs[2], START)
    msel = MselModel()
    msel.set_rows(data.view.rows)
    tasks = TaskModel()
    from workbench.ui.exercise.evaluation_models import finding_rows, task_rows

    tasks.set_items(task_rows(data.guides))
    notes = NoteModel()
    notes.set_items(note_rows(data.guides, data.case.observations))
    objectives = ObjectiveModel()
    objectives.set_items(data.washed)
    findings = FindingModel()
    findings.set_items(finding_rows(data.washed, data.case.observations))
    for model in (msel, tasks, notes, objectives, findings):
        assert model.rowCount() > 0
        qtmodeltester.check(model, force_py=True)


def test_every_control_of_conduct_mode_has_a_name(qtbot, window, demo_workspace) -> None:
    from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QComboBox, QHeaderView, QLineEdit

    from workbench.services.demo import fill_cases

    fill_cases(demo_workspace)
    screen = open_screen(qtbot, window, demo_workspace, FixedClock())
    missing = []
    for page in (screen.controller, screen.evaluator, screen.hot_wash):
        screen.tabs.setCurrentWidget(page)
        for kind in (QAbstractButton, QLineEdit, QComboBox, QAbstractItemView):
            for widget in screen.findChildren(kind):
                if not widget.isVisibleTo(window) or widget.objectName().startswith("qt_"):
                    continue
                if isinstance(widget, QHeaderView):
                    continue
                if not (widget.accessibleName() or (isinstance(widget, QAbstractButton) and widget.text())):
                    missing.append(f"{type(widget).__name__} {widget.objectName()}")
    assert missing == []


def test_a_partners_inject_is_delivered_as_a_package_and_the_copy_sends_its_response_back(
    qtbot, window, ui_workspace, template_us, tmp_path
) -> None:
    from tests.ui.conftest import own_copy

    # Its own key object: locking the window wipes the key of the workspace it holds, not the template's.
    partner_workspace = own_copy(template_us, tmp_path / "us")
    from PySide6.QtWidgets import QFileDialog

    from workbench.domain.tlp import Tlp
    from workbench.services import exchange, keys
    from workbench.services.intake import import_source

    us_pem, eu_pem = tmp_path / "us.pem", tmp_path / "eu.pem"
    keys.export_public(partner_workspace, us_pem)
    keys.export_public(ui_workspace, eu_pem)
    exchange.add_partner(ui_workspace, "US Cybersecurity Agency", us_pem.read_bytes(), tlp_send=Tlp.AMBER)
    exchange.add_partner(partner_workspace, "EU Agency for Cybersecurity", eu_pem.read_bytes(), tlp_accept=Tlp.AMBER)
    ref = drill(ui_workspace)
    case_records.update_record(
        ui_workspace, ref, "inject", stored(ui_workspace, ref).injects[0].uid, {"to": "US Cybersecurity Agency"}
    )
    clock = FixedClock()
    screen = open_screen(qtbot, window, ui_workspace, clock)
    click(qtbot, screen.controller.start_button)
    qtbot.waitUntil(lambda: screen.data.view.clock.in_play)
    clock.advance(30)
    select_inject(qtbot, screen, "1")
    click(qtbot, screen.controller.deliver_button)
    chooser = wait_dialog(qtbot, QFileDialog)
    stick = tmp_path / "stick"
    stick.mkdir()
    chooser.fileSelected.emit(str(stick))  # what choosing the folder and pressing Choose does
    chooser.reject()
    qtbot.waitUntil(lambda: stored(ui_workspace, ref).injects[0].status is InjectStatus.DELIVERED)
    package = next(stick.iterdir())
    assert stored(ui_workspace, ref).injects[0].package_id == exchange.outbox(ui_workspace)[0].package_id

    # The partner's copy: the same screen in the partner's workspace, with Send to controller.
    import_source(partner_workspace, package)
    controller = ui_workspace.connect_again()  # locking the window closes the workspace it holds
    window.session.lock()
    screen.name.setText("US SOC")
    window.session.attach(partner_workspace)
    qtbot.waitUntil(lambda: screen.data is not None and not screen.data.view.controller)
    assert screen.send_button.isEnabled()
    conduct_page = screen.controller
    select_inject(qtbot, screen, "1")
    click(qtbot, conduct_page.response_button)
    response = wait_dialog(qtbot, ReasonDialog)
    qtbot.keyClicks(response.text, "Blocked the sender")
    click(qtbot, response.ok_button)
    qtbot.waitUntil(lambda: not shown(ReasonDialog))
    back = tmp_path / "back"
    back.mkdir()
    click(qtbot, screen.send_button)
    sender = wait_dialog(qtbot, QFileDialog)
    sender.fileSelected.emit(str(back))
    sender.reject()
    qtbot.waitUntil(lambda: "written and verified" in screen.status.text())
    import_source(controller, next(back.iterdir()))
    answered = stored(controller, ref).injects[0]
    assert (answered.observed_action, answered.responded_by) == ("Blocked the sender", "US SOC")
    controller.close()


def test_the_library_lists_exercise_material_only_when_asked(qtbot, window, ui_workspace, write_json) -> None:
    from tests.conftest import bundle, indicator
    from workbench.domain.exercise_material import mark_as_exercise
    from workbench.services.importing.importer import import_file
    from workbench.ui.library.library_model import Columns as LibraryColumns

    real, drill = indicator(name="Real beacon"), mark_as_exercise(indicator(name="Scenario beacon"))
    import_file(ui_workspace, write_json(bundle(real, drill)))
    window.session.attach(ui_workspace)
    library = window.show_screen("library")

    def names() -> set[str]:
        model = library.model
        return {model.index(row, LibraryColumns.NAME).data() for row in range(model.rowCount())}

    qtbot.waitUntil(lambda: library.model.rowCount() > 0 and not library.model.loading)
    assert "Real beacon" in names() and "Scenario beacon" not in names()
    click(qtbot, library.filters.exercise_check)
    qtbot.waitUntil(lambda: not library.model.loading and names() == {"Scenario beacon"})
    click(qtbot, library.filters.reset_button)
    qtbot.waitUntil(lambda: not library.model.loading and "Real beacon" in names())
    assert not library.filters.exercise_check.isChecked()


def test_an_observation_being_written_at_locking_is_kept_and_put_back(qtbot, window, ui_workspace) -> None:
    ref = drill(ui_workspace)
    screen = open_screen(qtbot, window, ui_workspace, FixedClock())
    screen.tabs.setCurrentWidget(screen.evaluator)
    page = screen.evaluator
    page.text.setFocus()
    qtbot.keyClick(page.text, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)  # to task 1.1
    qtbot.keyClicks(page.text, "Triage took 40 minutes")
    qtbot.keyClick(page.text, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
    assert [item.what for _key, item in window.keeper.unsaved()] == [
        f"Exercise {ref} (Lantern drill): an observation being written"
    ]
    with qtbot.waitSignal(window.session.locked, timeout=10_000):
        window.lock_now()
    assert page.text.toPlainText() == ""  # nothing left in memory while locked
    screen.tabs.setCurrentWidget(screen.controller)
    unlock_and_restore(qtbot, window)
    qtbot.waitUntil(lambda: page.text.toPlainText() == "Triage took 40 minutes")
    assert screen.tabs.currentWidget() is page and page.rating() == "M" and page.selected_row().label == "1.1"
    assert stored(window.session.workspace, ref).evaluator_observations == []  # kept, not recorded
    qtbot.keyClick(page.text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(stored(window.session.workspace, ref).evaluator_observations) == 1)


def test_a_hold_reason_being_typed_at_locking_is_kept_and_its_dialog_reopened(qtbot, window, ui_workspace) -> None:
    ref = drill(ui_workspace)
    screen = open_screen(qtbot, window, ui_workspace, FixedClock())
    page = screen.controller
    click(qtbot, page.start_button)
    qtbot.waitUntil(lambda: screen.data is not None and screen.data.view.clock.state is ConductState.RUNNING)
    select_inject(qtbot, screen, "2")
    click(qtbot, page.hold_button)
    hold = wait_dialog(qtbot, ReasonDialog)
    assert window.keeper.unsaved() == []  # an empty dialog holds no work
    qtbot.keyClicks(hold.text, "players still on inject 1")
    assert [item.what for _key, item in window.keeper.unsaved()] == [
        f"Exercise {ref} (Lantern drill): the reason for holding inject 2 being written"
    ]
    select_inject(qtbot, screen, "1")  # what the dialog was opened for counts, not what is selected at locking
    lock_and_restore(qtbot, window)
    reopened = wait_dialog(qtbot, ReasonDialog)
    assert reopened is not hold and reopened.text.toPlainText() == "players still on inject 1"
    assert screen.tabs.currentWidget() is page and page.selected().number == "2"
    assert stored(window.session.workspace, ref).injects[1].status is InjectStatus.PLANNED  # kept, not held
    qtbot.keyClick(reopened.text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: stored(window.session.workspace, ref).injects[1].status is InjectStatus.HELD)
    assert stored(window.session.workspace, ref).injects[1].status_reason == "players still on inject 1"


def test_an_inject_being_added_at_locking_is_kept_with_its_reason(qtbot, window, ui_workspace) -> None:
    ref = drill(ui_workspace)
    screen = open_screen(qtbot, window, ui_workspace, FixedClock())
    page = screen.controller
    click(qtbot, page.start_button)
    qtbot.waitUntil(lambda: screen.data is not None and screen.data.view.clock.state is ConductState.RUNNING)
    click(qtbot, page.add_button)
    add = wait_dialog(qtbot, InjectDialog)
    qtbot.keyClicks(add.form.editor("description").input, "Journalist calls the SOC")
    qtbot.keyClicks(add.reason, "players ahead of the script")
    assert [item.what for _key, item in window.keeper.unsaved()] == [
        f"Exercise {ref} (Lantern drill): an inject being added"
    ]
    # Locked again at once after Restore, before the exercise was read and the dialog opened: kept again.
    lock_again_while_restoring(qtbot, window, lambda: not shown(InjectDialog))
    reopened = wait_dialog(qtbot, InjectDialog)
    assert reopened.form.editor("description").value() == "Journalist calls the SOC"
    assert reopened.reason.text() == "players ahead of the script"
    assert len(stored(window.session.workspace, ref).injects) == 3  # kept, not added
    qtbot.keyClicks(reopened.form.editor("number").input, "2a")
    click(qtbot, reopened.ok_button)
    qtbot.waitUntil(lambda: len(stored(window.session.workspace, ref).injects) == 4)
    added = next(item for item in stored(window.session.workspace, ref).injects if item.number == "2a")
    assert added.description == "Journalist calls the SOC" and added.status_reason == "players ahead of the script"


def test_quit_with_a_reason_being_typed_asks_to_finish_it_first(qtbot, window, ui_workspace) -> None:
    drill(ui_workspace)
    screen = open_screen(qtbot, window, ui_workspace, FixedClock())
    page = screen.controller
    click(qtbot, page.start_button)
    qtbot.waitUntil(lambda: screen.data is not None and screen.data.view.clock.state is ConductState.RUNNING)
    select_inject(qtbot, screen, "2")
    click(qtbot, page.skip_button)
    skip = wait_dialog(qtbot, ReasonDialog)
    qtbot.keyClicks(skip.text, "no time left")
    window.close()
    box = wait_dialog(qtbot, QMessageBox)
    assert "the reason for skipping inject 2 being written" in box.text()
    click(qtbot, box.button(QMessageBox.StandardButton.Save))
    qtbot.waitUntil(lambda: "Finish or cancel" in screen.status.text())
    assert window.isVisible() and window.session.is_open and skip.isVisible()


def test_a_critical_task_is_added_from_the_evaluators_page_and_kept_at_locking(qtbot, window, ui_workspace) -> None:
    ref = drill(ui_workspace)
    screen = open_screen(qtbot, window, ui_workspace, FixedClock())
    screen.tabs.setCurrentWidget(screen.evaluator)
    page = screen.evaluator
    assert page.add_task_button.isEnabled()
    click(qtbot, page.add_task_button)
    dialog = wait_dialog(qtbot, CriticalTaskDialog)
    assert dialog.objective.currentText() == "1. Share indicators within 2 hours"
    qtbot.keyClicks(dialog.form.editor("task").input, "Publish the indicators to partners")
    qtbot.keyClicks(dialog.form.editor("number").input, "1.2")
    assert [item.what for _key, item in window.keeper.unsaved()] == [
        f"Exercise {ref} (Lantern drill): a critical task being added"
    ]
    lock_and_restore(qtbot, window)
    reopened = wait_dialog(qtbot, CriticalTaskDialog)
    assert reopened.form.editor("task").value() == "Publish the indicators to partners"
    assert [task.number for task in stored(window.session.workspace, ref).critical_tasks] == ["1.1"]  # kept only
    qtbot.keyClicks(reopened.form.editor("measures").input, "Within 2 hours")
    click(qtbot, reopened.ok_button)
    qtbot.waitUntil(lambda: not shown(CriticalTaskDialog))
    added = stored(window.session.workspace, ref).critical_tasks[-1]
    assert (added.number, added.task, added.measures) == ("1.2", "Publish the indicators to partners", "Within 2 hours")
    qtbot.waitUntil(lambda: [row.label for row in page.tasks.items] == ["1", "1.1", "1.2"])


def test_without_objectives_the_evaluators_page_says_where_to_add_them(qtbot, window, ui_workspace) -> None:
    cases.create_case(ui_workspace, "exercise", "Empty drill", fields={"starts_at": START}, now=START)
    screen = open_screen(qtbot, window, ui_workspace, FixedClock())
    page = screen.evaluator
    assert not page.add_task_button.isEnabled()
    assert "Cases, tab Objectives" in page.about.text()


def test_a_finding_and_a_rating_being_written_in_the_hot_wash_are_kept_at_locking(qtbot, window, ui_workspace) -> None:
    ref = drill(ui_workspace)
    for text in ("Triage took 40 minutes", "The report sat in a shared inbox"):
        evaluation.observe(ui_workspace, ref, text=text, task="1.1", evaluator="Eve", now=START)
    screen = open_screen(qtbot, window, ui_workspace, FixedClock())
    screen.tabs.setCurrentWidget(screen.hot_wash)
    wash = screen.hot_wash
    qtbot.waitUntil(lambda: wash.notes.rowCount() == 2)
    selection = wash.note_table.selectionModel()
    for row in range(2):
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        selection.select(wash.notes.index(row, 0), flags)
    click(qtbot, wash.area_button)
    finding = wait_dialog(qtbot, RecordDialog)
    qtbot.keyClicks(finding.form.editor("title").input, "Triage is slow")
    assert [item.what for _key, item in window.keeper.unsaved()] == [
        f"Exercise {ref} (Lantern drill): a finding being written"
    ]
    wash.note_table.clearSelection()  # what the dialog was opened from counts, not what is selected at locking
    lock_and_restore(qtbot, window)
    reopened = wait_dialog(qtbot, RecordDialog)
    assert reopened.form.editor("title").value() == "Triage is slow"
    assert stored(window.session.workspace, ref).observations == []  # kept, not made
    click(qtbot, reopened.ok_button)
    qtbot.waitUntil(lambda: len(stored(window.session.workspace, ref).observations) == 1)
    made = stored(window.session.workspace, ref).observations[0]
    notes = stored(window.session.workspace, ref).evaluator_observations
    assert (made.kind, sorted(made.based_on)) == (ObservationKind.AREA_FOR_IMPROVEMENT, sorted(n.uid for n in notes))

    qtbot.waitUntil(lambda: wash.objectives.rowCount() == 1)
    wash.objective_table.selectRow(0)
    click(qtbot, wash.rate_button)
    rating = wait_dialog(qtbot, RatingDialog)
    assert window.keeper.unsaved() == []  # opening it is not typing
    choose(qtbot, rating.rating, "M:")
    qtbot.keyClicks(rating.rationale, "Triage missed its measure")
    lock_and_restore(qtbot, window)
    again = wait_dialog(qtbot, RatingDialog)
    assert (again.rating.currentData(), again.rationale.toPlainText()) == ("M", "Triage missed its measure")
    click(qtbot, again.ok_button)
    qtbot.waitUntil(lambda: stored(window.session.workspace, ref).objectives[0].rating is Rating.M)


def test_a_jump_being_set_at_locking_is_kept_and_its_dialog_reopened(qtbot, window, ui_workspace) -> None:
    ref = drill(ui_workspace)
    screen = open_screen(qtbot, window, ui_workspace, FixedClock())
    page = screen.controller
    click(qtbot, page.start_button)
    qtbot.waitUntil(lambda: screen.data is not None and screen.data.view.clock.state is ConductState.RUNNING)
    click(qtbot, page.jump_button)
    jump = wait_dialog(qtbot, JumpDialog)
    assert window.keeper.unsaved() == []
    qtbot.keyClicks(jump.duration, "2h")
    qtbot.keyClicks(jump.reason, "skip the night")
    assert [item.what for _key, item in window.keeper.unsaved()] == [
        f"Exercise {ref} (Lantern drill): a jump of scenario time being set"
    ]
    lock_and_restore(qtbot, window)
    reopened = wait_dialog(qtbot, JumpDialog)
    assert (reopened.duration.text(), reopened.reason.text()) == ("2h", "skip the night")
    click(qtbot, reopened.ok_button)
    qtbot.waitUntil(lambda: not shown(JumpDialog))
    assert page.clock_bar.scenario.text() == scenario_text(START + timedelta(hours=2))
