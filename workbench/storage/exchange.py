"""Rows of the exchange: partners and their pinned keys, channels, packages sent and received.

Plain queries over one connection; writes join the caller's open transaction. The rules (who is trusted for
what, when a sequence is a replay) live in ``services.exchange``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from workbench.storage.database import Connection, inserted_rowid


@dataclass(frozen=True)
class PartnerRow:
    id: int
    name: str
    tlp_send: int
    tlp_accept: int
    added_at: str
    identity_ref: str | None = None
    max_lifetime_days: int = 366
    max_sequence_jump: int = 100


@dataclass(frozen=True)
class PartnerKeyRow:
    key_id: str
    partner_id: int
    public_key: bytes
    valid_from: str | None
    valid_until: str | None
    added_at: str
    revoked_at: str | None
    revoked_reason: str | None


@dataclass(frozen=True)
class ChannelRow:
    partner_id: int
    direction: str
    last_sequence: int
    last_manifest_sha256: str
    last_package_id: str
    updated_at: str


@dataclass(frozen=True)
class SentRow:
    package_id: str
    partner_id: int
    recipient_key: str
    sequence: int
    manifest_sha256: str
    created: str
    expires: str
    tlp_ceiling: int
    object_count: int
    held_back: int
    file_name: str
    delivered_at: str | None
    receipt_id: str | None
    receipt_imported: int | None
    receipt_refused: int | None
    state: str = "confirmed"  # "pending" (reserved, not yet read back), "confirmed" or "failed"
    failure: str | None = None


@dataclass(frozen=True)
class ReceivedRow:
    package_id: str
    partner_id: int
    key_id: str
    sequence: int
    manifest_sha256: str
    created: str
    tlp_ceiling: int
    object_count: int
    imported: int
    unchanged: int
    refused: int
    imported_at: str
    receipt_id: str | None


_PARTNER = (
    "SELECT id, name, tlp_send, tlp_accept, added_at, identity_ref, max_lifetime_days, max_sequence_jump FROM partners"
)
_KEY = (
    "SELECT key_id, partner_id, public_key, valid_from, valid_until, added_at, revoked_at, revoked_reason"
    " FROM partner_keys"
)
_SENT = (
    "SELECT package_id, partner_id, recipient_key, sequence, manifest_sha256, created, expires, tlp_ceiling,"
    " object_count, held_back, file_name, delivered_at, receipt_id, receipt_imported, receipt_refused, state,"
    " failure FROM packages_sent"
)
_RECEIVED = (
    "SELECT package_id, partner_id, key_id, sequence, manifest_sha256, created, tlp_ceiling, object_count,"
    " imported, unchanged, refused, imported_at, receipt_id FROM packages_received"
)


# -- partners and keys ---------------------------------------------------------------------------------------------


def partner_by_name(conn: Connection, name: str) -> PartnerRow | None:
    row = conn.execute(_PARTNER + " WHERE name = ?", (name,)).fetchone()
    return PartnerRow(*row) if row else None


def partner_by_id(conn: Connection, partner_id: int) -> PartnerRow | None:
    row = conn.execute(_PARTNER + " WHERE id = ?", (partner_id,)).fetchone()
    return PartnerRow(*row) if row else None


def partners(conn: Connection) -> list[PartnerRow]:
    return [PartnerRow(*row) for row in conn.execute(_PARTNER + " ORDER BY name")]


def insert_partner(conn: Connection, name: str, tlp_send: int, tlp_accept: int, added_at: str) -> int:
    cursor = conn.execute(
        "INSERT INTO partners (name, tlp_send, tlp_accept, added_at) VALUES (?, ?, ?, ?)",
        (name, tlp_send, tlp_accept, added_at),
    )
    return inserted_rowid(cursor)


def update_partner_limits(
    conn: Connection,
    partner_id: int,
    *,
    identity_ref: str | None,
    max_lifetime_days: int,
    max_sequence_jump: int,
) -> None:
    conn.execute(
        "UPDATE partners SET identity_ref = ?, max_lifetime_days = ?, max_sequence_jump = ? WHERE id = ?",
        (identity_ref, max_lifetime_days, max_sequence_jump, partner_id),
    )


def partner_by_identity(conn: Connection, identity_ref: str) -> PartnerRow | None:
    row = conn.execute(_PARTNER + " WHERE identity_ref = ?", (identity_ref,)).fetchone()
    return PartnerRow(*row) if row else None


def update_partner_ceilings(conn: Connection, partner_id: int, tlp_send: int, tlp_accept: int) -> None:
    conn.execute("UPDATE partners SET tlp_send = ?, tlp_accept = ? WHERE id = ?", (tlp_send, tlp_accept, partner_id))


def key_by_id(conn: Connection, key_id: str) -> PartnerKeyRow | None:
    row = conn.execute(_KEY + " WHERE key_id = ?", (key_id,)).fetchone()
    return _key_row(row) if row else None


def keys_of(conn: Connection, partner_id: int) -> list[PartnerKeyRow]:
    return [_key_row(row) for row in conn.execute(_KEY + " WHERE partner_id = ? ORDER BY added_at", (partner_id,))]


def insert_key(conn: Connection, row: PartnerKeyRow) -> None:
    conn.execute(
        "INSERT INTO partner_keys (key_id, partner_id, public_key, valid_from, valid_until, added_at) VALUES"
        " (?, ?, ?, ?, ?, ?)",
        (row.key_id, row.partner_id, row.public_key, row.valid_from, row.valid_until, row.added_at),
    )


def revoke_key(conn: Connection, key_id: str, revoked_at: str, reason: str | None) -> None:
    conn.execute(
        "UPDATE partner_keys SET revoked_at = ?, revoked_reason = ? WHERE key_id = ?", (revoked_at, reason, key_id)
    )


def _key_row(row: tuple[Any, ...]) -> PartnerKeyRow:
    values = list(row)
    values[2] = bytes(values[2])
    return PartnerKeyRow(*values)


# -- channels ------------------------------------------------------------------------------------------------------


def channel(conn: Connection, partner_id: int, direction: str) -> ChannelRow | None:
    row = conn.execute(
        "SELECT partner_id, direction, last_sequence, last_manifest_sha256, last_package_id, updated_at"
        " FROM channels WHERE partner_id = ? AND direction = ?",
        (partner_id, direction),
    ).fetchone()
    return ChannelRow(*row) if row else None


def advance_channel(
    conn: Connection, partner_id: int, direction: str, sequence: int, manifest_sha256: str, package_id: str, at: str
) -> None:
    conn.execute(
        "INSERT INTO channels (partner_id, direction, last_sequence, last_manifest_sha256, last_package_id,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (partner_id, direction) DO UPDATE SET"
        " last_sequence = excluded.last_sequence, last_manifest_sha256 = excluded.last_manifest_sha256,"
        " last_package_id = excluded.last_package_id, updated_at = excluded.updated_at",
        (partner_id, direction, sequence, manifest_sha256, package_id, at),
    )


# -- outbox and inbox ----------------------------------------------------------------------------------------------


def insert_sent(conn: Connection, row: SentRow) -> None:
    conn.execute(
        "INSERT INTO packages_sent (package_id, partner_id, recipient_key, sequence, manifest_sha256, created,"
        " expires, tlp_ceiling, object_count, held_back, file_name, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            row.package_id,
            row.partner_id,
            row.recipient_key,
            row.sequence,
            row.manifest_sha256,
            row.created,
            row.expires,
            row.tlp_ceiling,
            row.object_count,
            row.held_back,
            row.file_name,
            row.state,
        ),
    )


def set_sent_state(conn: Connection, package_id: str, state: str, failure: str | None = None) -> None:
    """Move an outbox row from ``pending`` to ``confirmed`` or ``failed`` (with the reason)."""
    conn.execute("UPDATE packages_sent SET state = ?, failure = ? WHERE package_id = ?", (state, failure, package_id))


def last_sent_sequence(conn: Connection, partner_id: int) -> int:
    """The highest sequence ever reserved for this partner, whatever became of its package (0 when none)."""
    row = conn.execute("SELECT coalesce(max(sequence), 0) FROM packages_sent WHERE partner_id = ?", (partner_id,))
    return int(row.fetchone()[0])


def sent(conn: Connection, package_id: str) -> SentRow | None:
    row = conn.execute(_SENT + " WHERE package_id = ?", (package_id,)).fetchone()
    return SentRow(*row) if row else None


def outbox(conn: Connection, partner_id: int | None = None) -> list[SentRow]:
    if partner_id is None:
        return [SentRow(*row) for row in conn.execute(_SENT + " ORDER BY created DESC, sequence DESC")]
    return [
        SentRow(*row)
        for row in conn.execute(_SENT + " WHERE partner_id = ? ORDER BY created DESC, sequence DESC", (partner_id,))
    ]


def mark_delivered(
    conn: Connection, package_id: str, delivered_at: str, receipt_id: str, imported: int, refused: int
) -> None:
    conn.execute(
        "UPDATE packages_sent SET delivered_at = ?, receipt_id = ?, receipt_imported = ?, receipt_refused = ?"
        " WHERE package_id = ?",
        (delivered_at, receipt_id, imported, refused, package_id),
    )


def insert_received(conn: Connection, row: ReceivedRow) -> None:
    conn.execute(
        "INSERT INTO packages_received (package_id, partner_id, key_id, sequence, manifest_sha256, created,"
        " tlp_ceiling, object_count, imported, unchanged, refused, imported_at) VALUES"
        " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            row.package_id,
            row.partner_id,
            row.key_id,
            row.sequence,
            row.manifest_sha256,
            row.created,
            row.tlp_ceiling,
            row.object_count,
            row.imported,
            row.unchanged,
            row.refused,
            row.imported_at,
        ),
    )


def received(conn: Connection, package_id: str) -> ReceivedRow | None:
    row = conn.execute(_RECEIVED + " WHERE package_id = ?", (package_id,)).fetchone()
    return ReceivedRow(*row) if row else None


def inbox(conn: Connection) -> list[ReceivedRow]:
    return [ReceivedRow(*row) for row in conn.execute(_RECEIVED + " ORDER BY imported_at DESC, sequence DESC")]


def set_receipt_written(conn: Connection, package_id: str, receipt_id: str) -> None:
    conn.execute("UPDATE packages_received SET receipt_id = ? WHERE package_id = ?", (receipt_id, package_id))


# -- packages let in again after their key was revoked ---------------------------------------------------------------


def readmit(conn: Connection, package_id: str, key_id: str, at: str, reason: str | None) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO readmitted_packages (package_id, key_id, admitted_at, reason) VALUES (?, ?, ?, ?)",
        (package_id, key_id, at, reason),
    )


def is_readmitted(conn: Connection, package_id: str, key_id: str) -> bool:
    row = conn.execute(
        "SELECT 1 FROM readmitted_packages WHERE package_id = ? AND key_id = ?", (package_id, key_id)
    ).fetchone()
    return row is not None


# -- objects for export --------------------------------------------------------------------------------------------


def current_objects(conn: Connection) -> list[tuple[str, str, int | None, int, str]]:
    """``(id, type, tlp, vid, name)`` of every object's current version."""
    return list(conn.execute("SELECT id, type, tlp, vid, coalesce(name, '') FROM objects ORDER BY rowid"))


