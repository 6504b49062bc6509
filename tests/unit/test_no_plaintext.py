"""No plaintext on disk: nothing stored can be read from any file in the workspace's folder."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import PASSPHRASE, found, indicator, malware
from workbench.services.workspace import create_workspace
from workbench.storage.objects import ObjectStore

CANARY = "CANARY-7f3a9c-Plaintext-Must-Not-Leak"


def test_canary_never_reaches_the_disk(tmp_path: Path) -> None:
    folder = tmp_path / "ws"
    folder.mkdir()
    ws = create_workspace(folder / "w.db", PASSPHRASE, f"Org {CANARY}")
    with ws.transaction() as conn:
        store = ObjectStore(conn)
        source = store.add_source("file", f"{CANARY}.json")
        for index in range(2000):  # enough to spill into the WAL and beyond the first pages
            store.put(indicator(name=f"{CANARY} {index}", description=CANARY * 10), source)
        store.put(malware(name=CANARY), source)
    hits = found(ws, CANARY.split("-")[0])
    assert hits, "the canary must be searchable inside the workspace"
    # Check while the WAL and shared-memory files are still there, then again after closing.
    for phase in ("open", "closed"):
        files = [path for path in folder.rglob("*") if path.is_file()]
        assert any(path.name.endswith("-wal") for path in files) or phase == "closed"
        for path in files:
            data = path.read_bytes()
            assert CANARY.encode() not in data, f"{path.name} holds plaintext ({phase})"
            assert CANARY.encode("utf-16-le") not in data
        assert not (folder / "w.db").read_bytes().startswith(b"SQLite format 3")
        ws.close()
