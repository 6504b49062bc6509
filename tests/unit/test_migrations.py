"""Forward-only migrations: a workspace made by the first schema version opens and upgrades."""

from __future__ import annotations

import shutil
from pathlib import Path

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
    assert [hit.id for hit in ws.objects.search("fixture")] == [V1_INDICATOR]
    assert audit.verify(ws.conn).ok
    assert ws.db.integrity_check() == "ok"
    ws.close()


def test_migrations_are_numbered_without_gaps() -> None:
    found = migrations.available()
    assert [migration.version for migration in found] == list(range(1, len(found) + 1))
    assert found[0].name == "0001_initial"
