"""Importing STIX into the workspace: one file, one transaction, all or nothing.

The contract the command line, the window and the exchange package import share:

``import_file(ws, path, ...)`` reads a STIX document (a STIX 2.1 or 2.0 bundle, a bare JSON array of objects, a
TAXII 2.1 envelope, or a single object), checks every object, stores the good ones under the versioning rules
with provenance naming ``source``, writes one audit entry, and commits, all in one transaction. The file is
streamed: memory holds one read buffer and one batch of objects, whatever the size of the file.

- Errors in the file as a whole (not JSON, not UTF-8, duplicate keys, beyond a limit, not STIX at all) raise
  ``InvalidInput`` naming the cause; nothing is written.
- Errors in single objects refuse those objects, the others import: ``summary.objects_refused`` counts the objects,
  ``summary.refusal_reasons`` says why (id, property, reason; an object may have several). With ``strict`` the
  first such error refuses the whole file instead. Warnings are kept in ``summary.warnings``.
- ``dry_run`` does the same work and rolls back, for previews; its summary also lists the objects one by one
  (``summary.objects``: state, type, name, TLP, the properties an update changes; bounded, see ``listing``).
- ``ceiling`` is the highest TLP level the source may carry (a package's agreed ceiling): an object marked above it
  is refused; one citing a marking the workspace does not understand is judged at TLP:RED and kept, with a warning
  (see ``pipeline``). Every import learns the marking definitions it reads and reports the markings it does not
  understand; what they mark is held back from every export until the analyst maps them.
- ``check_object(obj) -> Finding | None`` lets a caller refuse objects for its own reasons; it sees each object
  after the importer's own checks, upgraded to 2.1.
- ``before_commit(conn, summary)`` lets a caller write its own rows in the same transaction (the exchange's
  channel state, a case's links). It is called once every object is stored, also when no object changed; the
  import then commits if the caller wrote anything.
- ``progress(bytes read, total bytes)`` is called after every batch; ``cancel()`` is polled as often and, when it
  returns true, the import stops with ``Cancelled`` and nothing is kept.
- An import that changes nothing leaves no trace (no source row, no audit entry): importing the same file twice
  changes nothing the second time, and the summary says so (``changed_anything`` is false).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import stat
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from workbench.domain.compression import compression_of
from workbench.domain.errors import Cancelled, InvalidInput
from workbench.domain.markings import MarkingJudge
from workbench.domain.tlp import Tlp
from workbench.services import markings
from workbench.services.importing import forked
from workbench.services.importing.limits import DEFAULT_LIMITS, Limits, describe_size
from workbench.services.importing.listing import ObjectListing
from workbench.services.importing.pipeline import ElementProcessor, ObjectCheck
from workbench.services.importing.reader import StixReader
from workbench.services.importing.summary import Finding, ImportSource, ImportSummary
from workbench.services.workspace import Workspace
from workbench.storage import audit
from workbench.storage.authorship import Authorship
from workbench.storage.bulk import BulkWriter, PreparedVersion
from workbench.storage.database import Connection
from workbench.storage.objects import ObjectStore, Outcome

logger = logging.getLogger(__name__)

__all__ = [
    "BeforeCommit",
    "CancelCheck",
    "Finding",
    "ImportSource",
    "ImportSummary",
    "Limits",
    "ObjectCheck",
    "Progress",
    "import_file",
    "sha256_file",
]

#: Objects stored per batch. Each batch is written in key order, one sweep over each index keyed by a random id
#: (object ids, version keys, reference targets): the larger the batch, the more inserts share a page loaded for the
#: sweep, which counts once the indexes outgrow the page cache (a 1,000,000-object import: 10% faster than with
#: 2,000, for 30 MB more at the peak). Memory is bounded by ``BATCH_CHARS`` as well...
BATCH_SIZE = 20_000
#: ... and at most this much stored JSON (characters) per batch, so that a few huge objects do not pile up.
BATCH_CHARS = 16 * 1024 * 1024
#: While objects of a batch cite a marking not understood so far, the batch is held, up to this many objects (or
#: ``BATCH_CHARS``), in case the definition comes later in the document: they are then written at their level
#: instead of at TLP:RED and updated after the last element.
HOLD_OBJECTS = 20_000
#: Progress is reported, and cancel asked, after this many elements.
PROGRESS_EVERY = 2_000

BeforeCommit = Callable[[Connection, ImportSummary], None]
Progress = Callable[[int, int], None]
CancelCheck = Callable[[], bool]


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class _HashingReader:
    """A file read once: what the importer parses is exactly what is hashed for the provenance."""

    def __init__(self, handle: BinaryIO) -> None:
        self._handle = handle
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self._handle.read(size)
        self.digest.update(data)
        return data


def import_file(
    ws: Workspace,
    path: str | os.PathLike[str],
    *,
    source: ImportSource | None = None,
    strict: bool = False,
    case_id: str | None = None,
    dry_run: bool = False,
    check_object: ObjectCheck | None = None,
    before_commit: BeforeCommit | None = None,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
    limits: Limits = DEFAULT_LIMITS,
    ceiling: Tlp | None = None,
) -> ImportSummary:
    """Import one file; see the module docstring for the contract.

    ``case_id`` is recorded in the summary and the audit entry; linking the objects to the case is the work of the
    ``before_commit`` the cases feature passes with it, so ``case_id`` without ``before_commit`` is refused.
    """
    path = Path(path)
    name = path.name
    if case_id is not None and before_commit is None:
        raise InvalidInput("linking an import to a case is not available in this version")
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InvalidInput(f"{name}: no such file") from None
    except OSError as exc:
        raise InvalidInput(f"cannot read {name}: {exc.strerror}") from None
    if stat.S_ISDIR(info.st_mode):
        raise InvalidInput(f"{name} is a folder, not a STIX file")
    if not stat.S_ISREG(info.st_mode):
        raise InvalidInput(f"{name} is not a regular file")
    if info.st_size > limits.file_bytes:
        raise InvalidInput(f"{name} is larger than {describe_size(limits.file_bytes)}")
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed in the finally below, after the transaction
    except OSError as exc:
        raise InvalidInput(f"cannot read {name}: {exc.strerror}") from None
    try:
        kind = compression_of(handle.read(2))
        if kind is not None:
            raise InvalidInput(f"{name} is {kind}-compressed; decompress it and import the JSON file")
        handle.seek(0)
        return _import(
            ws,
            handle,
            name,
            info.st_size,
            source,
            strict=strict,
            case_id=case_id,
            dry_run=dry_run,
            check_object=check_object,
            before_commit=before_commit,
            progress=progress,
            cancel=cancel,
            limits=limits,
            ceiling=ceiling,
        )
    finally:
        handle.close()


class _NothingToKeep(Exception):
    """Roll back: a dry run, or an import that changed nothing (so importing twice leaves no trace)."""


def _import(
    ws: Workspace,
    handle: BinaryIO,
    name: str,
    size: int,
    source: ImportSource | None,
    *,
    strict: bool,
    case_id: str | None,
    dry_run: bool,
    check_object: ObjectCheck | None,
    before_commit: BeforeCommit | None,
    progress: Progress | None,
    cancel: CancelCheck | None,
    limits: Limits,
    ceiling: Tlp | None,
) -> ImportSummary:
    hashing = _HashingReader(handle)
    source = source or ImportSource("file", name)
    summary = ImportSummary(source=source.name, sha256="", dry_run=dry_run, case_id=case_id)
    reader = StixReader(hashing, name, limits)  # type: ignore[arg-type]
    listing = ObjectListing(summary, limits.listed_objects) if dry_run else None
    split = listing is None and forked.available(size)
    try:
        with ws.db.bulk_cache(), _checkpoint_deferred(ws.conn), ws.transaction() as conn:
            processor = ElementProcessor(
                summary,
                source,
                ws.identity_id,
                limits,
                strict=strict,
                check_object=check_object,
                markings=markings.judge_for(conn),
                ceiling=ceiling,
                cancel=cancel,
            )
            processor.listing = listing
            if listing is not None:
                listing.judge = processor.markings
            source_id = ObjectStore(conn).add_source(
                source.kind,
                source.name,
                sha256=source.sha256,
                partner_key_id=source.partner_key_id,
                package_id=source.package_id,
            )
            writer = BulkWriter(
                conn,
                source_id,
                authorship=_authorship(ws, source),
                source_kind=source.kind,
                source_key=source.partner_key_id,
            )
            if split:
                reading = _store_forked(writer, reader, processor, hashing, summary, name, size, progress, cancel)
            else:
                for batch, positions in _batches(reader, processor, BATCH_SIZE):
                    if batch:
                        _store(writer, batch, summary, limits.listed_findings, listing, positions)
                        continue
                    logger.info("%s: %d objects read, %d stored so far", name, reader.elements_read, summary.stored)
                    if progress is not None:
                        progress(reader.bytes_read, size)
                    if cancel is not None and cancel():
                        raise Cancelled()
                reading = _finish_reading(reader, processor, summary, hashing, name)
            writer.finish()
            if listing is not None:
                listing.finish()
            if cancel is not None and cancel():
                raise Cancelled()
            judge, cited_early, changed, cited_with_unclear = reading
            markings.refresh_imported(conn, judge, cited_early, cited_with_unclear, source_id, writer.first_vid)
            markings.refresh_levels(conn, judge, changed, stored_before=source_id)
            if source.sha256 is None:
                conn.execute("UPDATE sources SET sha256 = ? WHERE id = ?", (summary.sha256, source_id))
            if progress is not None:
                progress(size, size)
            changes_before = conn.total_changes
            if before_commit is not None:
                before_commit(conn, summary)
            caller_wrote = conn.total_changes != changes_before
            if not (summary.changed_anything or caller_wrote):
                raise _NothingToKeep()
            audit.append(conn, "import", _audit_details(summary, source))
            if dry_run:
                raise _NothingToKeep()
        summary.committed = True
    except _NothingToKeep:
        pass
    logger.info(
        "import of %s: %d new, %d new versions, %d unchanged, %d refused, %s",
        name,
        summary.new,
        summary.new_versions,
        summary.unchanged,
        summary.objects_refused,
        "committed" if summary.committed else "nothing kept",
    )
    return summary


@contextlib.contextmanager
def _checkpoint_deferred(conn: Connection) -> Iterator[None]:
    """No WAL checkpoint at the import's commit: the copy of the new pages into the database file (and its fsync)
    is housekeeping that SQLite does at the next write or when the workspace closes. The commit itself is atomic
    and complete; with ``synchronous=NORMAL`` it was never fsync'd at commit anyway."""
    previous = int(conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0])
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA wal_autocheckpoint = {previous}")


