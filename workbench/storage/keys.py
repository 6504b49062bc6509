"""Storage of the organisation's own signing keys (inside the encrypted database only)."""

from __future__ import annotations

from dataclasses import dataclass

from workbench.storage.database import Connection


@dataclass(frozen=True)
class OwnKeyRow:
    key_id: str
    public_key: bytes
    created: str
    retired: str | None


def insert_own_key(conn: Connection, key_id: str, private_key: bytes, public_key: bytes, created: str) -> None:
    conn.execute(
        "INSERT INTO own_keys (key_id, private_key, public_key, created) VALUES (?, ?, ?, ?)",
        (key_id, private_key, public_key, created),
    )


def retire_own_key(conn: Connection, key_id: str, retired: str) -> None:
    conn.execute("UPDATE own_keys SET retired = ? WHERE key_id = ? AND retired IS NULL", (retired, key_id))


def own_keys(conn: Connection) -> list[OwnKeyRow]:
    return [
        OwnKeyRow(*row)
        for row in conn.execute("SELECT key_id, public_key, created, retired FROM own_keys ORDER BY created")
    ]


def active_private_key(conn: Connection) -> tuple[str, bytes] | None:
    """``(key_id, PKCS#8 DER)`` of the newest key that is not retired."""
    row = conn.execute(
        "SELECT key_id, private_key FROM own_keys WHERE retired IS NULL ORDER BY created DESC LIMIT 1"
    ).fetchone()
    return (row[0], bytes(row[1])) if row else None
