"""The library's read queries: keyset paging is complete and ordered for every sort, filters and search hold."""

from __future__ import annotations

import itertools

import pytest

from tests.conftest import bundle, indicator, malware, relationship, threat_actor
from workbench.domain.errors import InvalidInput
from workbench.domain.tlp import Tlp
from workbench.services import audit_trail, demo, library
from workbench.services.importing.importer import import_file
from workbench.services.library import NO_TLP, LibraryFilter, SortKey
from workbench.services.passphrase import strength


@pytest.fixture
def filled(workspace, write_json):
    levels = [None, Tlp.CLEAR, Tlp.GREEN, Tlp.AMBER, Tlp.RED]
    objects = []
    for number in range(60):
        level = levels[number % len(levels)]
        marking = {"object_marking_refs": [level.marking_id]} if level is not None else {}
        day = 10 + number % 7  # many equal times: ties are broken by rowid
        objects.append(indicator(name=f"ind {number % 9}", modified=f"2026-01-{day}T08:00:00.000Z", **marking))
    actor, tool = threat_actor(), malware()
    objects += [actor, tool, relationship(actor["id"], tool["id"], "uses")]
    import_file(workspace, write_json(bundle(*objects)))
    return workspace


def walk(ws, flt, sort, descending, size=7):
    rows, cursor = [], None
    while True:
        page = library.fetch_page(ws, flt, sort, descending=descending, cursor=cursor, limit=size)
        rows += page.rows
        if page.cursor is None:
            return rows
        cursor = page.cursor


@pytest.mark.parametrize(("sort", "descending"), list(itertools.product(SortKey, (False, True))))
def test_keyset_pages_list_every_object_once_in_order(filled, sort, descending) -> None:
    rows = walk(filled, LibraryFilter(), sort, descending)
    assert len(rows) == len({row.rowid for row in rows}) == filled.objects.count()
    key = {
        SortKey.NAME: lambda r: (r.name.split(": ")[0].lower(),),
        SortKey.TYPE: lambda r: (r.type, r.modified),
        SortKey.TLP: lambda r: (-1 if r.tlp is None else int(r.tlp), r.modified),
        SortKey.MODIFIED: lambda r: (r.modified,),
        SortKey.SOURCE: lambda r: (r.source_id, r.modified),
    }[sort]
    keys = [key(row) for row in rows]
    assert keys == sorted(keys, reverse=descending)


def test_filters_select_in_sql(filled) -> None:
    ws = filled
    assert {r.tlp for r in walk(ws, LibraryFilter(tlp=int(Tlp.AMBER)), SortKey.NAME, False)} == {Tlp.AMBER}
    unmarked = walk(ws, LibraryFilter(tlp=NO_TLP, types=("indicator",)), SortKey.TLP, True)
    assert len(unmarked) == 12 and all(r.tlp is None for r in unmarked)
    dated = walk(ws, LibraryFilter(modified_from="2026-01-12", modified_to="2026-01-13"), SortKey.MODIFIED, False)
    assert dated and all("2026-01-12" <= r.modified[:10] <= "2026-01-13" for r in dated)
    assert library.count(ws, LibraryFilter(types=("indicator",))) == 60
    assert "indicator" in library.object_types(ws) and "threat-actor" in library.object_types(ws)


def test_search_is_capped_and_refuses_empty_text(filled) -> None:
    hits = library.search(filled, LibraryFilter(search="ind"), limit=10).rows
    assert len(hits) == 10
    by_name = library.search(filled, LibraryFilter(search="ind", tlp=int(Tlp.RED)), sort=SortKey.NAME).rows
    assert by_name and all(r.tlp is Tlp.RED for r in by_name)
    with pytest.raises(InvalidInput):
        library.search(filled, LibraryFilter(search="  "))


def test_links_collapse_relationships_and_list_references(filled) -> None:
    actor = library.search(filled, LibraryFilter(search="Sandstorm")).rows[0]
    found, truncated = library.links(filled, actor.id)
    uses = [link for link in found if link.label == "uses"]
    assert len(uses) == 1 and uses[0].other_name == "GreyLantern" and uses[0].via
    assert not truncated
    listed = {r.name for r in walk(filled, LibraryFilter(types=("relationship",)), SortKey.NAME, False)}
    assert listed == {"uses: Sandstorm Owl → GreyLantern"}


def test_audit_pages_newest_first(workspace) -> None:
    for number in range(5):
        workspace.record("test.event", {"n": number})
    first = audit_trail.page(workspace, action="test.", limit=3)
    rest = audit_trail.page(workspace, action="test.", before_seq=first[-1].seq, limit=3)
    assert [e.details["n"] for e in first + rest] == [4, 3, 2, 1, 0]
    assert "test.event" in audit_trail.actions(workspace)


def test_demo_data_is_fictional_and_stable() -> None:
    first, second = demo.demo_objects(), demo.demo_objects()
    assert first == second
    text = str(first)
    for address in ("198.51.100.", "203.0.113.", "192.0.2."):
        text = text.replace(address, "")
    import re

    assert not re.search(r"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b", text)  # only documentation addresses
    domains = set(re.findall(r"[a-z0-9-]+\.(?:com|net|org|ru|cn|io)\b", text))
    assert domains == set()


def test_passphrase_strength_hint() -> None:
    assert strength("password").score <= 1
    assert strength("correct horse battery staple").score >= 3
    assert strength("").score == 0
