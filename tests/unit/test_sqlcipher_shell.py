"""Who else can open a workspace: a SQLCipher 4 reader with the passphrase alone; not SQLCipher 3 (Debian 12's
``sqlcipher`` shell is 3.4.1), whose defaults (PBKDF2-HMAC-SHA1, 64,000 iterations, 1,024-byte pages) differ."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import sqlcipher3

from tests.conftest import PASSPHRASE
from workbench.services.workspace import Workspace


def _shell_reading(path: Path, *pragmas: str) -> sqlcipher3.Connection:
    """A connection as the ``sqlcipher`` shell makes one: the passphrase in ``PRAGMA key``, nothing else known."""
    conn = sqlcipher3.connect(str(path))
    conn.execute(f"PRAGMA key = '{PASSPHRASE}'")
    for pragma in pragmas:
        conn.execute(pragma)
    return conn


def _checkpointed(workspace: Workspace) -> Path:
    workspace.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return workspace.path


def test_a_sqlcipher_4_reader_opens_a_workspace_with_the_passphrase_alone(workspace: Workspace) -> None:
    conn = _shell_reading(_checkpointed(workspace))
    assert str(conn.execute("PRAGMA cipher_version").fetchone()[0]).startswith("4.")
    assert conn.execute("SELECT value FROM meta WHERE key = 'org_name'").fetchone()[0] == "EU Agency for Cybersecurity"
    conn.close()


def test_sqlcipher_3_settings_cannot_read_a_workspace(workspace: Workspace) -> None:
    conn = _shell_reading(_checkpointed(workspace), "PRAGMA cipher_compatibility = 3")
    with pytest.raises(sqlcipher3.DatabaseError, match="file is not a database"):
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    conn.close()


@pytest.mark.skipif(shutil.which("sqlcipher") is None, reason="no sqlcipher shell on this machine")
def test_the_sqlcipher_shell_of_this_machine_opens_it_only_if_it_is_version_4(workspace: Workspace) -> None:
    path = _checkpointed(workspace)
    script = f"PRAGMA key = '{PASSPHRASE}';\nPRAGMA cipher_version;\nSELECT value FROM meta WHERE key = 'org_name';\n"
    done = subprocess.run(["sqlcipher", str(path)], input=script, capture_output=True, text=True, timeout=60)
    version = done.stdout.splitlines()[0] if done.stdout else ""
    if version.startswith("4."):
        assert "EU Agency for Cybersecurity" in done.stdout
    else:
        assert "EU Agency for Cybersecurity" not in done.stdout and "not a database" in done.stderr
