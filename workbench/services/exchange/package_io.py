"""What the exporter writes and reads on the medium, and how it keeps the outbox record in step.

``bundle_chunks`` streams the bundle from the stored JSON (sanitised when asked); ``durable_commit`` makes the commit
of a package's pending record survive a power cut; ``mark_failed`` records a package that was removed again;
``read_back`` verifies what reached the medium. See ``export`` for the order they are used in.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson

from workbench.domain.errors import Cancelled, InvalidInput, VerificationFailed, WorkbenchError
from workbench.services.exchange.quarantine import quarantined
from workbench.services.exchange.sanitize import sanitize_object
from workbench.services.exchange.verify import TrustedKey, check_quarantined
from workbench.services.exchange.writer import evict
from workbench.services.workspace import Workspace
from workbench.storage import audit
from workbench.storage import exchange as rows
from workbench.storage.database import Connection

logger = logging.getLogger(__name__)

#: Stored versions read and written per step of the bundle stream.
BATCH = 500

Progress = Callable[[str, int, int], None]
CancelCheck = Callable[[], bool]


@contextlib.contextmanager
def durable_commit(conn: Connection) -> Iterator[None]:
    """The reservation's commit is fsynced (``synchronous = FULL``): once the package can verify on the medium,
    its record must survive a power cut as well as a kill."""
    previous = int(conn.execute("PRAGMA synchronous").fetchone()[0])
    conn.execute("PRAGMA synchronous = FULL")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA synchronous = {previous}")


def mark_failed(ws: Workspace, package_id: str, exc: BaseException) -> None:
    """Record that a reserved package was removed from the medium (its sequence stays used). Best effort: a
    failure here leaves the row pending, which the outbox shows as written but never confirmed."""
    reason = "cancelled" if isinstance(exc, Cancelled | KeyboardInterrupt) else str(exc)[:300] or type(exc).__name__
    try:
        with ws.transaction() as conn:
            rows.set_sent_state(conn, package_id, "failed", reason)
            audit.append(conn, "exchange.export-failed", {"package_id": package_id, "reason": reason})
    except Exception:  # the original failure is what the analyst must see
        logger.warning("could not record the failed export of %s", package_id)


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


class Counter:
    """How many objects the sanitiser changed."""

    def __init__(self) -> None:
        self.sanitized = 0


def bundle_chunks(
    conn: Connection,
    bundle_id: str,
    vids: list[int],
    built: list[dict[str, Any]],
    sanitize: bool,
    counter: Counter,
    progress: Progress | None,
) -> Iterator[bytes]:
    """The bundle, streamed: stored JSON as it is (compact), or sanitised and re-encoded; then the built objects."""
    yield b'{"type":"bundle","id":"' + bundle_id.encode() + b'","objects":['
    total = len(vids)
    for start in range(0, total, BATCH):
        batch = vids[start : start + BATCH]
        texts = rows.version_json(conn, batch)
        parts = [_sanitized(texts[vid], counter) if sanitize else texts[vid] for vid in batch]
        yield (b"," if start else b"") + b",".join(parts)
        if progress:
            progress("write", min(start + BATCH, total), total)
    if built:
        parts = [orjson.dumps(obj) for obj in built]
        if sanitize:
            parts = [_sanitized(data, counter) for data in parts]
        yield (b"," if total else b"") + b",".join(parts)
    yield b"]}"


def _sanitized(data: bytes, counter: Counter) -> bytes:
    try:
        cleaned, changed = sanitize_object(orjson.loads(data))
    except RecursionError:
        raise InvalidInput("an object is nested too deeply to be sanitised; nothing was written") from None
    if not changed:
        return data
    counter.sanitized += 1
    return orjson.dumps(cleaned)
