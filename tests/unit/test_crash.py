"""SIGKILL during a large write leaves a workspace that opens, is intact, and holds all or none of the write."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import PASSPHRASE, REPO, found
from workbench.services.workspace import create_workspace, open_workspace

WRITER = r"""
import sys, uuid
from workbench.services.workspace import open_workspace
from workbench.storage.objects import ObjectStore
ws = open_workspace(sys.argv[1], sys.argv[2])
with ws.transaction() as conn:
    store = ObjectStore(conn)
    source = store.add_source("file", "big.json")
    for index in range(int(sys.argv[3])):
        store.put({"type": "indicator", "spec_version": "2.1", "id": f"indicator--{uuid.uuid4()}",
                   "created": "2026-01-01T00:00:00Z", "modified": "2026-01-01T00:00:00Z",
                   "name": f"bulk {index}", "description": "x" * 400, "pattern": "[ipv4-addr:value = '10.0.0.1']",
                   "pattern_type": "stix", "valid_from": "2026-01-01T00:00:00Z"}, source)
        if index == 100:
            print("writing", flush=True)
print("committed", flush=True)
"""

COUNT = 30_000


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.2, 1.0, 2.5, 4.0])
def test_sigkill_mid_write_leaves_all_or_nothing(tmp_path: Path, delay: float) -> None:
    path = tmp_path / "w.db"
    create_workspace(path, PASSPHRASE, "Org").close()
    env = dict(os.environ, PYTHONPATH=str(REPO))
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), PASSPHRASE, str(COUNT)], stdout=subprocess.PIPE, text=True, env=env
    )
    assert writer.stdout is not None
    assert writer.stdout.readline().strip() == "writing"
    time.sleep(delay)
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    ws = open_workspace(path, PASSPHRASE)
    assert ws.db.integrity_check() == "ok"
    stored = ws.conn.execute("SELECT count(*) FROM objects WHERE type = 'indicator'").fetchone()[0]
    versions = ws.conn.execute("SELECT count(*) FROM object_versions WHERE type = 'indicator'").fetchone()[0]
    assert (stored, versions) in {(0, 0), (COUNT, COUNT)}
    if stored:
        assert len(found(ws, "bulk", limit=5)) == 5
    ws.close()