#: What the reading half hands over once the last element is read: the marking judge with the definitions the
#: document taught it, the markings written before their definition came, those whose meaning changed, and every
#: marking cited beside one not understood (``ElementProcessor.finish`` and ``cited_with_unclear``).
_Reading = tuple[MarkingJudge, set[str], set[str], set[str]]


def _batches(
    reader: StixReader, processor: ElementProcessor, size: int, hold: int = HOLD_OBJECTS
) -> Iterator[tuple[list[PreparedVersion], list[int]]]:
    """The prepared versions of the document in batches of ``size`` ready to store, with their positions; an empty
    batch every ``PROGRESS_EVERY`` elements, when progress is reported and cancel asked."""
    batch: list[PreparedVersion] = []
    batch_chars = 0
    positions: list[int] = []
    unreported = 0  # elements met since the last empty batch
    for element in reader:
        prepared = processor.process(element, reader.declared_version)
        position = element.position
        del element  # the decoded object is not kept beyond its prepared version
        unreported += 1
        if prepared is not None:
            batch.append(prepared)
            batch_chars += len(prepared.json)
            positions.append(position)
        # A batch whose objects wait for a marking definition grows (within bounds) until it comes.
        if (len(batch) >= size or batch_chars >= BATCH_CHARS) and (
            not processor.awaiting or len(batch) >= hold or batch_chars >= BATCH_CHARS
        ):
            processor.settle()
            yield batch, positions
            batch, batch_chars, positions = [], 0, []
        if unreported >= PROGRESS_EVERY:
            unreported = 0
            yield [], []
    processor.settle()
    if batch:
        yield batch, positions


