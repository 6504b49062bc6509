"""No typed work is lost: quitting asks Save / Discard / Cancel, auto-lock keeps unsaved case edits and report forms
as drafts inside the encrypted workspace (nothing readable on disk) and unlocking offers them back; named briefing
drafts survive a lock."""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from tests.conftest import PASSPHRASE
from tests.ui.case_helpers import choose, click, open_cases, shown, wait_dialog
from workbench.domain.cases.case import RecordKind
from workbench.domain.cases.vocab import CaseKind
from workbench.domain.tlp import Tlp
from workbench.services import cases, drafts
from workbench.services.workspace import open_workspace
from workbench.ui.cases.new_case_dialog import NewCaseDialog
from workbench.ui.cases.object_dialog import CreateObjectDialog
from workbench.ui.cases.record_dialog import RecordDialog
from workbench.ui.reports.drafts_dialog import DRAFT_KIND
from workbench.ui.unlock.unlock_dialog import UnlockDialog

CHUNK = 1 << 20


def _files_written_since(roots: list[Path], since: float) -> list[Path]:
    """Regular files under ``roots`` changed at or after ``since`` (a canary typed then can be in no other)."""
    found: list[Path] = []
    stack = [str(root) for root in roots if root.is_dir()]
    seen: set[str] = set()
    while stack:
        folder = stack.pop()
        if folder in seen:
            continue
        seen.add(folder)
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                elif entry.is_file(follow_symlinks=False) and entry.stat(follow_symlinks=False).st_mtime >= since:
                    found.append(Path(entry.path))
            except OSError:
                continue
    return found


def _holds(path: Path, needles: list[bytes]) -> bool:
    overlap = max(len(needle) for needle in needles)
    tail = b""
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(CHUNK):
                window = tail + chunk
                if any(needle in window for needle in needles):
                    return True
                tail = window[-overlap:]
    except OSError:
        return False
    return False


def assert_no_plaintext(canary: str, roots: list[Path], since: float) -> int:
    """No file under ``roots`` written since ``since`` holds the canary (UTF-8, or UTF-16 as Qt keeps text)."""
    needles = [canary.encode(), canary.encode("utf-16-le")]
    written = _files_written_since(roots, since - 2)
    leaks = [path for path in written if _holds(path, needles)]
    assert leaks == [], f"the canary is readable in {leaks}"
    return len(written)


def _edit_a_case(qtbot, window, ws, canary: str):
    ref = cases.create_case(ws, "incident", "Grid operator intrusion").ref
    screen = open_cases(qtbot, window, ws)
    screen.open_case(ref)
    qtbot.waitUntil(lambda: screen.editor.ref == ref)
    description = screen.editor.header.description
    description.setFocus()
    qtbot.keyClicks(description, canary)
    assert screen.editor.dirty
    return screen, ref


def test_quit_with_unsaved_edits_asks_and_cancel_keeps_the_window_open(qtbot, window, ui_workspace) -> None:
    screen, ref = _edit_a_case(qtbot, window, ui_workspace, "seen on the billing server")
    qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    box = wait_dialog(qtbot, QMessageBox)
    assert box.objectName() == "quitUnsavedBox"
    assert ref in box.text() and "Grid operator intrusion" in box.text()
    assert window.isVisible() and window.session.is_open  # nothing closed yet
    click(qtbot, box.button(QMessageBox.StandardButton.Cancel))
    assert window.isVisible() and window.session.is_open and screen.editor.dirty
    assert "billing server" in screen.editor.header.description.toPlainText()

    qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    box = wait_dialog(qtbot, QMessageBox)
    with qtbot.waitSignal(window.session.locked, timeout=5000):
        click(qtbot, box.button(QMessageBox.StandardButton.Save))
    assert not window.isVisible()
    assert not window.session.is_open
    with open_workspace(ui_workspace.path, PASSPHRASE) as ws:
        assert cases.get_case(ws, ref).description == "seen on the billing server"


