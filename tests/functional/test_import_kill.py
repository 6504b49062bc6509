"""A real ``workbench import`` killed with SIGKILL in the middle leaves the workspace exactly as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.generate_bundle import write_bundle
from tests.conftest import PASSPHRASE, REPO, found
from workbench.services.workspace import create_workspace, open_workspace
from workbench.storage.objects import store_digest


@pytest.fixture(scope="module")
def big_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("kill") / "feed.json"
    write_bundle(path, 40_000, seed=11)
    return path


@pytest.mark.slow
@pytest.mark.timeout(240)
@pytest.mark.parametrize("delay", [0.0, 1.5, 4.0])
def test_sigkill_mid_import_keeps_nothing(tmp_path: Path, big_bundle: Path, delay: float) -> None:
    db = tmp_path / "w.db"
    ws = create_workspace(db, PASSPHRASE, "Org")
    before = store_digest(ws.conn)
    ws.close()
    env = dict(os.environ, PYTHONPATH=str(REPO), WORKBENCH_PASSPHRASE=PASSPHRASE)
    writer = subprocess.Popen(
        [sys.executable, "-m", "workbench", "-v", "import", "--db", str(db), str(big_bundle)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert writer.stderr is not None
    for line in writer.stderr:  # the first batch is stored: the transaction is open and writing
        if "stored so far" in line:
            break
    else:
        pytest.fail("the import finished without reporting progress")
    time.sleep(delay)
    finished_first = writer.poll() is not None
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    ws = open_workspace(db, PASSPHRASE)
    try:
        assert ws.db.integrity_check() == "ok"
        if not finished_first:
            assert store_digest(ws.conn) == before
            assert found(ws, "malicious") == []
        else:  # too slow a kill: then it must all be there
            assert ws.objects.count() > 40_000
    finally:
        ws.close()
