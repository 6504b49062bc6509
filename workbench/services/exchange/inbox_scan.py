"""What was carried in: exchange packages and receipts found in a folder or on removable media, each judged before
anything is imported (the window's Inbox; Qt-free so that tests and the command line can use it too).

``find_items(folder)`` lists the candidates: the folder itself when it is a package or a receipt, otherwise the
package and receipt folders and ``.tar`` files directly inside it and one level below (a stick often holds a
folder per partner). Hidden names (an interrupted write leaves ``.NAME.partial``) and symbolic links are skipped;
at most ``MAX_ITEMS`` are listed.

``examine(ws, path)`` copies the item into quarantine once and judges that copy with the exchange's own checks
(steps 1 to 6 of docs/exchange-format.md): a package gets its ``Verdict`` (producer, sequence, created, TLP
ceiling, object count, warnings such as a sequence gap) or the refusal's message, a receipt the package it
acknowledges. A package already imported, or a receipt already recorded, is said so instead of being refused as a
replay; a package or receipt this workspace signed itself (the same stick carries both ways) is "outgoing", not
refused as signed by an unknown key. Nothing is written to the workspace.
"""

from __future__ import annotations

import dataclasses
import enum
import logging
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from workbench.domain.errors import (
    Cancelled,
    InvalidInput,
    RevokedSignerRefused,
    SequenceJumpRefused,
    WorkbenchError,
)
from workbench.services import keys
from workbench.services.exchange import Receipt, Verdict, Volume, removable_volumes
from workbench.services.exchange.canonical import MAX_SIGNED_DOCUMENT, parse_canonical
from workbench.services.exchange.manifest import MANIFEST_NAME, SIGNATURE_NAME
from workbench.services.exchange.quarantine import Quarantine, quarantined
from workbench.services.exchange.receipts import RECEIPT_NAME, RECEIPT_SIGNATURE, check_quarantined_receipt, is_receipt
from workbench.services.exchange.verify import TrustedKey, check_quarantined, check_sequence, pinned_keys
from workbench.services.workspace import Workspace
from workbench.storage import exchange as rows

logger = logging.getLogger(__name__)

MAX_ITEMS = 200
_PACKAGE_MARKERS = (MANIFEST_NAME, SIGNATURE_NAME)
_RECEIPT_MARKERS = (RECEIPT_NAME, RECEIPT_SIGNATURE)

Progress = Callable[[int, int, str], None]
CancelCheck = Callable[[], bool]


class ItemKind(enum.Enum):
    PACKAGE = "package"
    RECEIPT = "receipt"


class ItemState(enum.Enum):
    """The verdict on a found item, from the analyst's point of view."""

    READY = "ready"  # a verified package, not imported yet
    IMPORTED = "imported"  # a verified package imported before (importing again would be a replay)
    RECEIPT_READY = "receipt ready"  # a verified receipt for a package we sent, not recorded yet
    RECEIPT_RECORDED = "receipt recorded"  # a verified receipt whose package is already marked delivered
    OUTGOING = "outgoing"  # signed by this workspace: written here, to be carried to ``partner``
    REFUSED = "refused"  # fails a check; ``reason`` says which

    @property
    def importable(self) -> bool:
        return self in (ItemState.READY, ItemState.RECEIPT_READY)


class Remedy(enum.Enum):
    """What the analyst may do about a refusal, after checking with the partner."""

    ACCEPT_JUMP = "accept jump"  # import with the sequence jump accepted (``import --accept-jump``)
    READMIT = "readmit"  # re-admit the document signed by a since revoked key (``keys readmit``)


@dataclass(frozen=True)
class FoundItem:
    """One package or receipt found on a medium, with its verdict. ``name`` is for display only."""

    path: Path
    name: str
    origin: str
    kind: ItemKind
    state: ItemState
    size: int = 0
    verdict: Verdict | None = None
    receipt: Receipt | None = None
    partner: str | None = None
    reason: str | None = None
    since: str | None = None  # when it was imported (IMPORTED) or its receipt recorded (RECEIPT_RECORDED)
    remedy: Remedy | None = None  # for a refusal the analyst may override
    key_id: str | None = None  # READMIT: the revoked key that signed it
    document_id: str | None = None  # READMIT: the package's or receipt's id

    @property
    def warnings(self) -> tuple[str, ...]:
        return self.verdict.warnings if self.verdict is not None else ()


