"""The heavy work the window hands to its worker process: imports, exports with their sharing plan, package
verification, receipts and report rendering.

Each job is a module-level function ``job(ws, control, **params)``: the window names it and its parameters (plain
values that pickle), the worker process runs it on its own connection to the workspace, with ``control`` for
cancellation and progress. Nothing crosses the process boundary as a callback: what the window checks is a
parameter (the digest of the file or package previewed, which the import checks inside its transaction).
Progress messages are keys (an exchange stage, ``collecting``, ``page``), worded by the window.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.services import exchange, intake
from workbench.services.exchange import ExportPreview, ExportResult, ReceiptWritten, Selection
from workbench.services.exchange.inbox_scan import FoundItem, ScanResult, examine, places, scan
from workbench.services.intake import Imported
from workbench.services.jobs.control import TaskControl
from workbench.services.reports.request import PreparedReport, ReportRequest, prepare
from workbench.services.workspace import Workspace


def _stages(control: TaskControl) -> Any:
    """The exchange's ``progress(stage, done, total)`` as the control's progress, the stage as its message."""
    return lambda stage, done, total: control.progress(done, total, stage)


def import_source(
    ws: Workspace,
    control: TaskControl,
    *,
    path: Path,
    dry_run: bool = False,
    previewed: str | None = None,
    case_ref: str | None = None,
) -> Imported:
    """Import a STIX file, a package or a receipt (``intake.import_source``, the one way in); ``previewed`` is the
    SHA-256 the analyst saw in the preview, checked inside the import's transaction."""
    return intake.import_source(
        ws,
        path,
        case_ref=case_ref,
        dry_run=dry_run,
        previewed=previewed,
        progress=_stages(control),
        cancel=control.cancelled,
    )


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
