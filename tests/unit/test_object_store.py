"""Versioning, provenance, references and full-text search of the object store."""

from __future__ import annotations

from tests.conftest import found, indicator, malware, relationship
from workbench.domain.tlp import Tlp
from workbench.services import library
from workbench.services.workspace import Workspace
from workbench.storage.fts import fts_query
from workbench.storage.objects import ObjectStore, Outcome, store_digest


def put_all(ws: Workspace, *objects: dict, name: str = "test.json") -> list[Outcome]:
    with ws.transaction() as conn:
        store = ObjectStore(conn)
        source = store.add_source("file", name, sha256="ab" * 32)
        return [store.put(obj, source) for obj in objects]


def test_newer_version_becomes_current_older_is_history(workspace: Workspace) -> None:
    first = indicator(name="v1")
    second = dict(first, name="v2", modified="2026-02-01T00:00:00.000Z")
    oldest = dict(first, name="v0", modified="2025-12-01T00:00:00Z")
    assert put_all(workspace, first) == [Outcome.NEW]
    assert put_all(workspace, second) == [Outcome.NEW_VERSION]
    assert put_all(workspace, oldest) == [Outcome.OLDER]
    assert workspace.objects.get(first["id"])["name"] == "v2"
    versions = workspace.objects.versions(first["id"])
    assert [v.modified[:10] for v in versions] == ["2026-02-01", "2026-01-10", "2025-12-01"]
    assert [v.current for v in versions] == [True, False, False]
    assert found(workspace, "v0") == []


def test_same_modified_same_content_is_unchanged_even_with_other_key_order(workspace: Workspace) -> None:
    obj = indicator()
    reordered = dict(reversed(list(obj.items())))
    assert put_all(workspace, obj) == [Outcome.NEW]
    before = store_digest(workspace.conn)
    assert put_all(workspace, reordered) == [Outcome.UNCHANGED]
    # Only the new source row differs; no version, object or index row was added.
    assert workspace.conn.execute("SELECT count(*) FROM object_versions WHERE id = ?", (obj["id"],)).fetchone()[0] == 1
    assert before != store_digest(workspace.conn)


def test_same_modified_different_content_is_a_conflict_and_current_stays(workspace: Workspace) -> None:
    obj = indicator(name="original")
    put_all(workspace, obj)
    assert put_all(workspace, dict(obj, name="tampered")) == [Outcome.CONFLICT]
    assert workspace.objects.get(obj["id"])["name"] == "original"
    assert [row[0] for row in workspace.objects.conflicts(obj["id"])] == [obj["id"]]


def test_timestamps_of_different_precision_are_the_same_version(workspace: Workspace) -> None:
    obj = indicator(modified="2026-01-10T08:00:00Z")
    put_all(workspace, obj)
    assert put_all(workspace, dict(obj, modified="2026-01-10T08:00:00.000Z")) == [Outcome.CONFLICT]


def test_revoked_version_flags_object_and_current_is_newest_non_revoked(workspace: Workspace) -> None:
    obj = malware(name="Live")
    put_all(workspace, obj)
    revoked = dict(obj, revoked=True, modified="2026-03-01T00:00:00.000Z", name="Gone")
    assert put_all(workspace, revoked) == [Outcome.NEW_VERSION]
    row = library.row(workspace, obj["id"])
    assert row is not None and row.revoked
    assert workspace.objects.get(obj["id"])["name"] == "Live"
    assert found(workspace, "Live") == []
    assert [hit.id for hit in found(workspace, "Live", include_revoked=True)] == [obj["id"]]


def test_provenance_names_the_source_of_each_version(workspace: Workspace) -> None:
    obj = indicator()
    put_all(workspace, obj, name="first.json")
    put_all(workspace, dict(obj, modified="2026-05-05T00:00:00Z"), name="second.json")
    names = [version.provenance.name for version in workspace.objects.versions(obj["id"])]
    assert names == ["second.json", "first.json"]


def test_references_in_both_directions(workspace: Workspace) -> None:
    ind, mal = indicator(), malware()
    rel = relationship(ind["id"], mal["id"])
    put_all(workspace, ind, mal, rel)
    assert workspace.objects.refs_from(rel["id"]) == sorted([("source_ref", ind["id"]), ("target_ref", mal["id"])])
    assert workspace.objects.refs_to(mal["id"]) == [("target_ref", rel["id"])]


def test_search_by_name_description_pattern_and_alias(workspace: Workspace) -> None:
    ind = indicator(
        name="Beacon",
        description="Seen in the Kestrel intrusion",
        pattern="[domain-name:value = 'evil-update.example']",
        object_marking_refs=[Tlp.AMBER.marking_id],
    )
    mal = malware(name="GreyLantern", aliases=["GL-loader"])
    put_all(workspace, ind, mal)
    assert [h.id for h in found(workspace, "kestrel")] == [ind["id"]]
    assert [h.id for h in found(workspace, "evil-update.example")] == [ind["id"]]
    assert [h.id for h in found(workspace, "greylan")] == [mal["id"]]
    assert [h.id for h in found(workspace, "GL-loader")] == [mal["id"]]
    assert found(workspace, "kestrel")[0].tlp is Tlp.AMBER


def test_search_text_with_fts_syntax_is_taken_literally(workspace: Workspace) -> None:
    put_all(workspace, indicator(name='quote " and NEAR(a b) name:x'))
    assert len(found(workspace, 'NEAR(a b) "')) == 1
    assert len(found(workspace, "name:x")) == 1
    assert fts_query('a"b') == '"a""b"*'
