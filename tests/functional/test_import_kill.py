"""A real ``workbench import`` killed with SIGKILL inside its transaction leaves the workspace exactly as it was.

The kill is timed by the import's own progress lines (``-v``: one per batch of 2,000 objects stored), not by a
clock, and just before it the test proves that the import holds the workspace's write lock: its one transaction
is open and writing when the signal lands.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.generate_bundle import write_bundle
from tests.conftest import PASSPHRASE, REPO, alive, found, write_lock_is_held
from workbench.services.workspace import create_workspace
from workbench.storage.objects import store_digest

OBJECTS = 40_000  # twenty batches


@pytest.fixture(scope="module")
def big_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("kill") / "feed.json"
    write_bundle(path, OBJECTS, seed=11)
    return path


def _children(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _wait_gone(pid: int) -> None:
    deadline = time.monotonic() + 10
    while alive(pid):  # a zombie waiting for init to reap it is gone
        if time.monotonic() > deadline:
            pytest.fail(f"the reading process {pid} outlived the killed import")
        time.sleep(0.05)


@pytest.mark.slow
@pytest.mark.timeout(240)
@pytest.mark.parametrize(("moment", "batches"), [("first batch", 1), ("halfway", 10), ("last batch", 19)])
def test_sigkill_inside_the_import_transaction_keeps_nothing(
    tmp_path: Path, big_bundle: Path, moment: str, batches: int
) -> None:
    db = tmp_path / "w.db"
    ws = create_workspace(db, PASSPHRASE, "Org")  # stays open: the probe of the write lock
    before = store_digest(ws.conn)
    env = dict(os.environ, PYTHONPATH=str(REPO), WORKBENCH_PASSPHRASE=PASSPHRASE)
    writer = subprocess.Popen(
        [sys.executable, "-m", "workbench", "-v", "import", "--db", str(db), str(big_bundle)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert writer.stderr is not None
        stored = 0
        for line in writer.stderr:
            if "stored so far" in line:
                stored += 1
                if stored == batches:
                    break
        else:
            pytest.fail(f"the import ended before its {moment} ({stored} progress lines)")
        assert write_lock_is_held(ws.conn), f"no write transaction open at the {moment}"
        reading = _children(writer.pid)  # the process reading the file (importing.forked): a feed this large
        assert len(reading) == 1, f"expected one reading process, found {reading}"
        writer.send_signal(signal.SIGKILL)
        assert writer.wait() == -signal.SIGKILL
        _wait_gone(reading[0])  # it does not outlive the import it reads for
        assert ws.db.integrity_check() == "ok"
        assert store_digest(ws.conn) == before
        assert found(ws, "malicious") == []
        assert not write_lock_is_held(ws.conn)  # the killed writer's lock went with it
    finally:
        if writer.poll() is None:
            writer.kill()
        ws.close()
