"""Exporting a selection as a signed package for one partner (design.md "Export").

``preview_export`` computes the sharing plan only (what leaves, what is held back and why). ``export_package``
does the whole job inside one workspace transaction: plan, check free space before writing anything, stream the
bundle onto the medium, sign the manifest with the channel's next sequence number, fsync, rename, read back and
verify from the medium, and only then record the package in the outbox with an audit entry. If anything fails,
the medium holds nothing that verifies and the channel's sequence is not used up.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import orjson

from workbench.domain.errors import Cancelled, InvalidInput, VerificationFailed, WorkbenchError
from workbench.domain.timestamps import format_stix_timestamp, utc_now
from workbench.domain.tlp import Tlp, object_tlp
from workbench.services import keys
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
from workbench.services.exchange.policy import HeldBack, Plan, plan_export
from workbench.services.exchange.quarantine import quarantined
from workbench.services.exchange.sanitize import sanitize_object
from workbench.services.exchange.selection import AllObjects, BuiltObject, Selection
from workbench.services.exchange.verify import TrustedKey, check_quarantined
from workbench.services.exchange.writer import MediumWriter, evict, free_space, remove
from workbench.services.workspace import Workspace
from workbench.storage import audit
from workbench.storage import exchange as rows
from workbench.storage.database import Connection

logger = logging.getLogger(__name__)

DEFAULT_UNMARKED_AS = Tlp.AMBER
DEFAULT_VALIDITY_DAYS = 30
#: Room left free on the medium besides the package (file system metadata, the manifest, the tar's framing).
DEFAULT_RESERVE = 1024 * 1024
BATCH = 500

Progress = Callable[[str, int, int], None]
CancelCheck = Callable[[], bool]


@dataclass(frozen=True)
class ExportPreview:
    """The plan as the analyst sees it before writing."""

    recipient: str
    recipient_key_id: str
    ceiling: Tlp
    selection: str
    object_count: int
    estimated_size: int
    highest: Tlp | None
    held_back: tuple[HeldBack, ...]


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
    partner = partners.get_partner(conn, name)
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
        exercise=selection.exercise_material(ws),
    )
    contents = _Contents(plan, highest=plan.highest)
    for item in selection.built_objects(ws, frozenset(plan.object_ids)):
        _judge_built(item, selection, contents, ceiling, unmarked_as, recipient)
        contents.built.append(item.obj)
    return contents


def _judge_built(
    item: BuiltObject, selection: Selection, contents: _Contents, ceiling: Tlp, unmarked_as: Tlp, recipient: str
) -> None:
    """The marking check for an object the selection built. Such objects are what the analyst chose (a case
    itself), so one above the ceiling refuses the export instead of leaving a package without its subject."""
    if item.public:
        return
    marked = object_tlp(item.obj)
    level = marked if marked is not None else unmarked_as
    if level > ceiling:
        what = marked.label if marked is not None else f"unmarked (treated as {unmarked_as.label})"
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
    )


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
    with ws.transaction() as conn:
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
        own = keys.active_key(conn)
        channel = rows.channel(conn, partner.id, "out")
        sequence = channel.last_sequence + 1 if channel else 1
        created_at = utc_now()
        package_id = str(uuid.uuid4())
        name = f"{own.key_id[:12]}-{sequence:06d}-{package_id}"
        bundle_id = f"bundle--{uuid.uuid4()}"
        counter = _Counter()
        with MediumWriter(dest, name, tar=tar) as writer:
            written = writer.add(
                BUNDLE_PATH, _bundle_chunks(conn, bundle_id, contents, sanitize, counter, progress), cancel
            )
            manifest = Manifest(
                package_id=package_id,
                producer=Party(ws.org_name, own.key_id, ws.identity_id),
                recipients=(Party(partner.name, key.key_id),),
                sequence=sequence,
                previous_manifest_sha256=channel.last_manifest_sha256 if channel else None,
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
            writer.add(MANIFEST_NAME, [manifest_bytes])
            writer.add(SIGNATURE_NAME, [signature])
            final = writer.commit()
        try:
            if progress:
                progress("read-back", 0, 1)
            manifest_sha256 = read_back(final, TrustedKey(own.key_id, own.public_der), manifest_bytes, cancel)
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
                    final.name,
                    None,
                    None,
                    None,
                    None,
                ),
            )
            rows.advance_channel(conn, partner.id, "out", sequence, manifest_sha256, package_id, manifest.created)
            audit.append(
                conn,
                "exchange.export",
                {
                    "package_id": package_id,
                    "recipient": partner.name,
                    "recipient_key_id": key.key_id,
                    "sequence": sequence,
                    "objects": contents.object_count,
                    "held_back": len(plan.held),
                    "tlp_ceiling": highest.short,
                    "selection": selection.describe(),
                    "sanitized": sanitize,
                    "file": final.name,
                    "manifest_sha256": manifest_sha256,
                },
            )
        except BaseException:
            remove(final)
            raise
    size = written.size + len(manifest_bytes) + len(signature)
    logger.info("exported package %s (%d objects)", package_id, contents.object_count)
    return ExportResult(
        final,
        package_id,
        partner.name,
        key.key_id,
        sequence,
        manifest.created,
        manifest.expires,
        highest,
        contents.object_count,
        size,
        manifest_sha256,
        counter.sanitized,
        tuple(plan.held),
    )


def read_back(final: Path, own: TrustedKey, manifest_bytes: bytes, cancel: CancelCheck | None = None) -> str:
    """Verify the package as written on the medium (caches dropped first); its manifest's SHA-256."""
    evict(final)
    try:
        with quarantined(final, cancel=cancel) as box:
            checked = check_quarantined(box, [own], check_content=False, cancel=cancel)
    except (Cancelled, KeyboardInterrupt):
        raise
    except WorkbenchError as exc:
        raise VerificationFailed(
            f"the package read back from the medium does not verify ({exc}); it was removed"
        ) from None
    if checked.manifest_bytes != manifest_bytes:
        raise VerificationFailed(
            "the manifest read back from the medium differs from the one written; the package was removed"
        )
    return checked.verdict.manifest_sha256


class _Counter:
    def __init__(self) -> None:
        self.sanitized = 0


def _bundle_chunks(
    conn: Connection, bundle_id: str, contents: _Contents, sanitize: bool, counter: _Counter, progress: Progress | None
) -> Iterator[bytes]:
    """The bundle, streamed: stored JSON as it is (compact), or sanitised and re-encoded; then the built objects."""
    yield b'{"type":"bundle","id":"' + bundle_id.encode() + b'","objects":['
    plan = contents.plan
    total = len(plan.vids)
    for start in range(0, total, BATCH):
        batch = plan.vids[start : start + BATCH]
        texts = rows.version_json(conn, batch)
        parts = [_sanitized(texts[vid], counter) if sanitize else texts[vid] for vid in batch]
        yield (b"," if start else b"") + b",".join(parts)
        if progress:
            progress("write", min(start + BATCH, total), total)
    if contents.built:
        parts = [orjson.dumps(obj) for obj in contents.built]
        if sanitize:
            parts = [_sanitized(data, counter) for data in parts]
        yield (b"," if total else b"") + b",".join(parts)
    yield b"]}"


def _sanitized(data: bytes, counter: _Counter) -> bytes:
    try:
        cleaned, changed = sanitize_object(orjson.loads(data))
    except RecursionError:
        raise InvalidInput("an object is nested too deeply to be sanitised; nothing was written") from None
    if not changed:
        return data
    counter.sanitized += 1
    return orjson.dumps(cleaned)


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"