def test_quit_with_discard_closes_without_saving(qtbot, window, ui_workspace) -> None:
    _screen, ref = _edit_a_case(qtbot, window, ui_workspace, "not to be kept")
    window.close()
    box = wait_dialog(qtbot, QMessageBox)
    with qtbot.waitSignal(window.session.locked, timeout=5000):
        click(qtbot, box.button(QMessageBox.StandardButton.Discard))
    assert not window.isVisible()
    with open_workspace(ui_workspace.path, PASSPHRASE) as ws:
        assert cases.get_case(ws, ref).description == ""
        assert drafts.kept(ws) == []


def test_quit_with_a_refused_save_stays_open(qtbot, window, ui_workspace) -> None:
    screen, _ref = _edit_a_case(qtbot, window, ui_workspace, "x")
    screen.editor.header.title_edit.clear()  # a case needs its title: the services refuse the save
    qtbot.keyClicks(screen.editor.header.title_edit, " ")
    screen.editor.header.title_edit.clear()
    window.close()
    box = wait_dialog(qtbot, QMessageBox)
    click(qtbot, box.button(QMessageBox.StandardButton.Save))
    qtbot.waitUntil(lambda: screen.editor.error.isVisible())
    assert window.isVisible() and window.session.is_open and screen.editor.dirty


def test_auto_lock_keeps_unsaved_work_encrypted_and_unlocking_offers_it_back(
    qtbot, window, ui_workspace, tmp_path: Path
) -> None:
    started = time.time()
    canary = f"canary-{uuid.uuid4()}"
    screen, ref = _edit_a_case(qtbot, window, ui_workspace, canary)
    reports = window.screens["reports"]
    reports.form.kind_box.setCurrentIndex(reports.form.kind_box.findData("briefing"))
    reports.editor.bluf.setFocus()
    qtbot.keyClicks(reports.editor.bluf, "Bottom line " + canary)
    assert len(window.keeper.unsaved()) == 2

    window.idle.set_interval_ms(100)
    window.idle.arm()
    with qtbot.waitSignal(window.session.locked, timeout=10_000):
        pass
    window.idle.set_minutes(15)  # not again right after unlocking
    assert screen.editor.view is None and reports.editor.bluf.toPlainText() == ""  # nothing left in memory
    checked = assert_no_plaintext(
        canary, [Path.home(), ui_workspace.path.parent, tmp_path, Path("/tmp"), Path("/dev/shm")], started
    )
    assert checked > 0  # the workspace's own files at least were looked at

    dialog = window.access.dialog
    assert isinstance(dialog, UnlockDialog)
    qtbot.keyClicks(dialog.passphrase, PASSPHRASE)
    with qtbot.waitSignal(window.keeper.kept_offered, timeout=10_000) as offered:
        qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    box: QMessageBox = offered.args[0]
    assert ref in box.text() and "Report form" in box.text()
    with qtbot.waitSignal(window.keeper.work_restored) as restored:
        click(qtbot, box.findChild(type(box.buttons()[0]), "restoreKept"))
    assert restored.args == [2]
    qtbot.waitUntil(lambda: screen.editor.ref == ref and screen.editor.dirty)
    assert screen.editor.header.description.toPlainText() == canary
    assert "kept at locking" in screen.editor.dirty_label.text()
    assert reports.editor.bluf.toPlainText() == "Bottom line " + canary
    assert reports.form.kind == "briefing"
    # The highlighted row of the list is the case open in the editor.
    qtbot.waitUntil(lambda: screen.model.row_of(ref) is not None)
    qtbot.waitUntil(lambda: screen.table.selectionModel().currentIndex().row() == screen.model.row_of(ref))
    qtbot.waitUntil(lambda: drafts.kept(window.session.workspace) == [])  # restored: no longer kept


