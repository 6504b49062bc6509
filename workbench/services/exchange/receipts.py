"""Signed receipts: the recipient tells the sender that a package arrived and what became of it.

A receipt is a folder (or tar) ``<producer key>-receipt-<receipt id>`` holding ``receipt.json`` (RFC 8785
canonical JSON) and ``receipt.json.sig`` (64 raw Ed25519 bytes), checkable with the same two OpenSSL commands as
a package. Its fields:

``format`` (``stix-exchange-receipt/1``), ``receipt_id``, ``producer`` {``name``, ``identity_ref``, ``key_id``},
``recipient`` {``name``, ``key_id``} (the package's sender), ``created``, ``package`` {``package_id``,
``sequence``, ``manifest_sha256``}, ``counts`` {``objects``, ``imported``, ``unchanged``, ``refused``}.

The sender imports it: the signature must verify with the partner's pinned key, the receipt must name our key,
a package we sent to that same partner, and that package's exact manifest hash. The outbox then shows the
package as delivered, with the counts. A receipt is accepted once.
"""

from __future__ import annotations

import logging
import os
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from workbench.domain.errors import InvalidInput, VerificationFailed
from workbench.domain.ids import is_stix_id
from workbench.domain.text import has_control
from workbench.domain.timestamps import now_stix, parse_stix_timestamp, utc_now
from workbench.services import keys
from workbench.services.exchange import partners
from workbench.services.exchange.canonical import MAX_SIGNED_DOCUMENT, canonical_bytes, parse_canonical
from workbench.services.exchange.quarantine import Quarantine, QuarantineLimits, quarantined
from workbench.services.exchange.verify import TrustedKey, check_signature, check_times, pinned_keys
from workbench.services.exchange.writer import MediumWriter, evict, remove
from workbench.services.workspace import Workspace
from workbench.storage import audit
from workbench.storage import exchange as rows
from workbench.storage.database import Connection

logger = logging.getLogger(__name__)

RECEIPT_FORMAT = "stix-exchange-receipt/1"
RECEIPT_NAME = "receipt.json"
RECEIPT_SIGNATURE = "receipt.json.sig"
_HEX64 = re.compile(r"^[0-9a-f]{64}\Z")


@dataclass(frozen=True)
class Receipt:
    receipt_id: str
    producer_name: str
    producer_key_id: str
    recipient_key_id: str
    created: str
    package_id: str
    sequence: int
    manifest_sha256: str
    objects: int
    imported: int
    unchanged: int
    refused: int

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": "receipt",
            "receipt_id": self.receipt_id,
            "producer": self.producer_name,
            "producer_key_id": self.producer_key_id,
            "created": self.created,
            "package_id": self.package_id,
            "sequence": self.sequence,
            "manifest_sha256": self.manifest_sha256,
            "objects": self.objects,
            "imported": self.imported,
            "unchanged": self.unchanged,
            "refused": self.refused,
        }


@dataclass(frozen=True)
class ReceiptWritten:
    path: Path
    receipt: Receipt


def write_receipt(ws: Workspace, package_id: str, dest: str | os.PathLike[str], *, tar: bool = False) -> ReceiptWritten:
    """Write a signed receipt for a package imported here, read it back, and note it in the inbox."""
    dest = Path(dest)
    if not dest.is_dir():
        raise InvalidInput(f"{dest} is not a folder")
    with ws.transaction() as conn:
        arrived = rows.received(conn, package_id.strip())
        if arrived is None:
            raise InvalidInput(f"no package {package_id.strip()[:60]} was imported into this workspace")
        partner = partners.partner_by_id(conn, arrived.partner_id)
        own = keys.active_key(ws)
        receipt_id = str(uuid.uuid4())
        created = now_stix()
        document = {
            "format": RECEIPT_FORMAT,
            "receipt_id": receipt_id,
            "producer": {"name": ws.org_name, "identity_ref": ws.identity_id, "key_id": own.key_id},
            "recipient": {"name": partner.name, "key_id": arrived.key_id},
            "created": created,
            "package": {
                "package_id": arrived.package_id,
                "sequence": arrived.sequence,
                "manifest_sha256": arrived.manifest_sha256,
            },
            "counts": {
                "objects": arrived.object_count,
                "imported": arrived.imported,
                "unchanged": arrived.unchanged,
                "refused": arrived.refused,
            },
        }
        data = canonical_bytes(document)
        _, signature = keys.sign(conn, data)
        with MediumWriter(dest, f"{own.key_id[:12]}-receipt-{receipt_id}", tar=tar) as writer:
            writer.add(RECEIPT_NAME, [data])
            writer.add(RECEIPT_SIGNATURE, [signature])
            final = writer.commit()
        try:
            evict(final)
            with quarantined(final) as box:
                if box.read(RECEIPT_NAME, MAX_SIGNED_DOCUMENT) != data:
                    raise VerificationFailed("the receipt read back from the medium differs; it was removed")
                check_signature(
                    data, box.read(RECEIPT_SIGNATURE, 4096), [TrustedKey(own.key_id, own.public_der)], "receipt"
                )
            rows.set_receipt_written(conn, arrived.package_id, receipt_id)
            audit.append(
                conn,
                "exchange.receipt-written",
                {"receipt_id": receipt_id, "package_id": package_id, "partner": partner.name, "file": final.name},
            )
        except BaseException:
            remove(final)
            raise
    return ReceiptWritten(final, _receipt(parse_canonical(data, "the receipt")))


