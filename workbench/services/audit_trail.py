"""Reading and checking the audit log: every entry (``workbench audit``), pages newest first by keyset on the
sequence number (the window's Audit screen), and the hash chain's verification."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import orjson

from workbench.storage import audit
from workbench.storage.audit import AuditEntry, ChainReport

if TYPE_CHECKING:
    from workbench.services.workspace import Workspace

__all__ = ["PAGE_SIZE", "AuditEntry", "ChainReport", "actions", "describe", "entries", "page", "verify"]

PAGE_SIZE = 500


def entries(ws: Workspace, *, action: str | None = None) -> Iterator[AuditEntry]:
    """Every entry, oldest first; ``action`` as for ``page``."""
    return audit.entries(ws.conn, action=action)


def page(
    ws: Workspace, *, action: str | None = None, before_seq: int | None = None, limit: int = PAGE_SIZE
) -> list[AuditEntry]:
    """Up to ``limit`` entries older than ``before_seq`` (the newest when None), newest first.

    ``action`` keeps one action, or every action under a prefix ending in '.' (``key.``).
    """
    clauses: list[str] = []
    args: list[object] = []
    if action:
        if action.endswith("."):
            clauses.append("action LIKE ? ESCAPE '\\'")
            args.append(action.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
        else:
            clauses.append("action = ?")
            args.append(action)
    if before_seq is not None:
        clauses.append("seq < ?")
        args.append(before_seq)
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    rows = ws.conn.execute(
        f"SELECT seq, at, action, details FROM audit_log{where} ORDER BY seq DESC LIMIT ?", [*args, limit]
    )
    return [AuditEntry(seq, at, name, orjson.loads(details)) for seq, at, name, details in rows]


def actions(ws: Workspace) -> list[str]:
    """The distinct actions recorded, sorted."""
    return [name for (name,) in ws.conn.execute("SELECT DISTINCT action FROM audit_log ORDER BY action")]


def verify(ws: Workspace) -> ChainReport:
    """Walk the whole chain (see ``storage.audit.verify``)."""
    return audit.verify(ws.conn)


def describe(details: dict[str, object]) -> str:
    """Details on one line, ``key=value`` in key order, for a table cell."""
    return ", ".join(f"{key}={value}" for key, value in sorted(details.items()))
