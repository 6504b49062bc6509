"""Importing a package from a partner: the order of checks of docs/exchange-format.md, then the shared importer,
all or nothing.

``import_package`` quarantines the package (step 1), checks it (steps 2 to 6, ``verify.check_quarantined``),
then hands the quarantined bundle to ``services.importing.importer.import_file`` with provenance naming the
partner key and package id, the agreed ceiling (the lower of the manifest's and what the partner may send us: an
object above it is refused, one citing a marking not understood is judged at TLP:RED and kept with a warning), and
a ``before_commit`` that records the package in the inbox,
advances the channel and writes the audit entry in the importer's transaction (step 8). ``dry_run=True`` is the
preview: the same work, rolled back.

``on_import(conn, summary, verdict)`` lets a caller add its own rows to that same transaction, after the package
is recorded: the cases feature adopts the cases a package carries and links its objects to a case
(``services.cases.exchange``). Raising inside it refuses the whole package: objects, channel state and all.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from workbench.domain.errors import VerificationFailed
from workbench.domain.timestamps import now_stix
from workbench.services.exchange.quarantine import Quarantine, QuarantineLimits, is_compressed, quarantined
from workbench.services.exchange.verify import Checked, Verdict, check_quarantined, pinned_keys
from workbench.services.importing.importer import ImportSource, ImportSummary, import_file
from workbench.services.workspace import Workspace
from workbench.storage import audit
from workbench.storage import exchange as rows
from workbench.storage.database import Connection

logger = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
CancelCheck = Callable[[], bool]
#: ``on_import(conn, summary, verdict)``: the caller's own writes inside the import's transaction.
PackageHook = Callable[[Connection, ImportSummary, Verdict], None]


@dataclass(frozen=True)
class PackageImport:
    """The verdict on a package and what importing it did (or would do, for a preview)."""

    verdict: Verdict
    summary: ImportSummary
    committed: bool
    dry_run: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": "package",
            "verdict": self.verdict.to_json(),
            "import": self.summary.to_json(),
            "committed": self.committed,
            "dry_run": self.dry_run,
        }


def import_package(
    ws: Workspace,
    path: str | os.PathLike[str],
    *,
    dry_run: bool = False,
    now: datetime | None = None,
    limits: QuarantineLimits | None = None,
    quarantine_root: str | os.PathLike[str] | None = None,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
    on_import: PackageHook | None = None,
    accept_jump: bool = False,
) -> PackageImport:
    """Import (or, with ``dry_run``, preview) one package; refusals raise with the cause and change nothing.

    ``accept_jump`` lets through a sequence jump beyond the partner's bound (see ``verify.check_sequence``)."""
    with quarantined(path, limits=limits, root=quarantine_root, progress=progress, cancel=cancel) as box:
        return import_quarantined(
            ws,
            box,
            dry_run=dry_run,
            now=now,
            progress=progress,
            cancel=cancel,
            on_import=on_import,
            accept_jump=accept_jump,
        )


