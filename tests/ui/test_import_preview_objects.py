"""The import previews list the objects: state, type, name, TLP, a refusal's reason, filterable by state and words,
with the properties an update changes side by side; several dropped files give one preview."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tests.conftest import bundle, indicator, malware, threat_actor
from tests.ui.exchange_helpers import GREEN, Agencies, agencies, close_message_boxes, message_boxes
from tests.ui.test_import_flow import drop, previewed
from workbench.domain.tlp import Tlp
from workbench.services.importing.importer import import_file
from workbench.storage.objects import store_digest
from workbench.ui.importing.objects_panel import ChangesModel, ObjectsModel

__all__ = ["agencies"]
pytestmark = pytest.mark.filterwarnings("ignore:Function.*QDragEnterEvent:DeprecationWarning")
Col = ObjectsModel.Columns


def rows(panel) -> dict[str, list[str]]:
    """The visible rows as {name: [state, type, name, TLP, note]}."""
    model = panel.table.model()
    return {
        model.index(row, Col.NAME).data(): [model.index(row, column).data() for column in range(Col.FILE)]
        for row in range(model.rowCount())
    }


def test_the_file_preview_lists_each_object_with_its_state_and_the_diff_of_an_update(
    qtbot, open_window, write_json
) -> None:
    window = open_window
    ws = window.session.workspace
    kept = indicator(name="C2 address", object_marking_refs=[Tlp.AMBER.marking_id])
    clash = malware(name="GreyLantern loader")
    stored_actor = threat_actor(name="Sandstorm Owl (preview)")
    import_file(ws, write_json(bundle(kept, clash, stored_actor)))
    updated = dict(kept, modified="2026-03-01T00:00:00.000Z", pattern="[ipv4-addr:value = '203.0.113.9']")
    conflict = dict(clash, description="Another description at the same modified time")
    new = indicator(name="Fresh indicator <b>bold</b>")
    refused = indicator(id="indicator--not-a-uuid", name="Broken id")
    path = write_json(bundle(new, updated, conflict, stored_actor, refused), "partner-bulletin.json")
    before = store_digest(ws.conn)

    drop(window, path)
    dialog = previewed(qtbot, window)
    dialog.tabs.setCurrentWidget(dialog.objects)
    panel = dialog.objects
    listed = rows(panel)
    assert listed["Fresh indicator <b>bold</b>"][0] == "New"  # shown literally
    assert listed["C2 address"][:4] == ["Updated", "indicator", "C2 address", "TLP:AMBER"]
    assert listed["C2 address"][4] == "changes pattern"
    assert listed["GreyLantern loader"][0] == "Conflict"
    assert listed["Sandstorm Owl (preview)"][0] == "Unchanged"
    assert listed["Broken id"][0] == "Refused" and "id" in listed["Broken id"][4]
    assert dialog.tabs.tabText(1) == "Objects (5)"

    panel.set_state("refused")
    assert list(rows(panel)) == ["Broken id"]
    panel.set_state(None)
    panel.set_search("c2 address")
    assert list(rows(panel)) == ["C2 address"]
    panel.table.selectRow(0)
    changes = panel.changes_view.model()
    shown = {
        changes.index(row, ChangesModel.Columns.PROPERTY).data(): (
            changes.index(row, ChangesModel.Columns.BEFORE).data(),
            changes.index(row, ChangesModel.Columns.AFTER).data(),
        )
        for row in range(changes.rowCount())
    }
    assert shown["pattern"] == ("[ipv4-addr:value = '198.51.100.7']", "[ipv4-addr:value = '203.0.113.9']")
    assert panel.changes_view.isVisible() and "becomes current" in panel.detail.text()
    panel.set_search("greylantern")
    panel.table.selectRow(0)
    assert changes.rowCount() == 1 and changes.index(0, 0).data() == "description"
    assert store_digest(ws.conn) == before  # previewing kept nothing
    dialog.reject()


def test_several_dropped_files_give_one_preview_with_each_files_outcome(qtbot, open_window, write_json) -> None:
    window = open_window
    first = write_json(bundle(indicator(name="From the first file")), "first.json")
    second = write_json(bundle(malware(name="From the second file")), "second.json")
    log = write_json(b"2026-02-01 10:00 sshd[1]: not STIX", "auth.log")
    drop(window, first, second, log)
    dialog = previewed(qtbot, window)
    assert message_boxes() == []  # the log file's refusal is a row, not a box of its own
    files = dialog.files_model
    outcomes = {files.index(row, 0).data(): files.index(row, 1).data() for row in range(files.rowCount())}
    assert outcomes["first.json"].startswith("1 new") and outcomes["second.json"].startswith("1 new")
    assert outcomes["auth.log"].startswith("Cannot be imported:") and "auth.log" in outcomes["auth.log"]
    assert dialog.counts["new"].text() == "2"
    panel = dialog.objects
    assert not panel.table.isColumnHidden(Col.FILE)
    by_file = {panel.table.model().index(row, Col.FILE).data() for row in range(panel.table.model().rowCount())}
    assert by_file == {"first.json", "second.json"}
    with qtbot.waitSignals([window.imports.import_committed, window.imports.import_committed], timeout=30_000):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    library = window.screens["library"]
    qtbot.waitUntil(lambda: not library.model.loading)
    assert "Imported first.json" in window.statusBar().currentMessage()
    assert "Imported second.json" in window.statusBar().currentMessage()
    close_message_boxes()


def test_the_package_preview_lists_its_objects(qtbot, agencies: Agencies) -> None:
    sent = agencies.partner_sends(
        indicator(name="Partner indicator", object_marking_refs=[GREEN]), malware(name="Partner malware")
    )
    exchange = agencies.exchange
    shown: list = []
    exchange.importer.preview_shown.connect(shown.append)
    exchange.import_paths([str(sent.path)])
    qtbot.waitUntil(lambda: bool(shown), timeout=30_000)
    dialog = shown[0]
    listed = rows(dialog.objects)
    assert listed["Partner indicator"][:4] == ["New", "indicator", "Partner indicator", "TLP:GREEN"]
    assert listed["Partner malware"][0] == "New"
    dialog.reject()


def test_the_preview_models_pass_the_model_tester(qtmodeltester, workspace, write_json) -> None:
    from workbench.services.importing.summary import ObjectOutcome, PropertyChange
    from workbench.ui.importing.objects_panel import ListedObject

    model = ObjectsModel()
    entry = ObjectOutcome(
        "new_version", "indicator--1", "indicator", "x", 2, 0, changes=(PropertyChange("a", None, "1"),)
    )
    model.set_items(
        [
            ListedObject("f.json", entry),
            ListedObject("f.json", ObjectOutcome("refused", None, "", "", None, 1, "id: bad")),
        ]
    )
    qtmodeltester.check(model)
    model.set_state("refused")
    assert model.rowCount() == 1
    qtmodeltester.check(model)
    changes = ChangesModel()
    changes.set_items(list(entry.changes))
    qtmodeltester.check(changes)
