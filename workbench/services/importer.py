"""Importing STIX into the workspace: one file, one transaction, all or nothing.

The contract the command line, the window and the exchange package import share:

``import_file(ws, path, ...)`` reads a STIX 2.1 bundle (and the other shapes the importer accepts), checks every
object, stores the good ones under the versioning rules with provenance naming ``source``, writes one audit
entry, and commits, all in one transaction. ``dry_run`` does the same work and rolls back, for previews.
``check_object`` lets a caller refuse objects for its own reasons (the exchange's TLP ceiling); ``before_commit``
lets it write its own rows in the same transaction (the exchange's channel state). ``progress`` is called with
(bytes read, total bytes); ``cancel`` is polled and, when it returns true, the import stops and nothing is kept.

Errors in the file as a whole raise ``InvalidInput``; errors in single objects are findings in the summary.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from workbench.domain.errors import Cancelled, InvalidInput
from workbench.domain.ids import is_stix_id, is_stix_type
from workbench.domain.timestamps import parse_stix_timestamp
from workbench.services.workspace import Workspace
from workbench.storage import audit
from workbench.storage.database import Connection
from workbench.storage.objects import ObjectStore, Outcome

logger = logging.getLogger(__name__)

MAX_FILE_SIZE = 2 * 1024**3


@dataclass(frozen=True)
class ImportSource:
    """Provenance of an import: recorded with every version it stores."""

    kind: str  # "file" or "package"
    name: str
    sha256: str | None = None
    partner_key_id: str | None = None
    package_id: str | None = None


@dataclass(frozen=True)
class Finding:
    """Something wrong with one object (or the file when ``object_id`` is None)."""

    object_id: str | None
    property: str | None
    message: str

    def __str__(self) -> str:
        where = self.object_id or "file"
        if self.property:
            where += f" ({self.property})"
        return f"{where}: {self.message}"


@dataclass
class ImportSummary:
    """What an import did (or, for a dry run, would do)."""

    source: str
    sha256: str
    shape: str = ""
    new: int = 0
    new_versions: int = 0
    unchanged: int = 0
    older: int = 0
    conflicts: int = 0
    refused: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    committed: bool = False
    dry_run: bool = False

    @property
    def stored(self) -> int:
        return self.new + self.new_versions + self.older + self.conflicts

    @property
    def changed_anything(self) -> bool:
        return bool(self.new or self.new_versions or self.older or self.conflicts)

    def count(self, outcome: Outcome) -> None:
        if outcome is Outcome.NEW:
            self.new += 1
        elif outcome is Outcome.NEW_VERSION:
            self.new_versions += 1
        elif outcome is Outcome.UNCHANGED:
            self.unchanged += 1
        elif outcome is Outcome.OLDER:
            self.older += 1
        else:
            self.conflicts += 1

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["refused"] = [asdict(item) for item in self.refused]
        data["warnings"] = [asdict(item) for item in self.warnings]
        return data


ObjectCheck = Callable[[dict[str, Any]], Finding | None]
BeforeCommit = Callable[[Connection, ImportSummary], None]
Progress = Callable[[int, int], None]
CancelCheck = Callable[[], bool]


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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
) -> ImportSummary:
    """Import one file; see the module docstring for the contract."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InvalidInput(f"cannot read {path.name}: {exc.strerror}") from None
    if size > MAX_FILE_SIZE:
        raise InvalidInput(f"{path.name} is larger than {MAX_FILE_SIZE // 1024**3} GiB")
    digest = sha256_file(path)
    source = source or ImportSource("file", path.name, digest)
    summary = ImportSummary(source=source.name, sha256=digest, dry_run=dry_run)
    objects, summary.shape = _read(path)
    good: list[dict[str, Any]] = []
    for obj in objects:
        finding = _check(obj) or (check_object(obj) if check_object else None)
        if finding:
            summary.refused.append(finding)
        else:
            good.append(obj)
    if strict and summary.refused:
        raise InvalidInput(f"{path.name}: {len(summary.refused)} object(s) refused under --strict; first: "
                           f"{summary.refused[0]}")
    try:
        with ws.transaction() as conn:
            store = ObjectStore(conn)
            source_id = store.add_source(source.kind, source.name, sha256=source.sha256,
                                         partner_key_id=source.partner_key_id, package_id=source.package_id)
            for index, obj in enumerate(good):
                if cancel and cancel():
                    raise Cancelled()
                summary.count(store.put(obj, source_id))
                if progress and index % 1000 == 0:
                    progress(index, len(good))
            if not summary.changed_anything:
                raise _NothingToKeep()
            audit.append(conn, "import", {"source": source.name, "sha256": digest, "kind": source.kind,
                                          "new": summary.new, "new_versions": summary.new_versions,
                                          "refused": len(summary.refused)})
            if before_commit:
                before_commit(conn, summary)
            if dry_run:
                raise _NothingToKeep()
        summary.committed = True
    except _NothingToKeep:
        pass
    return summary


class _NothingToKeep(Exception):
    """Roll back: a dry run, or an import that changed nothing (so importing twice leaves no trace)."""


def _read(path: Path) -> tuple[list[dict[str, Any]], str]:
    try:
        document = json.loads(path.read_bytes())
    except (ValueError, RecursionError) as exc:
        raise InvalidInput(f"{path.name} is not valid JSON: {exc}") from None
    if isinstance(document, dict) and document.get("type") == "bundle":
        objects, shape = document.get("objects") or [], "STIX 2.1 bundle"
    elif isinstance(document, list):
        objects, shape = document, "JSON array of objects"
    elif isinstance(document, dict) and isinstance(document.get("objects"), list):
        objects, shape = document["objects"], "TAXII 2.1 envelope"
    else:
        raise InvalidInput(f"{path.name} is not a STIX bundle")
    return [obj for obj in objects if isinstance(obj, dict)], shape


def _check(obj: dict[str, Any]) -> Finding | None:
    stix_id = obj.get("id") if isinstance(obj.get("id"), str) else None
    if not is_stix_type(obj.get("type")):
        return Finding(stix_id, "type", "missing or malformed type")
    if not is_stix_id(stix_id, obj["type"]):
        return Finding(stix_id, "id", "id is not type--UUID of the object's type")
    for prop in ("created", "modified"):
        if prop in obj and parse_stix_timestamp(obj[prop]) is None:
            return Finding(stix_id, prop, "not an RFC 3339 timestamp")
    return None
