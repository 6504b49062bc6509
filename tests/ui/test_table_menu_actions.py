"""A table's context menu acts on the rows selected: Link to case… links exactly those objects to the case chosen,
Export selected… opens the export wizard with exactly those objects chosen, and the package carries them."""

from __future__ import annotations

from tests.conftest import indicator
from tests.ui.case_helpers import click, wait_dialog
from tests.ui.exchange_helpers import AMBER, GREEN, Agencies, agencies
from tests.ui.test_export_wizard import click_next
from workbench.services import cases, exchange
from workbench.ui.cases.link_to_case_dialog import LinkToCaseDialog
from workbench.ui.common.table_menu import TableMenu

__all__ = ["agencies"]


def select_in_library(qtbot, agencies: Agencies, objects: list[dict]) -> TableMenu:  # type: ignore[type-arg]
    library = agencies.window.screens["library"]
    library.model.reload()
    qtbot.waitUntil(lambda: all(library.model.row_of(obj["id"]) is not None for obj in objects))
    table = library.table
    table.clearSelection()
    flags = table.selectionModel().SelectionFlag.Select | table.selectionModel().SelectionFlag.Rows
    for obj in objects:
        table.selectionModel().select(library.model.index(library.model.row_of(obj["id"]), 0), flags)
    return table._table_menu


def menu_action(agencies: Agencies, menu: TableMenu, obj: dict, text: str):  # type: ignore[no-untyped-def,type-arg]
    library = agencies.window.screens["library"]
    index = library.model.index(library.model.row_of(obj["id"]), 1)
    actions = {action.text().replace("&", ""): action for action in menu.actions_at(index)}
    assert {"Copy value", "Copy row", "Copy STIX id", "Show in library", "Link to case…", "Export selected…"} <= set(
        actions
    )
    return actions[text]


def test_link_to_case_links_the_selected_rows_to_the_case_chosen(qtbot, agencies: Agencies) -> None:
    chosen = [indicator(object_marking_refs=[GREEN], name=f"Chosen {n}") for n in range(2)]
    other = indicator(object_marking_refs=[GREEN], name="Not chosen")
    agencies.stock(agencies.ours, *chosen, other)
    decoy = cases.create_case(agencies.ours, "incident", "Another incident").ref
    target = cases.create_case(agencies.ours, "incident", "Phishing at a water utility").ref
    menu = select_in_library(qtbot, agencies, chosen)
    menu_action(agencies, menu, chosen[1], "Link to case…").trigger()
    dialog = wait_dialog(qtbot, LinkToCaseDialog)
    qtbot.waitUntil(lambda: dialog.cases.count() == 2)
    assert sorted(dialog.object_ids) == sorted(obj["id"] for obj in chosen)
    qtbot.keyClicks(dialog.filter, "water")
    assert dialog.chosen_ref() == target
    with qtbot.waitSignal(dialog.linked, timeout=10_000) as linked:
        click(qtbot, dialog.link_button)
    assert linked.args[0] == f"2 object(s) linked to {target}; 0 were linked already."
    assert sorted(cases.get_case(agencies.ours, target).linked) == sorted(obj["id"] for obj in chosen)
    assert cases.get_case(agencies.ours, decoy).linked == []
    assert target in agencies.window.statusBar().currentMessage()


def test_export_selected_opens_the_wizard_with_those_objects_and_the_package_carries_them(
    qtbot, agencies: Agencies
) -> None:
    chosen = [indicator(object_marking_refs=[GREEN], name=f"Chosen {n}") for n in range(2)]
    other = indicator(object_marking_refs=[AMBER], name="Not chosen")
    agencies.stock(agencies.ours, *chosen, other)
    menu = select_in_library(qtbot, agencies, chosen)
    outbox = agencies.exchange.outbox
    with qtbot.waitSignal(outbox.wizard_opened) as opened:
        menu_action(agencies, menu, chosen[0], "Export selected…").trigger()
    wizard = opened.args[0]
    assert sorted(wizard.library_selection) == sorted(obj["id"] for obj in chosen)
    assert wizard.selection_page.library_button.isChecked()  # chosen by the analyst in the menu
    qtbot.waitUntil(lambda: wizard.recipient_page.isComplete())
    for _page in range(3):  # recipient, selection, options
        click_next(qtbot, wizard)
    check = wizard.check_page
    qtbot.waitUntil(lambda: check.preview is not None, timeout=30_000)
    assert check.preview.selection == "2 chosen object(s)"
    previewed = [
        a.text().replace("&", "") for a in check.leaving_table._table_menu.actions_at(check.leaving.index(0, 0))
    ]
    assert "Copy STIX id" in previewed and "Link to case…" not in previewed  # a preview's rows are not acted on
    click_next(qtbot, wizard)
    medium = agencies.stick("medium")
    wizard.destination_page.picker.folder.clear()
    qtbot.keyClicks(wizard.destination_page.picker.folder, str(medium))
    with qtbot.waitSignal(wizard.package_written, timeout=30_000) as written:
        click_next(qtbot, wizard)
    result = written.args[0]
    exchange.import_package(agencies.partner, result.path)
    indicators = {row[0] for row in agencies.partner.conn.execute("SELECT id FROM objects WHERE type = 'indicator'")}
    assert indicators == {obj["id"] for obj in chosen}
    wizard.reject()
