"""A table's context menu acts on the rows selected: Link to case… links exactly those objects to the case chosen,
Export selected… opens the export wizard with exactly those objects chosen, and the package carries them. A case
being chosen for them at locking is kept and put back for the same objects."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from tests.conftest import indicator
from tests.ui.case_helpers import click, lock_again_while_restoring, shown, wait_dialog
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


def test_a_case_being_chosen_to_link_to_at_locking_is_put_back_for_the_same_objects(qtbot, agencies: Agencies) -> None:
    window = agencies.window
    chosen = [indicator(object_marking_refs=[GREEN], name=f"Chosen {n}") for n in range(2)]
    agencies.stock(agencies.ours, *chosen, indicator(object_marking_refs=[GREEN], name="Not chosen"))
    refs = {cases.create_case(agencies.ours, "incident", title).ref for title in ("Grid intrusion", "Water utility")}
    menu = select_in_library(qtbot, agencies, chosen)
    menu_action(agencies, menu, chosen[0], "Link to case…").trigger()
    dialog = wait_dialog(qtbot, LinkToCaseDialog)
    qtbot.waitUntil(lambda: dialog.cases.count() == 2)
    assert window.keeper.unsaved() == []  # the first case, chosen by itself, is no work
    qtbot.keyClicks(dialog.filter, "INC")  # both cases stay listed
    dialog.cases.setCurrentRow(1)  # the analyst chooses the second
    picked = dialog.chosen_ref()
    assert picked in refs and picked != dialog.cases.item(0).data(Qt.ItemDataRole.UserRole)
    assert [(key, item.what) for key, item in window.keeper.unsaved()] == [
        ("library", "Library: 2 object(s) being linked to a case")
    ]
    # Locked again at once after Restore, before the objects were read and the dialog opened: kept again.
    lock_again_while_restoring(qtbot, window, lambda: not shown(LinkToCaseDialog))
    again = wait_dialog(qtbot, LinkToCaseDialog)
    assert again is not dialog
    qtbot.waitUntil(lambda: again.cases.count() == 2 and again.chosen_ref() is not None)
    assert sorted(again.object_ids) == sorted(obj["id"] for obj in chosen)
    assert (again.filter.text(), again.chosen_ref()) == ("INC", picked)
    assert all(cases.get_case(window.session.workspace, ref).linked == [] for ref in refs)  # kept, not linked
    with qtbot.waitSignal(again.linked, timeout=10_000):
        click(qtbot, again.link_button)
    assert sorted(cases.get_case(window.session.workspace, picked).linked) == sorted(obj["id"] for obj in chosen)


def test_quit_with_a_case_being_chosen_to_link_to_asks_to_finish_it_first(qtbot, agencies: Agencies) -> None:
    window = agencies.window
    chosen = [indicator(object_marking_refs=[GREEN], name="Chosen")]
    agencies.stock(agencies.ours, *chosen)
    cases.create_case(agencies.ours, "incident", "Water utility")
    menu = select_in_library(qtbot, agencies, chosen)
    menu_action(agencies, menu, chosen[0], "Link to case…").trigger()
    dialog = wait_dialog(qtbot, LinkToCaseDialog)
    qtbot.waitUntil(lambda: dialog.cases.count() == 1)
    qtbot.keyClicks(dialog.filter, "water")
    window.close()
    box = wait_dialog(qtbot, QMessageBox)
    assert "Library: 1 object(s) being linked to a case" in box.text()
    click(qtbot, box.button(QMessageBox.StandardButton.Save))
    qtbot.waitUntil(lambda: "Finish or cancel the linking to a case" in dialog.status.text())
    assert window.isVisible() and window.session.is_open and dialog.isVisible()


def test_a_case_being_chosen_for_objects_gone_is_dropped_with_a_message(qtbot, agencies: Agencies) -> None:
    window = agencies.window
    there = indicator(object_marking_refs=[GREEN], name="Still there")
    agencies.stock(agencies.ours, there)
    ref = cases.create_case(agencies.ours, "incident", "Grid intrusion").ref
    library = window.screens["library"]
    gone = [indicator(name="Never stored")["id"], indicator(name="Never stored either")["id"]]
    assert library.restore_work({"link_to_case": {"objects": gone, "filter": "Grid", "case": ref}})
    qtbot.waitUntil(lambda: "are gone" in window.statusBar().currentMessage())
    message = window.statusBar().currentMessage()
    assert message.startswith("The 2 object(s) being linked to a case at locking are gone")
    assert not shown(LinkToCaseDialog) and window.keeper.unsaved() == []

    assert library.restore_work({"link_to_case": {"objects": [gone[0], there["id"]], "filter": "Grid", "case": ref}})
    again = wait_dialog(qtbot, LinkToCaseDialog)
    assert again.object_ids == [there["id"]]  # only the object still stored
    assert "1 of the 2 object(s) being linked to a case at locking are gone" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: again.chosen_ref() == ref)
    again.reject()


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
