"""The Partners screen with clicks and keys: pin a key from a PEM file after confirming its fingerprint, names shown
literally, ceilings, revoke now or as of a suspected compromise; bad key files and refusals in readable dialogs."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QDateTime, QPoint, Qt
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from tests.exchange_support import new_private_key
from tests.ui.case_helpers import lock_and_restore
from tests.ui.exchange_helpers import PARTNER, Agencies, agencies, close_message_boxes, message_boxes
from workbench.domain.errors import VerificationFailed
from workbench.domain.tlp import Tlp
from workbench.services import exchange, keys
from workbench.storage import audit
from workbench.storage.objects import store_digest
from workbench.ui.partners.add_partner_dialog import AddPartnerDialog
from workbench.ui.partners.ceilings_dialog import CeilingsDialog
from workbench.ui.partners.partners_model import PartnersModel
from workbench.ui.partners.partners_screen import PartnersScreen
from workbench.ui.partners.revoke_dialog import RevokeKeyDialog
from workbench.ui.partners.trust_dialog import TrustDialog

__all__ = ["agencies"]
Col = PartnersModel.Columns
HOSTILE = 'Evil <b>Agency</b> <img src="http://track.example/p.gif"> & <a href="x">Co</a>'


def screen_of(qtbot, agencies: Agencies) -> PartnersScreen:
    screen: PartnersScreen = agencies.window.show_screen("partners")
    qtbot.waitUntil(lambda: screen.model.rowCount() > 0)
    return screen


def row_named(screen: PartnersScreen, name: str) -> int:
    return next(row for row in range(screen.model.rowCount()) if screen.model.index(row, Col.PARTNER).data() == name)


def open_add(qtbot, screen: PartnersScreen) -> AddPartnerDialog:
    with qtbot.waitSignal(screen.dialog_opened) as opened:
        qtbot.mouseClick(screen.add_button, Qt.MouseButton.LeftButton)
    return opened.args[0]


def type_key_file(qtbot, dialog: AddPartnerDialog, path: Path) -> None:
    dialog.path.setFocus()
    qtbot.keyClicks(dialog.path, str(path))
    qtbot.keyClick(dialog.path, Qt.Key.Key_Return)  # reads the file; does not press "Pin key"


def test_add_a_partner_from_a_pem_file_with_clicks_and_keys(qtbot, agencies: Agencies, tmp_path: Path) -> None:
    screen = screen_of(qtbot, agencies)
    _private, pem, key_id = new_private_key()
    path = tmp_path / "evil.pub.pem"
    path.write_bytes(pem)
    dialog = open_add(qtbot, screen)
    type_key_file(qtbot, dialog, path)
    assert dialog.isVisible()
    assert dialog.fingerprint.text().split() == keys.format_fingerprint(key_id).split()
    assert len(dialog.fingerprint.text().splitlines()) == 2  # eight groups a line, read out by phone
    qtbot.keyClicks(dialog.name, HOSTILE)
    identity = "identity--5b6a1f4e-8a0e-4f7a-9d3c-2c1e0f9b8a71"
    qtbot.keyClicks(dialog.identity, identity)
    assert not dialog.add_button.isEnabled()  # not before the fingerprint was confirmed
    assert dialog.send.level() is None and dialog.accept_box.level() is None  # nothing preselected
    dialog.send.set_level(Tlp.GREEN)
    qtbot.mouseClick(dialog.until_check, Qt.MouseButton.LeftButton, pos=QPoint(6, dialog.until_check.height() // 2))
    assert dialog.until_date.isEnabled()
    dialog.until_date.setDate(QDate(2030, 6, 30))
    dialog.confirm.setFocus()
    qtbot.keyClick(dialog.confirm, Qt.Key.Key_Space)
    assert not dialog.add_button.isEnabled()  # both ceilings are chosen on purpose
    dialog.accept_box.set_level(Tlp.AMBER)
    assert dialog.add_button.isEnabled()
    with qtbot.waitSignal(dialog.partner_added) as added:
        qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert added.args[0].name == HOSTILE and added.args[0].tlp_send is Tlp.GREEN
    assert added.args[0].identity_ref == identity  # their packages may version what this identity created

    qtbot.waitUntil(lambda: screen.model.rowCount() == 2)
    row = row_named(screen, HOSTILE)  # the name exactly as typed, tags and all
    assert screen.model.index(row, Col.STATE).data() == "Valid"
    assert screen.model.index(row, Col.MAY_RECEIVE).data() == "TLP:GREEN"
    assert screen.model.index(row, Col.VALID_UNTIL).data() == "2030-06-30"
    assert screen.model.index(row, Col.VALID_FROM).data() == ""
    screen.table.selectRow(row)
    labels = [label for label in screen.details.findChildren(QLabel) if label.text() == HOSTILE]
    assert labels and all(label.textFormat() == Qt.TextFormat.PlainText for label in labels)
    assert key_id in "".join(screen.details_text().split())
    assert [p.name for p in exchange.list_partners(agencies.ours)] == sorted([PARTNER, HOSTILE])


def test_a_file_that_is_not_a_key_shows_why_and_pins_nothing(qtbot, agencies: Agencies, tmp_path: Path) -> None:
    screen = screen_of(qtbot, agencies)
    before = store_digest(agencies.ours.conn)
    path = tmp_path / "notes.pem"
    path.write_text("-----BEGIN PUBLIC KEY-----\nnot base64 at all\n-----END PUBLIC KEY-----\n")
    dialog = open_add(qtbot, screen)
    type_key_file(qtbot, dialog, path)
    assert dialog.key_problem.text() == "the partner's key file is not a PEM public key"
    assert dialog.key_problem.isVisible() and not dialog.confirm.isEnabled() and not dialog.add_button.isEnabled()
    dialog.path.clear()
    type_key_file(qtbot, dialog, tmp_path / "missing.pem")
    assert "cannot be read" in dialog.key_problem.text()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert store_digest(agencies.ours.conn) == before


def test_pinning_our_own_key_is_refused_in_a_dialog(qtbot, agencies: Agencies, tmp_path: Path) -> None:
    screen = screen_of(qtbot, agencies)
    path = tmp_path / "ours.pub.pem"
    keys.export_public(agencies.ours, path)
    before = store_digest(agencies.ours.conn)
    dialog = open_add(qtbot, screen)
    type_key_file(qtbot, dialog, path)
    qtbot.keyClicks(dialog.name, "Ourselves")
    dialog.send.set_level(Tlp.AMBER)
    dialog.accept_box.set_level(Tlp.AMBER)
    dialog.confirm.setChecked(True)
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(message_boxes()))
    box = message_boxes()[0]
    assert box.windowTitle() == "Key not pinned" and box.textFormat() == Qt.TextFormat.PlainText
    assert box.text() == "this is one of this workspace's own keys, not a partner's"
    close_message_boxes()
    assert dialog.isVisible() and dialog.add_button.isEnabled()  # the analyst may correct and retry
    dialog.reject()
    assert store_digest(agencies.ours.conn) == before


def test_revoke_a_key_as_of_a_suspected_compromise(qtbot, agencies: Agencies) -> None:
    screen = screen_of(qtbot, agencies)
    screen.table.selectRow(row_named(screen, PARTNER))
    with qtbot.waitSignal(screen.dialog_opened) as opened:
        qtbot.mouseClick(screen.revoke_button, Qt.MouseButton.LeftButton)
    dialog: RevokeKeyDialog = opened.args[0]
    assert dialog.revoke_button.isDefault() is False  # Enter does not revoke
    since = QDateTime.fromString("2026-01-03T12:30:00Z", Qt.DateFormat.ISODate)
    qtbot.mouseClick(dialog.since_button, Qt.MouseButton.LeftButton, pos=QPoint(6, dialog.since_button.height() // 2))
    assert dialog.since.isEnabled()
    dialog.since.setDateTime(since)
    qtbot.keyClicks(dialog.reason, "transfer laptop stolen")
    with qtbot.waitSignal(dialog.key_revoked) as revoked:
        qtbot.mouseClick(dialog.revoke_button, Qt.MouseButton.LeftButton)
    assert revoked.args[0].revoked_at.startswith("2026-01-03T")
    qtbot.waitUntil(lambda: screen.model.index(0, Col.STATE).data().startswith("Revoked as of 2026-01-03"))
    screen.table.selectRow(0)
    assert not screen.revoke_button.isEnabled()
    assert "transfer laptop stolen" in screen.details_text()
    key = exchange.list_partners(agencies.ours)[0].keys[0]
    assert key.revoked_reason == "transfer laptop stolen"
    # From then on, what the key signs is refused: a package the partner writes now no longer verifies.
    sent = agencies.partner_sends()
    with pytest.raises(VerificationFailed, match="revoked as of 2026-01-03T12:30"):
        exchange.verify_package(sent.path, ws=agencies.ours)


def test_a_revocation_dated_ahead_shows_revoked_as_everything_the_key_signs_is_refused(
    qtbot, agencies: Agencies
) -> None:
    key = exchange.list_partners(agencies.ours)[0].keys[0]
    exchange.revoke_key(agencies.ours, key.key_id, since="2099-01-01")
    screen = screen_of(qtbot, agencies)
    screen.reload()
    qtbot.waitUntil(lambda: screen.model.index(0, Col.STATE).data().startswith("Revoked as of 2099-01-01"))
    assert "revoked as of 2099-01-01" in exchange.list_partners(agencies.ours)[0].keys[0].status()
    with pytest.raises(VerificationFailed, match="revoked as of 2099-01-01"):
        exchange.verify_package(agencies.partner_sends().path, ws=agencies.ours)


def test_change_ceilings(qtbot, agencies: Agencies) -> None:
    screen = screen_of(qtbot, agencies)
    screen.table.selectRow(0)
    with qtbot.waitSignal(screen.dialog_opened) as opened:
        qtbot.mouseClick(screen.ceilings_button, Qt.MouseButton.LeftButton)
    dialog = opened.args[0]
    dialog.send.set_level(Tlp.CLEAR)
    dialog.accept_box.set_level(Tlp.RED)
    with qtbot.waitSignal(dialog.changed):
        qtbot.keyClick(dialog, Qt.Key.Key_Return)  # Save is the default button
    qtbot.waitUntil(lambda: screen.model.index(0, Col.MAY_RECEIVE).data() == "TLP:CLEAR")
    assert screen.model.index(0, Col.MAY_SEND).data() == "TLP:RED"
    audit = agencies.window.screens["audit"].model
    qtbot.waitUntil(lambda: audit.rowCount() > 0 and audit.index(0, 2).data() == "partner.ceilings")


def test_the_pane_shows_the_pinned_identity_and_bounds_and_trust_changes_them(qtbot, agencies: Agencies) -> None:
    screen = screen_of(qtbot, agencies)
    screen.table.selectRow(0)
    pane = screen.details_text()
    assert f"Their identity:\n{agencies.partner.identity_id}" in pane
    assert "packages valid for at most 366 days · sequence jumps up to 100" in pane
    exchange.export_package(agencies.ours, agencies.stick(), PARTNER)  # package 1 to them
    with qtbot.waitSignal(screen.dialog_opened) as opened:
        qtbot.mouseClick(screen.trust_button, Qt.MouseButton.LeftButton)
    dialog = opened.args[0]
    assert dialog.identity.text() == agencies.partner.identity_id and dialog.last_received.text() == "unchanged"
    dialog.lifetime.setValue(30)
    dialog.jump.setValue(5)
    dialog.last_received.setValue(7)  # they read out: the last package they had from us was number 7
    with qtbot.waitSignal(dialog.changed):
        qtbot.keyClick(dialog, Qt.Key.Key_Return)  # Save is the default button
    partner = exchange.get_partner(agencies.ours, PARTNER)
    assert (partner.max_lifetime_days, partner.max_sequence_jump) == (30, 5)
    assert exchange.export_package(agencies.ours, agencies.stick(), PARTNER).sequence == 8
    qtbot.waitUntil(lambda: "sequence jumps up to 5" in screen.details_text())

    with qtbot.waitSignal(screen.dialog_opened) as opened:
        qtbot.mouseClick(screen.trust_button, Qt.MouseButton.LeftButton)
    dialog = opened.args[0]
    dialog.jump.setValue(9)
    dialog.last_received.setValue(3)  # behind what was sent: refused, and nothing else changes either
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(message_boxes()))
    assert "the channel only moves forward" in message_boxes()[0].text()
    close_message_boxes()
    assert exchange.get_partner(agencies.ours, PARTNER).max_sequence_jump == 5
    dialog.reject()


def test_our_public_key_exported_from_the_partners_screen_equals_the_command_lines(
    qtbot, agencies: Agencies, tmp_path: Path, cli
) -> None:
    screen = screen_of(qtbot, agencies)
    own = keys.active_key(agencies.ours).key_id
    assert screen.own_fingerprint.text().split() == keys.format_fingerprint(own).split()
    assert len(screen.own_fingerprint.text().splitlines()) == 2  # eight groups a line, for the phone call
    qtbot.mouseClick(screen.copy_button, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == keys.format_fingerprint(own)
    status_tip = agencies.window.identity_label.toolTip()
    assert all(group in status_tip for group in keys.format_fingerprint(own).split())

    with qtbot.waitSignal(screen.dialog_opened) as opened:
        qtbot.mouseClick(screen.export_key_button, Qt.MouseButton.LeftButton)
    dialog = opened.args[0]
    assert dialog.fingerprint.text() == screen.own_fingerprint.text()
    stick = agencies.stick()
    dialog.picker.folder.setText(str(stick))
    assert dialog.file_name.text() == "eu-agency-for-cybersecurity.pub.pem"
    with qtbot.waitSignal(dialog.key_exported, timeout=10_000):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    written = stick / "eu-agency-for-cybersecurity.pub.pem"
    assert "read back" in dialog.outcome.text() and str(written) in dialog.outcome.text()
    assert [path.name for path in stick.iterdir()] == [written.name]  # no temporary left beside it

    by_command = tmp_path / "by-command.pem"
    result = cli("keys", "export-public", "--db", str(agencies.ours.path), "--out", str(by_command))
    assert result.code == 0, result.stderr
    assert written.read_bytes() == by_command.read_bytes()
    der = subprocess.run(
        ["openssl", "pkey", "-pubin", "-in", str(written), "-outform", "DER"], capture_output=True, check=True
    ).stdout
    assert hashlib.sha256(der).hexdigest() == own
    exported = [entry for entry in audit.entries(agencies.ours.conn) if entry.action == "key.export-public"]
    assert exported and exported[0].details["key_id"] == own


def test_exporting_our_key_where_it_cannot_be_written_says_why_and_leaves_nothing(
    qtbot, agencies: Agencies, tmp_path: Path
) -> None:
    screen = screen_of(qtbot, agencies)
    dialog = screen.export_key()
    dialog.picker.folder.setText(str(tmp_path / "no-such-stick"))
    assert not dialog.export_button.isEnabled()
    assert "is not a folder" in dialog.picker.space.text()
    stick = agencies.stick()
    dialog.picker.folder.setText(str(stick))
    dialog.file_name.setText("a/b.pem")
    assert not dialog.export_button.isEnabled()
    (stick / "taken").mkdir()  # the name is a folder on the stick: the write is refused by the service
    dialog.file_name.setText("taken")
    with qtbot.waitSignal(dialog.export_button.clicked):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.outcome.text().startswith("Not exported:"))
    assert "is a folder" in dialog.outcome.text()
    assert [path.name for path in stick.iterdir()] == ["taken"] and not any((stick / "taken").iterdir())
    assert dialog.written is None


def test_a_revocation_being_written_at_locking_is_kept_for_the_same_key(qtbot, agencies: Agencies) -> None:
    screen = screen_of(qtbot, agencies)
    window = agencies.window
    screen.table.selectRow(row_named(screen, PARTNER))
    with qtbot.waitSignal(screen.dialog_opened) as opened:
        qtbot.mouseClick(screen.revoke_button, Qt.MouseButton.LeftButton)
    dialog: RevokeKeyDialog = opened.args[0]
    assert window.keeper.unsaved() == []
    qtbot.keyClicks(dialog.reason, "transfer laptop stolen")
    key_id = dialog.key_id
    assert [item.what for _key, item in window.keeper.unsaved()] == [
        f"Partners: the revocation of key {key_id[:16]}… being written"
    ]
    with qtbot.waitSignal(screen.dialog_opened, timeout=10_000) as reopened:
        lock_and_restore(qtbot, window)
    again: RevokeKeyDialog = reopened.args[0]
    assert (again.key_id, again.reason.text()) == (key_id, "transfer laptop stolen")
    assert exchange.list_partners(window.session.workspace)[0].keys[0].revoked_at is None  # kept, not revoked


def test_a_partner_being_added_at_locking_is_kept_but_its_fingerprint_confirmed_again(
    qtbot, agencies: Agencies, tmp_path: Path
) -> None:
    screen = screen_of(qtbot, agencies)
    window = agencies.window
    _private, pem, key_id = new_private_key()
    path = tmp_path / "nordmark.pub.pem"
    path.write_bytes(pem)
    dialog = open_add(qtbot, screen)
    type_key_file(qtbot, dialog, path)
    qtbot.keyClicks(dialog.name, "Nordmark CERT")
    dialog.send.set_level(Tlp.GREEN)
    dialog.confirm.setChecked(True)
    assert [item.what for _key, item in window.keeper.unsaved()] == ["Partners: a partner being added"]
    with qtbot.waitSignal(screen.dialog_opened, timeout=10_000) as reopened:
        lock_and_restore(qtbot, window)
    again: AddPartnerDialog = reopened.args[0]
    assert (again.name.text(), again.send.level(), again.key_id) == ("Nordmark CERT", Tlp.GREEN, key_id)
    assert not again.confirm.isChecked() and not again.add_button.isEnabled()  # compared again, by phone
    assert [partner.name for partner in exchange.list_partners(window.session.workspace)] == [PARTNER]


def test_ceilings_and_trust_being_changed_at_locking_are_kept_for_the_same_partner(qtbot, agencies: Agencies) -> None:
    screen = screen_of(qtbot, agencies)
    window = agencies.window
    screen.table.selectRow(row_named(screen, PARTNER))
    with qtbot.waitSignal(screen.dialog_opened) as opened:
        qtbot.mouseClick(screen.ceilings_button, Qt.MouseButton.LeftButton)
    dialog = opened.args[0]
    assert window.keeper.unsaved() == []  # opened, nothing chosen yet
    before = exchange.get_partner(agencies.ours, PARTNER)
    assert before.tlp_send != Tlp.CLEAR
    dialog.send.set_level(Tlp.CLEAR)
    assert [item.what for _key, item in window.keeper.unsaved()] == [
        f"Partners: the ceilings of {PARTNER} being changed"
    ]
    with qtbot.waitSignal(screen.dialog_opened, timeout=10_000) as reopened:
        lock_and_restore(qtbot, window)
    again = reopened.args[0]
    assert isinstance(again, CeilingsDialog) and again.partner_name == PARTNER
    assert (again.send.level(), again.accept_box.level()) == (Tlp.CLEAR, before.tlp_accept)
    assert exchange.get_partner(window.session.workspace, PARTNER).tlp_send == before.tlp_send  # kept, not saved
    again.reject()

    with qtbot.waitSignal(screen.dialog_opened) as opened:
        qtbot.mouseClick(screen.trust_button, Qt.MouseButton.LeftButton)
    trust = opened.args[0]
    assert window.keeper.unsaved() == []
    trust.jump.setValue(9)
    trust.last_received.setValue(4)
    assert [item.what for _key, item in window.keeper.unsaved()] == [f"Partners: the trust of {PARTNER} being changed"]
    with qtbot.waitSignal(screen.dialog_opened, timeout=10_000) as reopened:
        lock_and_restore(qtbot, window)
    again = reopened.args[0]
    assert isinstance(again, TrustDialog) and again.partner_name == PARTNER
    assert (again.identity.text(), again.jump.value(), again.last_received.value()) == (
        agencies.partner.identity_id,
        9,
        4,
    )
    assert exchange.get_partner(window.session.workspace, PARTNER).max_sequence_jump == 100


def test_a_kept_change_for_a_partner_no_longer_there_is_dropped_with_a_message(qtbot, agencies: Agencies) -> None:
    screen = screen_of(qtbot, agencies)
    assert screen.restore_work({"trust": "Gone CERT", "state": {"jump": 9}})
    assert screen.dialog is None
    assert "The partner Gone CERT is gone" in agencies.window.statusBar().currentMessage()


def test_work_put_back_before_the_partners_are_read_is_still_unsaved_work(qtbot, agencies: Agencies) -> None:
    screen = screen_of(qtbot, agencies)
    window = agencies.window
    screen.partners = []  # as right after unlocking, before the partners are read again
    assert screen.restore_work({"trust": PARTNER, "state": {"jump": 9}})
    assert screen.dialog is None  # waits for the partners
    # Locking now keeps it again, and quitting asks to wait for it.
    assert [item.what for _key, item in window.keeper.unsaved()] == [f"Partners: the trust of {PARTNER} being changed"]
    window.close()
    quit_box = next(box for box in message_boxes() if box.objectName() == "quitUnsavedBox")
    qtbot.mouseClick(quit_box.button(QMessageBox.StandardButton.Save), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any(box.windowTitle() == "Unsaved work" and box is not quit_box for box in message_boxes()))
    refusal = next(box for box in message_boxes() if box.windowTitle() == "Unsaved work" and box is not quit_box)
    assert refusal.text() == (
        "Not saved, so the window stays open:"
        " the work kept at the last locking is still being put back; try again in a moment."
    )
    assert window.isVisible() and window.session.is_open
    close_message_boxes()
    with qtbot.waitSignal(screen.dialog_opened, timeout=10_000) as opened:
        screen.reload()
    assert isinstance(opened.args[0], TrustDialog) and opened.args[0].jump.value() == 9
    opened.args[0].reject()
