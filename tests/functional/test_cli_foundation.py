"""The ``workbench`` command as a script at the transfer station uses it: exit codes, one-line errors, JSON."""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

import orjson

from tests.conftest import PASSPHRASE, bundle, indicator


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
    der = subprocess.run(["openssl", "pkey", "-pubin", "-in", str(tmp_path / "pub.pem"), "-outform", "DER"],
                         capture_output=True, check=True).stdout
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


def test_read_only_folder_is_refused_with_one_line(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "ro"
    folder.mkdir()
    # Root ignores permission bits, so make the folder unwritable for everyone by mounting nothing: use a file
    # in place of the folder, which no user can create entries in.
    blocker = tmp_path / "ro-file"
    blocker.write_text("")
    result = cli("init", "--db", str(blocker / "w.db"), "--name", "Org")
    assert result.code == 1 and "does not exist" in one_line_error(result)
    if os.geteuid() != 0:
        folder.chmod(0o500)
        result = cli("init", "--db", str(folder / "w.db"), "--name", "Org")
        assert result.code == 1 and "cannot create" in one_line_error(result)
        assert list(folder.iterdir()) == []


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