def import_quarantined(
    ws: Workspace,
    box: Quarantine,
    *,
    dry_run: bool = False,
    now: datetime | None = None,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
    on_import: PackageHook | None = None,
    accept_jump: bool = False,
) -> PackageImport:
    """``import_package`` over a package already copied into quarantine."""
    trusted = pinned_keys(ws.conn)
    checked = check_quarantined(
        box, trusted, conn=ws.conn, now=now, progress=progress, cancel=cancel, accept_jump=accept_jump
    )
    partner = checked.signer.partner
    assert partner is not None, "pinned keys always belong to a partner"
    ceiling = min(checked.manifest.ceiling, partner.tlp_accept)
    recorded: list[bool] = []

    def before_commit(conn: Connection, summary: ImportSummary) -> None:
        _record(conn, checked, summary)
        recorded.append(True)
        if on_import is not None:
            on_import(conn, summary, checked.verdict)

    manifest = checked.manifest
    source = ImportSource(
        "package",
        f"package {manifest.sequence} from {partner.name}",
        sha256=checked.verdict.bundle_sha256,
        partner_key_id=checked.signer.key_id,
        package_id=manifest.package_id,
        # The identity pinned for the partner, never the manifest's claim: it decides what the package may version.
        producer_identity_ref=partner.identity_ref,
        partner_keys=partner.key_ids,
    )
    summary = import_file(
        ws,
        checked.bundle_path,
        source=source,
        dry_run=dry_run,
        ceiling=ceiling,
        before_commit=before_commit,
        progress=(lambda done, total: progress("import", done, total)) if progress else None,
        cancel=cancel,
    )
    committed = summary.committed
    if not dry_run and not recorded:
        # The importer keeps nothing when every object was already stored; the package still arrived and its
        # place in the channel must be kept, or it could be replayed. ``on_import`` is not called here: nothing
        # was stored that it could act on (an importer that calls ``before_commit`` in every case never comes here).
        with ws.transaction() as conn:
            _record(conn, checked, summary)
        committed = True
    logger.info("imported package %s", manifest.package_id)
    return PackageImport(checked.verdict, summary, committed, dry_run)


def preview_package(ws: Workspace, path: str | os.PathLike[str], **options: Any) -> PackageImport:
    """Verify and dry-run the import: what would be stored, refused or in conflict. Changes nothing."""
    return import_package(ws, path, dry_run=True, **options)


def _record(conn: Connection, checked: Checked, summary: ImportSummary) -> None:
    """Inbox row, channel state and audit entry, inside the import's transaction."""
    manifest = checked.manifest
    partner = checked.signer.partner
    assert partner is not None
    # Checked again inside the write transaction: another import may have landed since the verification.
    if rows.received(conn, manifest.package_id) is not None:
        raise VerificationFailed(f"replay: package {manifest.package_id} was already imported")
    last = rows.channel(conn, partner.id, "in")
    if last is not None and manifest.sequence <= last.last_sequence:
        raise VerificationFailed(f"rollback: sequence {manifest.sequence} is not after {last.last_sequence}")
    now = now_stix()
    imported = summary.new + summary.new_versions + summary.older + summary.conflicts + summary.foreign
    rows.insert_received(
        conn,
        rows.ReceivedRow(
            manifest.package_id,
            partner.id,
            checked.signer.key_id,
            manifest.sequence,
            checked.verdict.manifest_sha256,
            manifest.created,
            int(manifest.ceiling),
            manifest.object_count,
            imported,
            summary.unchanged,
            summary.objects_refused,
            now,
            None,
        ),
    )
    rows.advance_channel(
        conn, partner.id, "in", manifest.sequence, checked.verdict.manifest_sha256, manifest.package_id, now
    )
    audit.append(
        conn,
        "exchange.import",
        {
            "package_id": manifest.package_id,
            "partner": partner.name,
            "key_id": checked.signer.key_id,
            "sequence": manifest.sequence,
            "manifest_sha256": checked.verdict.manifest_sha256,
            "objects": manifest.object_count,
            "imported": imported,
            "unchanged": summary.unchanged,
            "refused": summary.objects_refused,
            "foreign_versions": summary.foreign,
            "warnings": list(checked.verdict.warnings),
        },
    )


def is_package(path: str | os.PathLike[str]) -> bool:
    """True for what ``workbench import`` should hand to the exchange: a folder, a tar file, or a compressed file
    (which the quarantine refuses, naming the compression). Only a regular file is ever opened: a FIFO or a device
    would block the read or never end."""
    path = Path(path)
    try:
        info = path.stat()
    except OSError:
        return False
    if stat.S_ISDIR(info.st_mode):
        return True
    if not stat.S_ISREG(info.st_mode):
        return False
    try:
        with open(path, "rb") as handle:
            head = handle.read(263)
    except OSError:
        return False
    return (len(head) == 263 and head[257:262] == b"ustar") or is_compressed(head)
