"""The two refusals an analyst may override after checking with the partner, from the Inbox: a sequence jump past
the partner's bound (accepted, then previewed and imported only on confirmation) and a package signed by a key
revoked since (re-admitted by its id with a reason, then examined again); declining changes nothing."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import Qt

from tests.conftest import indicator
from tests.ui.exchange_helpers import GREEN, PARTNER, Agencies, agencies
from tests.ui.test_exchange_inbox import look_in, previewed
from workbench.domain.timestamps import format_stix_timestamp, utc_now
from workbench.services import exchange, keys
from workbench.services.exchange.inbox_scan import ItemState, Remedy
from workbench.storage import audit
from workbench.storage.objects import store_digest
from workbench.ui.exchange.refusal_remedy import ReadmitDialog

__all__ = ["agencies"]


def shown_remedies(agencies: Agencies) -> list:  # type: ignore[type-arg]
    shown: list = []  # type: ignore[type-arg]
    agencies.exchange.importer.remedy_shown.connect(shown.append)
    return shown


def jumped(agencies: Agencies) -> tuple[Path, dict]:  # type: ignore[type-arg]
    """The partner's third package, the first two never carried here; the bound allows a step of 1."""
    exchange.set_partner_trust(agencies.ours, PARTNER, max_sequence_jump=1)
    for number in range(2):
        agencies.partner_sends(indicator(object_marking_refs=[GREEN], name=f"lost {number}"))
    beacon = indicator(object_marking_refs=[GREEN], name="after the jump")
    stick = agencies.stick()
    agencies.partner_sends(beacon, stick=stick)
    return stick, beacon


def test_a_sequence_jump_is_accepted_then_previewed_and_imported(qtbot, agencies: Agencies) -> None:
    stick, beacon = jumped(agencies)
    agencies.window.show_screen("exchange")
    look_in(qtbot, agencies, stick)
    inbox = agencies.exchange.inbox
    item = inbox.found.item(0)
    assert item.state is ItemState.REFUSED and item.remedy is Remedy.ACCEPT_JUMP
    assert "sequence jump: package 3 comes 3 after" in item.reason
    shown = shown_remedies(agencies)
    before = store_digest(agencies.ours.conn)
    qtbot.mouseClick(inbox.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(shown))
    box = shown[0]
    assert box.windowTitle() == "Package refused" and "sequence jump" in box.text()
    assert box.defaultButton().text().replace("&", "") == "Close"  # Enter never overrides a refusal
    accept = next(button for button in box.buttons() if button.text() == "&Accept the jump…")
    qtbot.mouseClick(accept, Qt.MouseButton.LeftButton)
    dialog = previewed(qtbot, agencies)
    assert "sequence jump of 3 accepted by the analyst" in dialog.preview.result.verdict.warnings
    assert store_digest(agencies.ours.conn) == before  # the preview kept nothing
    with qtbot.waitSignal(agencies.exchange.importer.item_imported, timeout=30_000):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert agencies.ours.objects.get(beacon["id"]) == beacon


def test_closing_the_refusal_imports_nothing(qtbot, agencies: Agencies) -> None:
    stick, beacon = jumped(agencies)
    agencies.window.show_screen("exchange")
    look_in(qtbot, agencies, stick)
    shown = shown_remedies(agencies)
    before = store_digest(agencies.ours.conn)
    qtbot.mouseClick(agencies.exchange.inbox.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(shown))
    with qtbot.waitSignal(agencies.exchange.importer.import_refused) as refused:
        qtbot.keyClick(shown[0], Qt.Key.Key_Return)  # the default button: Close
    assert "sequence jump" in refused.args[0]
    assert store_digest(agencies.ours.conn) == before and agencies.ours.objects.get(beacon["id"]) is None


def test_a_package_of_a_revoked_key_is_readmitted_by_its_id_then_imported(qtbot, agencies: Agencies) -> None:
    beacon = indicator(object_marking_refs=[GREEN], name="sent before the key was stolen")
    stick = agencies.stick()
    sent = agencies.partner_sends(beacon, stick=stick)
    key_id = keys.active_key(agencies.partner).key_id
    exchange.revoke_key(
        agencies.ours, key_id, since=format_stix_timestamp(utc_now() - timedelta(hours=1)), reason="laptop stolen"
    )
    agencies.window.show_screen("exchange")
    look_in(qtbot, agencies, stick)
    inbox = agencies.exchange.inbox
    item = inbox.found.item(0)
    assert item.remedy is Remedy.READMIT and (item.key_id, item.document_id) == (key_id, sent.package_id)
    shown = shown_remedies(agencies)
    qtbot.mouseClick(inbox.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(shown))
    readmit = next(button for button in shown[0].buttons() if button.text() == "&Re-admit…")
    qtbot.mouseClick(readmit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(shown) == 2)
    dialog = shown[1]
    assert isinstance(dialog, ReadmitDialog) and not dialog.readmit_button.isEnabled()  # a reason is required
    qtbot.keyClicks(dialog.reason, "confirmed by phone with their duty officer")
    qtbot.mouseClick(dialog.readmit_button, Qt.MouseButton.LeftButton)
    preview = previewed(qtbot, agencies)  # examined again: now it verifies
    with qtbot.waitSignal(agencies.exchange.importer.item_imported, timeout=30_000):
        qtbot.mouseClick(preview.import_button, Qt.MouseButton.LeftButton)
    assert agencies.ours.objects.get(beacon["id"]) == beacon
    entries = [entry.details for entry in audit.entries(agencies.ours.conn) if entry.action == "partner.readmit"]
    assert entries == [
        {"package_id": sent.package_id, "key_id": key_id, "reason": "confirmed by phone with their duty officer"}
    ]