def exercise_ids(conn: Connection) -> set[str]:
    """Ids of the objects whose current version is exercise material (on a partial index: they are few)."""
    return {stix_id for (stix_id,) in conn.execute("SELECT id FROM objects WHERE exercise = 1")}


def current_refs(conn: Connection) -> list[tuple[str, str, str]]:
    """``(from_id, to_id, property)`` of every reference held by a current version."""
    return list(
        conn.execute("SELECT o.id, r.to_id, r.property FROM object_refs r JOIN objects o ON o.rowid = r.from_rowid")
    )


def other_versions(conn: Connection) -> list[tuple[str, int, int | None, int]]:
    """``(id, vid, tlp, length of json)`` of every stored version that is not its object's current one."""
    return list(
        conn.execute(
            "SELECT v.id, v.vid, v.tlp, length(CAST(v.json AS BLOB))"
            " FROM object_versions v JOIN objects o ON o.id = v.id WHERE v.vid != o.vid ORDER BY v.id, v.modified"
        )
    )


def version_lengths(conn: Connection, vids: list[int]) -> int:
    """Total bytes of the stored JSON of these versions (an upper bound of what they take in a bundle)."""
    total = 0
    for start in range(0, len(vids), 500):
        batch = vids[start : start + 500]
        marks = ",".join("?" * len(batch))
        total += int(
            conn.execute(
                f"SELECT coalesce(sum(length(CAST(json AS BLOB))), 0) FROM object_versions WHERE vid IN ({marks})",
                batch,
            ).fetchone()[0]
        )
    return total


