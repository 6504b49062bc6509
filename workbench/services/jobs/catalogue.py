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
import tarfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.domain.errors import Cancelled, WorkbenchError
from workbench.services import exchange, intake
from workbench.services.exchange import ExportPreview, ExportResult, ReceiptWritten, Selection
from workbench.services.exchange.inbox_scan import FoundItem, ScanResult, examine, places, scan
from workbench.services.importing.importer import ImportSummary
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
    accept_jump: bool = False,
) -> Imported:
    """Import a STIX file, a package or a receipt (``intake.import_source``, the one way in); ``previewed`` is the
    SHA-256 the analyst saw in the preview, checked inside the import's transaction; ``accept_jump`` lets a
    package whose sequence jumps past its partner's bound in (the analyst confirmed it)."""
    return intake.import_source(
        ws,
        path,
        case_ref=case_ref,
        dry_run=dry_run,
        previewed=previewed,
        accept_jump=accept_jump,
        progress=_stages(control),
        cancel=control.cancelled,
    )


@dataclass(frozen=True)
class FilePreview:
    """One file of the window's import preview: its dry run's summary, or why it cannot be imported."""

    path: Path
    summary: ImportSummary | None = None
    problem: str = ""

    @property
    def importable(self) -> bool:
        return self.summary is not None and self.summary.changed_anything


def preview_files(ws: Workspace, control: TaskControl, *, paths: list[Path]) -> list[FilePreview]:
    """The dry run of each file, in order (the window's import preview of files dropped or chosen together)."""
    return [_dry_run(ws, path, number, len(paths), control) for number, path in enumerate(paths)]


def import_files(ws: Workspace, control: TaskControl, *, files: list[tuple[Path, str]]) -> list[Imported | FilePreview]:
    """Import each ``(path, previewed SHA-256)`` in its own transaction, one after the other; a file refused (or
    changed since its preview) is a ``FilePreview`` with the reason. Cancelling stops before the next file and keeps
    those already imported."""
    done: list[Imported | FilePreview] = []
    for number, (path, sha256) in enumerate(files):
        try:
            done.append(
                intake.import_source(
                    ws,
                    path,
                    previewed=sha256,
                    progress=_share(control, number, len(files)),
                    cancel=control.cancelled,
                )
            )
        except Cancelled:
            raise
        except WorkbenchError as exc:
            if control.cancelled():
                raise Cancelled() from None
            done.append(FilePreview(path, problem=exc.message))
    return done


def _share(control: TaskControl, number: int, count: int) -> Callable[[str, int, int], None]:
    """Progress over several files: file ``number`` of ``count`` counts as that share of the whole."""
    share = 1_000_000

    def report(_stage: str, done: int, total: int) -> None:
        part = done / total if total > 0 else 0.0
        control.progress(int((number + part) * share), count * share)

    return report


def looks_like_package(path: Path) -> bool:
    """An exchange package as the window's file import tells it apart: a folder with a manifest, or a tar file."""
    if path.is_dir():
        return (path / "manifest.json").is_file()
    return path.suffix.lower() == ".tar" and path.is_file() and tarfile.is_tarfile(path)


def _dry_run(ws: Workspace, path: Path, number: int, count: int, control: TaskControl) -> FilePreview:
    """One file's dry run, or why it cannot be imported here (cancelling raises ``Cancelled``)."""
    control.check()
    if looks_like_package(path):
        return FilePreview(
            path,
            problem=f"{path.name} is an exchange package; packages are verified and imported from the Exchange screen",
        )
    if not path.is_file():
        return FilePreview(path, problem=f"{path.name} is not a file that can be imported")
    try:
        imported = intake.import_source(
            ws, path, dry_run=True, progress=_share(control, number, count), cancel=control.cancelled
        )
    except Cancelled:
        raise
    except WorkbenchError as exc:
        if control.cancelled():
            raise Cancelled() from None
        return FilePreview(path, problem=exc.message)
    if imported.summary is None:
        return FilePreview(path, problem=f"{path.name} is not a STIX file")
    return FilePreview(path, imported.summary)


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
