"""The library screen driven as an analyst would: search, open a detail, follow a relationship, filter, sort."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtWidgets import QLabel

from tests.conftest import bundle, indicator, malware, relationship
from workbench.services.importing.importer import import_file
from workbench.ui.library.library_model import Columns, Roles


def row_named(model, name: str) -> int:
    for row in range(model.rowCount()):
        if model.index(row, Columns.NAME).data() == name:
            return row
    raise AssertionError(f"{name} is not listed")


def search(qtbot, library, words: str) -> None:
    library.filters.search.clear()
    qtbot.keyClicks(library.filters.search, words)
    qtbot.keyClick(library.filters.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: library.model.query[0].search == words and not library.model.loading)


def test_search_finds_objects_and_opens_their_detail(qtbot, open_window) -> None:
    library = open_window.screens["library"]
    search(qtbot, library, "Sandstorm")
    names = {library.model.index(row, Columns.NAME).data() for row in range(library.model.rowCount())}
    assert "Sandstorm Owl" in names
    assert "GreyLantern" not in names
    assert "matches" in library.status.text()

    row = row_named(library.model, "Sandstorm Owl")
    qtbot.mouseClick(
        library.table.viewport(),
        Qt.MouseButton.LeftButton,
        pos=library.table.visualRect(library.model.index(row, 0)).center(),
    )
    qtbot.waitUntil(lambda: library.detail.current is not None and library.detail.current.row.name == "Sandstorm Owl")
    assert library.detail.title.text() == "Sandstorm Owl"
    text = library.detail.properties.toPlainText()
    assert "Espionage actor targeting energy" in text and "Winter Owl" in text
    versions = library.detail.versions_model
    assert versions.rowCount() == 2  # the file's version and the partner package's newer one
    assert {versions.index(r, 1).data() for r in range(2)} == {"current", "history"}
    assert "package: nordmark-cdc-0014" in {versions.index(r, 2).data() for r in range(2)}
    assert '"threat_actor_types"' in library.detail.json.toPlainText()


def test_search_with_no_match_says_so(qtbot, open_window) -> None:
    library = open_window.screens["library"]
    search(qtbot, library, "zzzznothing")
    assert library.model.rowCount() == 0
    assert library.status.text() == "No matches."


def test_following_a_relationship_shows_the_other_object_and_back_returns(qtbot, open_window) -> None:
    library = open_window.screens["library"]
    library.show_object(library.model.object_id(row_named(library.model, "Sandstorm Owl")))
    qtbot.waitUntil(lambda: library.detail.current is not None and library.detail.current.row.name == "Sandstorm Owl")
    library.detail.tabs.setCurrentIndex(1)
    links = library.detail.links_model
    target = next(r for r in range(links.rowCount()) if links.index(r, 2).data() == "GreyLantern")
    assert links.index(target, 1).data() == "uses"
    view = library.detail.links_view
    view.setFocus()
    view.setCurrentIndex(links.index(target, 0))
    qtbot.keyClick(view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: library.detail.current.row.name == "GreyLantern")
    assert library.detail.title.text() == "GreyLantern"
    # The table follows when it lists the object.
    assert library.table.currentIndex().data(Roles.ID) == library.detail.current.row.id
    qtbot.mouseClick(library.detail.back_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: library.detail.current.row.name == "Sandstorm Owl")


def test_clicking_a_neighbour_in_the_graph_follows_it(qtbot, open_window) -> None:
    library = open_window.screens["library"]
    library.show_object(library.model.object_id(row_named(library.model, "Sandstorm Owl")))
    qtbot.waitUntil(lambda: library.detail.current is not None and library.detail.current.row.name == "Sandstorm Owl")
    library.detail.tabs.setCurrentIndex(2)
    graph = library.detail.graph
    names = {node.label.text() for node in graph.nodes}
    assert {"GreyLantern", "PaperMoth", "Operation Winter Ledger"} <= names
    assert "TLP:GREEN" not in names  # markings are a column, not a neighbour
    node = next(node for node in graph.nodes if node.label.text() == "PaperMoth")
    point: QPoint = graph.mapFromScene(node.scenePos())
    qtbot.mouseClick(graph.viewport(), Qt.MouseButton.LeftButton, pos=point)
    qtbot.waitUntil(lambda: library.detail.current.row.name == "PaperMoth")


def test_html_in_a_description_is_shown_literally(qtbot, open_window, demo_workspace) -> None:
    library = open_window.screens["library"]
    html_name = '<img src="http://track.example/p.gif"><b>bold</b>'
    html_text = 'Click <a href="http://evil.example/">here</a> <img src=x onerror=alert(1)>'
    obj = indicator(name=html_name, description=html_text)
    with demo_workspace.transaction() as conn:
        from workbench.storage.objects import ObjectStore

        store = ObjectStore(conn)
        store.put(obj, store.add_source("file", "html.json"))
    library.show_object(obj["id"])
    qtbot.waitUntil(lambda: library.detail.current is not None and library.detail.current.row.id == obj["id"])
    assert library.detail.title.text() == html_name
    assert library.detail.properties.toPlainText().count(html_text) == 1
    for label in open_window.findChildren(QLabel):
        assert label.textFormat() == Qt.TextFormat.PlainText, label.objectName() or label.text()
    open_window.session.notify_changed(__import__("workbench.app.session", fromlist=["StoreChange"]).StoreChange("t"))
    qtbot.waitUntil(lambda: not library.model.loading and library.model.row_of(obj["id"]) is not None)
    row = library.model.row_of(obj["id"])
    assert library.model.index(row, Columns.NAME).data() == html_name
    tooltip = library.model.index(row, Columns.NAME).data(Qt.ItemDataRole.ToolTipRole)
    assert "<img" not in tooltip and "&lt;img" in tooltip


def test_filters_by_type_and_tlp_and_sorting_by_header(qtbot, open_window) -> None:
    library = open_window.screens["library"]
    qtbot.waitUntil(lambda: library.filters.type_box.count() > 2)
    library.filters.type_box.setCurrentIndex(library.filters.type_box.findData("malware"))
    qtbot.waitUntil(lambda: library.model.query[0].types == ("malware",) and not library.model.loading)
    types = {library.model.index(r, Columns.TYPE).data() for r in range(library.model.rowCount())}
    assert types == {"malware"}
    assert library.model.rowCount() == 5
    library.filters.tlp_box.setCurrentIndex(library.filters.tlp_box.findText("TLP:AMBER"))
    qtbot.waitUntil(lambda: library.model.query[0].tlp is not None and not library.model.loading)
    assert {library.model.index(r, Columns.NAME).data() for r in range(library.model.rowCount())} == {
        "SilentTide",
        "RustNail",
    }
    qtbot.waitUntil(lambda: "2 objects" in library.status.text())
    library.filters.reset()
    qtbot.waitUntil(lambda: library.model.query[0].types == () and not library.model.loading)
    header = library.table.horizontalHeader()
    qtbot.mouseClick(
        header.viewport(),
        Qt.MouseButton.LeftButton,
        pos=QPoint(header.sectionViewportPosition(Columns.NAME) + 10, header.height() // 2),
    )
    qtbot.waitUntil(lambda: library.model.sort_column() == Columns.NAME and not library.model.loading)
    # Relationships are shown as "type: source → target" and sorted by their type.
    names = [
        library.model.index(r, Columns.NAME).data().split(": ")[0].lower() for r in range(library.model.rowCount())
    ]
    assert len(names) > 100
    assert names == sorted(names, reverse=library.model.query[2])


def test_the_table_pages_as_it_scrolls(qtbot, window, ui_workspace, write_json) -> None:
    objects = [indicator(name=f"Indicator {n:04d}") for n in range(1200)]
    import_file(ui_workspace, write_json(bundle(*objects)))
    window.session.attach(ui_workspace)
    library = window.screens["library"]
    qtbot.waitUntil(lambda: library.model.rowCount() > 0 and not library.model.loading)
    assert library.model.rowCount() == 500
    assert library.model.canFetchMore(QModelIndex())
    library.table.scrollToBottom()
    qtbot.waitUntil(lambda: library.model.rowCount() >= 1000)
    while library.model.canFetchMore(QModelIndex()) or library.model.loading:
        library.model.fetchMore(QModelIndex())
        qtbot.waitUntil(lambda: not library.model.loading)
    ids = {library.model.index(r, 0).data(Roles.ID) for r in range(library.model.rowCount())}
    assert len(ids) == library.model.rowCount() == ui_workspace.objects.count()


def test_relationships_are_listed_by_what_they_join(qtbot, window, ui_workspace, write_json) -> None:
    actor, tool = malware(name="Alpha"), malware(name="Beta")
    import_file(ui_workspace, write_json(bundle(actor, tool, relationship(actor["id"], tool["id"], "drops"))))
    window.session.attach(ui_workspace)
    library = window.screens["library"]
    qtbot.waitUntil(lambda: library.model.rowCount() > 0 and not library.model.loading)
    names = {library.model.index(r, Columns.NAME).data() for r in range(library.model.rowCount())}
    assert "drops: Alpha → Beta" in names