def test_a_named_briefing_draft_is_saved_locked_unlocked_and_reopened(qtbot, window, ui_workspace) -> None:
    window.session.attach(ui_workspace)
    reports = window.show_screen("reports")
    reports.form.kind_box.setCurrentIndex(reports.form.kind_box.findData("briefing"))
    reports.form.from_search.setChecked(True)
    reports.form.query.setText("sandstorm owl")
    editor = reports.editor
    qtbot.keyClicks(editor.title, "Sandstorm Owl targets energy billing")
    for line in ("Invoice lures", "GreyLantern beacons", "Block two indicators"):
        qtbot.keyClicks(editor.bluf, line)
        qtbot.keyClick(editor.bluf, Qt.Key.Key_Return)
    editor.judgements.set_entries([{"statement": "More grid operators", "likelihood": "likely", "confidence": ""}])
    with qtbot.waitSignal(reports.drafts.draft_saved):
        reports.drafts.save_named("Owl briefing")
    assert reports.unsaved_work() == []  # saved: nothing to keep or ask about
    window.lock_now()
    assert editor.title.text() == "" and reports.form.query.text() == ""
    dialog = window.access.dialog
    qtbot.keyClicks(dialog.passphrase, PASSPHRASE)
    with qtbot.waitSignal(window.session.opened, timeout=10_000):
        qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)

    listing = reports.drafts.open_list()
    qtbot.waitUntil(lambda: listing.model.rowCount() == 1)
    assert listing.model.index(0, 0).data() == "Owl briefing"
    assert listing.model.index(0, 2).data() == "Sandstorm Owl targets energy billing"
    with qtbot.waitSignal(reports.drafts.draft_opened):
        click(qtbot, listing.open_button)
    assert editor.title.text() == "Sandstorm Owl targets energy billing"
    assert editor.bluf.toPlainText().splitlines() == ["Invoice lures", "GreyLantern beacons", "Block two indicators"]
    assert editor.judgements.entries()[0]["statement"] == "More grid operators"  # unchecked rows are kept too
    assert reports.form.kind == "briefing" and reports.form.query.text() == "sandstorm owl"
    assert reports.unsaved_work() == []
    qtbot.keyClicks(editor.title, " (v2)")
    assert [work.name for work in reports.unsaved_work()] == ["report form"]  # changed since it was opened

    listing = reports.drafts.open_list()
    qtbot.waitUntil(lambda: listing.model.rowCount() == 1)
    box = listing.delete_selected()
    with qtbot.waitSignal(listing.drafts_listed):
        click(qtbot, box.button(QMessageBox.StandardButton.Yes))
    assert listing.model.rowCount() == 0
    assert drafts.named(window.session.workspace, DRAFT_KIND) == []


def test_the_briefing_form_is_exported_to_json_and_loaded_back(qtbot, window, ui_workspace, tmp_path: Path) -> None:
    window.session.attach(ui_workspace)
    reports = window.show_screen("reports")
    reports.form.kind_box.setCurrentIndex(reports.form.kind_box.findData("briefing"))
    editor = reports.editor
    qtbot.keyClicks(editor.title, "Exported briefing")
    qtbot.keyClicks(editor.gaps, "Initial access vector")
    path = tmp_path / "briefing.json"
    with qtbot.waitSignal(editor.file_saved):
        assert editor.save_file(str(path))
    assert path.stat().st_mode & 0o777 == 0o600
    editor.clear()
    assert editor.load_file(str(path))
    assert editor.title.text() == "Exported briefing" and editor.gaps.toPlainText() == "Initial access vector"
    assert "Exported briefing" in path.read_text()