def _finish_reading(
    reader: StixReader, processor: ElementProcessor, summary: ImportSummary, hashing: _HashingReader, name: str
) -> _Reading:
    """After the last element: the document's own figures in the summary, its file-level findings, the markings."""
    summary.objects_read = reader.elements_read
    summary.shape = reader.shape or ""
    summary.sha256 = hashing.digest.hexdigest()
    _check_document(reader, processor, summary, name)
    cited_early, changed = processor.finish()
    return processor.markings, cited_early, changed, processor.cited_with_unclear


#: The summary's fields the reading half fills in (the storing half counts the outcomes).
_READ_FIELDS = (
    "objects_read",
    "shape",
    "sha256",
    "upgraded",
    "objects_refused",
    "refusal_reasons",
    "warnings",
    "warning_count",
)


def _store_forked(
    writer: BulkWriter,
    reader: StixReader,
    processor: ElementProcessor,
    hashing: _HashingReader,
    summary: ImportSummary,
    name: str,
    size: int,
    progress: Progress | None,
    cancel: CancelCheck | None,
) -> _Reading:
    """Read and check in a forked process (``forked``), store here: batches are stored as they come when this
    process would otherwise wait, gathered up to ``BATCH_SIZE`` when they come faster than they are stored."""

    def produce() -> Generator[tuple[list[PreparedVersion], tuple[int, int]], None, tuple[ImportSummary, _Reading]]:
        # Not held for a marking definition still to come (``HOLD_OBJECTS``): storing starts at once, and the
        # objects written before their marking's definition are judged again at the end (``refresh_imported``).
        for batch, _positions in _batches(reader, processor, forked.MESSAGE_OBJECTS, forked.MESSAGE_OBJECTS):
            yield batch, (reader.bytes_read, reader.elements_read)
        return summary, _finish_reading(reader, processor, summary, hashing, name)

    pending: list[PreparedVersion] = []
    pending_chars = 0
    limit = processor.limits.listed_findings
    with forked.ForkedReading(produce) as child:
        for batch, (bytes_read, elements_read), more in child.messages(cancel):
            pending.extend(batch)
            pending_chars += sum(len(item.json) for item in batch)
            if pending and (not more or len(pending) >= BATCH_SIZE or pending_chars >= BATCH_CHARS):
                _store(writer, pending, summary, limit, None, [])
                pending, pending_chars = [], 0
            if not batch:
                logger.info("%s: %d objects read, %d stored so far", name, elements_read, summary.stored)
            if progress is not None:
                progress(bytes_read, size)
            if cancel is not None and cancel():
                raise Cancelled()
        if pending:
            _store(writer, pending, summary, limit, None, [])
        read, reading = child.result
    for field_name in _READ_FIELDS:
        setattr(summary, field_name, getattr(read, field_name))
    summary.unchanged += read.unchanged  # repeated built-in markings, counted while reading
    return reading


