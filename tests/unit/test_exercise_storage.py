"""Exercise material in the store: flagged when stored and when an older workspace upgrades, whatever marks it."""

from __future__ import annotations

import shutil
from pathlib import Path

import orjson

from tests.conftest import indicator, malware
from workbench.domain.exercise_material import (
    EXERCISE_MARKING_DEFINITION,
    EXERCISE_MARKING_ID,
    is_exercise_material,
    mark_as_exercise,
)
from workbench.services import library
from workbench.services.workspace import Workspace, open_workspace
from workbench.storage import audit, migrations
from workbench.storage.database import Database

DATA = Path(__file__).resolve().parents[1] / "data"
V1_PASSPHRASE = "workbench schema v1 fixture"


def flags(conn: object) -> dict[str, int]:
    return dict(conn.execute("SELECT id, exercise FROM objects"))  # type: ignore[attr-defined]


def test_marked_and_labelled_objects_are_flagged_when_stored_and_a_new_version_can_clear_the_flag(
    workspace: Workspace,
) -> None:
    ours = mark_as_exercise(indicator())
    misp = indicator(labels=['exercise:cyber-europe="2024"', "tlp:amber"])
    granular = malware(granular_markings=[{"marking_ref": EXERCISE_MARKING_ID, "selectors": ["name"]}])
    real = indicator(labels=["malicious-activity"])
    source = workspace.objects.add_source("local", "test")
    with workspace.transaction():
        for obj in (ours, misp, granular, real):
            workspace.objects.put(obj, source)
    flagged = {stix_id for stix_id, flag in flags(workspace.conn).items() if flag}
    assert flagged == {ours["id"], misp["id"], granular["id"]}
    # The flag follows the current version.
    cleared = {**misp, "modified": "2026-02-01T00:00:00.000Z", "labels": ["tlp:amber"]}
    with workspace.transaction():
        workspace.objects.put(cleared, source)
    assert flags(workspace.conn)[misp["id"]] == 0


def test_upgrading_flags_the_exercise_material_already_stored_and_keeps_case_records(tmp_path: Path) -> None:
    copy = tmp_path / "v1.db"
    shutil.copyfile(DATA / "workspace-v1.db", copy)
    db = Database.open(copy, V1_PASSPHRASE, upgrade=False)
    before = migrations.latest_version() - 1
    migrations.upgrade(db.conn, target=before)
    stored = {
        "marked": mark_as_exercise(indicator()),
        "granular": malware(granular_markings=[{"marking_ref": EXERCISE_MARKING_ID, "selectors": ["name"]}]),
        "labelled": indicator(labels=[" Exercise:Locked-Shields"]),
        "real": indicator(labels=["exercise-ready"]),  # not the exercise label
    }
    assert [is_exercise_material(obj) for obj in stored.values()] == [True, True, True, False]
    with db.transaction() as conn:
        source = conn.execute("SELECT max(id) FROM sources").fetchone()[0]
        for obj in stored.values():
            cursor = conn.execute(
                "INSERT INTO object_versions (id, type, modified, content_sha256, json, source_id)"
                " VALUES (?, ?, ?, 'x', ?, ?)",
                (obj["id"], obj["type"], obj["modified"], orjson.dumps(obj).decode(), source),
            )
            conn.execute(
                "INSERT INTO objects (id, type, modified, vid, source_id) VALUES (?, ?, ?, ?, ?)",
                (obj["id"], obj["type"], obj["modified"], cursor.lastrowid, source),
            )
        conn.execute(
            "INSERT INTO cases (ref, kind, stix_id, title, status, creator_ref, created, modified, details)"
            " VALUES ('EXE-2026-0001', 'exercise', 'grouping--0d1d6f2e-2b7e-4f1b-9a57-0a3f1f0c8a11', 'T',"
            " 'planned', 'identity--x', '2026-01-01', '2026-01-01', '{}')"
        )
        conn.execute(
            "INSERT INTO case_records (case_id, kind, uid, position, created, modified, data)"
            " VALUES (1, 'inject', 'u', 1, '2026-01-01', '2026-01-01', '{}')"
        )
    migrations.upgrade(db.conn)
    found = flags(db.conn)
    assert [found[obj["id"]] for obj in stored.values()] == [1, 1, 1, 0]
    assert db.conn.execute("SELECT kind, uid FROM case_records").fetchall() == [("inject", "u")]
    with db.transaction() as conn:  # the rebuilt table takes the new kinds
        conn.execute(
            "INSERT INTO case_records (case_id, kind, uid, position, created, modified, data)"
            " VALUES (1, 'eeg-observation', 'v', 1, '2026-01-01', '2026-01-01', '{}')"
        )
    assert db.integrity_check() == "ok"
    db.close()


def test_the_library_and_searches_leave_exercise_material_out_unless_asked(workspace: Workspace) -> None:
    real = indicator(name="Lantern beacon real")
    drill = mark_as_exercise(indicator(name="Lantern beacon drill"))
    misp = indicator(name="Lantern beacon tagged", labels=['exercise:cyber-europe="2024"'])
    source = workspace.objects.add_source("local", "test")
    with workspace.transaction():
        for obj in (real, drill, misp):
            workspace.objects.put(obj, source)
    indicators = library.LibraryFilter(types=("indicator",))
    listed = {row.id for row in library.fetch_page(workspace, indicators).rows}
    assert listed == {real["id"]}
    shown = library.LibraryFilter(types=("indicator",), exercise=True)
    assert {row.id for row in library.fetch_page(workspace, shown).rows} == {drill["id"], misp["id"]}
    assert library.count(workspace, shown) == 2
    assert library.count(workspace, indicators) == 1
    by_tlp = library.fetch_page(workspace, shown, library.SortKey.TLP)
    assert {row.id for row in by_tlp.rows} == {drill["id"], misp["id"]}

    def found(words: str) -> list[str]:
        return [row.id for row in library.search(workspace, library.LibraryFilter(search=words)).rows]

    assert found("lantern beacon") == [real["id"]]
    assert found("lantern") == [real["id"]]
    assert found(drill["id"]) == []  # not even by its id
    assert found(real["id"]) == [real["id"]]


def test_an_upgraded_workspace_holds_the_exercise_marking_and_records_it(tmp_path: Path) -> None:
    copy = tmp_path / "v1.db"
    shutil.copyfile(DATA / "workspace-v1.db", copy)
    ws = open_workspace(copy, V1_PASSPHRASE)
    assert ws.objects.get(EXERCISE_MARKING_ID) == EXERCISE_MARKING_DEFINITION
    assert [entry.action for entry in audit.entries(ws.conn)].count("workspace.exercise-marking") == 1
    ws.close()
