"""A real export killed with SIGKILL at every step of the writer never leaves a package that verifies on the medium
without its record in the workspace, and its sequence number is never used again.

The export runs in a child process that kills itself with SIGKILL at one named step (the wrappers below only
decide *when*; the export, the workspace, the medium and the signature are all real). Then, for every package
on the medium that verifies with the producer's key: the outbox holds it, with its sequence and manifest hash, and
the next export gets a higher sequence, so the recipient can import both.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PASSPHRASE, REPO, indicator
from tests.exchange_support import Pair, pair
from workbench.domain.errors import WorkbenchError
from workbench.services import exchange
from workbench.storage import exchange as rows

__all__ = ["pair"]

DRIVER = r"""
import os, signal, sys
from workbench.services import exchange
from workbench.services.exchange import export, package_io, writer
from workbench.services.workspace import open_workspace

db, dest, step = sys.argv[1:4]

def die(name):
    if name == step:
        sys.stdout.write("killing at " + name + "\n")
        sys.stdout.flush()
        os.kill(os.getpid(), signal.SIGKILL)

add, commit = writer.MediumWriter.add, writer.MediumWriter.commit
read_back, chunks = export.read_back, export.bundle_chunks

def counted_add(self, path, parts, cancel=None):
    die("before " + path)
    written = add(self, path, parts, cancel)
    die("after " + path)
    return written

def counted_commit(self):
    die("before rename")
    final = commit(self)
    die("after rename")
    return final

def counted_read_back(*args, **kwargs):
    checked = read_back(*args, **kwargs)
    die("after read-back")
    return checked

def counted_chunks(*args, **kwargs):
    for number, part in enumerate(chunks(*args, **kwargs)):
        if number == 2:
            die("mid-bundle")
        yield part

writer.MediumWriter.add, writer.MediumWriter.commit = counted_add, counted_commit
export.read_back, export.bundle_chunks, package_io.BATCH = counted_read_back, counted_chunks, 2
ws = open_workspace(db, os.environ["WORKBENCH_PASSPHRASE"])
result = exchange.export_package(ws, dest, "US Cybersecurity Agency", tar=os.environ.get("KILL_TAR") == "1")
ws.close()
die("after confirmation")
print("exported", result.sequence)
"""

STEPS = [
    "mid-bundle",  # the transaction is open, the bundle half written under a hidden name
    "after payload/bundle.json",  # the bundle is complete, the reservation not yet committed
    "before manifest.json",  # the reservation is committed, nothing signed on the medium
    "after manifest.json",
    "after manifest.json.sig",  # signed, still under the hidden name
    "before rename",
    "after rename",  # a package that verifies is in place, not yet read back
    "after read-back",  # verified on the medium, not yet confirmed in the outbox
    "after confirmation",
]


def export_killed_at(pair: Pair, step: str, dest: Path, *, tar: bool = False) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO), WORKBENCH_PASSPHRASE=PASSPHRASE, KILL_TAR="1" if tar else "0")
    return subprocess.run(
        [sys.executable, "-c", DRIVER, str(pair.eu.path), str(dest), step],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def verifying_packages(pair: Pair, medium: Path) -> list[tuple[Path, exchange.Verdict]]:
    """Whatever on the medium verifies with EU's key, hidden temporary copies included."""
    found = []
    for entry in sorted(medium.iterdir()):
        try:
            found.append((entry, exchange.verify_package(entry, public_key_pem=pair.eu_pem.read_bytes())))
        except WorkbenchError:
            continue
    return found


@pytest.mark.slow
@pytest.mark.timeout(300)
@pytest.mark.parametrize("tar", [False, True], ids=["folder", "tar"])
def test_sigkill_at_every_step_of_the_writer_leaves_no_package_without_its_record(pair: Pair, tar: bool) -> None:
    pair.stock(*(indicator(name=f"beacon {number}") for number in range(8)))
    seen_sequences: list[int] = []
    for step in STEPS:
        medium = pair.medium()
        done = export_killed_at(pair, step, medium, tar=tar)
        assert done.returncode == -signal.SIGKILL, (step, done.stdout, done.stderr)
        assert f"killing at {step}" in done.stdout  # the kill landed at the named step
        assert pair.eu.db.integrity_check() == "ok"
        for path, verdict in verifying_packages(pair, medium):
            record = rows.sent(pair.eu.conn, verdict.package_id)
            assert record is not None, f"{step}: a package verifies on the medium without its record"
            assert (record.sequence, record.manifest_sha256) == (verdict.sequence, verdict.manifest_sha256)
            seen_sequences.append(verdict.sequence)
            entry = next(item for item in exchange.outbox(pair.eu) if item.package_id == verdict.package_id)
            expected = "awaiting receipt" if step == "after confirmation" else "written, never confirmed"
            assert entry.status == expected, step
            # The recipient may import it; the next package must not be refused as a rollback.
            assert exchange.import_package(pair.us, path).committed
        hidden = [item.name for item in medium.iterdir() if item.name.startswith(".")]
        assert all(item.endswith(".partial") for item in hidden), hidden
        if hidden:  # what the killed write left is swept by the next write to that medium
            seen_sequences.append(pair.export(dest=medium, tar=tar).sequence)
            assert [item.name for item in medium.iterdir() if item.name.startswith(".")] == [], step
    next_export = pair.export()
    assert all(next_export.sequence > sequence for sequence in seen_sequences)
    assert exchange.import_package(pair.us, next_export.path).committed
    reserved = [row.sequence for row in rows.outbox(pair.eu.conn)]
    assert len(reserved) == len(set(reserved))  # no sequence was ever given twice


def test_a_failed_read_back_marks_the_package_not_written_and_burns_its_sequence(pair: Pair) -> None:
    pair.stock(indicator())
    first = pair.export()
    medium = pair.medium()

    def spoil(stage: str, done: int, total: int) -> None:
        if stage == "read-back":  # the medium changes the bundle between writing and reading back
            for bundle in medium.glob("*/payload/bundle.json"):
                bundle.write_bytes(bundle.read_bytes().replace(b"C2", b"X2"))

    with pytest.raises(WorkbenchError, match="does not verify"):
        pair.export(dest=medium, progress=spoil)
    assert list(medium.iterdir()) == []
    failed = exchange.outbox(pair.eu)[0]
    assert failed.sequence == first.sequence + 1 and failed.status.startswith("not written: ")
    assert pair.export().sequence == first.sequence + 2
    digest = hashlib.sha256((first.path / "manifest.json").read_bytes()).hexdigest()
    assert rows.sent(pair.eu.conn, first.package_id).manifest_sha256 == digest  # type: ignore[union-attr]
