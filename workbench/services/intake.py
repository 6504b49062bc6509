"""The one way in: STIX files, exchange packages and receipts, from the command line, the window and the demo.

``import_source(ws, path, ...)`` tells what ``path`` is (a package or receipt, as a folder or an uncompressed tar,
told apart by the files inside; anything else is read as a STIX file), runs the import that fits with all of its
checks, and, in that import's one transaction, runs the features that act on what was stored. Callers pass what
the analyst chose (a case to link to, ``--strict``, a dry run, the digest of what was previewed) and never a hook:
a path that forgot one would store a case bundle as loose objects without its case or its schema check.

The features, registered once in ``_features`` below: the cases feature adopts the incident and exercise cases
the import carries (a new case under a local reference, a newer version replacing the stored case, an older one
ignored) and, with ``case_ref``, links what was stored to that case. A case object that fails the case schema
refuses the whole source. The origin of an adopted case is its author's name, else the pinned partner's name for
a package, else the file name.

- ``dry_run`` does every check and the whole import, then rolls back; a receipt is only checked.
- ``previewed`` is the SHA-256 the analyst saw in the preview (a file's, or a package's manifest's): if the
  source changed since, nothing is kept and the import is refused, inside its transaction.
- ``accept_jump`` lets a package whose sequence jumps beyond its partner's bound through (the analyst confirmed
  it with the partner); replay and rollback are refused all the same.
- ``progress(stage, done, total)`` and ``cancel()`` as everywhere; cancelling keeps nothing.

``accept_foreign_versions`` is the way in for the versions an import kept aside because their sender is not their
author (docs/exchange-format.md): the analyst accepts them, and the cases feature adopts the cases they carry in
the same transaction.

Refusals raise a ``WorkbenchError`` naming the cause; nothing is changed then.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from workbench.domain.errors import InvalidInput
from workbench.services import cases
from workbench.services.cases.stix import CaseImportHook, adopt_cases
from workbench.services.exchange.quarantine import QuarantineLimits, quarantined
from workbench.services.exchange.receipts import (
    Receipt,
    check_quarantined_receipt,
    import_quarantined_receipt,
    is_receipt,
)
from workbench.services.exchange.receive import PackageImport, import_quarantined, is_package
from workbench.services.exchange.verify import Verdict
from workbench.services.importing import foreign
from workbench.services.importing.importer import ImportSummary, import_file
from workbench.services.workspace import Workspace
from workbench.storage.database import Connection

Progress = Callable[[str, int, int], None]
CancelCheck = Callable[[], bool]


@dataclass(frozen=True)
class Imported:
    """What importing one source did (or, for a dry run, would do).

    ``result`` is the file's ``ImportSummary``, the package's ``PackageImport`` (verdict and summary) or the
    ``Receipt``. ``created``, ``updated`` and ``older`` are local case references, ``linked`` counts the objects
    linked to the case named with ``case_ref``, ``messages`` says it in sentences. For a receipt they are empty.
    """

    name: str
    result: ImportSummary | PackageImport | Receipt
    created: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    older: tuple[str, ...] = ()
    linked: int = 0
    messages: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        """``file``, ``package`` or ``receipt``."""
        if isinstance(self.result, ImportSummary):
            return "file"
        return "package" if isinstance(self.result, PackageImport) else "receipt"

    @property
    def summary(self) -> ImportSummary | None:
        """The import summary of a file or a package; None for a receipt."""
        if isinstance(self.result, ImportSummary):
            return self.result
        return self.result.summary if isinstance(self.result, PackageImport) else None

    def to_json(self) -> dict[str, Any]:
        data = self.result.to_json()
        if self.kind != "receipt":
            data["cases"] = {
                "created": list(self.created),
                "updated": list(self.updated),
                "older": list(self.older),
                "linked": self.linked,
            }
        return data


def _features(ws: Workspace, case_ref: str | None) -> CaseImportHook:
    """The features every import runs in its transaction. Checks ``case_ref`` names a case before anything is read."""
    return CaseImportHook(cases.get_case(ws, case_ref).ref if case_ref else None)


def import_source(
    ws: Workspace,
    path: str | os.PathLike[str],
    *,
    case_ref: str | None = None,
    strict: bool = False,
    dry_run: bool = False,
    previewed: str | None = None,
    accept_jump: bool = False,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
    now: datetime | None = None,
    limits: QuarantineLimits | None = None,
    quarantine_root: str | os.PathLike[str] | None = None,
) -> Imported:
    """Import one file, package or receipt; see the module docstring."""
    name = Path(path).name
    features = _features(ws, case_ref)
    if not is_package(path):
        return _import_file(ws, path, name, features, strict, dry_run, previewed, progress, cancel)
    with quarantined(path, limits=limits, root=quarantine_root, progress=progress, cancel=cancel) as box:
        if is_receipt(box):
            if dry_run:
                return Imported(name, check_quarantined_receipt(ws.conn, box, now=now).receipt)
            return Imported(name, import_quarantined_receipt(ws, box, now=now))

        def on_import(conn: Connection, summary: ImportSummary, verdict: Verdict) -> None:
            if previewed is not None and verdict.manifest_sha256 != previewed:
                raise InvalidInput(f"{name} changed after the preview; nothing was imported. {_AGAIN}")
            features(conn, summary, verdict.partner or verdict.producer.name)

        package = import_quarantined(
            ws,
            box,
            dry_run=dry_run,
            now=now,
            progress=progress,
            cancel=cancel,
            on_import=on_import,
            accept_jump=accept_jump,
        )
    return _with_cases(name, package, features)


_AGAIN = "Import it again to see a new preview."


def _import_file(
    ws: Workspace,
    path: str | os.PathLike[str],
    name: str,
    features: CaseImportHook,
    strict: bool,
    dry_run: bool,
    previewed: str | None,
    progress: Progress | None,
    cancel: CancelCheck | None,
) -> Imported:
    def before_commit(conn: Connection, summary: ImportSummary) -> None:
        if previewed is not None and summary.sha256 != previewed:
            raise InvalidInput(f"{name} changed after the preview; nothing was imported. {_AGAIN}")
        features(conn, summary, summary.source)

    summary = import_file(
        ws,
        path,
        strict=strict,
        dry_run=dry_run,
        before_commit=before_commit,
        progress=(lambda done, total: progress("import", done, total)) if progress else None,
        cancel=cancel,
    )
    return _with_cases(name, summary, features)


def _with_cases(name: str, result: ImportSummary | PackageImport, features: CaseImportHook) -> Imported:
    adopted = features.adopted
    return Imported(
        name,
        result,
        tuple(adopted.created),
        tuple(adopted.updated),
        tuple(adopted.older),
        features.linked,
        tuple(features.messages),
    )


def accept_foreign_versions(ws: Workspace, fids: list[int]) -> list[foreign.Accepted]:
    """``importing.foreign.accept_foreign_versions``, adopting in the same transaction the cases that the accepted
    versions carry (a case of ours that a partner changed is updated once the analyst accepts the change)."""

    def adopt(conn: Connection, ids: list[str]) -> None:
        adopt_cases(conn, ids, origin="an accepted foreign version")

    return foreign.accept_foreign_versions(ws, fids, after=adopt)
