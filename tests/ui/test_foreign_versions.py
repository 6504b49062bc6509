"""Foreign versions in the window: the package preview counts and lists them, and the Library accepts one only
after saying who sent it and why it was kept aside."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from tests.conftest import malware
from tests.ui.case_helpers import wait_dialog
from tests.ui.exchange_helpers import GREEN, Agencies, agencies
from tests.ui.test_exchange_inbox import look_in, previewed
from tests.ui.test_import_preview_objects import rows
from workbench.services import exchange
from workbench.services.importing import foreign
from workbench.storage.objects import store_digest
from workbench.ui.library.accept_foreign_dialog import AcceptForeignDialog

__all__ = ["agencies"]


def test_a_foreign_version_is_shown_in_the_preview_and_accepted_in_the_library(qtbot, agencies: Agencies) -> None:
    ours = agencies.ours
    family = malware(object_marking_refs=[GREEN], name="GreyLantern")  # no author: ours, from a file
    agencies.stock(ours, family)
    newer = dict(family, modified="2026-02-01T00:00:00.000Z", name="GreyLantern (renamed by the partner)")
    stick = agencies.stick()
    agencies.partner_sends(family, newer, stick=stick)

    agencies.window.show_screen("exchange")
    look_in(qtbot, agencies, stick)
    inbox = agencies.exchange.inbox
    before = store_digest(ours.conn)
    inbox.found_table.setFocus()
    qtbot.keyClick(inbox.found_table, Qt.Key.Key_Return)
    dialog = previewed(qtbot, agencies)
    assert (dialog.counts["foreign"].text(), dialog.counts["new_versions"].text()) == ("1", "0")
    model = dialog.findings_view.model()
    reasons = [model.index(row, 2).data() for row in range(model.rowCount())]
    assert any(reason.startswith("kept as a foreign version") for reason in reasons), reasons
    listed = rows(dialog.objects)
    assert listed["GreyLantern (renamed by the partner)"][0] == "Foreign version (kept aside)"
    assert store_digest(ours.conn) == before
    with qtbot.waitSignal(agencies.exchange.importer.item_imported, timeout=30_000):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert ours.objects.get(family["id"]) == family
    assert len(foreign.foreign_versions(ours)) == 1
    assert "1 foreign version(s) kept aside" in agencies.window.statusBar().currentMessage()

    agencies.window.show_screen("library")
    library = agencies.window.screens["library"]
    library.show_object(family["id"])
    detail = library.detail
    qtbot.waitUntil(lambda: detail.current is not None and detail.current.row.id == family["id"])
    assert detail.accept_foreign_button.isVisible()
    assert "1 foreign version(s) waiting" in detail.subtitle.text()
    qtbot.mouseClick(detail.accept_foreign_button, Qt.MouseButton.LeftButton)
    box = wait_dialog(qtbot, AcceptForeignDialog)
    [text] = [box.list.item(row).text() for row in range(box.list.count())]
    assert "package 1 from US Cybersecurity Agency" in text and "not its author" in box.findChild(QLabel).text()
    assert not box.accept_button.isEnabled() and box.ticked() == []  # nothing accepted by default, nor by Enter
    qtbot.waitUntil(lambda: "renamed by the partner" in box.json.toPlainText())  # read as received first
    box.list.item(0).setCheckState(Qt.CheckState.Checked)
    qtbot.mouseClick(box.accept_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ours.objects.get(family["id"]) == newer, timeout=10_000)
    qtbot.waitUntil(lambda: detail.current is not None and not detail.current.foreign, timeout=10_000)
    assert not detail.accept_foreign_button.isVisible()
    assert foreign.foreign_versions(ours) == []


def test_of_two_foreign_versions_only_the_one_ticked_is_accepted(qtbot, agencies: Agencies) -> None:
    ours = agencies.ours
    family = malware(object_marking_refs=[GREEN], name="GreyLantern")
    agencies.stock(ours, family)
    first = dict(family, modified="2026-02-01T00:00:00.000Z", name="GreyLantern, first rename")
    second = dict(family, modified="2026-03-01T00:00:00.000Z", name="GreyLantern, second rename")
    for version in (first, second):
        exchange.import_package(ours, agencies.partner_sends(family, version).path)
    assert len(foreign.foreign_versions(ours)) == 2
    agencies.window.show_screen("library")
    library = agencies.window.screens["library"]
    library.show_object(family["id"])
    detail = library.detail
    qtbot.waitUntil(lambda: detail.current is not None and len(detail.current.foreign) == 2)
    qtbot.mouseClick(detail.accept_foreign_button, Qt.MouseButton.LeftButton)
    box = wait_dialog(qtbot, AcceptForeignDialog)
    dates = [box.list.item(row).text() for row in range(box.list.count())]
    chosen = next(row for row, text in enumerate(dates) if "2026-02-01" in text)
    box.list.setCurrentRow(chosen)
    qtbot.waitUntil(lambda: "first rename" in box.json.toPlainText())
    box.list.item(chosen).setCheckState(Qt.CheckState.Checked)
    assert box.accept_button.text() == "&Accept ticked (1)"
    qtbot.mouseClick(box.accept_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ours.objects.get(family["id"]) == first, timeout=10_000)
    [waiting] = foreign.foreign_versions(ours)
    assert waiting.modified.startswith("2026-03-01")  # the other still waits for the analyst
    qtbot.waitUntil(lambda: detail.current is not None and len(detail.current.foreign) == 1, timeout=10_000)