def _authorship(ws: Workspace, source: ImportSource) -> Authorship | None:
    if not source.judge_authors:
        return None
    return Authorship(ws.identity_id, source.producer_identity_ref, source.partner_keys, source.kind == "package")


def _store(
    writer: BulkWriter,
    batch: list[PreparedVersion],
    summary: ImportSummary,
    limit: int,
    listing: ObjectListing | None,
    positions: list[int],
) -> None:
    outcomes = writer.write(batch)
    for index, (item, value) in enumerate(zip(batch, outcomes, strict=True)):
        outcome = Outcome(value)
        summary.count(outcome)
        if outcome is Outcome.FOREIGN and len(summary.foreign_listed) < limit:
            reason = writer.foreign_reasons.get(index, "the sender is not its author")
            summary.foreign_listed.append(Finding(item.id, "modified", f"kept as a foreign version: {reason}"))
    if listing is not None:
        listing.stored(writer.conn, batch, outcomes, positions)


def _check_document(reader: StixReader, processor: ElementProcessor, summary: ImportSummary, name: str) -> None:
    """File-level refusals and warnings that can only be decided once the whole document was read."""
    if reader.elements_read and not processor.stix_like:
        raise InvalidInput(
            f"{name} holds no STIX objects: none of its {reader.elements_read:,} elements has a type and an id"
        )
    if not reader.elements_read:
        processor.warn(Finding(None, None, "the document holds no objects"))
    bundle_id = reader.bundle_id
    if summary.shape.startswith("STIX") and not (isinstance(bundle_id, str) and bundle_id.startswith("bundle--")):
        processor.warn(Finding(None, "id", "the bundle has no valid bundle id"))


def _audit_details(summary: ImportSummary, source: ImportSource) -> dict[str, Any]:
    details: dict[str, Any] = {
        "source": source.name,
        "kind": source.kind,
        "sha256": summary.sha256,
        "shape": summary.shape,
        "new": summary.new,
        "new_versions": summary.new_versions,
        "unchanged": summary.unchanged,
        "older": summary.older,
        "conflicts": summary.conflicts,
        "foreign": summary.foreign,
        "refused": summary.objects_refused,
        "warnings": summary.warning_count,
    }
    for key in ("partner_key_id", "package_id"):
        if getattr(source, key):
            details[key] = getattr(source, key)
    if summary.case_id:
        details["case"] = summary.case_id
    return details
