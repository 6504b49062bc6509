"""The audit log: every change is an entry, the chain detects edits and deletions made behind our back."""

from __future__ import annotations

import pytest

from workbench.services.workspace import Workspace
from workbench.storage import audit
from workbench.storage.database import IntegrityError


def add_entries(ws: Workspace, count: int) -> None:
    for index in range(count):
        ws.record("test.entry", {"n": index})


def test_init_is_the_first_entry_and_chain_verifies(workspace: Workspace) -> None:
    add_entries(workspace, 3)
    report = audit.verify(workspace.conn)
    assert report.ok and report.entries == 4
    assert next(entry.action for entry in audit.entries(workspace.conn)) == "workspace.init"


def test_update_and_delete_are_refused_through_sql(workspace: Workspace) -> None:
    with pytest.raises(IntegrityError, match="append-only"):
        workspace.conn.execute("UPDATE audit_log SET action = 'x' WHERE seq = 1")
    with pytest.raises(IntegrityError, match="append-only"):
        workspace.conn.execute("DELETE FROM audit_log WHERE seq = 1")


def tamper(ws: Workspace, sql: str) -> None:
    conn = ws.conn
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute("DROP TRIGGER audit_log_no_delete")
    conn.execute(sql)


def test_edited_entry_is_named(workspace: Workspace) -> None:
    add_entries(workspace, 4)
    tamper(workspace, """UPDATE audit_log SET details = '{"n":99}' WHERE seq = 3""")
    report = audit.verify(workspace.conn)
    assert not report.ok and report.broken_seq == 3 and "changed" in report.reason


def test_deleted_middle_entry_is_named(workspace: Workspace) -> None:
    add_entries(workspace, 4)
    tamper(workspace, "DELETE FROM audit_log WHERE seq = 2")
    report = audit.verify(workspace.conn)
    assert not report.ok and report.broken_seq == 2 and "missing" in report.reason


def test_deleted_newest_entry_is_named(workspace: Workspace) -> None:
    add_entries(workspace, 4)
    tamper(workspace, "DELETE FROM audit_log WHERE seq = 5")
    report = audit.verify(workspace.conn)
    assert not report.ok and report.broken_seq == 5


def test_filter_by_action_prefix(workspace: Workspace) -> None:
    workspace.record("key.export-public", {"key_id": "x"})
    workspace.record("import", {})
    assert [e.action for e in audit.entries(workspace.conn, action="key.")] == ["key.export-public"]
    assert [e.action for e in audit.entries(workspace.conn, action="import")] == ["import"]