@dataclass(frozen=True)
class Place:
    """Where to look: a folder, and how to name it for the analyst (a volume's mount point, or the folder)."""

    folder: Path
    label: str
    volume: Volume | None = None


@dataclass(frozen=True)
class ScanResult:
    places: tuple[Place, ...]
    items: tuple[FoundItem, ...]
    problems: tuple[str, ...] = field(default=())


def _kind_of_folder(path: Path) -> ItemKind | None:
    try:
        names = set(os.listdir(path))
    except OSError:
        return None
    if any(marker in names for marker in _RECEIPT_MARKERS):
        return ItemKind.RECEIPT
    if any(marker in names for marker in _PACKAGE_MARKERS):
        return ItemKind.PACKAGE
    return None


def is_item(path: Path) -> bool:
    """Whether ``path`` looks like a package or a receipt: a folder holding their files, or a ``.tar`` file."""
    try:
        mode = path.lstat().st_mode
    except OSError:
        return False
    if stat.S_ISDIR(mode):
        return _kind_of_folder(path) is not None
    return stat.S_ISREG(mode) and path.name.lower().endswith(".tar")


def find_items(folder: str | os.PathLike[str], *, depth: int = 1, limit: int = MAX_ITEMS) -> list[Path]:
    """Candidate items in ``folder`` (see the module docstring), sorted by name; refuses nothing, skips what it
    cannot read."""
    root = Path(folder)
    if is_item(root):
        return [root]
    found: list[Path] = []

    def walk(current: Path, level: int) -> None:
        try:
            entries = sorted(os.scandir(current), key=lambda entry: entry.name)
        except OSError:
            return
        for entry in entries:
            if len(found) >= limit:
                return
            if entry.name.startswith(".") or entry.is_symlink():
                continue
            path = Path(entry.path)
            if is_item(path):
                found.append(path)
            elif level > 0 and entry.is_dir(follow_symlinks=False):
                walk(path, level - 1)

    walk(root, depth)
    return found


def _size(path: Path) -> int:
    try:
        if path.is_dir():
            return sum(child.stat().st_size for child in path.rglob("*") if child.is_file() and not child.is_symlink())
        return path.stat().st_size
    except OSError:
        return 0


def examine(
    ws: Workspace,
    path: str | os.PathLike[str],
    *,
    origin: str = "",
    now: datetime | None = None,
    cancel: CancelCheck | None = None,
) -> FoundItem:
    """The verdict on one item (see the module docstring). Raises only ``Cancelled``; every refusal is a
    ``FoundItem`` in state ``REFUSED`` with the reason."""
    path = Path(path)
    guess = (_kind_of_folder(path) if path.is_dir() else None) or ItemKind.PACKAGE
    base = FoundItem(path, path.name, origin or str(path.parent), guess, ItemState.REFUSED, _size(path))
    try:
        with quarantined(path, cancel=cancel) as box:
            own = [TrustedKey(key.key_id, key.public_der) for key in keys.own_keys(ws)]
            if is_receipt(box):
                if _signed_by(box, RECEIPT_NAME, RECEIPT_SIGNATURE, own):
                    return _own_receipt(base, box)
                checked = check_quarantined_receipt(ws.conn, box, now=now)
                recorded = checked.recorded_at
                return dataclasses.replace(
                    base,
                    kind=ItemKind.RECEIPT,
                    receipt=checked.receipt,
                    partner=checked.partner.name,
                    state=ItemState.RECEIPT_RECORDED if recorded else ItemState.RECEIPT_READY,
                    since=recorded,
                )
            if _signed_by(box, MANIFEST_NAME, SIGNATURE_NAME, own):
                mine = check_quarantined(box, own, check_content=False, cancel=cancel).verdict
                return dataclasses.replace(
                    base,
                    kind=ItemKind.PACKAGE,
                    verdict=mine,
                    state=ItemState.OUTGOING,
                    partner=", ".join(party.name for party in mine.recipients),
                )
            verified = check_quarantined(
                box, pinned_keys(ws.conn), conn=ws.conn, now=now, check_channel=False, cancel=cancel
            )
            verdict, partner = verified.verdict, verified.signer.partner
            assert partner is not None, "pinned keys always belong to a partner"
            seen = rows.received(ws.conn, verdict.package_id)
            if seen is not None:
                return dataclasses.replace(
                    base,
                    kind=ItemKind.PACKAGE,
                    verdict=verdict,
                    partner=partner.name,
                    state=ItemState.IMPORTED,
                    since=seen.imported_at,
                )
            # Rollback is refused here; a gap or a fork comes back as a warning, before the content's own.
            warnings = check_sequence(ws.conn, partner, verified.manifest)
            verdict = dataclasses.replace(verdict, warnings=(*warnings, *verdict.warnings))
            return dataclasses.replace(
                base, kind=ItemKind.PACKAGE, verdict=verdict, partner=partner.name, state=ItemState.READY
            )
    except Cancelled:
        raise
    except SequenceJumpRefused as exc:
        return dataclasses.replace(base, reason=exc.message, remedy=Remedy.ACCEPT_JUMP)
    except RevokedSignerRefused as exc:
        return dataclasses.replace(
            base, reason=exc.message, remedy=Remedy.READMIT, key_id=exc.key_id, document_id=exc.document_id
        )
    except WorkbenchError as exc:
        return dataclasses.replace(base, reason=exc.message)
    except OSError as exc:  # the medium was pulled while it was read
        return dataclasses.replace(base, reason=f"cannot read {path.name}: {exc.strerror or exc}")


