"""The export wizard driven as an analyst would: recipient, selection, the marking check's table, the destination,
writing with progress; the package verifies with the services; Cancel leaves nothing on the medium."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMessageBox, QWizard

from tests.conftest import indicator, malware, relationship
from tests.ui.case_helpers import lock_again_while_restoring, lock_and_restore, wait_dialog
from tests.ui.conftest import make_window
from tests.ui.exchange_helpers import AMBER, GREEN, OURS, PARTNER, RED, Agencies, agencies, close_message_boxes
from workbench.domain.tlp import Tlp
from workbench.services import exchange, keys
from workbench.storage.objects import store_digest
from workbench.ui.exchange.export_wizard import ExportWizard
from workbench.ui.exchange.models import HeldBackModel, LeavingModel, OutboxModel

__all__ = ["agencies"]


def open_wizard(qtbot, agencies: Agencies) -> ExportWizard:
    outbox = agencies.exchange.outbox
    agencies.window.activateWindow()  # shortcuts reach the active window only
    qtbot.waitUntil(agencies.window.isActiveWindow)
    with qtbot.waitSignal(outbox.wizard_opened) as opened:
        qtbot.keyClick(agencies.window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)  # File > Export package
    wizard = opened.args[0]
    qtbot.waitUntil(lambda: wizard.recipient_page.isComplete())
    return wizard


def choose(qtbot, button) -> None:
    """Click a radio button on its indicator (a wide button's middle is not part of it)."""
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(6, button.height() // 2))
    assert button.isChecked()


def click_next(qtbot, wizard: ExportWizard) -> None:
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)


def test_export_to_a_folder_through_the_wizard(qtbot, agencies: Agencies) -> None:
    family = malware(object_marking_refs=[GREEN], name="GreyLantern")
    beacon = indicator(object_marking_refs=[AMBER], name="GreyLantern beacon")
    secret = indicator(object_marking_refs=[RED], name="GreyLantern source inside a ministry")
    agencies.stock(
        agencies.ours,
        family,
        beacon,
        secret,
        relationship(beacon["id"], family["id"]),
        relationship(secret["id"], family["id"], object_marking_refs=[GREEN]),
    )
    wizard = open_wizard(qtbot, agencies)
    recipient = wizard.recipient_page
    assert recipient.partner_box.currentText() == f"{PARTNER} — may receive up to TLP:AMBER"
    assert recipient.ceiling_box.currentText() == "TLP:AMBER"
    assert keys.format_fingerprint(keys.active_key(agencies.partner).key_id) in recipient.key_label.text()
    click_next(qtbot, wizard)

    selection = wizard.selection_page
    assert selection.group.checkedButton() is None  # what leaves is chosen, never a default
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    choose(qtbot, selection.query_button)
    qtbot.keyClicks(selection.query, "GreyLantern")
    click_next(qtbot, wizard)
    options = wizard.options_page
    assert not options.history.isChecked() and not options.sanitize.isChecked() and options.validity.value() == 30
    click_next(qtbot, wizard)

    check = wizard.check_page
    qtbot.waitUntil(lambda: check.preview is not None, timeout=30_000)
    held = {
        check.model.index(row, HeldBackModel.Columns.OBJECT).data(): check.model.index(
            row, HeldBackModel.Columns.REASON
        ).data()
        for row in range(check.model.rowCount())
    }
    assert "GreyLantern source inside a ministry" in held
    assert "TLP:RED" in held["GreyLantern source inside a ministry"]
    assert f"leave for {PARTNER}" in check.summary.text()
    leaving = check.leaving
    leaves = {
        leaving.index(row, LeavingModel.Columns.OBJECT).data(): leaving.index(row, LeavingModel.Columns.TLP).data()
        for row in range(leaving.rowCount())
    }
    assert leaves["GreyLantern"] == "TLP:GREEN" and leaves["GreyLantern beacon"] == "TLP:AMBER"
    assert "GreyLantern source inside a ministry" not in leaves
    assert leaving.rowCount() == check.preview.object_count  # everything that leaves is listed
    qtbot.keyClicks(check.search, "ministry")
    assert leaving.rowCount() == 0 and check.model.rowCount() >= 1
    assert check.tabs.tabText(0) == f"Leaves (0 of {check.preview.object_count})"
    check.search.clear()
    qtbot.keyClicks(check.search, "beacon")
    assert [leaving.index(row, 0).data() for row in range(leaving.rowCount())] == ["GreyLantern beacon"]
    check.search.clear()
    click_next(qtbot, wizard)

    destination = wizard.destination_page
    medium = agencies.stick("medium")
    destination.picker.folder.clear()
    qtbot.keyClicks(destination.picker.folder, str(medium))
    assert destination.isComplete() and "Free space there" in destination.picker.space.text()
    assert wizard.button(QWizard.WizardButton.NextButton).text() == "&Write package"
    with qtbot.waitSignal(wizard.package_written, timeout=30_000) as written:
        click_next(qtbot, wizard)
    result = written.args[0]
    assert wizard.write_page.label.text() == f"✔ Written and verified: {result.path.name}"
    assert result.path.parent == medium and [path.name for path in medium.iterdir()] == [result.path.name]

    verdict = exchange.verify_package(result.path, ws=agencies.partner)  # the partner's own check
    assert verdict.producer.name == OURS and verdict.tlp_ceiling is Tlp.AMBER
    imported = exchange.import_package(agencies.partner, result.path)
    assert agencies.partner.objects.get(beacon["id"]) == beacon
    assert agencies.partner.objects.get(secret["id"]) is None and not imported.summary.refusal_reasons

    assert not wizard.button(QWizard.WizardButton.CancelButton).isVisible()
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    outbox = agencies.exchange.outbox.model
    qtbot.waitUntil(lambda: outbox.rowCount() == 1)
    assert outbox.index(0, OutboxModel.Columns.STATUS).data() == "Awaiting receipt"
    assert outbox.index(0, OutboxModel.Columns.HELD_BACK).data() == str(len(result.held_back))
    assert str(medium) in agencies.window.statusBar().currentMessage()


def test_the_library_selection_and_a_lower_ceiling(qtbot, agencies: Agencies) -> None:
    chosen = [indicator(object_marking_refs=[GREEN], name=f"Chosen {n}") for n in range(2)]
    agencies.stock(agencies.ours, *chosen, indicator(object_marking_refs=[AMBER], name="Not chosen"))
    library = agencies.window.screens["library"]
    library.model.reload()
    qtbot.waitUntil(lambda: all(library.model.row_of(obj["id"]) is not None for obj in chosen))
    rows = [library.model.row_of(obj["id"]) for obj in chosen]
    library.table.selectRow(rows[0])
    library.table.selectionModel().select(
        library.model.index(rows[1], 0),
        library.table.selectionModel().SelectionFlag.Select | library.table.selectionModel().SelectionFlag.Rows,
    )
    wizard = open_wizard(qtbot, agencies)
    wizard.recipient_page.ceiling_box.set_level(Tlp.GREEN)
    assert wizard.choices().tlp_max is Tlp.GREEN
    click_next(qtbot, wizard)
    library_button = wizard.selection_page.library_button
    assert library_button.text() == "The 2 se&lected object(s)"
    choose(qtbot, library_button)
    click_next(qtbot, wizard)
    click_next(qtbot, wizard)
    check = wizard.check_page
    qtbot.waitUntil(lambda: check.preview is not None, timeout=30_000)
    assert check.preview.ceiling is Tlp.GREEN and check.preview.selection == "2 chosen object(s)"
    wizard.reject()


def test_what_cannot_be_exported_keeps_the_wizard_from_going_on(qtbot, agencies: Agencies, tmp_path: Path) -> None:
    wizard = open_wizard(qtbot, agencies)
    click_next(qtbot, wizard)
    choose(qtbot, wizard.selection_page.query_button)
    assert not wizard.selection_page.isComplete()  # an empty search is not a choice
    qtbot.keyClicks(wizard.selection_page.query, "nothing matches this")
    click_next(qtbot, wizard)
    click_next(qtbot, wizard)
    check = wizard.check_page
    qtbot.waitUntil(lambda: "finds no objects" in check.summary.text())
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    picker = wizard.destination_page.picker
    picker.folder.setText(str(tmp_path / "missing"))
    assert picker.problem() == f"{tmp_path / 'missing'} is not a folder."
    picker.set_needed(10**18)
    picker.folder.setText(str(tmp_path))
    assert picker.problem().startswith("Not enough free space")
    qtbot.keyClick(wizard, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: agencies.exchange.outbox.wizard is None)


def test_a_partner_without_a_valid_key_cannot_be_chosen(qtbot, agencies: Agencies) -> None:
    key_id = keys.active_key(agencies.partner).key_id
    exchange.revoke_key(agencies.ours, key_id)
    agencies.window.activateWindow()
    qtbot.waitUntil(agencies.window.isActiveWindow)
    with qtbot.waitSignal(agencies.exchange.outbox.wizard_opened) as opened:
        qtbot.keyClick(agencies.window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    wizard = opened.args[0]
    qtbot.waitUntil(lambda: wizard.recipient_page.partner_box.count() == 1)
    assert "no valid key" in wizard.recipient_page.partner_box.itemText(0)
    assert not wizard.recipient_page.isComplete()
    assert "No partner has a valid key" in wizard.recipient_page.status.text()
    wizard.reject()


@pytest.mark.slow
def test_cancelling_an_export_leaves_nothing_on_the_medium(
    qtbot, threaded_session, settings, ui_workspace, partner_workspace, tmp_path: Path
) -> None:
    window = make_window(qtbot, threaded_session, settings)
    empty = tmp_path / "no-media"
    empty.mkdir()
    window.screens["exchange"].media.proc_root = window.screens["exchange"].media.sys_root = empty
    pem = keys.public_pem(keys.active_key(partner_workspace).public_der)
    exchange.add_partner(ui_workspace, PARTNER, pem, tlp_send=Tlp.AMBER)
    agencies = Agencies(window, ui_workspace, partner_workspace, tmp_path)
    # About 50 MB of bundle: writing and reading it back takes long enough to be cancelled half-way.
    agencies.stock(
        ui_workspace,
        *(indicator(object_marking_refs=[GREEN], name=f"Bulk {n}", description="x" * 6000) for n in range(8000)),
    )
    threaded_session.attach(ui_workspace)
    before = store_digest(ui_workspace.conn)
    wizard = open_wizard(qtbot, agencies)
    click_next(qtbot, wizard)
    choose(qtbot, wizard.selection_page.all_button)
    click_next(qtbot, wizard)
    click_next(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.check_page.preview is not None, timeout=60_000)
    click_next(qtbot, wizard)
    medium = agencies.stick("medium")
    wizard.destination_page.picker.folder.setText(str(medium))
    click_next(qtbot, wizard)
    write = wizard.write_page
    qtbot.waitUntil(lambda: write.bar.maximum() > 0, timeout=60_000)  # the bundle is being written
    with qtbot.waitSignal(wizard.export_cancelled, timeout=60_000):
        qtbot.mouseClick(wizard.button(QWizard.WizardButton.CancelButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not wizard.isVisible())
    assert list(medium.iterdir()) == []  # not even a hidden partial folder
    assert exchange.outbox(ui_workspace) == []
    assert store_digest(ui_workspace.conn) == before
    assert "Export cancelled; nothing was written." in window.statusBar().currentMessage()
    close_message_boxes()


# -- the wizard's choices at locking, unlocking and quitting ----------------------------------------------------------


def make_choices(qtbot, agencies: Agencies, medium: Path) -> ExportWizard:
    """Objects to send, the wizard open and every page's choice made, up to the destination page."""
    agencies.stock(
        agencies.ours,
        malware(object_marking_refs=[GREEN], name="GreyLantern"),
        indicator(object_marking_refs=[GREEN], name="GreyLantern beacon"),
    )
    wizard = open_wizard(qtbot, agencies)
    wizard.recipient_page.ceiling_box.set_level(Tlp.GREEN)
    click_next(qtbot, wizard)
    qtbot.keyClicks(wizard.selection_page.query, "GreyLantern")
    click_next(qtbot, wizard)
    options = wizard.options_page
    qtbot.mouseClick(options.sanitize, Qt.MouseButton.LeftButton, pos=QPoint(6, options.sanitize.height() // 2))
    options.tar.setChecked(True)
    options.validity.setValue(12)
    click_next(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.check_page.preview is not None, timeout=30_000)
    click_next(qtbot, wizard)
    picker = wizard.destination_page.picker
    picker.folder.clear()
    qtbot.keyClicks(picker.folder, str(medium))
    assert wizard.currentId() == ExportWizard.Pages.DESTINATION and wizard.destination_page.isComplete()
    return wizard


def reopened_after_locking(qtbot, agencies: Agencies) -> ExportWizard:
    """Lock, unlock, Restore: the export wizard opened again with the kept choices."""
    with qtbot.waitSignal(agencies.exchange.outbox.wizard_opened, timeout=10_000) as reopened:
        lock_and_restore(qtbot, agencies.window)
    wizard: ExportWizard = reopened.args[0]
    qtbot.waitUntil(lambda: wizard.opened_with is not None, timeout=10_000)
    return wizard


def test_the_choices_made_at_locking_are_put_back_at_the_marking_check(qtbot, agencies: Agencies) -> None:
    medium = agencies.stick("medium")
    wizard = make_choices(qtbot, agencies, medium)
    window = agencies.window
    assert [item.what for _key, item in window.keeper.unsaved()] == [
        f"Exchange: an export for {PARTNER} being prepared"
    ]
    again = reopened_after_locking(qtbot, agencies)
    assert again is not wizard
    check = again.check_page
    # Reopened at the marking check, computed again for the same choices, not at the destination page.
    qtbot.waitUntil(lambda: check.preview is not None, timeout=30_000)
    assert again.currentId() == ExportWizard.Pages.CHECK
    assert check.preview.ceiling is Tlp.GREEN and check.preview.recipient == PARTNER
    choices = again.choices()
    assert (choices.recipient, choices.tlp_max, choices.selection) == (
        PARTNER,
        Tlp.GREEN,
        exchange.QuerySelection("GreyLantern"),
    )
    assert (choices.sanitize, choices.tar, choices.validity_days, choices.include_history) == (True, True, 12, False)
    assert again.destination() == medium
    assert window.statusBar().currentMessage() == "The export is open again with the choices made before locking."
    assert list(medium.iterdir()) == [] and exchange.outbox(window.session.workspace) == []  # nothing written
    assert [item.what for _key, item in window.keeper.unsaved()] == [  # unsaved again until written
        f"Exchange: an export for {PARTNER} being prepared"
    ]
    click_next(qtbot, again)
    assert again.currentId() == ExportWizard.Pages.DESTINATION and again.destination_page.isComplete()
    again.reject()


def test_a_recipient_revoked_and_a_folder_gone_since_are_dropped_with_a_message(
    qtbot, agencies: Agencies, tmp_path: Path
) -> None:
    medium = agencies.stick("medium")
    make_choices(qtbot, agencies, medium)
    # While the wizard waits, the partner's key is revoked and the stick taken out.
    exchange.revoke_key(agencies.ours, keys.active_key(agencies.partner).key_id)
    medium.rmdir()
    again = reopened_after_locking(qtbot, agencies)
    recipient = again.recipient_page
    assert again.currentId() == ExportWizard.Pages.RECIPIENT  # the recipient is chosen again first
    assert recipient.partner() is None and not recipient.isComplete()  # no other partner put in its place
    assert not again.button(QWizard.WizardButton.NextButton).isEnabled()
    message = agencies.window.statusBar().currentMessage()
    assert (
        f"The recipient {PARTNER} chosen before locking has no valid key any more (revoked or outside its "
        "validity); choose again." in message
    )
    assert f"The destination {medium} chosen before locking is not there any more" in message
    assert "has no valid key any more" in recipient.status.text()
    assert again.destination_page.picker.folder.text() == ""  # not the folder it opens with either
    assert again.selection_page.kind() == "query" and again.selection_page.query.text() == "GreyLantern"
    assert again.options_page.tar.isChecked() and again.options_page.validity.value() == 12
    again.reject()


def test_an_export_wizard_left_as_it_opened_is_not_unsaved_work(qtbot, agencies: Agencies) -> None:
    window = agencies.window
    wizard = open_wizard(qtbot, agencies)
    assert wizard.recipient_page.partner_name() == PARTNER  # chosen for the analyst when the wizard opened
    assert window.keeper.unsaved() == []
    click_next(qtbot, wizard)  # going to another page chooses nothing
    assert window.keeper.unsaved() == []
    choose(qtbot, wizard.selection_page.all_button)
    assert [item.what for _key, item in window.keeper.unsaved()] == [
        f"Exchange: an export for {PARTNER} being prepared"
    ]
    wizard.reject()
    qtbot.waitUntil(lambda: agencies.exchange.outbox.wizard is None)
    assert window.keeper.unsaved() == []
    # Opened with objects chosen in a table's menu: that choice is how it opened, not unsaved work either.
    family = malware(object_marking_refs=[GREEN], name="GreyLantern")
    agencies.stock(agencies.ours, family)
    with qtbot.waitSignal(agencies.exchange.outbox.wizard_opened) as opened:
        agencies.exchange.start_export([family["id"]])
    menu_wizard: ExportWizard = opened.args[0]
    qtbot.waitUntil(lambda: menu_wizard.opened_with is not None)
    assert menu_wizard.selection_page.kind() == "library"
    assert window.keeper.unsaved() == []
    with qtbot.waitSignal(window.session.locked, timeout=10_000):
        window.lock_now()
    assert agencies.exchange.outbox.wizard is None


def test_quitting_with_choices_made_asks_to_finish_or_cancel_the_export(qtbot, agencies: Agencies) -> None:
    window = agencies.window
    wizard = open_wizard(qtbot, agencies)
    click_next(qtbot, wizard)
    choose(qtbot, wizard.selection_page.all_button)
    window.close()
    box = wait_dialog(qtbot, QMessageBox)
    assert box.objectName() == "quitUnsavedBox"
    assert f"Exchange: an export for {PARTNER} being prepared" in box.text()
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Save), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == "Finish or cancel the export first.")
    assert window.isVisible() and window.session.is_open and wizard.isVisible()
    close_message_boxes()
    wizard.reject()


def test_a_package_finished_while_locking_is_not_written_again_at_unlocking(qtbot, agencies: Agencies) -> None:
    medium = agencies.stick("medium")
    wizard = make_choices(qtbot, agencies, medium)
    window = agencies.window
    click_next(qtbot, wizard)  # Write package: written at once here, its outcome not arrived yet when locking
    assert wizard.currentId() == ExportWizard.Pages.WRITE and wizard.write_page.running
    assert [item.what for _key, item in window.keeper.unsaved()] == [
        f"Exchange: the package for {PARTNER} being written"
    ]
    opened: list[ExportWizard] = []
    agencies.exchange.outbox.wizard_opened.connect(opened.append)
    lock_and_restore(qtbot, window)
    qtbot.waitUntil(lambda: "finished in time" in window.statusBar().currentMessage())
    written = exchange.outbox(window.session.workspace)
    assert len(written) == 1 and [path.name for path in medium.iterdir()] == [written[0].file_name]
    assert window.statusBar().currentMessage() == (
        f"The package for {PARTNER} being written when the workspace locked was finished in time: package "
        f"{written[0].sequence}, {written[0].file_name}, is in the Outbox (awaiting receipt). "
        "The export is not opened again."
    )
    assert opened == [] and agencies.exchange.outbox.wizard is None  # nothing left to do but a second package


def test_a_package_stopped_while_locking_reopens_at_the_marking_check_and_writes_nothing(
    qtbot, agencies: Agencies
) -> None:
    medium = agencies.stick("medium")
    wizard = make_choices(qtbot, agencies, medium)
    window = agencies.window
    medium.rmdir()  # the stick is pulled out as Write package is pressed: the write does not finish
    click_next(qtbot, wizard)
    assert wizard.currentId() == ExportWizard.Pages.WRITE and wizard.write_page.running
    again = reopened_after_locking(qtbot, agencies)
    check = again.check_page
    qtbot.waitUntil(lambda: check.preview is not None, timeout=30_000)
    assert again.currentId() == ExportWizard.Pages.CHECK and not again.write_page.running  # never the write page
    message = window.statusBar().currentMessage()
    assert "The package being written when the workspace locked is not in the Outbox" in message
    assert f"The destination {medium} chosen before locking is not there any more" in message
    assert again.choices().selection == exchange.QuerySelection("GreyLantern")
    assert not medium.exists()
    assert [entry for entry in exchange.outbox(window.session.workspace) if entry.status == "awaiting receipt"] == []
    close_message_boxes()
    again.reject()


def test_choices_being_put_back_when_the_workspace_locks_again_are_kept_again(qtbot, agencies: Agencies) -> None:
    medium = agencies.stick("medium")
    make_choices(qtbot, agencies, medium)
    outbox = agencies.exchange.outbox
    # Locked again right after Restore, before the wizard has read the partners and made the choices again.
    lock_again_while_restoring(
        qtbot, agencies.window, lambda: outbox.wizard is not None and outbox.wizard.opened_with is None
    )
    qtbot.waitUntil(lambda: outbox.wizard is not None and outbox.wizard.opened_with is not None, timeout=10_000)
    again = outbox.wizard
    choices = again.choices()
    assert (choices.recipient, choices.tlp_max, choices.selection) == (
        PARTNER,
        Tlp.GREEN,
        exchange.QuerySelection("GreyLantern"),
    )
    assert again.destination() == medium
    again.reject()
