"""Forward-only migrations: a workspace made by the first schema version opens and upgrades."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import found as search_found
from workbench.domain.errors import WorkbenchError, WorkspaceError
from workbench.domain.tlp import Tlp
from workbench.services.workspace import open_workspace
from workbench.storage import audit, migrations

DATA = Path(__file__).resolve().parents[1] / "data"
V1_PASSPHRASE = "workbench schema v1 fixture"
V1_INDICATOR = "indicator--8e2e2d2b-17d4-4cbc-8938-47b1e2f3c2aa"


def test_version_one_file_upgrades_to_latest_and_keeps_its_data(tmp_path: Path) -> None:
    copy = tmp_path / "v1.db"
    shutil.copyfile(DATA / "workspace-v1.db", copy)
    ws = open_workspace(copy, V1_PASSPHRASE)
    assert ws.db.schema_version == migrations.latest_version()
    assert ws.org_name == "Schema One Agency"
    found = ws.objects.get(V1_INDICATOR)
    assert found is not None and found["name"] == "Fixture indicator"
    assert [hit.id for hit in search_found(ws, "fixture")] == [V1_INDICATOR]
    assert audit.verify(ws.conn).ok
    assert ws.db.integrity_check() == "ok"
    ws.close()


def test_migrations_are_numbered_without_gaps() -> None:
    found = migrations.available()
    assert [migration.version for migration in found] == list(range(1, len(found) + 1))
    assert found[0].name == "0001_initial"


def test_the_upgrade_marks_our_own_identity_clear_and_records_it(tmp_path: Path) -> None:
    copy = tmp_path / "v1.db"
    shutil.copyfile(DATA / "workspace-v1.db", copy)
    ws = open_workspace(copy, V1_PASSPHRASE)
    identity = ws.identity()
    assert identity["object_marking_refs"] == [Tlp.CLEAR.marking_id]
    assert identity["modified"] > identity["created"]  # a new version; the unmarked one is kept as history
    assert ws.objects.row(ws.identity_id).tlp is Tlp.CLEAR
    assert [entry.action for entry in audit.entries(ws.conn)].count("workspace.identity-marked") == 1
    assert audit.verify(ws.conn).ok
    ws.close()


def test_a_python_step_runs_in_its_migrations_transaction(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A failing step leaves the workspace at the version before, its SQL undone too."""
    copy = tmp_path / "v1.db"
    shutil.copyfile(DATA / "workspace-v1.db", copy)
    found = migrations.available()
    last = found[-1]

    def failing(conn) -> None:  # type: ignore[no-untyped-def]
        conn.execute("CREATE TABLE step_was_here (x)")
        raise WorkbenchError("the step could not finish")

    broken = [*found[:-1], migrations.Migration(last.version, last.name, last.sql, failing)]
    monkeypatch.setattr(migrations, "available", lambda: broken)
    with pytest.raises(
        WorkspaceError, match=f"cannot upgrade the workspace \\({last.name}\\): the step could not finish"
    ):
        open_workspace(copy, V1_PASSPHRASE)
    monkeypatch.undo()
    ws = open_workspace(copy, V1_PASSPHRASE)  # the real steps run now, from the version the failure left
    assert ws.db.schema_version == migrations.latest_version()
    assert ws.conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'step_was_here'").fetchone()[0] == 0
    ws.close()
