"""``workbench backup`` and ``workbench restore`` as real processes: while another process imports, killed half-way,
and from the command line with its exit codes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import orjson
import pytest

from benchmarks.generate_bundle import write_bundle
from tests.conftest import PASSPHRASE, REPO, bundle, indicator
from workbench.domain.errors import WorkbenchError
from workbench.services.backup import back_up, inspect_backup, restore_backup
from workbench.services.importing.importer import import_file
from workbench.services.workspace import create_workspace, open_workspace
from workbench.storage import audit, snapshot
from workbench.storage.objects import store_digest


def environment() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("WORKBENCH_")}
    env.update(PYTHONPATH=str(REPO), WORKBENCH_PASSPHRASE=PASSPHRASE)
    return env


def one_line_error(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("workbench: "), stderr
    return lines[0]


def importing(db: Path, feed: Path) -> subprocess.Popen[str]:
    """A real ``workbench import`` of ``feed`` in another process, returned once its transaction is writing."""
    importer = subprocess.Popen(
        [sys.executable, "-m", "workbench", "-v", "import", "--db", str(db), str(feed)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=environment(),
    )
    assert importer.stderr is not None
    for line in importer.stderr:  # the first batch is stored: the transaction is open and writing
        if "stored so far" in line:
            break
    else:
        pytest.fail("the import finished without reporting progress")
    threading.Thread(target=importer.stderr.read, daemon=True).start()
    return importer


@pytest.fixture(scope="module")
def feed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("feed") / "feed.json"
    write_bundle(path, 30_000, seed=18)
    return path


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_backup_during_an_import_in_another_process_is_a_state_the_workspace_had(tmp_path: Path, feed: Path) -> None:
    db = tmp_path / "live.db"
    ws = create_workspace(db, PASSPHRASE, "Live Agency")
    import_file(ws, _small_bundle(tmp_path))
    before = store_digest(ws.conn)
    importer = importing(db, feed)

    # Snapshots taken one after the other for as long as the import runs (its commit and index rebuilding
    # included), each opened and compared afterwards.
    copies: list[tuple[Path, bool]] = []
    while True:
        running = importer.poll() is None
        copy = tmp_path / f"snapshot-{len(copies)}.db"
        snapshot.copy_snapshot(ws.conn, copy, ws.db.key)
        copies.append((copy, running and importer.poll() is None))
        if not running:
            break
        time.sleep(0.25)  # pacing only: a few dozen snapshots over the import, not thousands
    assert importer.wait(timeout=240) == 0
    after = store_digest(ws.conn)
    assert after != before
    during = [copy for copy, inside in copies if inside]
    assert len(during) >= 2, "the import ended before two snapshots were taken while it ran"
    seen = set()
    for copy, _inside in copies:
        with snapshot.read_only(copy, ws.db.key) as conn:
            digest = store_digest(conn)
            assert digest in (before, after), f"{copy.name} holds a state between before and after the import"
            assert audit.verify(conn).ok
            seen.add(digest)
    assert seen == {before, after}
    ws.close()


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_whole_backup_started_during_an_import_restores_to_the_state_before_it(tmp_path: Path, feed: Path) -> None:
    db = tmp_path / "live.db"
    ws = create_workspace(db, PASSPHRASE, "Live Agency")
    import_file(ws, _small_bundle(tmp_path))
    before = store_digest(ws.conn)
    importer = importing(db, feed)
    dest = tmp_path / "usb"
    dest.mkdir()
    written = back_up(ws, dest)
    assert importer.wait(timeout=240) == 0
    assert written.manifest.counts["objects"] < ws.objects.count()  # the import came after the copy
    restore_backup(written.path, tmp_path / "restored.db", PASSPHRASE)
    restored = open_workspace(tmp_path / "restored.db", PASSPHRASE)
    try:
        entries = list(audit.entries(restored.conn))
        assert entries[-1].action == "workspace.restored" and audit.verify(restored.conn).ok
        assert restored.objects.count() == written.manifest.counts["objects"]
    finally:
        restored.close()
    with snapshot.read_only(written.path / "workspace.backup", ws.db.key) as copy:
        assert store_digest(copy) == before
    ws.close()


@pytest.fixture(scope="module")
def large_workspace(tmp_path_factory: pytest.TempPathFactory, feed: Path) -> Path:
    path = tmp_path_factory.mktemp("large") / "large.db"
    ws = create_workspace(path, PASSPHRASE, "Large Agency")
    import_file(ws, feed)
    ws.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    ws.close()
    return path


@pytest.mark.slow
@pytest.mark.timeout(240)
@pytest.mark.parametrize("moment", ["copying", "checking", "reading back"])
def test_sigkill_during_backup_leaves_nothing_restore_accepts(
    tmp_path: Path, large_workspace: Path, moment: str
) -> None:
    db = tmp_path / "w.db"
    db.write_bytes(large_workspace.read_bytes())
    dest = tmp_path / "usb"
    dest.mkdir()
    writer = subprocess.Popen(
        [sys.executable, "-m", "workbench", "-v", "backup", "--db", str(db), "--to", str(dest)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=environment(),
    )
    assert writer.stderr is not None
    for line in writer.stderr:
        if f"backup: {moment}" in line:
            break
    else:
        pytest.fail(f"the backup never said '{moment}'")
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    # Under a backup's name there is only ever a complete backup; anything else is refused.
    for entry in dest.iterdir():
        target = tmp_path / f"restored-{entry.name}.db"
        try:
            inspect_backup(entry)
            restore_backup(entry, target, PASSPHRASE)
        except WorkbenchError:
            assert entry.name.startswith("."), f"{entry.name} looks like a backup but is refused"
            assert not target.exists()
        else:
            assert not entry.name.startswith("."), f"restore accepted {entry.name}, left by a killed backup"
    if moment != "reading back":  # long before the folder is renamed into place
        assert [entry.name for entry in dest.iterdir() if not entry.name.startswith(".")] == []
    # The next backup into that folder removes what the stopped one left; the workspace is as it was.
    ws = open_workspace(db, PASSPHRASE)
    try:
        assert ws.db.integrity_check() == "ok" and audit.verify(ws.conn).ok
        written = back_up(ws, dest)
    finally:
        ws.close()
    assert not [entry.name for entry in dest.iterdir() if entry.name.endswith(".partial")]
    assert written.path in list(dest.iterdir())


def test_backup_and_restore_from_the_command_line(cli, tmp_path: Path, write_json) -> None:  # type: ignore[no-untyped-def]
    db = str(tmp_path / "agency.db")
    assert cli("init", "--db", db, "--name", "Nordic CSIRT").code == 0
    assert cli("import", "--db", db, str(write_json(bundle(indicator(name="beacon host"))))).code == 0
    usb = tmp_path / "usb"
    usb.mkdir()

    made = cli("backup", "--db", db, "--to", str(usb), "--json")
    assert made.code == 0, made.stderr
    result = made.json
    folder = Path(result["path"])
    assert folder.parent == usb and result["manifest"]["workspace"]["name"] == "Nordic CSIRT"
    assert result["manifest"]["counts"]["objects"] > 1
    text = cli("backup", "--db", db, "--to", str(usb))
    assert text.code == 0 and "backup written and verified" in text.stdout

    target = tmp_path / "restored.db"
    restored = cli("restore", str(folder), "--to", str(target))
    assert restored.code == 0, restored.stderr
    assert "partner channels may have moved on" in restored.stdout and "no package sent or received" in restored.stdout
    assert "workbench keys advance --name PARTNER --last-received N" in restored.stdout
    unknown = cli("keys", "advance", "--db", str(target), "--name", "Nobody", "--last-received", "4")
    assert unknown.code == 1 and unknown.stderr.strip() == "workbench: no partner named 'Nobody'"
    found = cli("search", "--db", str(target), "beacon")
    assert found.code == 0 and "beacon host" in found.stdout
    again = cli("restore", str(folder), "--to", str(target))
    assert again.code == 1 and "never overwrites" in one_line_error(again.stderr)

    fingerprint = result["manifest"]["signer"]["key_id"]
    other = cli("restore", str(folder), "--to", str(tmp_path / "x.db"), "--fingerprint", "0" * 64)
    assert other.code == 1 and "not by the expected" in one_line_error(other.stderr)
    wrong = cli("restore", str(folder), "--to", str(tmp_path / "y.db"), passphrase="wrong passphrase")
    assert wrong.code == 1 and "wrong passphrase" in one_line_error(wrong.stderr)
    good = cli("restore", str(folder), "--to", str(tmp_path / "z.db"), "--fingerprint", fingerprint, "--json")
    assert good.code == 0 and good.json["schema_after"] == good.json["schema_before"]
    assert sorted(path.name for path in tmp_path.glob("*.db")) == ["agency.db", "restored.db", "z.db"]

    separate = cli(
        "backup",
        "--db",
        db,
        "--to",
        str(usb),
        "--separate-passphrase",
        "--json",
        env={"WORKBENCH_BACKUP_PASSPHRASE": "the backup's own secret"},
    )
    assert separate.code == 0 and separate.json["manifest"]["encryption"] == "backup-passphrase"
    back = cli(
        "restore",
        separate.json["path"],
        "--to",
        str(tmp_path / "s.db"),
        env={"WORKBENCH_BACKUP_PASSPHRASE": "the backup's own secret"},
    )
    assert back.code == 0 and "the separate backup passphrase" in back.stdout

    missing = cli("backup", "--db", db, "--to", str(tmp_path / "nowhere"))
    assert missing.code == 1 and "is not a folder" in one_line_error(missing.stderr)
    usage = cli("restore", str(folder))
    assert usage.code == 2


def _small_bundle(folder: Path) -> Path:
    path = folder / "first.json"
    path.write_bytes(orjson.dumps(bundle(*(indicator(name=f"first {n}") for n in range(20)))))
    return path
