"""Draft rows: the SQL behind ``services.drafts``. Writes join the caller's open transaction and never commit."""

from __future__ import annotations

from dataclasses import dataclass

from workbench.storage.database import Connection

_COLUMNS = "id, purpose, kind, name, content, created, modified"


@dataclass(frozen=True)
class DraftRow:
    id: int
    purpose: str
    kind: str
    name: str
    content: str
    created: str
    modified: str


def upsert(conn: Connection, purpose: str, kind: str, name: str, content: str, now: str) -> int:
    """Store ``content`` under (purpose, kind, name), replacing what was there; returns the row's id."""
    conn.execute(
        "INSERT INTO drafts (purpose, kind, name, content, created, modified) VALUES (?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (purpose, kind, name) DO UPDATE SET content = excluded.content, modified = excluded.modified",
        (purpose, kind, name, content, now, now),
    )
    row = conn.execute(
        "SELECT id FROM drafts WHERE purpose = ? AND kind = ? AND name = ?", (purpose, kind, name)
    ).fetchone()
    return int(row[0])


def rows(conn: Connection, purpose: str, kind: str | None = None) -> list[DraftRow]:
    """Drafts of one purpose (and kind), newest first."""
    sql = f"SELECT {_COLUMNS} FROM drafts WHERE purpose = ?"
    args: list[object] = [purpose]
    if kind is not None:
        sql += " AND kind = ?"
        args.append(kind)
    return [DraftRow(*row) for row in conn.execute(sql + " ORDER BY modified DESC, id DESC", args)]


def row(conn: Connection, draft_id: int) -> DraftRow | None:
    found = conn.execute(f"SELECT {_COLUMNS} FROM drafts WHERE id = ?", (draft_id,)).fetchone()
    return DraftRow(*found) if found else None


def delete(conn: Connection, draft_ids: list[int]) -> int:
    """Remove the drafts with these ids; returns how many there were."""
    removed = 0
    for draft_id in draft_ids:
        removed += conn.execute("DELETE FROM drafts WHERE id = ?", (draft_id,)).rowcount
    return removed
