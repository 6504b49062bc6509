"""The exchange at the transfer station: the real ``workbench`` command, exit codes, one-line errors, JSON.

Also the failing medium: a write that breaks half-way (the kernel's file-size limit makes ``write`` fail with
EFBIG, as a full or pulled stick would fail it) leaves nothing that verifies, one clear error, and no sequence
number used up; a medium without room is refused before anything is written.
"""

from __future__ import annotations

import hashlib
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from tests.conftest import PASSPHRASE, REPO, bundle, indicator, malware
from workbench.domain.errors import WorkbenchError
from workbench.domain.tlp import Tlp
from workbench.services import exchange, keys
from workbench.services.importing.importer import import_file
from workbench.services.workspace import create_workspace, opened


def one_line_error(result) -> str:  # type: ignore[no-untyped-def]
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def fingerprint(pem: Path) -> str:
    der = subprocess.run(
        ["openssl", "pkey", "-pubin", "-in", str(pem), "-outform", "DER"], check=True, capture_output=True
    ).stdout
    return hashlib.sha256(der).hexdigest()


def agencies(cli, tmp_path: Path) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """Two workspace files with keys exchanged, made in-process (each command run costs a key derivation)."""
    paths = []
    for name in ("EU Agency", "US Agency"):
        short = name[:2].lower()
        with create_workspace(tmp_path / f"{short}.db", PASSPHRASE, name) as ws:
            keys.export_public(ws, tmp_path / f"{short}.pem")
        paths.append(str(tmp_path / f"{short}.db"))
    for db, partner, pem in ((paths[0], "US Agency", "us.pem"), (paths[1], "EU Agency", "eu.pem")):
        with opened(db, PASSPHRASE) as ws:
            exchange.add_partner(ws, partner, (tmp_path / pem).read_bytes(), tlp_send=Tlp.AMBER)
    return paths[0], paths[1]


@pytest.mark.slow
def test_export_verify_import_receipt_outbox(cli, tmp_path: Path, write_json) -> None:  # type: ignore[no-untyped-def]
    eu, us = agencies(cli, tmp_path)
    usb = tmp_path / "usb"
    usb.mkdir()
    red = indicator(name="red one", object_marking_refs=["marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"])
    assert cli("import", "--db", eu, str(write_json(bundle(indicator(), malware(), red)))).code == 0

    exported = cli("export", "--db", eu, "--to", str(usb), "--recipient", "US Agency", "--tar", "--json")
    assert exported.code == 0, exported.stderr
    summary = exported.json
    package = summary["path"]
    assert package.endswith(".tar") and summary["sequence"] == 1 and summary["tlp_ceiling"] == "TLP:AMBER"
    assert [item["id"] for item in summary["held_back"]] == [red["id"]]

    verified = cli("verify", package, "--key", str(tmp_path / "eu.pem"))
    assert verified.code == 0 and "VERIFIED" in verified.stdout and "TLP:AMBER" in verified.stdout
    verdict = cli("verify", package, "--db", us, "--json").json
    # Our identity, the indicator, the malware, and the TLP:CLEAR definition our identity is marked with.
    assert (verdict["sequence"], verdict["object_count"], verdict["addressed_to_us"]) == (1, 4, True)
    wrong_key = cli("verify", package, "--key", str(tmp_path / "us.pem"))
    assert wrong_key.code == 1 and "unknown key" in one_line_error(wrong_key)

    imported = cli("import", "--db", us, package, "--json")
    assert imported.code == 0, imported.stderr
    assert imported.json[0]["import"]["new"] == 3 and imported.json[0]["import"]["unchanged"] == 1  # the built-in
    replay = cli("import", "--db", us, package)
    assert replay.code == 1 and "replay" in one_line_error(replay)

    inbox = cli("inbox", "--db", us, "--json").json
    receipt = cli("receipt", "--db", us, "--package", inbox[0]["package_id"], "--to", str(usb), "--json")
    assert receipt.code == 0, receipt.stderr
    assert cli("import", "--db", eu, receipt.json["path"]).code == 0
    outbox = cli("outbox", "--db", eu, "--json").json
    assert [(entry["status"], entry["imported"]) for entry in outbox] == [("delivered", 3)]
    listed = cli("keys", "list", "--db", eu, "--json").json
    assert [partner["name"] for partner in listed["partners"]] == ["US Agency"]
    actions = [entry["action"] for entry in cli("audit", "--db", eu, "--json").json]
    assert "exchange.export" in actions and "exchange.receipt" in actions and "partner.add" in actions


