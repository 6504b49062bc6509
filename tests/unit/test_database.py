"""The encrypted workspace file: creation, opening, refusals, passphrase change, schema versions."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from tests.conftest import PASSPHRASE, indicator
from workbench.domain.errors import NotAWorkspace, WorkspaceError, WrongPassphrase
from workbench.services.workspace import change_passphrase, create_workspace, open_workspace
from workbench.storage import migrations
from workbench.storage.database import Database


def test_created_file_is_private_and_encrypted(tmp_path: Path) -> None:
    ws = create_workspace(tmp_path / "w.db", PASSPHRASE, "Org")
    ws.close()
    mode = stat.S_IMODE(os.stat(tmp_path / "w.db").st_mode)
    assert mode == 0o600
    head = (tmp_path / "w.db").read_bytes()[:16]
    assert head != b"SQLite format 3\x00"
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(tmp_path / "w.db").execute("SELECT * FROM sqlite_master").fetchall()


def test_wrong_passphrase_is_reported_as_such(tmp_path: Path) -> None:
    create_workspace(tmp_path / "w.db", PASSPHRASE, "Org").close()
    with pytest.raises(WrongPassphrase, match="wrong passphrase"):
        open_workspace(tmp_path / "w.db", "not the passphrase")


def test_missing_file_plain_sqlite_and_random_file_are_refused(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="no workspace at"):
        open_workspace(tmp_path / "absent.db", PASSPHRASE)
    plain = tmp_path / "plain.db"
    sqlite3.connect(plain).execute("CREATE TABLE t (a)").connection.commit()
    with pytest.raises(NotAWorkspace, match="unencrypted SQLite"):
        open_workspace(plain, PASSPHRASE)
    log = tmp_path / "notes.txt"
    log.write_text("just a text file\n")
    with pytest.raises(NotAWorkspace, match="not a workspace"):
        open_workspace(log, PASSPHRASE)
    with pytest.raises(NotAWorkspace):
        open_workspace(tmp_path, PASSPHRASE)


def test_create_refuses_existing_file_and_missing_folder(tmp_path: Path) -> None:
    existing = tmp_path / "exists.db"
    existing.write_bytes(b"keep me")
    with pytest.raises(WorkspaceError, match="already exists"):
        create_workspace(existing, PASSPHRASE, "Org")
    assert existing.read_bytes() == b"keep me"
    with pytest.raises(WorkspaceError, match="does not exist"):
        create_workspace(tmp_path / "nowhere" / "w.db", PASSPHRASE, "Org")
    assert not (tmp_path / "nowhere").exists()


def test_empty_passphrase_and_bad_org_name_leave_no_file(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="empty"):
        create_workspace(tmp_path / "w.db", "", "Org")
    with pytest.raises(Exception, match="organisation name"):
        create_workspace(tmp_path / "w.db", PASSPHRASE, "  ")
    assert list(tmp_path.iterdir()) == []


def test_rekey_keeps_all_data_and_old_passphrase_stops_working(tmp_path: Path) -> None:
    ws = create_workspace(tmp_path / "w.db", PASSPHRASE, "Org")
    obj = indicator()
    with ws.transaction() as conn:
        from workbench.storage.objects import ObjectStore

        store = ObjectStore(conn)
        store.put(obj, store.add_source("local", "test"))
    change_passphrase(ws, "a new passphrase")
    ws.close()
    with pytest.raises(WrongPassphrase):
        open_workspace(tmp_path / "w.db", PASSPHRASE)
    reopened = open_workspace(tmp_path / "w.db", "a new passphrase")
    assert reopened.objects.get(obj["id"]) == obj
    assert reopened.org_name == "Org"
    assert reopened.db.integrity_check() == "ok"
    actions = [row[0] for row in reopened.conn.execute("SELECT action FROM audit_log ORDER BY seq")]
    assert actions[-1] == "workspace.passphrase-changed"
    reopened.close()


def test_workspace_from_a_newer_program_is_refused(tmp_path: Path) -> None:
    ws = create_workspace(tmp_path / "w.db", PASSPHRASE, "Org")
    ws.conn.execute(f"PRAGMA user_version = {migrations.latest_version() + 5}")
    ws.close()
    with pytest.raises(WorkspaceError, match="newer than this program"):
        open_workspace(tmp_path / "w.db", PASSPHRASE)


def test_second_connection_shares_the_key_and_sees_committed_data(tmp_path: Path) -> None:
    ws = create_workspace(tmp_path / "w.db", PASSPHRASE, "Org")
    other = ws.connect_again()
    assert other.objects.get(ws.identity_id)["name"] == "Org"
    ws.close(lock=True)
    with pytest.raises(WorkspaceError, match="locked"):
        Database.open_with_key(tmp_path / "w.db", other.db.key)
    other.close()