def test_a_record_being_written_at_auto_lock_is_kept_and_its_dialog_reopened(
    qtbot, window, ui_workspace, tmp_path: Path
) -> None:
    started = time.time()
    canary = f"canary-{uuid.uuid4()}"
    ref = cases.create_case(ui_workspace, "incident", "Grid operator intrusion").ref
    screen = open_cases(qtbot, window, ui_workspace)
    screen.open_case(ref)
    qtbot.waitUntil(lambda: screen.editor.ref == ref)
    dialog = screen.editor.add_record(RecordKind.TASK)
    assert screen.editor.unsaved() is None  # an empty dialog holds no work
    title = dialog.form.editor("title").input
    title.setFocus()
    qtbot.keyClicks(title, "Image the disk " + canary)
    work = window.keeper.unsaved()
    assert [item.what for _key, item in work] == [f"Case {ref} (Grid operator intrusion): a task being written"]

    failures: list[str] = []
    window.keeper.keeping_failed.connect(failures.append)
    window.idle.set_interval_ms(100)
    window.idle.arm()
    with qtbot.waitSignal(window.session.locked, timeout=10_000):
        pass
    window.idle.set_minutes(15)
    assert failures == []
    qtbot.waitUntil(lambda: not shown(RecordDialog))
    assert_no_plaintext(
        canary, [Path.home(), ui_workspace.path.parent, tmp_path, Path("/tmp"), Path("/dev/shm")], started
    )

    unlock = window.access.dialog
    qtbot.keyClicks(unlock.passphrase, PASSPHRASE)
    with qtbot.waitSignal(window.keeper.kept_offered, timeout=10_000) as offered:
        qtbot.keyClick(unlock.passphrase, Qt.Key.Key_Return)
    box: QMessageBox = offered.args[0]
    with qtbot.waitSignal(window.keeper.work_restored):
        click(qtbot, box.findChild(type(box.buttons()[0]), "restoreKept"))
    reopened = wait_dialog(qtbot, RecordDialog)
    assert reopened.form.editor("title").value() == "Image the disk " + canary
    assert not screen.editor.dirty  # the case's own fields were not changed
    click(qtbot, reopened.ok_button)
    qtbot.waitUntil(lambda: [task.title for task in cases.get_case(window.session.workspace, ref).tasks] != [])
    assert [task.title for task in cases.get_case(window.session.workspace, ref).tasks] == [f"Image the disk {canary}"]


def test_quit_with_a_record_being_written_asks_to_finish_it_first(qtbot, window, ui_workspace) -> None:
    ref = cases.create_case(ui_workspace, "incident", "Grid operator intrusion").ref
    screen = open_cases(qtbot, window, ui_workspace)
    screen.open_case(ref)
    qtbot.waitUntil(lambda: screen.editor.ref == ref)
    dialog = screen.editor.add_record(RecordKind.TASK)
    qtbot.keyClicks(dialog.form.editor("title").input, "Image the disk")
    window.close()
    box = wait_dialog(qtbot, QMessageBox)
    assert "a task being written" in box.text()
    click(qtbot, box.button(QMessageBox.StandardButton.Save))
    qtbot.waitUntil(lambda: "Finish or cancel the task being written" in screen.editor.error.text())
    assert window.isVisible() and window.session.is_open and dialog.isVisible()


def test_a_new_case_being_written_at_locking_is_kept_and_its_dialog_reopened(
    qtbot, window, ui_workspace, tmp_path: Path
) -> None:
    started = time.time()
    canary = f"canary-{uuid.uuid4()}"
    screen = open_cases(qtbot, window, ui_workspace)
    dialog = screen.new_case(CaseKind.INCIDENT)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    assert window.keeper.unsaved() == []  # the prefilled time of awareness is not typed work
    qtbot.keyClicks(dialog.title, "Grid intrusion " + canary)
    dialog.tlp.setCurrentIndex(dialog.tlp.findData(int(Tlp.AMBER)))
    assert [item.what for _key, item in window.keeper.unsaved()] == [
        f"A new incident being written (Grid intrusion {canary})"
    ]
    with qtbot.waitSignal(window.session.locked, timeout=10_000):
        window.lock_now()
    qtbot.waitUntil(lambda: not shown(NewCaseDialog))
    assert_no_plaintext(
        canary, [Path.home(), ui_workspace.path.parent, tmp_path, Path("/tmp"), Path("/dev/shm")], started
    )
    qtbot.keyClicks(window.access.dialog.passphrase, PASSPHRASE)
    with qtbot.waitSignal(window.keeper.kept_offered, timeout=10_000) as offered:
        qtbot.keyClick(window.access.dialog.passphrase, Qt.Key.Key_Return)
    box: QMessageBox = offered.args[0]
    with qtbot.waitSignal(window.keeper.work_restored):
        click(qtbot, box.findChild(type(box.buttons()[0]), "restoreKept"))
    reopened = wait_dialog(qtbot, NewCaseDialog)
    assert reopened.title.text() == "Grid intrusion " + canary and reopened.tlp.currentData() == int(Tlp.AMBER)
    assert cases.list_cases(window.session.workspace) == []  # kept, not created
    click(qtbot, reopened.ok_button)
    qtbot.waitUntil(lambda: len(cases.list_cases(window.session.workspace)) == 1)
    [case] = cases.list_cases(window.session.workspace)
    assert case.title == "Grid intrusion " + canary and case.tlp is Tlp.AMBER