def _signed_by(box: Quarantine, document: str, signature: str, own: list[TrustedKey]) -> bool:
    """Whether ``document`` in the box carries a valid signature by one of this workspace's own keys."""
    if document not in box.files or signature not in box.files:
        return False
    data, sig = box.read(document, MAX_SIGNED_DOCUMENT), box.read(signature, 4096)
    return any(keys.verify_signature(key.public_der, data, sig) for key in own)


def _own_receipt(base: FoundItem, box: Quarantine) -> FoundItem:
    """A receipt this workspace signed (its content is ours, so it is read for display only)."""
    document = parse_canonical(box.read(RECEIPT_NAME, MAX_SIGNED_DOCUMENT), "the receipt")
    recipient = document.get("recipient")
    name = recipient.get("name") if isinstance(recipient, dict) else None
    if not isinstance(name, str):
        raise InvalidInput("the receipt names no recipient")
    return dataclasses.replace(
        base,
        kind=ItemKind.RECEIPT,
        state=ItemState.OUTGOING,
        partner=name[:200],
        since=str(document.get("created", ""))[:40] or None,
    )


def places(
    folders: list[Path], *, proc_root: str | os.PathLike[str] = "/proc", sys_root: str | os.PathLike[str] = "/sys"
) -> list[Place]:
    """The mounted removable volumes, then the chosen folders (without repeating a folder)."""
    found = [
        Place(volume.mount_point, str(volume.mount_point), volume) for volume in removable_volumes(proc_root, sys_root)
    ]
    seen = {place.folder for place in found}
    for folder in folders:
        if folder not in seen:
            seen.add(folder)
            found.append(Place(folder, str(folder)))
    return found


def scan(
    ws: Workspace,
    where: list[Place],
    *,
    now: datetime | None = None,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
) -> ScanResult:
    """Find and examine every item in ``where``; ``progress(done, total, item name)`` after each one."""
    candidates: list[tuple[Path, str]] = []
    problems: list[str] = []
    for place in where:
        if not place.folder.is_dir():
            problems.append(f"{place.label} is not a folder that can be read")
            continue
        candidates.extend((path, place.label) for path in find_items(place.folder))
    items: list[FoundItem] = []
    for done, (path, origin) in enumerate(candidates):
        if cancel is not None and cancel():
            raise Cancelled()
        if progress is not None:
            progress(done, len(candidates), path.name)
        items.append(examine(ws, path, origin=origin, now=now, cancel=cancel))
    if progress is not None:
        progress(len(candidates), len(candidates), "")
    logger.info("inbox scan: %d item(s) in %d place(s)", len(items), len(where))
    return ScanResult(tuple(where), tuple(items), tuple(problems))
