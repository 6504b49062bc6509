"""SIGKILL during a large write, inside its transaction, leaves a workspace that opens, is intact and holds none of
the write. The kill is timed by the writer's own progress, and the write lock is seen held just before it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PASSPHRASE, REPO, write_lock_is_held
from workbench.services.workspace import create_workspace

WRITER = r"""
import os, sys, uuid
from workbench.services.workspace import open_workspace
from workbench.storage.objects import ObjectStore
ws = open_workspace(sys.argv[1], os.environ["WORKBENCH_PASSPHRASE"])
with ws.transaction() as conn:
    store = ObjectStore(conn)
    source = store.add_source("file", "big.json")
    for index in range(int(sys.argv[2])):
        store.put({"type": "indicator", "spec_version": "2.1", "id": f"indicator--{uuid.uuid4()}",
                   "created": "2026-01-01T00:00:00Z", "modified": "2026-01-01T00:00:00Z",
                   "name": f"bulk {index}", "description": "x" * 400, "pattern": "[ipv4-addr:value = '10.0.0.1']",
                   "pattern_type": "stix", "valid_from": "2026-01-01T00:00:00Z"}, source)
        if index % 1000 == 999:
            print("written", index + 1, flush=True)
print("committed", flush=True)
"""

COUNT = 30_000


@pytest.mark.slow
@pytest.mark.parametrize("written", [1_000, 10_000, 25_000])
def test_sigkill_inside_a_write_transaction_leaves_nothing_of_it(tmp_path: Path, written: int) -> None:
    path = tmp_path / "w.db"
    ws = create_workspace(path, PASSPHRASE, "Org")  # stays open: the probe of the write lock
    env = dict(os.environ, PYTHONPATH=str(REPO), WORKBENCH_PASSPHRASE=PASSPHRASE)
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), str(COUNT)], stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        assert writer.stdout is not None
        for line in writer.stdout:
            if line.strip() == f"written {written}":
                break
        else:
            pytest.fail(f"the writer ended before writing {written} objects")
        assert write_lock_is_held(ws.conn)
        writer.send_signal(signal.SIGKILL)
        assert writer.wait() == -signal.SIGKILL
        assert ws.db.integrity_check() == "ok"
        stored = ws.conn.execute("SELECT count(*) FROM objects WHERE type = 'indicator'").fetchone()[0]
        versions = ws.conn.execute("SELECT count(*) FROM object_versions WHERE type = 'indicator'").fetchone()[0]
        assert (stored, versions) == (0, 0)
    finally:
        if writer.poll() is None:
            writer.kill()
        ws.close()
