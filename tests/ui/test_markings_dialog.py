"""The Markings dialog of the Partners screen: markings not understood are listed first, mapping one to a TLP level
with clicks lets what it marks leave at that level; the model passes the model tester."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.conftest import indicator, stix_id
from tests.marking_samples import opencti_pap, statement
from tests.ui.exchange_helpers import PARTNER, Agencies, agencies
from workbench.domain.tlp import Tlp
from workbench.services import exchange
from workbench.ui.partners.markings_dialog import MarkingsDialog, MarkingsModel
from workbench.ui.partners.partners_screen import PartnersScreen

__all__ = ["agencies"]
Col = MarkingsModel.Columns


def open_markings(qtbot, agencies: Agencies) -> MarkingsDialog:
    screen: PartnersScreen = agencies.window.show_screen("partners")
    qtbot.waitUntil(lambda: screen.model.rowCount() > 0)
    with qtbot.waitSignal(screen.dialog_opened) as opened:
        qtbot.mouseClick(screen.markings_button, Qt.MouseButton.LeftButton)
    dialog: MarkingsDialog = opened.args[0]
    qtbot.waitUntil(lambda: dialog.model.rowCount() > 0)
    return dialog


def row_of(model, marking_id: str) -> int:  # type: ignore[no-untyped-def]
    return next(row for row in range(model.rowCount()) if model.index(row, Col.ID).data() == marking_id)


def meaning_of(model, marking_id: str) -> str:  # type: ignore[no-untyped-def]
    return str(model.index(row_of(model, marking_id), Col.MEANING).data())


def test_a_marking_not_understood_is_mapped_with_clicks_and_then_leaves(
    qtbot, qtmodeltester, agencies: Agencies
) -> None:
    pap = stix_id("marking-definition")
    mitre = statement(stix_id("marking-definition"), "Copyright 2015-2025, The MITRE Corporation.")
    marked = indicator(name="PAP-marked beacon", object_marking_refs=[Tlp.GREEN.marking_id, pap])
    agencies.stock(agencies.ours, opencti_pap(pap), mitre, marked)
    held = {item.id for item in exchange.preview_export(agencies.ours, PARTNER).held_back}
    assert marked["id"] in held

    dialog = open_markings(qtbot, agencies)
    qtmodeltester.check(dialog.model, force_py=True)
    model = dialog.model
    assert model.index(0, Col.NAME).data() == "PAP:AMBER"  # the one not understood comes first
    assert model.index(0, Col.MEANING).data() == "Not understood: held back from every export"
    assert model.index(0, Col.OBJECTS).data() == "1" and model.index(0, Col.ID).data() == pap
    meanings = {
        model.index(row, Col.ID).data(): model.index(row, Col.MEANING).data() for row in range(model.rowCount())
    }
    assert meanings[mitre["id"]] == "Statement (restricts nothing)"
    assert meanings[Tlp.AMBER_STRICT.marking_id] == "TLP:AMBER+STRICT"

    dialog.table.selectRow(0)
    assert dialog.map_button.isEnabled() and not dialog.unmap_button.isEnabled()
    dialog.level.set_level(Tlp.GREEN)
    with qtbot.waitSignal(dialog.marking_mapped, timeout=30_000) as mapped:
        qtbot.mouseClick(dialog.map_button, Qt.MouseButton.LeftButton)
    assert mapped.args[0].mapped is Tlp.GREEN
    # Understood once mapped, it sorts among the others by name (the EXERCISE marking every workspace holds first).
    qtbot.waitUntil(lambda: meaning_of(model, pap) == "Mapped to TLP:GREEN")
    assert marked["id"] not in {item.id for item in exchange.preview_export(agencies.ours, PARTNER).held_back}
    assert agencies.ours.objects.row(marked["id"]).tlp is Tlp.GREEN

    # A TLP marking is understood already: nothing to map.
    row = next(row for row in range(model.rowCount()) if model.index(row, Col.ID).data() == Tlp.RED.marking_id)
    dialog.table.selectRow(row)
    assert not dialog.map_button.isEnabled() and not dialog.unmap_button.isEnabled()
    dialog.table.selectRow(row_of(model, pap))
    with qtbot.waitSignal(dialog.marking_mapped, timeout=30_000):
        qtbot.mouseClick(dialog.unmap_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: model.index(0, Col.MEANING).data() == "Not understood: held back from every export")
    assert marked["id"] in {item.id for item in exchange.preview_export(agencies.ours, PARTNER).held_back}
    dialog.reject()
