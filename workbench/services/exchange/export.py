"""Exporting a selection as a signed package for one partner (docs/exchange-format.md, "Writing a package").

``preview_export`` computes the sharing plan only (what leaves, what is held back and why). ``export_package``
writes in this order, so that no package can verify on the medium without its record in the workspace:

1. in one transaction: plan, check free space, stream the bundle onto the medium under a hidden name, sign the
   manifest with the next sequence number, and record the package as *pending* (outbox row, channel, audit
   entry); commit (fsynced);
2. write the manifest and its signature, fsync, rename into place;
3. read back and verify from the medium;
4. mark the outbox row *confirmed* with the ``exchange.export`` audit entry.

A failure after step 1 removes what was written and marks the row *failed*; a kill leaves it *pending*, shown as
written but never confirmed. Either way its sequence number is never used again.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import orjson

from workbench.domain.errors import InvalidInput
from workbench.domain.markings import MarkingJudge
from workbench.domain.stix import display_name
from workbench.domain.timestamps import format_stix_timestamp, utc_now
from workbench.domain.tlp import Tlp
from workbench.services import keys, markings
from workbench.services.exchange import partners
from workbench.services.exchange.manifest import (
    BUNDLE_MEDIA_TYPE,
    BUNDLE_PATH,
    MANIFEST_NAME,
    SIGNATURE_NAME,
    FileEntry,
    Manifest,
    Party,
)
from workbench.services.exchange.package_io import (
    Counter,
    bundle_chunks,
    durable_commit,
    mark_failed,
    read_back,
)
from workbench.services.exchange.policy import HeldBack, Plan, plan_export
from workbench.services.exchange.selection import AllObjects, BuiltObject, Selection
from workbench.services.exchange.verify import TrustedKey
from workbench.services.exchange.writer import MediumWriter, Written, free_space, remove
from workbench.services.workspace import Workspace
from workbench.storage import audit
from workbench.storage import exchange as rows
from workbench.storage.database import Connection

logger = logging.getLogger(__name__)

DEFAULT_UNMARKED_AS = Tlp.AMBER
DEFAULT_VALIDITY_DAYS = 30
#: Room left free on the medium besides the package (file system metadata, the manifest, the tar's framing).
DEFAULT_RESERVE = 1024 * 1024

Progress = Callable[[str, int, int], None]
CancelCheck = Callable[[], bool]


#: Objects that leave listed one by one in a preview; further ones are counted (``ExportPreview.leaving_unlisted``).
LISTED_LEAVING = 20_000


@dataclass(frozen=True, slots=True)
class LeavingObject:
    """One object version the package would hold: what the analyst checks before it leaves."""

    id: str
    type: str
    name: str
    tlp: Tlp | None
    version: str | None = None


@dataclass(frozen=True)
class ExportPreview:
    """The plan as the analyst sees it before writing: what leaves (``leaving``, the first ``LISTED_LEAVING``) and
    what is held back, with why."""

    recipient: str
    recipient_key_id: str
    ceiling: Tlp
    selection: str
    object_count: int
    estimated_size: int
    highest: Tlp | None
    held_back: tuple[HeldBack, ...]
    leaving: tuple[LeavingObject, ...] = ()
    leaving_unlisted: int = 0


@dataclass(frozen=True)
class ExportResult:
    """A package written, read back and verified, and recorded in the outbox."""

    path: Path
    package_id: str
    recipient: str
    recipient_key_id: str
    sequence: int
    created: str
    expires: str
    tlp_ceiling: Tlp
    object_count: int
    size: int
    manifest_sha256: str
    sanitized: int
    held_back: tuple[HeldBack, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "package_id": self.package_id,
            "recipient": self.recipient,
            "recipient_key_id": self.recipient_key_id,
            "sequence": self.sequence,
            "created": self.created,
            "expires": self.expires,
            "tlp_ceiling": self.tlp_ceiling.label,
            "object_count": self.object_count,
            "size": self.size,
            "manifest_sha256": self.manifest_sha256,
            "sanitized": self.sanitized,
            "held_back": [held_json(item) for item in self.held_back],
        }


def held_json(item: HeldBack) -> dict[str, Any]:
    return {"id": item.id, "type": item.type, "name": item.name, "version": item.version, "reason": item.reason}


def _recipient(conn: Connection, name: str, tlp_max: Tlp | None) -> tuple[partners.Partner, partners.PartnerKey, Tlp]:
    partner = partners.partner_named(conn, name)
    key = partner.current_key()
    if key is None:
        raise InvalidInput(f"{partner.name} has no valid key (revoked or outside its validity); pin a new one")
    if tlp_max is not None and tlp_max > partner.tlp_send:
        raise InvalidInput(f"{tlp_max.label} is above what {partner.name} may receive ({partner.tlp_send.label})")
    return partner, key, tlp_max if tlp_max is not None else partner.tlp_send


@dataclass
class _Contents:
    """What the package will hold: the planned stored versions, then the objects the selection built."""

    plan: Plan
    built: list[dict[str, Any]] = field(default_factory=list)
    highest: Tlp | None = None

    @property
    def object_count(self) -> int:
        return self.plan.object_count + len(self.built)

    def built_size(self) -> int:
        return sum(len(orjson.dumps(obj)) + 1 for obj in self.built)


def _plan(
    ws: Workspace,
    selection: Selection,
    ceiling: Tlp,
    unmarked_as: Tlp,
    recipient: str,
    include_history: bool,
    sanitize: bool,
    cancel: CancelCheck | None,
) -> _Contents:
    roots = selection.object_ids(ws)
    judge = markings.judge_for(ws.conn)
    plan = plan_export(
        ws.conn,
        roots,
        ceiling=ceiling,
        unmarked_as=unmarked_as,
        recipient=recipient,
        include_history=include_history,
        sanitize=sanitize,
        cancel=cancel,
        exclude=selection.built_ids(ws),
        judge=judge,
        exercise=selection.exercise_material(ws),
    )
    contents = _Contents(plan, highest=plan.highest)
    for item in selection.built_objects(ws, frozenset(plan.object_ids)):
        _judge_built(item, judge, selection, contents, ceiling, unmarked_as, recipient)
        contents.built.append(item.obj)
    return contents


def _judge_built(
    item: BuiltObject,
    judge: MarkingJudge,
    selection: Selection,
    contents: _Contents,
    ceiling: Tlp,
    unmarked_as: Tlp,
    recipient: str,
) -> None:
    """The marking check for an object the selection built. Such objects are what the analyst chose (a case
    itself), so one above the ceiling, or citing a marking not understood, refuses the export instead of leaving a
    package without its subject."""
    verdict = judge.of_object(item.obj)
    if verdict.not_understood:
        raise InvalidInput(
            f"{selection.describe()} cites marking {verdict.not_understood[0][:100]}, which is not understood: map it"
            " to a TLP level first; nothing was written"
        )
    level = verdict.level if verdict.level is not None else unmarked_as
    if level > ceiling:
        what = level.label if verdict.level is not None else f"unmarked (treated as {unmarked_as.label})"
        raise InvalidInput(
            f"{selection.describe()} is {what}, above {ceiling.label}, the ceiling for {recipient}: "
            "it cannot be sent to them; nothing was written"
        )
    contents.highest = level if contents.highest is None else max(contents.highest, level)


def preview_export(
    ws: Workspace,
    recipient: str,
    selection: Selection | None = None,
    *,
    tlp_max: Tlp | None = None,
    unmarked_as: Tlp = DEFAULT_UNMARKED_AS,
    include_history: bool = True,
    sanitize: bool = False,
    cancel: CancelCheck | None = None,
) -> ExportPreview:
    """What ``export_package`` would write with the same arguments; writes nothing."""
    partner, key, ceiling = _recipient(ws.conn, recipient, tlp_max)
    selection = selection or AllObjects()
    contents = _plan(ws, selection, ceiling, unmarked_as, partner.name, include_history, sanitize, cancel)
    plan = contents.plan
    return ExportPreview(
        partner.name,
        key.key_id,
        ceiling,
        selection.describe(),
        contents.object_count,
        rows.version_lengths(ws.conn, plan.vids) + contents.built_size(),
        contents.highest,
        tuple(plan.held),
        *_leaving(ws.conn, contents),
    )


def _leaving(conn: Connection, contents: _Contents) -> tuple[tuple[LeavingObject, ...], int]:
    """The objects the package would hold, stored versions first, then what the selection built; bounded."""
    listed = [
        LeavingObject(stix_id, kind, name, Tlp(tlp) if tlp is not None else None, modified or None)
        for stix_id, kind, modified, tlp, name in rows.version_rows(conn, contents.plan.vids[:LISTED_LEAVING])
    ]
    judge = markings.judge_for(conn)
    for obj in contents.built[: max(0, LISTED_LEAVING - len(listed))]:
        level = judge.of_object(obj).level
        listed.append(LeavingObject(str(obj.get("id")), str(obj.get("type")), display_name(obj), level))
    return tuple(listed), contents.object_count - len(listed)


def export_package(
    ws: Workspace,
    dest: str | os.PathLike[str],
    recipient: str,
    selection: Selection | None = None,
    *,
    tlp_max: Tlp | None = None,
    unmarked_as: Tlp = DEFAULT_UNMARKED_AS,
    include_history: bool = True,
    sanitize: bool = False,
    tar: bool = False,
    validity_days: int = DEFAULT_VALIDITY_DAYS,
    reserve: int = DEFAULT_RESERVE,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
) -> ExportResult:
    """Write, verify and record one package; see the module docstring. Raises a ``WorkbenchError`` on refusal."""
    dest = Path(dest)
    if not dest.is_dir():
        raise InvalidInput(f"{dest} is not a folder")
    if not os.access(dest, os.W_OK | os.X_OK):
        raise InvalidInput(f"{dest} cannot be written (read-only medium or no permission)")
    if not 1 <= validity_days <= 366:
        raise InvalidInput("a package is valid for 1 to 366 days")
    selection = selection or AllObjects()
    reserved: _Reserved | None = None
    final: Path | None = None
    try:
        with contextlib.ExitStack() as stack:

            def open_writer(name: str) -> MediumWriter:
                return stack.enter_context(MediumWriter(dest, name, tar=tar))

            with durable_commit(ws.conn), ws.transaction() as conn:
                reserved = _write_bundle_and_reserve(
                    ws,
                    conn,
                    open_writer,
                    selection,
                    recipient,
                    tlp_max,
                    unmarked_as,
                    include_history,
                    sanitize,
                    validity_days,
                    reserve,
                    dest,
                    progress,
                    cancel,
                )
            # The outbox row, the channel and the audit entry are committed: only now may the package verify.
            writer = reserved.writer
            writer.add(MANIFEST_NAME, [reserved.manifest_bytes])
            writer.add(SIGNATURE_NAME, [reserved.signature])
            final = writer.commit()
        if progress:
            progress("read-back", 0, 1)
        read_back(final, reserved.own, reserved.manifest_bytes, cancel)
    except BaseException as exc:
        if final is not None:
            remove(final)
        if reserved is not None:
            mark_failed(ws, reserved.package_id, exc)
        raise
    manifest, partner, contents = reserved.manifest, reserved.partner, reserved.contents
    with ws.transaction() as conn:
        rows.set_sent_state(conn, manifest.package_id, "confirmed")
        audit.append(
            conn,
            "exchange.export",
            {
                "package_id": manifest.package_id,
                "recipient": partner.name,
                "recipient_key_id": reserved.key.key_id,
                "sequence": manifest.sequence,
                "objects": contents.object_count,
                "held_back": len(contents.plan.held),
                "tlp_ceiling": reserved.highest.short,
                "selection": selection.describe(),
                "sanitized": sanitize,
                "file": final.name,
                "manifest_sha256": reserved.manifest_sha256,
            },
        )
    size = reserved.bundle.size + len(reserved.manifest_bytes) + len(reserved.signature)
    logger.info("exported package %s (%d objects)", manifest.package_id, contents.object_count)
    return ExportResult(
        final,
        manifest.package_id,
        partner.name,
        reserved.key.key_id,
        manifest.sequence,
        manifest.created,
        manifest.expires,
        reserved.highest,
        contents.object_count,
        size,
        reserved.manifest_sha256,
        reserved.counter.sanitized,
        tuple(contents.plan.held),
    )


@dataclass(frozen=True)
class _Reserved:
    """A package whose bundle is on the medium and whose record (pending) is committed: what is left to write."""

    package_id: str
    manifest: Manifest
    manifest_bytes: bytes
    manifest_sha256: str
    signature: bytes
    partner: partners.Partner
    key: partners.PartnerKey
    own: TrustedKey
    contents: _Contents
    highest: Tlp
    bundle: Written
    counter: Counter
    writer: MediumWriter


def _write_bundle_and_reserve(
    ws: Workspace,
    conn: Connection,
    open_writer: Callable[[str], MediumWriter],
    selection: Selection,
    recipient: str,
    tlp_max: Tlp | None,
    unmarked_as: Tlp,
    include_history: bool,
    sanitize: bool,
    validity_days: int,
    reserve: int,
    dest: Path,
    progress: Progress | None,
    cancel: CancelCheck | None,
) -> _Reserved:
    """Plan, stream the bundle onto the medium (under a hidden name, unsigned: nothing that verifies), sign the
    manifest, and record the package as pending (outbox row, channel sequence, audit entry) in ``conn``'s
    transaction. Its sequence is the next after every sequence ever reserved for the partner, so a package that
    was written but never confirmed is never followed by another with its number."""
    partner, key, ceiling = _recipient(conn, recipient, tlp_max)
    contents = _plan(ws, selection, ceiling, unmarked_as, partner.name, include_history, sanitize, cancel)
    plan, highest = contents.plan, contents.highest
    if highest is None:
        raise InvalidInput(f"nothing to export to {partner.name}: {len(plan.held)} object(s) held back, none left")
    needed = rows.version_lengths(conn, plan.vids) + len(plan.vids) + contents.built_size() + 64 * 1024 + reserve
    available = free_space(dest)
    if available < needed:
        raise InvalidInput(
            f"not enough free space in {dest}: the package needs about {_mb(needed)}, {_mb(available)} is free"
        )
    own = keys.active_key(ws)
    channel = rows.channel(conn, partner.id, "out")
    sequence = max(channel.last_sequence if channel else 0, rows.last_sent_sequence(conn, partner.id)) + 1
    created_at = utc_now()
    package_id = str(uuid.uuid4())
    writer = open_writer(f"{own.key_id[:12]}-{sequence:06d}-{package_id}")
    bundle_id = f"bundle--{uuid.uuid4()}"
    counter = Counter()
    written = writer.add(
        BUNDLE_PATH,
        bundle_chunks(conn, bundle_id, contents.plan.vids, contents.built, sanitize, counter, progress),
        cancel,
    )
    manifest = Manifest(
        package_id=package_id,
        producer=Party(ws.org_name, own.key_id, ws.identity_id),
        recipients=(Party(partner.name, key.key_id),),
        sequence=sequence,
        previous_manifest_sha256=(channel.last_manifest_sha256 or None) if channel else None,
        created=format_stix_timestamp(created_at),
        expires=format_stix_timestamp(created_at + timedelta(days=validity_days)),
        tlp_ceiling=highest.marking_id,
        bundle_id=bundle_id,
        spec_version="2.1",
        object_count=contents.object_count,
        files=(FileEntry(BUNDLE_PATH, written.size, written.sha256, BUNDLE_MEDIA_TYPE),),
    )
    manifest_bytes = manifest.to_bytes()
    signer_id, signature = keys.sign(conn, manifest_bytes)
    assert signer_id == own.key_id
    manifest_sha256 = hashlib.sha256(manifest_bytes).hexdigest()
    rows.insert_sent(
        conn,
        rows.SentRow(
            package_id,
            partner.id,
            key.key_id,
            sequence,
            manifest_sha256,
            manifest.created,
            manifest.expires,
            int(highest),
            contents.object_count,
            len(plan.held),
            writer.final.name,
            None,
            None,
            None,
            None,
            state="pending",
        ),
    )
    rows.advance_channel(conn, partner.id, "out", sequence, manifest_sha256, package_id, manifest.created)
    audit.append(
        conn,
        "exchange.export-reserved",
        {
            "package_id": package_id,
            "recipient": partner.name,
            "sequence": sequence,
            "file": writer.final.name,
            "manifest_sha256": manifest_sha256,
        },
    )
    return _Reserved(
        package_id,
        manifest,
        manifest_bytes,
        manifest_sha256,
        signature,
        partner,
        key,
        TrustedKey(own.key_id, own.public_der),
        contents,
        highest,
        written,
        counter,
        writer,
    )


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"
