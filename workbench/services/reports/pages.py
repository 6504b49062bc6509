"""The page furniture every report shares: geometry, TLP labels, running title, footer, watermark, document.

Each page carries the TLP label at the top and at the bottom (TLP 2.0: capitals, no spaces, 12 pt, coloured text
on black), the report id and "Page X of Y" in the footer, and a DRAFT watermark until the report is final. The
cover carries the same label larger, with the TLP 2.0 sharing rule. Page totals are known only at the end, so the
canvas keeps each page until ``save`` and then writes the footers (ReportLab's usual two-pass-free recipe).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    ActionFlowable,
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    PageBreak,
    PageTemplate,
    Spacer,
)

from workbench.domain.tlp import Tlp
from workbench.services.reports.fonts import SANS, SANS_BOLD
from workbench.services.reports.text import plain

logger = logging.getLogger(__name__)

PAGE_SIZE = A4
MARGIN_X = 18 * mm
MARGIN_TOP = 22 * mm
MARGIN_BOTTOM = 20 * mm
FRAME_WIDTH = PAGE_SIZE[0] - 2 * MARGIN_X
FRAME_HEIGHT = PAGE_SIZE[1] - MARGIN_TOP - MARGIN_BOTTOM
LABEL_SIZE = 12  # TLP 2.0: at least 12 pt
RULE = colors.HexColor("#9A9A9A")

#: FIRST's TLP 2.0 sharing rules, printed on the cover under the label.
TLP_RULES = {
    Tlp.CLEAR: "Recipients can spread this to the world; there is no limit on disclosure.",
    Tlp.GREEN: "Limited disclosure: recipients can spread this within their community, not publicly.",
    Tlp.AMBER: "Limited disclosure: recipients can only spread this on a need-to-know basis within their "
    "organisation and its clients.",
    Tlp.AMBER_STRICT: "Limited disclosure: recipients can only spread this on a need-to-know basis within their "
    "own organisation.",
    Tlp.RED: "For the eyes and ears of individual recipients only; no further disclosure.",
}


@dataclass(frozen=True)
class PageChrome:
    """What every page shows besides its content."""

    report_id: str
    tlp: Tlp
    final: bool
    running_title: str
    generated_at: datetime
    kind: str = "report"


# -- page furniture ----------------------------------------------------------------------------------------------


def label_width(tlp: Tlp, size: float = LABEL_SIZE) -> float:
    """The width of the TLP label's black box, drawn by ``draw_label``."""
    return stringWidth(tlp.label, SANS_BOLD, size) + 2 * size * 0.35


def draw_label(canvas: Canvas, tlp: Tlp, right: float, baseline: float, size: float = LABEL_SIZE) -> None:
    """The TLP label as TLP 2.0 prints it: capitals, no spaces, coloured text on a black box, right-aligned."""
    text = tlp.label
    width = label_width(tlp, size) - 2 * size * 0.35
    pad = size * 0.35
    canvas.saveState()
    canvas.setFillColor(colors.black)
    canvas.rect(right - width - 2 * pad, baseline - pad * 0.9, width + 2 * pad, size + pad * 1.2, stroke=0, fill=1)
    canvas.setFillColor(colors.HexColor(tlp.colour))
    canvas.setFont(SANS_BOLD, size)
    canvas.drawRightString(right - pad, baseline, text)
    canvas.restoreState()


#: Space kept between the running title and the TLP label at the top of each page.
TITLE_GAP = 6 * mm
RUNNING_TITLE_SIZE = 8


def fit_text(text: str, font: str, size: float, width: float) -> str:
    """``text`` on one line of at most ``width`` points: cut at a word with an ellipsis when it is longer."""
    line = " ".join(plain(text, limit=2_000).split())
    if stringWidth(line, font, size) <= width:
        return line
    words = line.split(" ")
    while len(words) > 1 and stringWidth(" ".join(words) + " …", font, size) > width:
        words.pop()
    cut = " ".join(words)
    while cut and stringWidth(cut + " …", font, size) > width:  # one word longer than the space: cut inside it
        cut = cut[:-1]
    return f"{cut} …" if cut else "…"


def running_title_box(chrome: PageChrome) -> tuple[float, float]:
    """Left and right ends of the space the running title may use: the top label's box begins after it."""
    right = PAGE_SIZE[0] - MARGIN_X - label_width(chrome.tlp) - TITLE_GAP
    return MARGIN_X, right


