"""The append-only, hash-chained audit log.

Each entry's hash is SHA-256 over the previous entry's hash and the entry's own fields, so editing or deleting
any row breaks the chain from there on. The newest sequence number and hash are also kept in ``meta``, updated in
the same transaction, so that deleting the newest entries is detected too. Triggers refuse UPDATE and DELETE
through SQL; ``verify`` catches what was done by someone who dropped them.

Details never hold object contents or key material: counts, ids, file names, hashes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import orjson

from workbench.domain.timestamps import now_stix
from workbench.storage.database import Connection
from workbench.storage.meta import get_meta, set_meta

GENESIS = "0" * 64
_HEAD_KEY = "audit_head"


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: str
    action: str
    details: dict[str, Any]


@dataclass(frozen=True)
class ChainReport:
    """The result of checking the chain: ``ok``, or the first broken entry and why."""

    ok: bool
    entries: int
    broken_seq: int | None = None
    reason: str = ""


def _entry_hash(prev_hash: str, seq: int, at: str, action: str, details: str) -> str:
    material = "\x1f".join((prev_hash, str(seq), at, action, details)).encode("utf-8")
    return hashlib.sha256(material).hexdigest()


def append(
    conn: Connection, action: str, details: dict[str, Any] | None = None, *, at: str | None = None
) -> AuditEntry:
    """Add an entry inside the caller's transaction (so it commits, or not, with the change it records)."""
    at = at or now_stix()
    text = orjson.dumps(details or {}, option=orjson.OPT_SORT_KEYS).decode()
    last = conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
    digest = _entry_hash(prev_hash, seq, at, action, text)
    conn.execute(
        "INSERT INTO audit_log (seq, at, action, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?)",
        (seq, at, action, text, prev_hash, digest),
    )
    set_meta(conn, _HEAD_KEY, f"{seq}:{digest}")
    return AuditEntry(seq, at, action, details or {})


def entries(
    conn: Connection, *, action: str | None = None, limit: int | None = None, offset: int = 0
) -> Iterator[AuditEntry]:
    """Entries oldest first, optionally only those of one action (or action prefix ending in '.')."""
    sql, args = "SELECT seq, at, action, details FROM audit_log", list[object]()
    if action:
        if action.endswith("."):
            sql += " WHERE action LIKE ? ESCAPE '\\'"
            args.append(action.replace("%", "\\%").replace("_", "\\_") + "%")
        else:
            sql += " WHERE action = ?"
            args.append(action)
    sql += " ORDER BY seq"
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        args += [limit, offset]
    for seq, at, name, details in conn.execute(sql, args):
        yield AuditEntry(seq, at, name, orjson.loads(details))


def verify(conn: Connection) -> ChainReport:
    """Walk the whole chain; name the first entry that was edited, removed or inserted out of order."""
    prev_hash, expected_seq, count = GENESIS, 1, 0
    for seq, at, action, details, stored_prev, stored_hash in conn.execute(
        "SELECT seq, at, action, details, prev_hash, hash FROM audit_log ORDER BY seq"
    ):
        if seq != expected_seq:
            return ChainReport(False, count, expected_seq, f"entry {expected_seq} is missing")
        if stored_prev != prev_hash:
            return ChainReport(False, count, seq, f"entry {seq} does not follow entry {seq - 1}")
        if _entry_hash(prev_hash, seq, at, action, details) != stored_hash:
            return ChainReport(False, count, seq, f"entry {seq} was changed after it was written")
        prev_hash, expected_seq, count = stored_hash, seq + 1, count + 1
    head = get_meta(conn, _HEAD_KEY)
    if head is not None:
        head_seq, head_hash = head.split(":", 1)
        if int(head_seq) >= expected_seq:
            return ChainReport(False, count, expected_seq, f"entry {expected_seq} is missing (the log was cut short)")
        if int(head_seq) == count and head_hash != prev_hash:
            return ChainReport(False, count, count, f"entry {count} was changed after it was written")
    elif count:
        return ChainReport(False, count, 1, "the record of the newest entry is missing")
    return ChainReport(True, count)
