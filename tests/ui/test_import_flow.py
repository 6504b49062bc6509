"""Importing from the window: drop a file, read the preview, confirm or cancel; cancelling leaves the store as it
was."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QMessageBox

from tests.case_samples import full_incident
from tests.conftest import bundle, indicator, malware
from tests.ui.conftest import make_window
from workbench.services import cases
from workbench.services.cases import stix as case_stix
from workbench.storage.objects import store_digest
from workbench.ui.importing.preview_dialog import ImportPreviewDialog
from workbench.ui.library.library_model import Columns

# Qt 6 keeps only the QPoint form of this constructor; PySide marks it deprecated.
pytestmark = pytest.mark.filterwarnings("ignore:Function.*QDragEnterEvent:DeprecationWarning")


def drop(window, *paths: Path) -> bool:
    """Drag files over the window and drop them; True when the window accepted the drag.

    Qt delivers synthetic drag events only from a real drag manager, so the window's handlers get them directly.
    """
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(path)) for path in paths])
    enter = QDragEnterEvent(
        QPoint(200, 200), Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    window.dragEnterEvent(enter)
    if not enter.isAccepted():
        return False
    event = QDropEvent(
        QPointF(200, 200), Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    window.dropEvent(event)
    return True


def message_boxes() -> list[QMessageBox]:
    return [
        widget for widget in QApplication.topLevelWidgets() if isinstance(widget, QMessageBox) and widget.isVisible()
    ]


def previewed(qtbot, window) -> ImportPreviewDialog:
    shown: list[ImportPreviewDialog] = []
    window.imports.preview_shown.connect(shown.append)
    qtbot.waitUntil(lambda: bool(shown), timeout=30_000)
    return shown[0]


def test_dropped_bundle_is_previewed_then_imported_on_confirmation(qtbot, open_window, write_json) -> None:
    window = open_window
    conn = window.session.workspace.conn
    new = indicator(name="Dropped indicator")
    # One refused object with two reasons: the preview counts objects (1), the table lists reasons (2).
    broken = malware(name="broken", created="yesterday", modified="today")
    path = write_json(bundle(new, malware(name="Dropped malware"), broken), "dropped.json")
    before = store_digest(conn)
    drop(window, path)
    dialog = previewed(qtbot, window)
    assert dialog.counts["new"].text() == "2"
    assert dialog.counts["refused"].text() == "1"
    reasons = dialog.refused_view.model()
    assert reasons.rowCount() == 2
    assert {reasons.index(row, 0).data() for row in range(2)} == {broken["id"]}
    assert "RFC 3339" in reasons.index(0, 2).data()
    assert store_digest(conn) == before  # the preview kept nothing
    with qtbot.waitSignal(window.imports.import_committed, timeout=30_000) as committed:
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert committed.args[0].summary.new == 2
    library = window.screens["library"]
    qtbot.waitUntil(lambda: not library.model.loading and library.model.row_of(new["id"]) is not None)
    assert library.model.index(library.model.row_of(new["id"]), Columns.NAME).data() == "Dropped indicator"
    assert "Imported dropped.json: 2 new" in window.statusBar().currentMessage()
    audit = window.screens["audit"].model
    qtbot.waitUntil(lambda: audit.rowCount() > 0 and audit.index(0, 2).data() == "import")
    assert "dropped.json" in audit.index(0, 3).data()


def test_a_case_bundle_dropped_on_the_window_becomes_its_case(
    qtbot, open_window, partner_workspace, tmp_path: Path
) -> None:
    """The window imports through the same entry point as the command line, cases and their schema check included."""
    ref = full_incident(partner_workspace)
    path = tmp_path / "case.json"
    case_stix.export_case(partner_workspace, ref, path)
    window = open_window
    ours = window.session.workspace
    known = {case.ref for case in cases.list_cases(ours)}
    drop(window, path)
    dialog = previewed(qtbot, window)
    with qtbot.waitSignal(window.imports.import_committed, timeout=30_000) as committed:
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    [created] = committed.args[0].created
    assert created not in known
    case = cases.get_case(ours, created)
    assert case.stix_id == cases.get_case(partner_workspace, ref).stix_id and case.origin == "US Cybersecurity Agency"
    assert f"Case {created} from the import." in window.statusBar().currentMessage()


def test_file_import_menu_is_keyboard_reachable(open_window) -> None:
    assert open_window.import_action.shortcut().toString() == "Ctrl+I"
    assert open_window.import_action.isEnabled()


def test_declining_the_preview_keeps_nothing(qtbot, open_window, write_json) -> None:
    window = open_window
    conn = window.session.workspace.conn
    before = store_digest(conn)
    drop(window, write_json(bundle(indicator(), indicator())))
    dialog = previewed(qtbot, window)
    with qtbot.waitSignal(window.imports.import_cancelled):
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert store_digest(conn) == before
    assert "nothing was changed" in window.statusBar().currentMessage()


def test_a_file_that_is_not_stix_is_refused_in_a_dialog(qtbot, open_window, write_json) -> None:
    window = open_window
    before = store_digest(window.session.workspace.conn)
    with qtbot.waitSignal(window.imports.import_failed) as failed:
        drop(window, write_json(b"this is a log file, not JSON", "server.log"))
    assert "server.log" in failed.args[0]
    boxes = message_boxes()
    assert boxes and boxes[0].textFormat() == Qt.TextFormat.PlainText and "server.log" in boxes[0].text()
    boxes[0].close()
    assert store_digest(window.session.workspace.conn) == before


def test_a_dropped_package_is_sent_to_the_exchange_screen(qtbot, open_window, tmp_path: Path) -> None:
    package = tmp_path / "nordmark-0007-abc"
    package.mkdir()
    (package / "manifest.json").write_text("{}")
    drop(open_window, package)
    qtbot.waitUntil(lambda: bool(message_boxes()))
    assert open_window.navigation.currentRow() == open_window._keys.index("exchange")
    assert message_boxes()[0].text() == (
        "nordmark-0007-abc was refused: manifest.json.sig is missing; this is not a signed package"
    )
    assert not open_window.imports.busy  # the STIX import never saw it
    message_boxes()[0].close()


def test_nothing_can_be_dropped_on_a_locked_window(qtbot, window, write_json) -> None:
    assert not drop(window, write_json(bundle(indicator())))
    assert window.imports.preview is None and not window.imports.busy


@pytest.mark.slow
def test_cancelling_a_long_import_leaves_the_store_unchanged(
    qtbot, threaded_session, settings, demo_workspace, write_json
) -> None:
    window = make_window(qtbot, threaded_session, settings)
    threaded_session.attach(demo_workspace)
    path = write_json(bundle(*(indicator(name=f"Bulk {n}") for n in range(20_000))), "bulk.json")
    before = store_digest(demo_workspace.conn)
    drop(window, path)
    dialog = previewed(qtbot, window)
    assert dialog.counts["new"].text() == "20,000"
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.imports.progress is not None and window.imports.progress.isVisible())
    progress = window.imports.progress
    qtbot.waitUntil(lambda: progress.bar.maximum() > 0, timeout=30_000)  # the import is writing
    with qtbot.waitSignal(window.imports.import_cancelled, timeout=60_000):
        qtbot.mouseClick(progress.cancel_button, Qt.MouseButton.LeftButton)
    assert store_digest(demo_workspace.conn) == before
    assert "cancelled; nothing was changed" in window.statusBar().currentMessage()
