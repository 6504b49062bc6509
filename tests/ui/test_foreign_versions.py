"""Foreign versions in the window: the package preview counts and lists them, and the Library accepts one only
after saying who sent it and why it was kept aside."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from tests.conftest import malware
from tests.ui.exchange_helpers import GREEN, Agencies, agencies
from tests.ui.test_exchange_inbox import look_in, previewed
from tests.ui.test_import_preview_objects import rows
from workbench.services.importing import foreign
from workbench.storage.objects import store_digest

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
    box = detail.findChild(QMessageBox, "acceptForeignBox")
    assert box is not None and box.isVisible()
    assert "package 1 from US Cybersecurity Agency" in box.text() and "not the object's author" in box.text()
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)  # Enter does not accept
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ours.objects.get(family["id"]) == newer, timeout=10_000)
    qtbot.waitUntil(lambda: detail.current is not None and not detail.current.foreign, timeout=10_000)
    assert not detail.accept_foreign_button.isVisible()
    assert foreign.foreign_versions(ours) == []