def is_receipt(box: Quarantine) -> bool:
    return RECEIPT_NAME in box.files


def import_receipt(
    ws: Workspace,
    path: str | os.PathLike[str],
    *,
    now: datetime | None = None,
    limits: QuarantineLimits | None = None,
    quarantine_root: str | os.PathLike[str] | None = None,
) -> Receipt:
    """Check a partner's receipt and mark the package delivered in the outbox; refusals change nothing."""
    with quarantined(path, limits=limits or QuarantineLimits(max_total=1024 * 1024), root=quarantine_root) as box:
        return import_quarantined_receipt(ws, box, now=now)


@dataclass(frozen=True)
class CheckedReceipt:
    """A receipt that passed every check: who signed it, and the row of the package it acknowledges."""

    receipt: Receipt
    partner: partners.Partner
    sent: rows.SentRow

    @property
    def recorded_at(self) -> str | None:
        """When a receipt for this package was already recorded (a second one is refused), or None."""
        return self.sent.delivered_at


def check_quarantined_receipt(conn: Connection, box: Quarantine, *, now: datetime | None = None) -> CheckedReceipt:
    """Every check of a quarantined receipt, writing nothing: only the receipt's files, signed by a pinned
    partner key, well-formed, in time, addressed to one of our keys, acknowledging the exact manifest of a
    package we sent to that same partner. Raises ``VerificationFailed``/``InvalidInput`` naming the cause.

    Whether a receipt was already recorded for the package is left to the caller (``recorded_at``).
    """
    extra = sorted(set(box.files) - {RECEIPT_NAME, RECEIPT_SIGNATURE})
    if extra:
        raise VerificationFailed(f"{ascii(extra[0])[1:-1][:80]} does not belong in a receipt")
    if RECEIPT_SIGNATURE not in box.files:
        raise VerificationFailed(f"{RECEIPT_SIGNATURE} is missing; the receipt is not signed")
    data = box.read(RECEIPT_NAME, MAX_SIGNED_DOCUMENT)
    signer = check_signature(data, box.read(RECEIPT_SIGNATURE, 4096), pinned_keys(conn), "receipt")
    receipt = _receipt(parse_canonical(data, "the receipt"))
    if receipt.producer_key_id != signer.key_id:
        raise VerificationFailed("the receipt names another producer key than the one that signed it")
    created = parse_stix_timestamp(receipt.created)
    assert created is not None
    readmitted = rows.is_readmitted(conn, receipt.receipt_id, signer.key_id)
    check_times(
        created, None, now or utc_now(), signer, "receipt", readmitted=readmitted, document_id=receipt.receipt_id
    )
    assert signer.partner is not None
    if receipt.recipient_key_id not in keys.own_key_ids(conn):
        raise VerificationFailed("the receipt is addressed to another organisation's key")
    sent = rows.sent(conn, receipt.package_id)
    if sent is None:
        raise VerificationFailed(
            f"the receipt acknowledges package {receipt.package_id}, which was never sent from this workspace"
        )
    if sent.partner_id != signer.partner.id:
        raise VerificationFailed(
            f"the receipt is signed by {signer.partner.name}, but the package was sent to another partner"
        )
    if sent.manifest_sha256 != receipt.manifest_sha256:
        raise VerificationFailed("the receipt acknowledges a different manifest than the one sent")
    _check_counts(receipt, sent)
    return CheckedReceipt(receipt, signer.partner, sent)


