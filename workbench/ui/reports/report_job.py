"""What the Reports screen asks for, and the work that builds it (no Qt here: it runs in a worker thread).

``ReportRequest`` is the screen's form: kind, source (a case or a library search), marking ceiling, final, and
the analyst's part of a briefing. ``prepare`` does what ``workbench report`` does, through the same services
(``case_reports.report_from_case``, ``briefing_from_library.briefing_from_query``, ``render``), but keeps the PDF
in memory: nothing reaches the disk until the analyst saves it (``save``) or prints it (``record_print``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from workbench.domain.errors import InvalidInput
from workbench.domain.tlp import Tlp
from workbench.services.reports import RenderedReport, next_report_id, render
from workbench.services.reports.analyst_input import AnalystBriefing
from workbench.services.workspace import Workspace

logger = logging.getLogger(__name__)

KINDS = ("incident", "exercise", "briefing")


@dataclass(frozen=True)
class ReportRequest:
    """One report as the analyst set it up. Exactly one of ``case`` (a reference) and ``query`` is given;
    ``stage`` (an incident's stage, as ``Stage`` values) prints that one stage instead of the dossier."""

    kind: str
    case: str | None = None
    query: str | None = None
    tlp: Tlp | None = None
    final: bool = False
    related: bool = True
    analyst: AnalystBriefing = field(default_factory=AnalystBriefing)
    stage: str | None = None

    def check(self) -> None:
        """Refuse, in one line, what the command line refuses before it opens the workspace."""
        if self.kind not in KINDS:
            raise InvalidInput(f"unknown report {self.kind!r}; use one of {', '.join(KINDS)}")
        if self.stage is not None and self.kind != "incident":
            raise InvalidInput("a stage is one stage of an incident report")
        if self.case is not None:
            if not self.case.strip():
                raise InvalidInput("choose the case the report is about")
            return
        if self.kind != "briefing":
            raise InvalidInput(f"an {self.kind} report is built from a case: choose one in the list")
        if not (self.query or "").strip():
            raise InvalidInput("type the library search the briefing covers")


@dataclass(frozen=True)
class PreparedReport:
    """A report rendered in memory, what it was built from (for the audit entry), and what to tell the analyst."""

    request: ReportRequest
    rendered: RenderedReport
    source: dict[str, Any]
    found: str
    held_back: dict[str, int]

    @property
    def raised(self) -> bool:
        """The label is above the level asked for: something inside is marked higher."""
        asked = self.request.tlp
        return asked is not None and self.rendered.tlp > asked

    @property
    def suggested_name(self) -> str:
        """A file name for the save dialog: ``RPT-2026-0003-briefing.pdf``."""
        return f"{self.rendered.report_id}-{self.rendered.kind}.pdf"


Step = Callable[[str], None]
Page = Callable[[int], None]


def prepare(
    ws: Workspace, request: ReportRequest, *, step: Step = lambda _text: None, page: Page = lambda _number: None
) -> PreparedReport:
    """Collect the report's content and render it to memory.

    ``step`` is told what is being done; ``page`` is called for each page laid out, and whatever either raises
    (the task's ``Cancelled``) stops the work. Records nothing and writes no file.
    """
    request.check()
    step("collecting")
    report_id = generated_at = None
    final = request.final
    if request.case is not None:
        from workbench.services.cases.reports import report_from_case
        from workbench.services.reports.completeness import check_final

        made = report_from_case(
            ws,
            request.kind,
            request.case.strip(),
            analyst=request.analyst,
            tlp_ceiling=request.tlp,
            stage=request.stage,
            defang=request.final,  # final reports print network values defanged, as on the command line
        )
        report, source, held_back = made.report, made.source, dict(made.held_back)
        found = f"case {made.case.ref}: {made.linked} linked object{'' if made.linked == 1 else 's'}"
        if made.missing:
            found += f", {made.missing} not in this library"
        if made.frozen is not None:
            # The stage as it was sent: the same report id, time and bytes as when its submission was recorded.
            report_id, generated_at, final = made.frozen.report_id, made.frozen.rendered_at, True
            found += f"; the {made.frozen.document.stage.label.lower()} as submitted (report {report_id})"
        elif getattr(report, "reconstructed", False):
            found += f"; the {report.stage.label.lower()} was submitted, but what it said is not held here"
        elif request.stage is not None:
            found += f"; the {report.stage.label.lower()} as drafted from the case now"
        if final and made.frozen is None and request.kind != "briefing":
            check_final(report)
    else:
        from workbench.services.reports.briefing_from_library import briefing_from_query

        query = (request.query or "").strip()
        selection = briefing_from_query(ws, query, request.analyst, tlp_ceiling=request.tlp, related=request.related)
        report, held_back = selection.briefing, dict(selection.held_back)
        report.defang = request.final
        source = {"query": query, "matched": selection.matched, "related": selection.related, "held_back": held_back}
        found = (
            f"the library search “{query[:80]}”: {selection.matched} objects found, {selection.related} related added"
        )
    step("rendering")
    rendered = render(
        report,
        report_id=report_id or next_report_id(ws),
        final=final,
        generated_at=generated_at,
        progress=page,
    )
    logger.info("report prepared in memory: %s, %d pages", rendered.kind, rendered.pages)
    return PreparedReport(request, rendered, source, found, held_back)