def test_quit_with_a_new_case_being_written_asks_to_finish_it_first(qtbot, window, ui_workspace) -> None:
    screen = open_cases(qtbot, window, ui_workspace)
    dialog = screen.new_case(CaseKind.EXERCISE)
    assert dialog is not None
    qtbot.keyClicks(dialog.title, "Lantern drill")
    window.close()
    box = wait_dialog(qtbot, QMessageBox)
    assert "A new exercise being written (Lantern drill)" in box.text()
    click(qtbot, box.button(QMessageBox.StandardButton.Save))
    qtbot.waitUntil(lambda: "Finish or cancel the new case" in dialog.error.text())
    assert window.isVisible() and window.session.is_open and dialog.isVisible()


def test_an_object_being_created_in_a_case_at_locking_is_kept_and_its_dialog_reopened(
    qtbot, window, ui_workspace, tmp_path: Path
) -> None:
    started = time.time()
    canary = f"canary-{uuid.uuid4()}"
    ref = cases.create_case(ui_workspace, "incident", "Scanning").ref
    screen = open_cases(qtbot, window, ui_workspace)
    screen.open_case(ref)
    qtbot.waitUntil(lambda: screen.editor.view is not None)
    linked = screen.editor.linked
    screen.editor.tabs.setCurrentWidget(linked)
    click(qtbot, linked.create_button)
    dialog = wait_dialog(qtbot, CreateObjectDialog)
    assert window.keeper.unsaved() == []  # an empty dialog holds no work
    choose(qtbot, dialog.type_box, "Indicator")
    qtbot.keyClicks(dialog.name, "Scanner " + canary)
    qtbot.keyClicks(dialog.pattern, "[ipv4-addr:value = '203.0.113.9']")
    assert [item.what for _key, item in window.keeper.unsaved()] == [f"Case {ref} (Scanning): an object being created"]
    with qtbot.waitSignal(window.session.locked, timeout=10_000):
        window.lock_now()
    qtbot.waitUntil(lambda: not shown(CreateObjectDialog))
    assert_no_plaintext(
        canary, [Path.home(), ui_workspace.path.parent, tmp_path, Path("/tmp"), Path("/dev/shm")], started
    )
    qtbot.keyClicks(window.access.dialog.passphrase, PASSPHRASE)
    with qtbot.waitSignal(window.keeper.kept_offered, timeout=10_000) as offered:
        qtbot.keyClick(window.access.dialog.passphrase, Qt.Key.Key_Return)
    box: QMessageBox = offered.args[0]
    with qtbot.waitSignal(window.keeper.work_restored):
        click(qtbot, box.findChild(type(box.buttons()[0]), "restoreKept"))
    reopened = wait_dialog(qtbot, CreateObjectDialog)
    assert (reopened.kind(), reopened.name.text()) == ("indicator", "Scanner " + canary)
    assert reopened.pattern.text() == "[ipv4-addr:value = '203.0.113.9']"
    click(qtbot, reopened.ok_button)
    qtbot.waitUntil(lambda: screen.editor.linked.model.rowCount() == 1)
    assert screen.editor.linked.model.index(0, 1).data() == "Scanner " + canary
