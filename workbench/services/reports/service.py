"""Rendering a report input to PDF bytes, saving it without leaving partial files, and recording it.

``render`` needs no workspace (the window's preview uses it on its own); ``save`` writes a rendered report beside
its target under a temporary name, fsyncs, renames, and records ``report.generated`` with the PDF's SHA-256 (the
window saves exactly the PDF it previewed); ``generate`` is ``render`` then ``save``. ``record_print`` is what the
window calls after ``QPrinter`` has printed.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reportlab.platypus import Flowable

from workbench.domain.errors import InvalidInput
from workbench.domain.tlp import Tlp
from workbench.services.reports import attachments, briefing, exercise, incident, stage
from workbench.services.reports.layout import Styles, bind_headings
from workbench.services.reports.model import (
    BriefingInput,
    ExerciseReportInput,
    IncidentReportInput,
    ReportInput,
    StageDocument,
    effective_tlp,
)
from workbench.services.reports.pages import PageChrome, ReportDocTemplate, canvas_class
from workbench.services.workspace import Workspace
from workbench.storage import audit

logger = logging.getLogger(__name__)

GENERATED_ACTION = "report.generated"
PRINTED_ACTION = "report.printed"
#: A stage submission recorded with its snapshot: the stage was rendered under a report id of its own.
STAGE_ACTION = "case.stage"


@dataclass(frozen=True)
class RenderedReport:
    """A rendered PDF in memory and what identifies it."""

    report_id: str
    kind: str
    tlp: Tlp
    final: bool
    pages: int
    pdf: bytes
    #: (page, flowable class, heading level) of what was placed: what the layout checks read.
    placed: tuple[tuple[int, str, int], ...] = ()

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.pdf).hexdigest()


def render(
    report: ReportInput,
    *,
    report_id: str,
    final: bool = False,
    generated_at: datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> RenderedReport:
    """The PDF of a report. Never reads a file other than the shipped fonts, whatever the input's text says.

    ``generated_at`` (default now) is printed on the cover and is the "as of" time for NIS2 deadlines.
    ``progress`` is called with the number of each page laid out; whatever it raises (the window's ``Cancelled``)
    stops the rendering and propagates.
    """
    moment = (generated_at or datetime.now(UTC)).astimezone(UTC)
    tlp = effective_tlp(report)
    chrome = PageChrome(
        report_id=report_id,
        tlp=tlp,
        final=final,
        running_title=_running_title(report),
        generated_at=moment,
        kind=report.kind,
    )
    styles = Styles()
    story = bind_headings(_story(report, chrome, styles, moment))
    buffer = io.BytesIO()
    counter: dict[str, int] = {}
    document = ReportDocTemplate(buffer, chrome)
    if progress is not None:
        document.setProgressCallBack(lambda kind, value: progress(int(value)) if kind == "PAGE" else None)
    document.build(story, canvasmaker=canvas_class(chrome, counter))
    pdf = buffer.getvalue()
    if not isinstance(report, ExerciseReportInput):
        pdf = attachments.attach(
            pdf, attachments.indicator_files(report.indicators, report.indicator_objects, report_id)
        )
    logger.info("rendered %s report, %d pages", report.kind, counter.get("pages", 0))
    return RenderedReport(report_id, report.kind, tlp, final, counter.get("pages", 0), pdf, tuple(document.placed))


def _running_title(report: ReportInput) -> str:
    if isinstance(report, StageDocument):
        return f"{stage.document_title(report.stage)}: {report.title}"
    return report.title or report.kind


def _story(report: ReportInput, chrome: PageChrome, styles: Styles, moment: datetime) -> list[Flowable]:
    if isinstance(report, IncidentReportInput):
        return incident.build(report, chrome, styles, moment)
    if isinstance(report, ExerciseReportInput):
        return exercise.build(report, chrome, styles)
    if isinstance(report, BriefingInput):
        return briefing.build(report, chrome, styles)
    if isinstance(report, StageDocument):
        return stage.build(report, chrome, styles)
    raise TypeError(f"not a report input: {type(report).__name__}")


def next_report_id(ws: Workspace, *, year: int | None = None) -> str:
    """``RPT-2026-0007``: the next number of the year among the reports this workspace has saved or printed.

    A report printed from the window's preview without being saved has used its number too, and so has a stage
    frozen when its submission was recorded.
    """
    year = year or datetime.now(UTC).year
    prefix = f"RPT-{year}-"
    used = [
        entry.details.get("report_id", "")
        for action in (GENERATED_ACTION, PRINTED_ACTION, STAGE_ACTION)
        for entry in audit.entries(ws.conn, action=action)
    ]
    numbers = [
        int(item[len(prefix) :])
        for item in used
        if isinstance(item, str) and item.startswith(prefix) and item[len(prefix) :].isdigit()
    ]
    return f"{prefix}{max(numbers, default=0) + 1:04d}"


def write_atomically(data: bytes, target: str | os.PathLike[str]) -> Path:
    """Write ``data`` to ``target`` so that a failure at any point leaves no partial file under that name.

    The bytes go to a temporary file in the same folder, are flushed to disk, and the file is renamed over the
    target. Refuses a target whose folder does not exist or that is a folder itself.
    """
    path = Path(target)
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise InvalidInput(f"{path} is a folder; give a file name ending in .pdf")
    if not folder.is_dir():
        raise InvalidInput(f"the folder {folder} does not exist")
    try:
        handle, temporary = tempfile.mkstemp(prefix=".report-", suffix=".part", dir=folder)
    except OSError as exc:
        raise InvalidInput(f"cannot write in {folder}: {exc.strerror}") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise InvalidInput(f"cannot write {path}: {exc.strerror}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return path


def generate(
    ws: Workspace,
    report: ReportInput,
    out: str | os.PathLike[str],
    *,
    final: bool = False,
    report_id: str | None = None,
    source: dict[str, Any] | None = None,
    generated_at: datetime | None = None,
) -> RenderedReport:
    """Render, save to ``out`` atomically, and record ``report.generated`` (id, kind, marking, pages, SHA-256).

    ``source`` names what the report was built from (``{"case": id}`` or ``{"query": text, ...}``) for the audit
    entry. Nothing is recorded when rendering or writing fails.
    """
    _check_pdf_name(Path(out))
    rendered = render(report, report_id=report_id or next_report_id(ws), final=final, generated_at=generated_at)
    return save(ws, rendered, out, source=source)


def save(
    ws: Workspace, rendered: RenderedReport, out: str | os.PathLike[str], *, source: dict[str, Any] | None = None
) -> RenderedReport:
    """Write an already rendered report to ``out`` atomically and record ``report.generated`` with its SHA-256.

    Refuses a name not ending in ``.pdf`` and a target it cannot write; nothing is recorded then.
    """
    target = Path(out)
    _check_pdf_name(target)
    write_atomically(rendered.pdf, target)
    ws.record(
        GENERATED_ACTION,
        {
            "report_id": rendered.report_id,
            "kind": rendered.kind,
            "tlp": rendered.tlp.short,
            "final": rendered.final,
            "pages": rendered.pages,
            "sha256": rendered.sha256,
            "file": target.name,
            "source": source or {},
        },
    )
    return rendered


def _check_pdf_name(target: Path) -> None:
    if target.suffix.lower() != ".pdf":
        raise InvalidInput(f"{target.name}: the report file name must end in .pdf")


def record_print(
    ws: Workspace, report: RenderedReport, *, printer: str, copies: int, page_range: str | None = None
) -> None:
    """Record that a rendered report was printed (the window calls this once ``QPrinter`` has finished).

    ``page_range`` (``"2-3"``) is recorded when only some pages were printed.
    """
    if copies < 1:
        raise InvalidInput("the number of copies must be at least 1")
    details: dict[str, Any] = {
        "report_id": report.report_id,
        "kind": report.kind,
        "tlp": report.tlp.short,
        "sha256": report.sha256,
        "pages": report.pages,
        "printer": str(printer)[:200],
        "copies": int(copies),
    }
    if page_range:
        details["page_range"] = str(page_range)[:200]
    ws.record(PRINTED_ACTION, details)
