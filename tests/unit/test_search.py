"""The one library search: its order (exact external ids, relevance, newest first beyond the ranking limit), its
filters, and its pages adding up to its id list."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import SHARED_DATA, bundle, found, indicator, open_copy, stix_id, threat_actor
from workbench.domain.errors import InvalidInput
from workbench.services import library
from workbench.services.importing.importer import import_file
from workbench.services.library import LibraryFilter
from workbench.services.workspace import Workspace

ICS = SHARED_DATA / "stix" / "attack" / "ics-attack-18.1.json"


def technique(name: str, external_id: str, description: str = "") -> dict[str, Any]:
    return {
        "type": "attack-pattern",
        "spec_version": "2.1",
        "id": stix_id("attack-pattern"),
        "created": "2026-01-10T08:00:00.000Z",
        "modified": "2026-01-10T08:00:00.000Z",
        "name": name,
        "description": description,
        "external_references": [{"source_name": "mitre-attack", "external_id": external_id}],
    }


def ids(ws: Workspace, text: str, **options: Any) -> list[str]:
    return [row.id for row in found(ws, text, **options)]


@pytest.fixture(scope="module")
def ics(tmp_path_factory: pytest.TempPathFactory, template_eu) -> Iterator[Workspace]:  # type: ignore[no-untyped-def]
    ws = open_copy(template_eu, tmp_path_factory.mktemp("ics"))
    import_file(ws, ICS)
    yield ws
    ws.close()


@pytest.mark.skipif(not ICS.is_file(), reason="shared ATT&CK data not present")
@pytest.mark.parametrize(
    ("word", "kind", "name"),
    [
        ("T0855", "attack-pattern", "Unauthorized Command Message"),
        ("t0855", "attack-pattern", "Unauthorized Command Message"),
        # Sandworm Team is cited by id in 37 relationship descriptions, several of which outrank it by relevance.
        ("G0034", "intrusion-set", "Sandworm Team"),
        ("S0604", "malware", "Industroyer"),
    ],
)
def test_an_exact_attack_id_comes_first(ics: Workspace, word: str, kind: str, name: str) -> None:
    rows = found(ics, word, limit=100)
    assert (rows[0].type, rows[0].name) == (kind, name)
    assert len(rows) > 1  # the objects that only mention it follow


@pytest.mark.skipif(not ICS.is_file(), reason="shared ATT&CK data not present")
def test_relevance_alone_would_not_put_the_group_first(ics: Workspace) -> None:
    """What the exact-id step changes: by relevance the group's own object is not the best match of its id."""
    scored = ics.conn.execute(
        "SELECT o.name FROM object_fts JOIN objects o ON o.rowid = object_fts.rowid"
        " WHERE object_fts MATCH '\"G0034\"' ORDER BY bm25(object_fts) LIMIT 1"
    ).fetchone()
    assert scored[0] != "Sandworm Team"


def test_exact_external_id_before_the_sub_technique_and_the_mentions(workspace: Workspace, write_json) -> None:
    parent = technique("Command and Scripting Interpreter", "T1059")
    child = technique("PowerShell", "T1059.001", "A sub-technique of T1059. T1059 T1059 T1059.")
    mention = indicator(name="Script runner", description="Seen with T1059 T1059 T1059 T1059 in 2024.")
    import_file(workspace, write_json(bundle(parent, child, mention)))
    assert ids(workspace, "T1059")[0] == parent["id"]
    assert set(ids(workspace, "T1059")) == {parent["id"], child["id"], mention["id"]}
    assert ids(workspace, "T1059.001")[0] == child["id"]
    # Within the filter only: the technique is not an indicator.
    only_indicators = library.search(workspace, LibraryFilter(types=("indicator",), search="T1059")).rows
    assert [row.id for row in only_indicators] == [mention["id"]]


def test_types_filter_any_of_several(workspace: Workspace, write_json) -> None:
    shared = "heronry"
    objects = [
        indicator(name=f"{shared} ind"),
        technique(f"{shared} technique", "T9999"),
        threat_actor(name=f"{shared} actor"),
    ]
    import_file(workspace, write_json(bundle(*objects)))
    assert len(found(workspace, shared)) == 3
    both = library.search(workspace, LibraryFilter(types=("indicator", "attack-pattern"), search=shared)).rows
    assert {row.type for row in both} == {"indicator", "attack-pattern"} and len(both) == 2
    techniques = library.search(workspace, LibraryFilter(types=("attack-pattern",), search=shared)).rows
    assert [row.name for row in techniques] == [f"{shared} technique"]
    with pytest.raises(InvalidInput, match="not a STIX type"):
        library.search(workspace, LibraryFilter(types=("Attack Pattern",), search=shared))


def test_beyond_the_ranking_limit_the_newest_come_first_and_pages_add_up(workspace: Workspace, write_json) -> None:
    count = library.RANK_LIMIT + 150
    objects = [indicator(name=f"kestrel {number}") for number in range(count)]
    key = technique("Kestrel technique", "T4242", "kestrel")
    import_file(workspace, write_json(bundle(*objects, key)))
    first = library.search(workspace, LibraryFilter(search="kestrel"), limit=50)
    assert not first.ranked and first.more_than == library.RANK_LIMIT
    rowids = [row.rowid for row in first.rows]
    assert rowids == sorted(rowids, reverse=True)  # newest first
    pages: list[str] = []
    for offset in range(0, count + 1, 400):
        pages += [row.id for row in found(workspace, "kestrel", limit=400, offset=offset)]
    every = library.search_ids(workspace, LibraryFilter(search="kestrel"), limit=10 * count)
    assert pages == every and len(every) == count + 1 == len(set(every))
    # An exact external id still comes first when its word is too common to rank.
    assert ids(workspace, "T4242")[0] == key["id"]
    assert library.search_ids(workspace, LibraryFilter(search="T4242"), limit=5)[0] == key["id"]


def test_revoked_objects_are_left_out_unless_asked_for(workspace: Workspace, write_json) -> None:
    live = indicator(name="plover live")
    gone = indicator(name="plover gone", revoked=True)
    import_file(workspace, write_json(bundle(live, gone)))
    assert ids(workspace, "plover") == [live["id"]]
    assert set(ids(workspace, "plover", include_revoked=True)) == {live["id"], gone["id"]}
    assert ids(workspace, gone["id"]) == []
    assert ids(workspace, gone["id"], include_revoked=True) == [gone["id"]]
