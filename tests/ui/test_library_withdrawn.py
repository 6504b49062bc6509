"""Objects their producer withdrew are marked as such in the library: ATT&CK's deprecated Industroyer (S1004) and
Data Historian Compromise (T0810) read from the real ATT&CK for ICS bundle, and a revoked object, in the list and
in the detail pane."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.conftest import SHARED_DATA, bundle, malware
from tests.ui.test_library import search
from workbench.services import library as library_service
from workbench.services.importing.importer import import_file
from workbench.ui.library.library_model import Columns, Roles

ICS = SHARED_DATA / "stix" / "attack" / "ics-attack-18.1.json"


def listed(library, stix_id: str):  # type: ignore[no-untyped-def]
    row = library.model.row_of(stix_id)
    assert row is not None, stix_id
    return library.model.index(row, Columns.NAME)


def test_deprecated_and_revoked_objects_are_marked_in_the_list_and_the_detail(
    qtbot, window, ui_workspace, write_json
) -> None:
    import_file(ui_workspace, ICS)
    retired = malware(name="OldLoader", revoked=True)
    import_file(ui_workspace, write_json(bundle(retired)))
    found = library_service.search(ui_workspace.conn, library_service.LibraryFilter(search="Industroyer"))
    families = [row for row in found if row.type == "malware" and row.name == "Industroyer"]
    deprecated = [row for row in families if row.deprecated]
    assert len(families) == 2 and len(deprecated) == 1  # S1004 deprecated, S0604 current

    window.session.attach(ui_workspace)
    library = window.screens["library"]
    search(qtbot, library, "Industroyer")
    names = sorted(library.model.index(r, Columns.NAME).data() for r in range(library.model.rowCount()))
    assert "Industroyer (deprecated)" in names and "Industroyer" in names and "Industroyer2" in names
    index = listed(library, deprecated[0].id)
    assert index.data(Roles.DEPRECATED) and index.data(Qt.ItemDataRole.FontRole).italic()
    assert "Deprecated by its producer" in index.data(Qt.ItemDataRole.ToolTipRole)

    library.show_object(deprecated[0].id)
    qtbot.waitUntil(lambda: library.detail.current is not None and library.detail.current.row.id == deprecated[0].id)
    assert library.detail.subtitle.text().startswith("DEPRECATED by its producer")

    search(qtbot, library, "Data Historian Compromise")
    [technique] = [
        r for r in range(library.model.rowCount()) if library.model.index(r, Columns.TYPE).data() == "attack-pattern"
    ]
    assert library.model.index(technique, Columns.NAME).data() == "Data Historian Compromise (deprecated)"

    search(qtbot, library, "OldLoader")
    index = listed(library, retired["id"])
    assert index.data() == "OldLoader (revoked)" and index.data(Qt.ItemDataRole.FontRole).strikeOut()
    library.show_object(retired["id"])
    qtbot.waitUntil(lambda: library.detail.current is not None and library.detail.current.row.id == retired["id"])
    assert library.detail.subtitle.text().startswith("REVOKED by its producer")
