"""Link to case… and Export selected… on the tables naming STIX objects: the right-click menu of the library, the
case picker linking the selected objects (read back from the workspace), the export wizard opened with exactly
those ids and the package it writes holding exactly them (read back from the medium)."""

from __future__ import annotations

import orjson
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from tests.conftest import bundle, indicator
from tests.ui.case_helpers import click, wait_dialog
from tests.ui.exchange_helpers import AMBER, GREEN, Agencies, agencies
from workbench.services import cases, exchange
from workbench.services.cases import links as case_links
from workbench.services.importing.importer import import_file
from workbench.services.workspace import Workspace
from workbench.ui.cases.link_to_case_dialog import LinkToCaseDialog
from workbench.ui.exchange.export_wizard import ExportWizard
from workbench.ui.library.library_model import Columns

__all__ = ["agencies"]


def select_rows(library, ids: list[str]) -> None:
    selection = library.table.selectionModel()
    selection.clearSelection()
    flags = selection.SelectionFlag.Select | selection.SelectionFlag.Rows
    for stix_id in ids:
        selection.select(library.model.index(library.model.row_of(stix_id), Columns.NAME), flags)


def menu_actions(library, stix_id: str) -> dict[str, object]:
    index = library.model.index(library.model.row_of(stix_id), Columns.TYPE)
    return {action.text().replace("&", ""): action for action in library.table._table_menu.actions_at(index)}


def stocked(qtbot, window, names: list[str], stock) -> list[str]:
    objects = [indicator(object_marking_refs=[GREEN], name=name) for name in names]
    stock(*objects)
    library = window.screens["library"]
    library.model.reload()
    qtbot.waitUntil(lambda: all(library.model.row_of(obj["id"]) is not None for obj in objects))
    return [obj["id"] for obj in objects]


def test_a_library_row_offers_link_and_export_over_the_selection(qtbot, open_window) -> None:
    library = open_window.screens["library"]
    ids = [library.model.object_id(row) for row in range(3)]
    select_rows(library, ids[:2])
    on_selected = menu_actions(library, ids[1])
    assert list(on_selected) == [
        "Copy value",
        "Copy row",
        "Copy STIX id",
        "Show in library",
        "Link to case… (2 objects)",
        "Export selected… (2 objects)",
    ]
    outside = menu_actions(library, ids[2])  # a row outside the selection: that row alone
    assert "Link to case…" in outside and "Export selected…" in outside
    cases_table = open_window.screens["cases"].table
    assert not cases_table._table_menu.object_actions  # a case row is no object to link or export from there


def test_link_to_case_links_the_selected_objects(qtbot, window, ui_workspace: Workspace, write_json) -> None:
    def stock(*objects) -> None:
        import_file(ui_workspace, write_json(bundle(*objects)))

    closed = cases.create_case(ui_workspace, "incident", "Closed long ago", status="closed")
    wanted = cases.create_case(ui_workspace, "incident", "Ransomware at the port authority")
    window.session.attach(ui_workspace)
    ids = stocked(qtbot, window, ["Beacon one", "Beacon two", "Left alone"], stock)
    library = window.screens["library"]
    select_rows(library, ids[:2])
    menu_actions(library, ids[0])["Link to case… (2 objects)"].trigger()
    dialog = wait_dialog(qtbot, LinkToCaseDialog)
    qtbot.waitUntil(lambda: dialog.model.rowCount() > 0)
    listed = [dialog.model.item(row).ref for row in range(dialog.model.rowCount())]
    assert wanted.ref in listed and closed.ref not in listed  # open cases only
    qtbot.keyClicks(dialog.filter, "port authority")
    assert dialog.model.rowCount() == 1 and dialog.chosen_case().ref == wanted.ref
    with qtbot.waitSignal(dialog.linked) as linked:
        click(qtbot, dialog.ok_button)
    assert linked.args[0] == f"Linked 2 object(s) to case {wanted.ref}"
    assert sorted(link.object_id for link in case_links.links(ui_workspace, wanted.ref)) == sorted(ids[:2])
    assert case_links.links(ui_workspace, closed.ref) == []
    assert window.statusBar().currentMessage() == linked.args[0]


def test_link_to_case_refusal_stays_in_the_dialog(qtbot, window, ui_workspace: Workspace) -> None:
    case = cases.create_case(ui_workspace, "incident", "Phishing wave")
    window.session.attach(ui_workspace)
    missing = indicator(name="Never stored")["id"]
    dialog = window.link_to_case([missing])
    qtbot.waitUntil(lambda: dialog.chosen_case() is not None)
    click(qtbot, dialog.ok_button)
    qtbot.waitUntil(lambda: bool(dialog.error.text()))
    assert f"{missing} is not in the library" in dialog.error.text() and dialog.isVisible()
    assert case_links.links(ui_workspace, case.ref) == []


def test_export_selected_opens_the_wizard_with_exactly_those_ids(qtbot, agencies: Agencies) -> None:
    window = agencies.window
    ids = stocked(
        qtbot, window, ["Export me", "And me", "Not me"], lambda *objects: agencies.stock(agencies.ours, *objects)
    )
    agencies.stock(agencies.ours, indicator(object_marking_refs=[AMBER], name="Nor me"))
    library = window.screens["library"]
    select_rows(library, ids[:2])
    outbox = agencies.exchange.outbox
    with qtbot.waitSignal(outbox.wizard_opened) as opened:
        menu_actions(library, ids[1])["Export selected… (2 objects)"].trigger()
    wizard: ExportWizard = opened.args[0]
    assert sorted(wizard.library_selection) == sorted(ids[:2])
    qtbot.waitUntil(lambda: wizard.recipient_page.isComplete())
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    click(qtbot, next_button)
    page = wizard.selection_page
    assert page.library_button.isChecked() and page.library_button.text() == "The 2 object(s) se&lected in the table"
    assert page.selection() == exchange.IdSelection(tuple(wizard.library_selection))
    click(qtbot, next_button)
    click(qtbot, next_button)
    qtbot.waitUntil(lambda: wizard.check_page.preview is not None, timeout=30_000)
    click(qtbot, next_button)
    medium = agencies.stick("medium")
    picker = wizard.destination_page.picker
    picker.folder.clear()
    qtbot.keyClicks(picker.folder, str(medium))
    with qtbot.waitSignal(wizard.package_written, timeout=30_000) as written:
        click(qtbot, next_button)
    path = written.args[0].path
    objects = orjson.loads((path / "payload" / "bundle.json").read_bytes())["objects"]
    sent = {obj["id"] for obj in objects if obj["type"] not in ("marking-definition", "identity")}
    assert sent == set(ids[:2])
    qtbot.keyClick(wizard, Qt.Key.Key_Escape)
