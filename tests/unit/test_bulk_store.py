"""Batched storing keeps exactly the versioning rules of storing one object at a time."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.conftest import SHARED_DATA, found, indicator, malware, relationship
from workbench.domain.stix import iter_refs
from workbench.services import library
from workbench.services.workspace import Workspace
from workbench.storage import bulk
from workbench.storage.objects import ObjectStore, Outcome


def visible_state(ws: Workspace, ids: list[str]) -> list[Any]:
    """Everything an analyst can see of these objects, source ids aside."""
    store = ws.objects
    state: list[Any] = []
    for stix_id in ids:
        row = library.row(ws, stix_id)
        state.append(
            (
                stix_id,
                None if row is None else (row.type, row.name, row.modified, row.tlp, row.revoked),
                store.get(stix_id),
                [(v.modified, v.revoked, v.current) for v in store.versions(stix_id)],
                store.refs_from(stix_id),
                store.refs_to(stix_id),
                [(c[0], c[1]) for c in store.conflicts(stix_id)],
            )
        )
    marks = ",".join("?" * len(ids))
    state.append(
        ws.conn.execute(f"SELECT id, versions, revoked FROM objects WHERE id IN ({marks}) ORDER BY id", ids).fetchall()
    )
    state.append([hit.id for hit in found(ws, "version", limit=500, include_revoked=True)])
    return state


def mixed_history(seed: int) -> tuple[list[dict[str, Any]], list[str]]:
    """Versions of a few objects in a random order: newer, older, equal, conflicting, revoked, repeated."""
    rnd = random.Random(seed)
    target = malware(name="target")
    objects: list[dict[str, Any]] = [target]
    for number in range(6):
        base = (indicator if number % 2 else malware)(name=f"version base {number}")
        versions = [
            dict(
                base,
                name=f"version {number}.{day}",
                modified=f"2026-0{day}-01T00:00:00.000Z",
                description=f"version text {day}",
            )
            for day in range(1, 6)
        ]
        versions.append(dict(versions[2], description="conflicting text"))
        versions.append(dict(versions[3], revoked=True, modified="2026-07-01T00:00:00.000Z"))
        versions.append(dict(versions[1]))
        versions.append(relationship(base["id"], target["id"], modified="2026-01-01T00:00:00.000Z"))
        objects.extend(versions)
    rnd.shuffle(objects)
    return objects, sorted({obj["id"] for obj in objects})


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_one_batch_equals_one_object_at_a_time(workspace: Workspace, partner_workspace: Workspace, seed: int) -> None:
    objects, ids = mixed_history(seed)
    with partner_workspace.transaction() as conn:
        store = ObjectStore(conn)
        source = store.add_source("file", "one-by-one.json")
        one_by_one = [store.put(obj, source) for obj in objects]
    with workspace.transaction() as conn:
        store = ObjectStore(conn)
        source = store.add_source("file", "batch.json")
        batched = store.put_many([bulk.prepare(obj) for obj in objects], source)
    assert batched == one_by_one
    assert {Outcome.NEW, Outcome.NEW_VERSION, Outcome.OLDER, Outcome.UNCHANGED, Outcome.CONFLICT} <= set(batched)
    assert visible_state(workspace, ids) == visible_state(partner_workspace, ids)


def test_large_import_defers_and_rebuilds_the_indexes(workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "DEFER_INDEXES_AFTER", 5)
    indexes = workspace.conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'objects' ORDER BY name"
    ).fetchall()
    objects = [malware(name=f"bulk {n}") for n in range(40)]
    with workspace.transaction() as conn:
        writer = bulk.BulkWriter(conn, ObjectStore(conn).add_source("file", "big.json"))
        for start in range(0, 40, 10):
            writer.write([bulk.prepare(obj) for obj in objects[start : start + 10]])
        dropped = conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'objects'"
        ).fetchone()[0]
        writer.finish()
    assert dropped < len(indexes)
    assert (
        workspace.conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'objects' ORDER BY name"
        ).fetchall()
        == indexes
    )
    assert workspace.db.integrity_check() == "ok"
    assert len(found(workspace, "bulk", limit=100)) == 40


def real_objects() -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for path in sorted((SHARED_DATA / "stix").rglob("*.json")):
        document = orjson.loads(path.read_bytes())
        found.extend(document.get("objects", []) if isinstance(document, dict) else document)
    cases = SHARED_DATA / "conformance" / "stix2-validator-cases.jsonl"
    for line in cases.read_text().splitlines():
        value = json.loads(line)["input"]
        if isinstance(value, dict):
            found.append(value)
    return [obj for obj in found if isinstance(obj, dict)]


@pytest.mark.skipif(not (SHARED_DATA / "stix").is_dir(), reason="shared STIX data not present")
def test_reference_walk_finds_what_iter_refs_finds(tmp_path: Path) -> None:
    objects = real_objects()
    assert len(objects) > 10_000
    for obj in objects:
        expected = sorted(iter_refs(obj))
        assert sorted(bulk.references(obj, orjson.dumps(obj))) == expected, obj.get("id")
        assert sorted(bulk.references(obj)) == expected