def _check_counts(receipt: Receipt, sent: rows.SentRow) -> None:
    """The receipt's figures must fit the package they acknowledge: its sequence, its number of objects, and no
    count above that number (they are shown in the outbox as the partner's word about the package)."""
    if receipt.sequence != sent.sequence:
        raise VerificationFailed(
            f"the receipt names sequence {receipt.sequence}, but package {sent.package_id} was sent as {sent.sequence}"
        )
    if receipt.objects != sent.object_count:
        raise VerificationFailed(
            f"the receipt counts {receipt.objects:,} objects, but the package held {sent.object_count:,}"
        )
    for what, count in (("imported", receipt.imported), ("unchanged", receipt.unchanged), ("refused", receipt.refused)):
        if count > sent.object_count:
            raise VerificationFailed(
                f"the receipt claims {count:,} {what} of a package of {sent.object_count:,} objects"
            )
    if receipt.imported + receipt.unchanged > sent.object_count:
        raise VerificationFailed(
            f"the receipt claims {receipt.imported + receipt.unchanged:,} objects imported or unchanged of a package "
            f"of {sent.object_count:,}"
        )


def import_quarantined_receipt(ws: Workspace, box: Quarantine, *, now: datetime | None = None) -> Receipt:
    with ws.transaction() as conn:
        checked = check_quarantined_receipt(conn, box, now=now)
        receipt, partner = checked.receipt, checked.partner
        if checked.recorded_at is not None:
            raise InvalidInput(
                f"a receipt for package {receipt.package_id} was already recorded on {checked.recorded_at}"
            )
        rows.mark_delivered(conn, receipt.package_id, now_stix(), receipt.receipt_id, receipt.imported, receipt.refused)
        audit.append(
            conn,
            "exchange.receipt",
            {
                "receipt_id": receipt.receipt_id,
                "package_id": receipt.package_id,
                "partner": partner.name,
                "imported": receipt.imported,
                "refused": receipt.refused,
            },
        )
    logger.info("receipt recorded for package %s", receipt.package_id)
    return receipt


def _receipt(document: dict[str, Any]) -> Receipt:
    """Strict reading of the receipt's fields (form only)."""
    if document.get("format") != RECEIPT_FORMAT:
        raise InvalidInput(
            f"unknown receipt format {str(document.get('format'))[:60]!r}; this program reads {RECEIPT_FORMAT}"
        )
    _keys(document, {"format", "receipt_id", "producer", "recipient", "created", "package", "counts"}, "receipt")
    producer = _section(document, "producer", {"name", "identity_ref", "key_id"})
    recipient = _section(document, "recipient", {"name", "key_id"})
    package = _section(document, "package", {"package_id", "sequence", "manifest_sha256"})
    counts = _section(document, "counts", {"objects", "imported", "unchanged", "refused"})
    for key_id in (producer["key_id"], recipient["key_id"], package["manifest_sha256"]):
        if not isinstance(key_id, str) or not _HEX64.match(key_id):
            raise InvalidInput("a receipt field that must be a SHA-256 in hex is not")
    for name in (producer["name"], recipient["name"]):
        if not isinstance(name, str) or not name or len(name) > 200:
            raise InvalidInput("a name in the receipt is empty or too long")
        if has_control(name):
            raise InvalidInput("a name in the receipt contains control characters")
    if not is_stix_id(producer["identity_ref"], "identity"):
        raise InvalidInput("receipt field producer.identity_ref is not an identity id")
    if not isinstance(document["created"], str) or parse_stix_timestamp(document["created"]) is None:
        raise InvalidInput("receipt field created is not a UTC timestamp")
    for field_name in ("receipt_id",):
        if not _is_uuid(document[field_name]):
            raise InvalidInput(f"receipt field {field_name} is not a UUID")
    if not _is_uuid(package["package_id"]):
        raise InvalidInput("receipt field package.package_id is not a UUID")
    numbers = [package["sequence"], *counts.values()]
    if any(type(value) is not int or value < 0 for value in numbers):
        raise InvalidInput("a count or sequence in the receipt is not a whole number")
    return Receipt(
        document["receipt_id"],
        producer["name"],
        producer["key_id"],
        recipient["key_id"],
        document["created"],
        package["package_id"],
        package["sequence"],
        package["manifest_sha256"],
        counts["objects"],
        counts["imported"],
        counts["unchanged"],
        counts["refused"],
    )


def _keys(document: dict[str, Any], expected: set[str], where: str) -> None:
    if set(document) != expected:
        odd = sorted(set(document) ^ expected)[0]
        raise InvalidInput(f"the {where} has a missing or unknown field {odd[:60]!r}")


def _section(document: dict[str, Any], key: str, expected: set[str]) -> dict[str, Any]:
    value = document.get(key)
    if not isinstance(value, dict):
        raise InvalidInput(f"receipt field {key} is not an object")
    _keys(value, expected, f"receipt's {key}")
    return value


def _is_uuid(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False