def _draw_page(canvas: Canvas, chrome: PageChrome) -> None:
    """Header and footer drawn when a page begins: labels, running title (never under the label), report id."""
    width, height = PAGE_SIZE
    right = width - MARGIN_X
    draw_label(canvas, chrome.tlp, right, height - 13 * mm)
    draw_label(canvas, chrome.tlp, right, 8 * mm)
    canvas.saveState()
    canvas.setFont(SANS, RUNNING_TITLE_SIZE)
    canvas.setFillColor(colors.HexColor("#555555"))
    left, end = running_title_box(chrome)
    canvas.drawString(left, height - 13 * mm, fit_text(chrome.running_title, SANS, RUNNING_TITLE_SIZE, end - left))
    canvas.drawString(MARGIN_X, 8 * mm, f"Report {chrome.report_id}")
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.4)
    canvas.line(MARGIN_X, height - MARGIN_TOP + 4 * mm, right, height - MARGIN_TOP + 4 * mm)
    canvas.line(MARGIN_X, MARGIN_BOTTOM - 4 * mm, right, MARGIN_BOTTOM - 4 * mm)
    canvas.restoreState()


def _draw_watermark(canvas: Canvas, chrome: PageChrome) -> None:
    """DRAFT across the page, drawn over the content but light enough to read through."""
    if chrome.final:
        return
    width, height = PAGE_SIZE
    canvas.saveState()
    canvas.setFillColor(colors.HexColor("#C00000"))
    canvas.setFillAlpha(0.10)
    canvas.setFont(SANS_BOLD, 110)
    canvas.translate(width / 2, height / 2)
    canvas.rotate(50)
    canvas.drawCentredString(0, -35, "DRAFT")
    canvas.restoreState()


def canvas_class(chrome: PageChrome, counter: dict[str, int]) -> type[Canvas]:
    """A canvas that holds its pages until ``save`` so that each footer can say "Page X of Y".

    ``counter["pages"]`` holds the page count once the document is saved.
    """

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            counter["pages"] = total
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont(SANS, 8)
                self.setFillColor(colors.HexColor("#555555"))
                self.drawCentredString(PAGE_SIZE[0] / 2, 8 * mm, f"Page {self._pageNumber} of {total}")
                super().showPage()
            super().save()

    return NumberedCanvas


class ReportDocTemplate(BaseDocTemplate):
    """A4 portrait, a cover template and a body template, both with the report's page furniture."""

    def __init__(self, target: Any, chrome: PageChrome) -> None:
        super().__init__(
            target,
            pagesize=PAGE_SIZE,
            leftMargin=MARGIN_X,
            rightMargin=MARGIN_X,
            topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM,
            title=f"{plain(chrome.running_title, limit=200)} ({chrome.report_id}, {chrome.tlp.label})",
            subject=f"{chrome.kind} report {chrome.report_id}, marked {chrome.tlp.label}",
            keywords=[chrome.report_id, chrome.tlp.label, chrome.kind, "FINAL" if chrome.final else "DRAFT"],
            author="workbench",
            creator="workbench",
            invariant=1,
            # Every page's preamble names the initial font: ours, so that no unembedded Helvetica is referenced.
            initialFontName=SANS,
        )
        self.chrome = chrome
        #: (page, flowable class name, heading level or 0) of every flowable placed: what layout checks read.
        self.placed: list[tuple[int, str, int]] = []
        frame = Frame(
            MARGIN_X,
            MARGIN_BOTTOM,
            FRAME_WIDTH,
            FRAME_HEIGHT,
            id="body",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )

        def begin(canvas: Canvas, _doc: Any) -> None:
            _draw_page(canvas, chrome)

        def end(canvas: Canvas, _doc: Any) -> None:
            _draw_watermark(canvas, chrome)

        self.addPageTemplates(
            [
                PageTemplate(id="cover", frames=[frame], onPage=begin, onPageEnd=end),
                PageTemplate(id="body", frames=[frame], onPage=begin, onPageEnd=end),
            ]
        )

    def afterFlowable(self, flowable: Flowable) -> None:
        if not isinstance(flowable, (Spacer, CondPageBreak, PageBreak, ActionFlowable)):
            self.placed.append((self.page, type(flowable).__name__, getattr(flowable, "level", 0)))