def test_partner_commands_refuse_clearly(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    eu, _ = agencies(cli, tmp_path)
    with opened(eu, PASSPHRASE) as ws:
        ws.conn.execute("DELETE FROM partner_keys")
        ws.conn.execute("DELETE FROM partners")
    added = cli(
        "keys",
        "add-partner",
        "--db",
        eu,
        "--name",
        "US Agency",
        "--key",
        str(tmp_path / "us.pem"),
        "--fingerprint",
        fingerprint(tmp_path / "us.pem"),
        "--tlp-max",
        "green",
        "--accept-max",
        "amber",
        "--valid-until",
        "2099-01-01",
        "--json",
    )
    assert added.code == 0, added.stderr
    assert (added.json["tlp_send"], added.json["valid_until"]) == ("GREEN", "2099-01-01T00:00:00.000Z")
    unconfirmed = cli("keys", "add-partner", "--db", eu, "--name", "X", "--key", str(tmp_path / "us.pem"))
    assert unconfirmed.code == 1 and "--fingerprint" in one_line_error(unconfirmed)
    wrong = cli(
        "keys", "add-partner", "--db", eu, "--name", "X", "--key", str(tmp_path / "eu.pem"), "--fingerprint", "00" * 32
    )
    assert wrong.code == 1 and "differs from the one given" in one_line_error(wrong)
    own = cli(
        "keys",
        "add-partner",
        "--db",
        eu,
        "--name",
        "X",
        "--key",
        str(tmp_path / "eu.pem"),
        "--fingerprint",
        fingerprint(tmp_path / "eu.pem"),
    )
    assert own.code == 1 and "own keys" in one_line_error(own)
    key_id = fingerprint(tmp_path / "us.pem")
    revoked = cli("keys", "revoke", "--db", eu, key_id, "--reason", "rotated")
    assert revoked.code == 0
    listed = cli("keys", "list", "--db", eu, "--json").json
    assert listed["partners"][0]["keys"][0]["revoked_reason"] == "rotated"
    usb = tmp_path / "usb"
    usb.mkdir()
    refused = cli("export", "--db", eu, "--to", str(usb), "--recipient", "US Agency")
    assert refused.code == 1 and "no valid key" in one_line_error(refused)
    case = cli("export", "--db", eu, "--to", str(usb), "--recipient", "US Agency", "--case", "c1")
    assert case.code == 1
    assert (
        cli("export", "--db", eu, "--to", str(usb), "--recipient", "US Agency", "--case", "c", "--query", "q").code == 2
    )


def _limited(limit: int) -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))


def test_write_failing_half_way_leaves_nothing_that_verifies(cli, tmp_path: Path, write_json) -> None:  # type: ignore[no-untyped-def]
    eu, us = agencies(cli, tmp_path)
    objects = [indicator(name=f"beacon {index}", description="x" * 400) for index in range(600)]
    assert cli("import", "--db", eu, str(write_json(bundle(*objects)))).code == 0
    usb = tmp_path / "usb"
    usb.mkdir()
    environment = {key: value for key, value in os.environ.items() if not key.startswith("WORKBENCH_")}
    environment.update(PYTHONPATH=str(REPO), WORKBENCH_PASSPHRASE=PASSPHRASE)
    # The workspace file is larger than the limit, so the limit only bites on the new bundle file.
    assert Path(eu).stat().st_size > 64 * 1024
    failed = subprocess.run(
        [sys.executable, "-m", "workbench", "export", "--db", eu, "--to", str(usb), "--recipient", "US Agency"],
        capture_output=True,
        text=True,
        env=environment,
        preexec_fn=lambda: _limited(64 * 1024),
        timeout=120,
    )
    assert failed.returncode == 1
    message = one_line_error(failed)
    assert "cannot write to" in message and "nothing usable was left" in message
    assert list(usb.iterdir()) == []
    assert cli("outbox", "--db", eu, "--json").json == []
    done = cli("export", "--db", eu, "--to", str(usb), "--recipient", "US Agency", "--json")
    assert done.code == 0 and done.json["sequence"] == 1, "the failed attempt must not use up a sequence number"
    assert cli("import", "--db", us, done.json["path"]).code == 0


def test_medium_without_room_is_refused_before_writing(workspace, partner_workspace, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pem = tmp_path / "us.pem"
    keys.export_public(partner_workspace, pem)
    exchange.add_partner(workspace, "US", pem.read_bytes())
    source = tmp_path / "b.json"
    source.write_bytes(orjson.dumps(bundle(indicator())))
    import_file(workspace, source)
    usb = tmp_path / "usb"
    usb.mkdir()
    free = os.statvfs(usb).f_bavail * os.statvfs(usb).f_frsize
    with pytest.raises(WorkbenchError, match="not enough free space"):
        exchange.export_package(workspace, usb, "US", reserve=free)
    assert list(usb.iterdir()) == []
