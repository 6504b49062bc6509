"""The outbox (packages sent, delivered or not) and the inbox (packages imported, receipt written or not)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from workbench.domain.timestamps import parse_stix_timestamp, utc_now
from workbench.domain.tlp import Tlp
from workbench.storage import exchange as rows
from workbench.storage.database import Connection


@dataclass(frozen=True)
class OutboxEntry:
    package_id: str
    partner: str
    sequence: int
    created: str
    expires: str
    tlp_ceiling: str
    object_count: int
    held_back: int
    file_name: str
    status: (
        str  # "delivered", "awaiting receipt", "expired, no receipt", "written, never confirmed", "not written: ..."
    )
    delivered_at: str | None
    imported: int | None
    refused: int | None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class InboxEntry:
    package_id: str
    partner: str
    sequence: int
    created: str
    imported_at: str
    tlp_ceiling: str
    object_count: int
    imported: int
    unchanged: int
    refused: int
    receipt_id: str | None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _names(conn: Connection) -> dict[int, str]:
    return {row.id: row.name for row in rows.partners(conn)}


def outbox(conn: Connection) -> list[OutboxEntry]:
    """Packages sent, newest first, with their delivery status."""
    names = _names(conn)
    now = utc_now()
    entries = []
    for row in rows.outbox(conn):
        expires = parse_stix_timestamp(row.expires)
        if row.delivered_at is not None:
            status = "delivered"  # a receipt proves it arrived, even one that was never confirmed here
        elif row.state == "pending":
            status = "written, never confirmed"
        elif row.state == "failed":
            status = f"not written: {row.failure or 'failed'}"
        elif expires is not None and expires <= now:
            status = "expired, no receipt"
        else:
            status = "awaiting receipt"
        entries.append(
            OutboxEntry(
                row.package_id,
                names.get(row.partner_id, "?"),
                row.sequence,
                row.created,
                row.expires,
                Tlp(row.tlp_ceiling).label,
                row.object_count,
                row.held_back,
                row.file_name,
                status,
                row.delivered_at,
                row.receipt_imported,
                row.receipt_refused,
            )
        )
    return entries


def inbox(conn: Connection) -> list[InboxEntry]:
    """Packages imported, newest first."""
    names = _names(conn)
    return [
        InboxEntry(
            row.package_id,
            names.get(row.partner_id, "?"),
            row.sequence,
            row.created,
            row.imported_at,
            Tlp(row.tlp_ceiling).label,
            row.object_count,
            row.imported,
            row.unchanged,
            row.refused,
            row.receipt_id,
        )
        for row in rows.inbox(conn)
    ]
