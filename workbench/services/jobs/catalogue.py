"""The heavy work the window hands to its worker process: imports, exports with their sharing plan, package
verification, receipts and report rendering.

Each job is a module-level function ``job(ws, control, **params)``: the window names it and its parameters (plain
values that pickle), the worker process runs it on its own connection to the workspace, with ``control`` for
cancellation and progress. Whatever the window used to pass as a callback is a parameter here, so that a job can
cross the process boundary: the hash of the file or package previewed, for instance, which the import checks inside
its transaction. Progress messages are keys (an exchange stage, ``collecting``, ``page``), translated by the window.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.domain.errors import InvalidInput
from workbench.services import exchange
from workbench.services.cases import exchange as case_exchange
from workbench.services.cases.exchange import CaseImport
from workbench.services.exchange import ExportPreview, ExportResult, ReceiptWritten, Selection, Verdict
from workbench.services.exchange.inbox_scan import FoundItem, ScanResult, examine, places, scan
from workbench.services.importing.importer import ImportSummary
from workbench.services.importing.importer import import_file as import_one_file
from workbench.services.jobs.control import TaskControl
from workbench.services.reports.request import PreparedReport, ReportRequest, prepare
from workbench.services.workspace import Workspace
from workbench.storage.database import Connection


def _stages(control: TaskControl) -> Any:
    """The exchange's ``progress(stage, done, total)`` as the control's progress, the stage as its message."""
    return lambda stage, done, total: control.progress(done, total, stage)


def import_file(
    ws: Workspace, control: TaskControl, *, path: Path, dry_run: bool = False, previewed_sha256: str | None = None
) -> ImportSummary:
    """Import a STIX file (``importer.import_file``); with ``previewed_sha256``, keep nothing unless the file
    still has the hash the analyst previewed (checked inside the import's transaction)."""

    def same_file(_conn: Connection, summary: ImportSummary) -> None:
        if previewed_sha256 is not None and summary.sha256 != previewed_sha256:
            raise InvalidInput(
                f"{path.name} changed after the preview; nothing was imported. Import it again to see a new preview."
            )

    return import_one_file(
        ws,
        path,
        dry_run=dry_run,
        progress=control.progress,
        cancel=control.cancelled,
        before_commit=same_file if previewed_sha256 is not None else None,
    )


def import_item(
    ws: Workspace,
    control: TaskControl,
    *,
    path: Path,
    dry_run: bool = False,
    previewed_manifest_sha256: str | None = None,
) -> CaseImport:
    """Import a package or a receipt and adopt the cases it carries (``case_exchange.import_item``); with
    ``previewed_manifest_sha256``, refuse a package whose manifest is no longer the one previewed."""
    options: dict[str, Any] = {"dry_run": dry_run, "progress": _stages(control), "cancel": control.cancelled}
    if previewed_manifest_sha256 is not None:

        def same_package(_conn: Connection, _summary: ImportSummary, verdict: Verdict) -> None:
            if verdict.manifest_sha256 != previewed_manifest_sha256:
                raise InvalidInput(
                    f"{path.name} changed on the medium after the preview; nothing was imported. "
                    "Import it again to see a new preview."
                )

        options["on_import"] = same_package
    return case_exchange.import_item(ws, path, **options)


def examine_item(ws: Workspace, control: TaskControl, *, path: Path, origin: str = "") -> FoundItem:
    """The verdict on one package or receipt (``inbox_scan.examine``): quarantine copy, signature, files."""
    return examine(ws, path, origin=origin, cancel=control.cancelled)


def scan_inbox(
    ws: Workspace,
    control: TaskControl,
    *,
    folders: list[Path],
    proc_root: str | os.PathLike[str] = "/proc",
    sys_root: str | os.PathLike[str] = "/sys",
) -> ScanResult:
    """Find and judge what the removable volumes and ``folders`` hold (``inbox_scan.scan``); the volumes are
    listed here too, since ``statvfs`` on a failing stick can hang."""
    where = places(folders, proc_root=proc_root, sys_root=sys_root)
    return scan(
        ws, where, cancel=control.cancelled, progress=lambda done, total, name: control.progress(done, total, name)
    )


def preview_export(
    ws: Workspace, control: TaskControl, *, recipient: str, selection: Selection, **options: Any
) -> ExportPreview:
    """The sharing plan of an export (``exchange.preview_export``): what leaves, what is held back and why."""
    return exchange.preview_export(ws, recipient, selection, cancel=control.cancelled, **options)


def export_package(
    ws: Workspace, control: TaskControl, *, dest: Path, recipient: str, selection: Selection, **options: Any
) -> ExportResult:
    """Write, sign, read back and verify a package (``exchange.export_package``)."""
    return exchange.export_package(
        ws, dest, recipient, selection, cancel=control.cancelled, progress=_stages(control), **options
    )


def write_receipt(
    ws: Workspace, control: TaskControl, *, package_id: str, dest: Path, tar: bool = False
) -> ReceiptWritten:
    """A signed receipt for a package imported here, written to ``dest`` and read back."""
    control.check()
    return exchange.write_receipt(ws, package_id, dest, tar=tar)


def prepare_report(ws: Workspace, control: TaskControl, *, request: ReportRequest) -> PreparedReport:
    """A report rendered in memory (``request.prepare``); progress says ``collecting``, ``rendering``, then
    ``page`` with the number of each page laid out."""

    def step(what: str) -> None:
        control.check()
        control.progress(0, 0, what)

    def page(number: int) -> None:
        control.check()
        control.progress(number, 0, "page")

    return prepare(ws, request, step=step, page=page)


@dataclass(frozen=True)
class WorkerInfo:
    """Who ran a job: for the smoke test of the frozen program and for tests."""

    pid: int
    org_name: str
    objects: int


def describe_worker(ws: Workspace, control: TaskControl) -> WorkerInfo:
    """The process that runs the jobs and what it sees of the workspace."""
    control.check()
    return WorkerInfo(os.getpid(), ws.org_name, ws.objects.count())
