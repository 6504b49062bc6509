"""The ``workbench`` command as a script at the transfer station uses it: exit codes, one-line errors, JSON."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from tests.conftest import PASSPHRASE, REPO, bundle, indicator


def one_line_error(result) -> str:  # type: ignore[no-untyped-def]
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def test_version_and_usage(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("--version")
    assert result.code == 0 and result.stdout.startswith("workbench ")
    assert cli("init").code == 2
    assert cli("no-such-command").code == 2


def test_init_keys_search_audit_round(cli, tmp_path: Path, write_json) -> None:  # type: ignore[no-untyped-def]
    db = str(tmp_path / "w.db")
    created = cli("init", "--db", db, "--name", "ENISA test", "--json")
    assert created.code == 0, created.stderr
    key_id = created.json["key_id"]

    exported = cli("keys", "export-public", "--db", db, "--out", str(tmp_path / "pub.pem"))
    assert exported.code == 0 and key_id in exported.stdout
    assert f"STIX identity: {created.json['identity_ref']}" in exported.stdout  # what the partner pins with the key
    der = subprocess.run(
        ["openssl", "pkey", "-pubin", "-in", str(tmp_path / "pub.pem"), "-outform", "DER"],
        capture_output=True,
        check=True,
    ).stdout
    assert hashlib.sha256(der).hexdigest() == key_id

    listed = cli("keys", "list", "--db", db, "--json")
    assert [k["key_id"] for k in listed.json["own"]] == [key_id]

    source = write_json(bundle(indicator(name="Kestrel beacon")))
    assert cli("import", "--db", db, str(source)).code == 0
    found = cli("search", "--db", db, "kestrel", "--json")
    assert [hit["name"] for hit in found.json] == ["Kestrel beacon"]

    audit = cli("audit", "--db", db, "--verify")
    assert audit.code == 0 and "intact" in audit.stdout
    actions = [entry["action"] for entry in cli("audit", "--db", db, "--json").json]
    assert actions == ["workspace.init", "key.export-public", "import"]


def test_passwd_changes_passphrase(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = str(tmp_path / "w.db")
    assert cli("init", "--db", db, "--name", "Org").code == 0
    changed = cli("passwd", "--db", db, env={"WORKBENCH_NEW_PASSPHRASE": "second passphrase"})
    assert changed.code == 0, changed.stderr
    assert "wrong passphrase" in one_line_error(cli("keys", "list", "--db", db))
    assert cli("keys", "list", "--db", db, passphrase="second passphrase").code == 0


def test_bad_inputs_give_one_line_and_exit_1_and_change_nothing(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "w.db"
    assert cli("init", "--db", str(db), "--name", "Org").code == 0
    before = db.read_bytes()

    wrong = cli("audit", "--db", str(db), passphrase="nope")
    assert wrong.code == 1 and "wrong passphrase" in one_line_error(wrong)

    missing = cli("audit", "--db", str(tmp_path / "absent.db"))
    assert missing.code == 1 and "no workspace" in one_line_error(missing)

    text = tmp_path / "notes.txt"
    text.write_text("hello\n")
    not_ws = cli("audit", "--db", str(text))
    assert not_ws.code == 1 and "not a workspace" in one_line_error(not_ws)
    assert text.read_text() == "hello\n"

    again = cli("init", "--db", str(db), "--name", "Org")
    assert again.code == 1 and "already exists" in one_line_error(again)

    no_pass = cli("audit", "--db", str(db), passphrase=None)
    assert no_pass.code == 1 and "WORKBENCH_PASSPHRASE" in one_line_error(no_pass)
    assert db.read_bytes() == before


def _as_unprivileged_user(folder: Path) -> list[str]:
    """A command prefix that runs as a user the folder's permission bits apply to (root ignores them)."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: permission bits cannot be tested")
    prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    probe = subprocess.run(
        [*prefix, sys.executable, "-c", "import workbench.cli"],
        capture_output=True,
        env={"PYTHONPATH": str(REPO)},
        cwd="/",
        timeout=60,
    )
    if probe.returncode != 0:
        pytest.skip("this checkout or its Python cannot be read by an unprivileged user")
    os.chown(folder, 65534, 65534)
    for path in folder.iterdir():
        os.chown(path, 65534, 65534)
    return prefix


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """A folder another user can reach (pytest's own temporary folders are private to their owner)."""
    parent = Path(tempfile.mkdtemp(prefix="workbench-ro-"))
    parent.chmod(0o755)
    yield parent
    for path in [parent, *parent.rglob("*")]:
        if path.is_dir():
            path.chmod(0o755)
    shutil.rmtree(parent)


def test_read_only_folder_is_refused_with_one_line(cli, shared_folder: Path) -> None:  # type: ignore[no-untyped-def]
    folder = shared_folder / "ro"
    folder.mkdir()
    assert cli("init", "--db", str(folder / "w.db"), "--name", "Org").code == 0
    before = (folder / "w.db").read_bytes()
    prefix = _as_unprivileged_user(folder)
    folder.chmod(0o555)
    env = {key: value for key, value in os.environ.items() if not key.startswith("WORKBENCH_")}
    env.update(PYTHONPATH=str(REPO), WORKBENCH_PASSPHRASE=PASSPHRASE)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*prefix, sys.executable, "-m", "workbench", *args],
            capture_output=True,
            text=True,
            env=env,
            cwd="/",
            timeout=120,
        )

    opened = run("audit", "--db", str(folder / "w.db"))
    assert opened.returncode == 1 and "read-only" in one_line_error(opened)
    created = run("init", "--db", str(folder / "new.db"), "--name", "Org")
    assert created.returncode == 1 and "cannot create" in one_line_error(created)
    assert sorted(path.name for path in folder.iterdir()) == ["w.db"]
    assert (folder / "w.db").read_bytes() == before


def test_audit_verify_exits_1_naming_the_broken_entry(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "w.db"
    assert cli("init", "--db", str(db), "--name", "Org").code == 0
    assert cli("keys", "export-public", "--db", str(db), "--out", str(tmp_path / "k.pem")).code == 0
    from workbench.services.workspace import open_workspace

    ws = open_workspace(db, PASSPHRASE)
    ws.conn.execute("DROP TRIGGER audit_log_no_update")
    ws.conn.execute("UPDATE audit_log SET details = ? WHERE seq = 2", (orjson.dumps({"file": "x"}).decode(),))
    ws.close()
    result = cli("audit", "--db", str(db), "--verify")
    assert result.code == 1 and "entry 2" in one_line_error(result)
