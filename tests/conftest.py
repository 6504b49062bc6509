"""Fixtures shared by every test: fresh encrypted workspaces, STIX factories, the command line.

Creating a workspace costs a key derivation (about 0.3 s); the fixtures make one template per session and give
each test its own copy of the file, opened with the already derived key.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest

from workbench.services import library
from workbench.services.workspace import Workspace, create_workspace
from workbench.storage.database import Connection, Database, DatabaseError
from workbench.storage.meta import get_meta

PASSPHRASE = "correct horse battery staple"
REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = (REPO.parent / "shared" / "data") if (REPO.parent / "shared").is_dir() else Path("/work/shared/data")


@dataclass
class Template:
    path: Path
    key: Any


def _make_template(tmp_path_factory: pytest.TempPathFactory, name: str) -> Template:
    folder = tmp_path_factory.mktemp(f"template-{name.split()[0].lower()}")
    ws = create_workspace(folder / "workspace.db", PASSPHRASE, name)
    ws.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    template = Template(ws.path, ws.db.key)
    ws.db.conn.close()
    return template


@pytest.fixture(scope="session")
def template_eu(tmp_path_factory: pytest.TempPathFactory) -> Template:
    return _make_template(tmp_path_factory, "EU Agency for Cybersecurity")


@pytest.fixture(scope="session")
def template_us(tmp_path_factory: pytest.TempPathFactory) -> Template:
    return _make_template(tmp_path_factory, "US Cybersecurity Agency")


def open_copy(template: Template, folder: Path) -> Workspace:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "workspace.db"
    shutil.copyfile(template.path, target)
    os.chmod(target, 0o600)
    db = Database.open_with_key(target, template.key)
    return Workspace(db, get_meta(db.conn, "org_name") or "", get_meta(db.conn, "identity_ref") or "")


@pytest.fixture
def workspace(template_eu: Template, tmp_path: Path) -> Iterator[Workspace]:
    """A fresh encrypted workspace of the organisation 'EU Agency for Cybersecurity', passphrase PASSPHRASE."""
    ws = open_copy(template_eu, tmp_path / "eu")
    yield ws
    ws.close()


@pytest.fixture
def partner_workspace(template_us: Template, tmp_path: Path) -> Iterator[Workspace]:
    """A second workspace, 'US Cybersecurity Agency', for exchange round trips."""
    ws = open_copy(template_us, tmp_path / "us")
    yield ws
    ws.close()


# -- STIX factories ---------------------------------------------------------------------------------------------


def found(ws: Workspace, text: str, **options: Any) -> list[library.ObjectRow]:
    """The hits of the library search (``services.library.search``) for ``text``."""
    return library.search(ws, library.LibraryFilter(search=text), **options).rows


def write_lock_is_held(conn: Connection) -> bool:
    """Whether another connection holds the write lock (a write transaction is open), asked without waiting."""
    conn.execute("PRAGMA busy_timeout = 0")
    try:
        conn.execute("BEGIN IMMEDIATE")
    except DatabaseError as exc:
        assert "locked" in str(exc) or "busy" in str(exc), exc
        return True
    conn.execute("ROLLBACK")
    return False


def process_state(pid: int) -> str:
    """ "running", "zombie" (dead, not yet reaped: its memory is freed) or "gone" (reaped) for a process id."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return "gone"
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return "gone"
    return "zombie" if state == "Z" else "running"


def alive(pid: int) -> bool:
    """Whether the process runs (a zombie does not)."""
    return process_state(pid) == "running"


def stix_id(kind: str) -> str:
    return f"{kind}--{uuid.uuid4()}"


def indicator(**overrides: Any) -> dict[str, Any]:
    obj = {
        "type": "indicator",
        "spec_version": "2.1",
        "id": stix_id("indicator"),
        "created": "2026-01-10T08:00:00.000Z",
        "modified": "2026-01-10T08:00:00.000Z",
        "name": "C2 address",
        "description": "Beacon destination seen in the intrusion.",
        "indicator_types": ["malicious-activity"],
        "pattern": "[ipv4-addr:value = '198.51.100.7']",
        "pattern_type": "stix",
        "valid_from": "2026-01-10T08:00:00Z",
    }
    obj.update(overrides)
    return obj


def malware(**overrides: Any) -> dict[str, Any]:
    obj = {
        "type": "malware",
        "spec_version": "2.1",
        "id": stix_id("malware"),
        "created": "2026-01-10T08:00:00.000Z",
        "modified": "2026-01-10T08:00:00.000Z",
        "name": "GreyLantern",
        "is_family": True,
        "malware_types": ["backdoor"],
    }
    obj.update(overrides)
    return obj


def threat_actor(**overrides: Any) -> dict[str, Any]:
    obj = {
        "type": "threat-actor",
        "spec_version": "2.1",
        "id": stix_id("threat-actor"),
        "created": "2026-01-10T08:00:00.000Z",
        "modified": "2026-01-10T08:00:00.000Z",
        "name": "Sandstorm Owl",
        "threat_actor_types": ["nation-state"],
        "aliases": ["SO-17"],
    }
    obj.update(overrides)
    return obj


def relationship(source: str, target: str, kind: str = "indicates", **overrides: Any) -> dict[str, Any]:
    obj = {
        "type": "relationship",
        "spec_version": "2.1",
        "id": stix_id("relationship"),
        "created": "2026-01-10T08:00:00.000Z",
        "modified": "2026-01-10T08:00:00.000Z",
        "relationship_type": kind,
        "source_ref": source,
        "target_ref": target,
    }
    obj.update(overrides)
    return obj


def bundle(*objects: dict[str, Any]) -> dict[str, Any]:
    return {"type": "bundle", "id": stix_id("bundle"), "objects": list(objects)}


@pytest.fixture
def write_json(tmp_path: Path) -> Callable[..., Path]:
    """Write a JSON document (or raw bytes) to a file in the test's folder and return its path."""
    counter = iter(range(1_000_000))

    def write(document: Any, name: str | None = None) -> Path:
        path = tmp_path / (name or f"input-{next(counter)}.json")
        path.write_bytes(document if isinstance(document, bytes) else orjson.dumps(document))
        return path

    return write


# -- the command line -------------------------------------------------------------------------------------------


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str

    @property
    def json(self) -> Any:
        return orjson.loads(self.stdout)


@pytest.fixture
def cli(tmp_path: Path) -> Callable[..., CliResult]:
    """Run the real ``workbench`` command in a subprocess, passphrase in the environment."""

    def run(
        *args: str,
        passphrase: str | None = PASSPHRASE,
        env: dict[str, str] | None = None,
        timeout: float = 120,
        stdin: str | None = None,
    ) -> CliResult:
        environment = {key: value for key, value in os.environ.items() if not key.startswith("WORKBENCH_")}
        environment["PYTHONPATH"] = str(REPO)
        if passphrase is not None:
            environment["WORKBENCH_PASSPHRASE"] = passphrase
        environment.update(env or {})
        done = subprocess.run(
            [sys.executable, "-m", "workbench", *args],
            capture_output=True,
            text=True,
            env=environment,
            cwd=tmp_path,
            timeout=timeout,
            input=stdin,
        )
        return CliResult(done.returncode, done.stdout, done.stderr)

    return run