def version_rows(conn: Connection, vids: list[int]) -> list[tuple[str, str, str, int | None, str]]:
    """``(id, type, modified, tlp, name)`` of these versions in the order given; the name is the object's current
    one (versions keep no name of their own)."""
    found: dict[int, tuple[str, str, str, int | None, str]] = {}
    for start in range(0, len(vids), 500):
        batch = vids[start : start + 500]
        marks = ",".join("?" * len(batch))
        for vid, *row in conn.execute(
            "SELECT v.vid, v.id, v.type, v.modified, v.tlp, coalesce(o.name, '') FROM object_versions v"
            f" LEFT JOIN objects o ON o.id = v.id WHERE v.vid IN ({marks})",
            batch,
        ):
            found[vid] = (row[0], row[1], row[2], row[3], row[4])
    return [found[vid] for vid in vids if vid in found]


def version_json(conn: Connection, vids: list[int]) -> dict[int, bytes]:
    """The stored JSON of these versions, by vid."""
    found: dict[int, bytes] = {}
    for start in range(0, len(vids), 500):
        batch = vids[start : start + 500]
        marks = ",".join("?" * len(batch))
        for vid, text in conn.execute(f"SELECT vid, json FROM object_versions WHERE vid IN ({marks})", batch):
            found[vid] = text.encode("utf-8") if isinstance(text, str) else bytes(text)
    return found
