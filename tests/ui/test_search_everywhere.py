"""The same words select the same objects in the same order everywhere: ``workbench search``, the export of a
search, a briefing from a search and the Library screen all go through ``services.library.search``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import SHARED_DATA, bundle, indicator
from tests.ui.conftest import own_copy
from workbench.services.exchange import QuerySelection
from workbench.services.importing.importer import import_file
from workbench.services.reports.briefing_from_library import briefing_from_query
from workbench.services.workspace import Workspace
from workbench.ui.library.library_model import Roles

ICS = SHARED_DATA / "stix" / "attack" / "ics-attack-18.1.json"
SHOWN = 120
QUERIES = (
    "T0855",  # an ATT&CK id: its technique first, then what mentions it
    "G0034",
    "sandworm",  # ranked by relevance
    "denial of view",  # several words
    "modif param",  # prefixes
    "kestrel",  # more matches than are ranked: newest first
)

pytestmark = pytest.mark.skipif(not ICS.is_file(), reason="shared ATT&CK data not present")


@pytest.fixture
def library_workspace(template_eu, tmp_path, write_json) -> Iterator[Workspace]:  # type: ignore[no-untyped-def]
    ws = own_copy(template_eu, tmp_path / "ws")
    import_file(ws, ICS)
    import_file(ws, write_json(bundle(*(indicator(name=f"kestrel {number}") for number in range(2_100)))))
    yield ws
    ws.close()


def test_the_same_words_select_the_same_objects_in_the_same_order(
    qtbot, window, library_workspace: Workspace, cli
) -> None:  # type: ignore[no-untyped-def]
    ws = library_workspace
    path = str(ws.path)
    window.session.attach(ws)
    screen = window.screens["library"]
    model = screen.model
    for query in QUERIES:
        searched = cli("search", "--db", path, "--json", "--limit", str(SHOWN), query)
        assert searched.code == 0, searched.stderr
        from_cli = [hit["id"] for hit in searched.json]
        exported = QuerySelection(query).object_ids(ws) or []
        briefed = briefing_from_query(ws, query).found
        screen.filters.search.setText(query)
        screen.filters.search.returnPressed.emit()
        qtbot.waitUntil(lambda q=query: model.query[0].search == q and not model.loading, timeout=10_000)
        shown = [model.index(row, 0).data(Roles.ID) for row in range(min(SHOWN, model.rowCount()))]
        assert from_cli, query
        assert exported[:SHOWN] == from_cli, query
        assert briefed[:SHOWN] == from_cli, query
        assert shown == from_cli, query
    # The last search had too many matches to rank: the screen says how its hits are ordered.
    assert screen.status.text() == "2,100 matches, the newest first: too many to rank; add words to narrow the search."
