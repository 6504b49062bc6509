"""The Inbox as an analyst uses it: a stick with a partner's package, its verdict before anything is imported, the
preview, and the import only on confirmation; refusals in a readable dialog; receipts both ways; media coming and
going."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import Qt

from tests.conftest import indicator, malware
from tests.ui.exchange_helpers import AMBER, GREEN, PARTNER, Agencies, agencies, close_message_boxes, message_boxes
from tests.ui.test_import_flow import drop
from workbench.services import exchange
from workbench.services.demo import DEMO_PASSPHRASE, create_demo_workspace
from workbench.services.exchange.inbox_scan import ItemState
from workbench.services.intake import import_source
from workbench.storage.objects import store_digest
from workbench.ui.exchange.models import FoundItemsModel, OutboxModel, ReceivedModel
from workbench.ui.exchange.package_preview_dialog import PackagePreviewDialog

__all__ = ["agencies"]
Found = FoundItemsModel.Columns


def look_in(qtbot, agencies: Agencies, stick: Path) -> None:
    inbox = agencies.exchange.inbox
    with qtbot.waitSignal(inbox.scanned, timeout=30_000):
        inbox.set_folder(stick)


def cell(model, row: int, column: int) -> str:
    return model.index(row, column).data()


def previewed(qtbot, agencies: Agencies) -> PackagePreviewDialog:
    shown: list[PackagePreviewDialog] = []
    agencies.exchange.importer.preview_shown.connect(shown.append)
    qtbot.waitUntil(lambda: bool(shown), timeout=30_000)
    return shown[0]


def test_a_package_is_verified_previewed_and_imported_only_on_confirmation(qtbot, agencies: Agencies) -> None:
    ours = agencies.ours
    # The partner wrote GreyLantern (its pinned identity is the author), so its newer version becomes current.
    family = malware(object_marking_refs=[GREEN], name="GreyLantern", created_by_ref=agencies.partner.identity_id)
    same = indicator(object_marking_refs=[GREEN], name="Known beacon")
    agencies.stock(ours, family, same)
    newer = dict(family, modified="2026-02-01T00:00:00.000Z", description="now with a second C2 channel")
    fresh = [indicator(object_marking_refs=[AMBER], name=f"New beacon {n}") for n in range(3)]
    stick = agencies.stick()
    sent = agencies.partner_sends(family, same, newer, *fresh, stick=stick)

    agencies.window.show_screen("exchange")
    look_in(qtbot, agencies, stick)
    inbox = agencies.exchange.inbox
    assert inbox.found.rowCount() == 1
    assert cell(inbox.found, 0, Found.FROM) == PARTNER
    assert cell(inbox.found, 0, Found.SEQUENCE) == "1"
    assert cell(inbox.found, 0, Found.TLP) == "TLP:AMBER"
    assert cell(inbox.found, 0, Found.OBJECTS) == str(sent.object_count)
    assert cell(inbox.found, 0, Found.VERDICT) == "Verified, ready to import"
    assert "Signed by US Cybersecurity Agency" in inbox.details.text()

    before = store_digest(ours.conn)
    inbox.found_table.setFocus()
    qtbot.keyClick(inbox.found_table, Qt.Key.Key_Return)  # Enter imports the selected item
    dialog = previewed(qtbot, agencies)
    assert dialog.counts["new"].text() == "4"  # the three beacons, and the partner's identity (all objects leave)
    assert dialog.counts["new_versions"].text() == "1"
    assert int(dialog.counts["unchanged"].text()) >= 2
    assert dialog.counts["refused"].text() == "0"
    assert store_digest(ours.conn) == before  # the preview kept nothing

    with qtbot.waitSignal(agencies.exchange.importer.item_imported, timeout=30_000) as imported:
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    summary = imported.args[0].result.summary
    assert (summary.new, summary.new_versions) == (4, 1)
    assert ours.objects.get(family["id"])["description"] == "now with a second C2 channel"
    assert all(ours.objects.get(obj["id"]) == obj for obj in fresh)
    assert (
        "Imported package 1 from US Cybersecurity Agency: 4 new, 1 updated"
        in agencies.window.statusBar().currentMessage()
    )
    qtbot.waitUntil(
        lambda: (
            inbox.received.rowCount() == 1
            and inbox.found.rowCount() == 1
            and inbox.found.item(0).state is ItemState.IMPORTED
        )
    )
    assert cell(inbox.received, 0, ReceivedModel.Columns.FROM) == PARTNER
    assert cell(inbox.received, 0, ReceivedModel.Columns.RECEIPT) == "not written yet"
    assert cell(inbox.found, 0, Found.VERDICT).startswith("Already imported on")


def test_a_tampered_package_shows_the_refusal_and_changes_nothing(qtbot, agencies: Agencies) -> None:
    stick = agencies.stick()
    sent = agencies.partner_sends(indicator(object_marking_refs=[GREEN], name="beacon"), stick=stick)
    bundle = sent.path / "payload" / "bundle.json"
    bundle.write_bytes(bundle.read_bytes().replace(b'"beacon"', b'"bEacon"'))  # one byte, same size
    agencies.window.show_screen("exchange")
    look_in(qtbot, agencies, stick)
    inbox = agencies.exchange.inbox
    assert inbox.found.item(0).state is ItemState.REFUSED
    assert "does not match its SHA-256" in cell(inbox.found, 0, Found.VERDICT)
    before = store_digest(agencies.ours.conn)
    with qtbot.waitSignal(agencies.exchange.importer.import_refused) as refused:
        qtbot.mouseClick(inbox.import_button, Qt.MouseButton.LeftButton)
    assert "was changed after signing" in refused.args[0]
    boxes = message_boxes()
    assert boxes and boxes[0].textFormat() == Qt.TextFormat.PlainText
    assert boxes[0].windowTitle() == "Package refused" and "SHA-256" in boxes[0].text()
    close_message_boxes()
    assert store_digest(agencies.ours.conn) == before


def test_a_package_dropped_on_the_window_goes_through_the_same_flow(qtbot, agencies: Agencies) -> None:
    window = agencies.window
    sent = agencies.partner_sends(indicator(object_marking_refs=[GREEN]))
    before = store_digest(agencies.ours.conn)
    assert drop(window, sent.path)
    dialog = previewed(qtbot, agencies)
    assert window.navigation.currentRow() == window._keys.index("exchange")
    assert dialog.counts["new"].text() != "0"
    with qtbot.waitSignal(agencies.exchange.importer.import_cancelled):
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert store_digest(agencies.ours.conn) == before
    assert "not confirmed; nothing was changed" in window.statusBar().currentMessage()

    copy = agencies.folder / "copy"
    shutil.copytree(sent.path, copy)
    (copy / "manifest.json.sig").write_bytes(b"\0" * 64)
    with qtbot.waitSignal(agencies.exchange.importer.import_refused, timeout=30_000) as refused:
        drop(window, copy)
    assert "signature does not verify" in refused.args[0]
    close_message_boxes()
    assert store_digest(agencies.ours.conn) == before


def test_receipts_both_ways_and_the_outbox_delivery_status(qtbot, agencies: Agencies) -> None:
    ours, partner = agencies.ours, agencies.partner
    agencies.stock(ours, indicator(object_marking_refs=[GREEN], name="shared beacon"))
    outgoing = exchange.export_package(ours, agencies.stick(), PARTNER)
    exchange.import_package(partner, outgoing.path)
    stick = agencies.stick()
    exchange.write_receipt(partner, outgoing.package_id, stick)
    incoming = agencies.partner_sends(indicator(object_marking_refs=[GREEN], name="their beacon"), stick=stick)

    exchange_screen = agencies.exchange
    agencies.window.show_screen("exchange")
    look_in(qtbot, agencies, stick)
    inbox = exchange_screen.inbox
    states = {inbox.found.item(row).state: row for row in range(inbox.found.rowCount())}
    assert set(states) == {ItemState.READY, ItemState.RECEIPT_READY}
    outbox = exchange_screen.outbox.model
    qtbot.keyClick(agencies.window, Qt.Key.Key_F5)  # View > Refresh: the export above was made behind its back
    qtbot.waitUntil(lambda: outbox.rowCount() == 1)
    assert cell(outbox, 0, OutboxModel.Columns.STATUS) == "Awaiting receipt"

    inbox.found_table.selectRow(states[ItemState.RECEIPT_READY])
    assert inbox.import_button.text() == "Record recei&pt…"
    boxes: list = []
    exchange_screen.importer.confirmation_shown.connect(boxes.append)
    qtbot.mouseClick(inbox.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(boxes))
    assert "package 1 was delivered" in boxes[0].text()
    with qtbot.waitSignal(exchange_screen.importer.item_imported):
        qtbot.mouseClick(exchange_screen.importer.record_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: outbox.rowCount() == 1 and cell(outbox, 0, OutboxModel.Columns.STATUS) == "Delivered")
    # They stored the beacon and our identity.
    assert cell(outbox, 0, OutboxModel.Columns.DELIVERED).startswith("2 stored, 0 refused")

    # Import the partner's package, then write them a receipt from the list of packages received.
    qtbot.waitUntil(lambda: inbox.found.rowCount() == 2)
    ready = next(row for row in range(inbox.found.rowCount()) if inbox.found.item(row).state is ItemState.READY)
    inbox.found_table.selectRow(ready)
    qtbot.mouseClick(inbox.import_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(exchange_screen.importer.item_imported, timeout=30_000):
        qtbot.mouseClick(previewed(qtbot, agencies).import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: inbox.received.rowCount() == 1)
    inbox.received_table.selectRow(0)
    back = agencies.stick("back")
    dialog = inbox.write_receipt()
    dialog.picker.folder.clear()
    qtbot.keyClicks(dialog.picker.folder, str(back))
    with qtbot.waitSignal(dialog.receipt_written) as written:
        qtbot.mouseClick(dialog.write_button, Qt.MouseButton.LeftButton)
    path = written.args[0].path
    assert path.parent == back and path.name.split("-receipt-")[0] == agencies.window.session.info.fingerprint[:12]
    qtbot.waitUntil(lambda: cell(inbox.received, 0, ReceivedModel.Columns.RECEIPT) == "written")
    import_source(partner, path)  # the partner records it: their package is delivered
    assert [entry.status for entry in exchange.outbox(partner.conn)] == ["delivered"]
    assert incoming.package_id == exchange.outbox(partner.conn)[0].package_id


def test_the_inbox_scans_again_when_a_volume_comes_and_goes(qtbot, agencies: Agencies, tmp_path: Path) -> None:
    screen = agencies.exchange
    proc, sys_root, mount = tmp_path / "proc", tmp_path / "sys", tmp_path / "media" / "USB STICK"
    (proc / "self").mkdir(parents=True)
    (sys_root / "block" / "sdz" / "sdz1").mkdir(parents=True)
    (sys_root / "block" / "sdz" / "removable").write_text("1\n")
    mounts = proc / "self" / "mounts"
    mounts.write_text("/dev/sda1 / ext4 rw 0 0\n")
    mount.mkdir(parents=True)
    agencies.partner_sends(indicator(object_marking_refs=[GREEN]), stick=mount)
    screen.media.proc_root, screen.media.sys_root = proc, sys_root
    screen.media.set_interval(20)
    screen.media.start()
    inbox = screen.inbox
    inbox.rescan()
    qtbot.waitUntil(lambda: inbox.last_scan is not None and not inbox.last_scan.items)
    escaped = str(mount).replace(" ", "\\040")  # as the kernel writes a space in /proc/self/mounts
    mounts.write_text(f"/dev/sda1 / ext4 rw 0 0\n/dev/sdz1 {escaped} vfat rw,nosuid 0 0\n")
    qtbot.waitUntil(lambda: inbox.found.rowCount() == 1, timeout=10_000)
    assert cell(inbox.found, 0, Found.FOUND_IN) == str(mount)
    assert "removable volumes: " + str(mount) in inbox.places.text()
    mounts.write_text("/dev/sda1 / ext4 rw 0 0\n")
    qtbot.waitUntil(lambda: inbox.found.rowCount() == 0, timeout=10_000)
    assert "no removable volume mounted" in inbox.places.text()


def test_the_demo_shows_the_partners_package_and_receipt_waiting(qtbot, window, tmp_path: Path) -> None:
    ws = create_demo_workspace(tmp_path)
    screen = window.screens["exchange"]
    screen.media.proc_root = screen.media.sys_root = tmp_path / "no-media"
    window.session.attach(ws, demo_passphrase=DEMO_PASSPHRASE)
    inbox = screen.inbox
    qtbot.waitUntil(lambda: inbox.found.rowCount() == 2, timeout=30_000)
    assert {inbox.found.item(row).state for row in range(2)} == {ItemState.READY, ItemState.RECEIPT_READY}
    assert "Nordmark" in cell(inbox.found, 0, Found.FROM)
    qtbot.waitUntil(lambda: screen.outbox.model.rowCount() == 2)


def test_a_sequence_gap_is_a_warning_in_the_verdict_and_the_preview(qtbot, agencies: Agencies) -> None:
    exchange.import_package(agencies.ours, agencies.partner_sends(indicator(object_marking_refs=[GREEN])).path)
    agencies.partner_sends(indicator(object_marking_refs=[GREEN]))  # package 2 never arrives
    stick = agencies.stick()
    agencies.partner_sends(indicator(object_marking_refs=[GREEN], name="third"), stick=stick)
    agencies.window.show_screen("exchange")
    look_in(qtbot, agencies, stick)
    inbox = agencies.exchange.inbox
    assert cell(inbox.found, 0, Found.VERDICT).startswith("Verified, with 1 warning(s): gap: 1 package(s)")
    assert "Warning: gap: 1 package(s) from US Cybersecurity Agency between sequence 1 and 3" in inbox.details.text()
    inbox.import_selected()
    dialog = previewed(qtbot, agencies)
    assert [label.text() for label in dialog.warnings] == [
        "⚠ gap: 1 package(s) from US Cybersecurity Agency between sequence 1 and 3 were never imported here"
    ]
    dialog.reject()


def test_locking_drops_what_the_exchange_screens_show(qtbot, agencies: Agencies) -> None:
    stick = agencies.stick()
    agencies.partner_sends(indicator(object_marking_refs=[GREEN]), stick=stick)
    window = agencies.window
    window.show_screen("exchange")
    look_in(qtbot, agencies, stick)
    screen = agencies.exchange
    assert screen.inbox.found.rowCount() == 1 and screen.media.watching
    qtbot.waitUntil(lambda: window.screens["partners"].model.rowCount() == 1)
    window.lock_now()
    assert screen.inbox.found.rowCount() == 0 and screen.inbox.details.text() == ""
    assert screen.outbox.model.rowCount() == 0 and not screen.media.watching
    assert window.screens["partners"].model.rowCount() == 0
    assert not window.screens["partners"].details.isVisible()
