"""Refusals the analyst may overrule, in the window: a sequence jump beyond the partner's bound (Accept this jump…,
a confirmation stating the jump, then the preview and the import with ``accept_jump``), and a package signed by a
since revoked key (Re-admit this package…, the reason, ``readmit_package``, then verified again and imported).
Real packages written by the partner's workspace, carried on a folder standing in for a stick."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from tests.conftest import indicator
from tests.ui.exchange_helpers import GREEN, PARTNER, Agencies, agencies
from tests.ui.test_exchange_inbox import Found, cell, look_in, previewed
from workbench.services import audit_trail, exchange, keys
from workbench.services.exchange.inbox_scan import ItemState, RemedyKind
from workbench.storage import exchange as rows
from workbench.storage.objects import store_digest
from workbench.ui.exercise.reason_dialog import ReasonDialog

__all__ = ["agencies"]


def asked(qtbot, agencies: Agencies) -> list[object]:
    shown: list[object] = []
    agencies.exchange.importer.overrule_asked.connect(shown.append)
    return shown


def test_a_sequence_jump_is_accepted_after_a_confirmation_that_states_it(qtbot, agencies: Agencies) -> None:
    exchange.set_partner_trust(agencies.ours, PARTNER, max_sequence_jump=2)
    for _ in range(3):
        agencies.partner_sends(indicator(object_marking_refs=[GREEN]))  # packages 1 to 3 never arrive here
    stick = agencies.stick()
    far = indicator(object_marking_refs=[GREEN], name="After the jump")
    agencies.partner_sends(far, stick=stick)  # package 4
    agencies.window.show_screen("exchange")
    look_in(qtbot, agencies, stick)
    inbox = agencies.exchange.inbox
    item = inbox.found.item(0)
    assert item.state is ItemState.REFUSED and item.remedy is not None
    assert item.remedy.kind is RemedyKind.ACCEPT_JUMP and item.remedy.jump == 4
    assert "sequence jump" in cell(inbox.found, 0, Found.VERDICT)
    assert inbox.import_button.text() == "&Accept this jump…"
    before = store_digest(agencies.ours.conn)

    shown = asked(qtbot, agencies)
    qtbot.mouseClick(inbox.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(shown))
    box = shown[0]
    assert isinstance(box, QMessageBox) and box.textFormat() == Qt.TextFormat.PlainText
    assert "is package 4 from US Cybersecurity Agency" in box.text()
    assert "a jump of 4, more than the 2 allowed" in box.text()
    assert box.defaultButton() is not agencies.exchange.importer.accept_jump_button  # Enter does not accept it
    box.button(QMessageBox.StandardButton.Cancel).click()  # Cancel first: nothing changes
    qtbot.waitUntil(lambda: not box.isVisible())
    assert store_digest(agencies.ours.conn) == before

    shown.clear()
    inbox.import_selected()
    qtbot.waitUntil(lambda: bool(shown))
    assert agencies.exchange.importer.accept_jump_button.text() == "&Accept the jump of 4"
    agencies.exchange.importer.accept_jump_button.click()
    dialog = previewed(qtbot, agencies)
    assert store_digest(agencies.ours.conn) == before  # the preview kept nothing
    with qtbot.waitSignal(agencies.exchange.importer.item_imported, timeout=30_000) as imported:
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert imported.args[0].result.verdict.sequence == 4
    assert agencies.ours.objects.get(far["id"]) == far
    assert rows.received(agencies.ours.conn, imported.args[0].result.verdict.package_id) is not None


def test_a_package_signed_by_a_revoked_key_is_readmitted_and_verified_again(qtbot, agencies: Agencies) -> None:
    stick = agencies.stick()
    beacon = indicator(object_marking_refs=[GREEN], name="Sent before the key was lost")
    sent = agencies.partner_sends(beacon, stick=stick)
    key_id = keys.active_key(agencies.partner).key_id
    exchange.revoke_key(agencies.ours, key_id, reason="laptop stolen")
    agencies.window.show_screen("exchange")
    look_in(qtbot, agencies, stick)
    inbox = agencies.exchange.inbox
    item = inbox.found.item(0)
    assert item.state is ItemState.REFUSED and "revoked as of" in (item.reason or "")
    assert item.remedy is not None and item.remedy.kind is RemedyKind.READMIT
    assert (item.remedy.package_id, item.remedy.key_id) == (sent.package_id, key_id)
    assert inbox.import_button.text() == "Re-ad&mit this package…"
    before = store_digest(agencies.ours.conn)

    shown = asked(qtbot, agencies)
    qtbot.mouseClick(inbox.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(shown))
    dialog = shown[0]
    assert isinstance(dialog, ReasonDialog)
    prompt = dialog.text.accessibleName()
    assert sent.package_id in prompt and "US Cybersecurity Agency" in prompt and "revoked as of" in prompt
    assert not dialog.ok_button.isEnabled()  # the reason is asked for
    qtbot.keyClicks(dialog.text, "confirmed by phone with their duty officer")
    assert dialog.ok_button.text() == "&Re-admit and verify again"
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    preview = previewed(qtbot, agencies)  # verified again from the start, then previewed
    assert rows.is_readmitted(agencies.ours.conn, sent.package_id, key_id)
    assert store_digest(agencies.ours.conn) != before  # the re-admission, in the audit log
    with qtbot.waitSignal(agencies.exchange.importer.item_imported, timeout=30_000):
        qtbot.mouseClick(preview.import_button, Qt.MouseButton.LeftButton)
    assert agencies.ours.objects.get(beacon["id"]) == beacon
    entries = list(audit_trail.entries(agencies.ours, action="partner.readmit"))
    assert len(entries) == 1 and entries[0].details["reason"] == "confirmed by phone with their duty officer"
