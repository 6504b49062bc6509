"""The building blocks report sections are made of: paragraph styles, headings, paragraphs, bullet lists,
label-and-value tables, and how times and durations print.

Data tables (indicators, techniques, the improvement plan) are in ``tables``; the page furniture (labels, running
title, footer, watermark) in ``pages``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    ListFlowable,
    ListItem,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from workbench.services.reports.fonts import SANS, SANS_BOLD, register_fonts
from workbench.services.reports.pages import FRAME_WIDTH, RULE
from workbench.services.reports.text import markup

logger = logging.getLogger(__name__)

CELL_SIZE = 7.5
CELL_LEADING = 9.2
CELL_PAD = 2.5
MAX_CELL_LINES = 40

INK = colors.HexColor("#1A1A1A")
HEADER_FILL = colors.HexColor("#2E3440")
STRIPE = colors.HexColor("#F1F3F5")


class Styles:
    """The paragraph styles of every report (one set, built after the fonts are registered)."""

    def __init__(self) -> None:
        register_fonts()
        base = ParagraphStyle(
            "body",
            fontName=SANS,
            fontSize=9.5,
            leading=12.5,
            textColor=INK,
            alignment=TA_LEFT,
            spaceAfter=4,
            splitLongWords=1,
        )
        self.body = base
        self.small = ParagraphStyle("small", parent=base, fontSize=8, leading=10, spaceAfter=2)
        self.cell = ParagraphStyle("cell", parent=base, fontSize=CELL_SIZE, leading=CELL_LEADING, spaceAfter=0)
        self.cell_label = ParagraphStyle("cell_label", parent=self.cell, fontName=SANS_BOLD)
        self.title = ParagraphStyle("title", parent=base, fontName=SANS_BOLD, fontSize=22, leading=27, spaceAfter=10)
        self.subtitle = ParagraphStyle(
            "subtitle", parent=base, fontSize=12, leading=16, spaceAfter=14, textColor=colors.HexColor("#444444")
        )
        self.h1 = ParagraphStyle(
            "h1", parent=base, fontName=SANS_BOLD, fontSize=14, leading=18, spaceBefore=10, spaceAfter=6, keepWithNext=1
        )
        self.h2 = ParagraphStyle(
            "h2", parent=base, fontName=SANS_BOLD, fontSize=11, leading=14, spaceBefore=8, spaceAfter=4, keepWithNext=1
        )
        self.note = ParagraphStyle("note", parent=self.small, textColor=colors.HexColor("#555555"))


# -- building blocks ---------------------------------------------------------------------------------------------


#: Room a heading needs below it (its own lines and a few of what follows), or it starts on the next page: no
#: heading stands alone at the foot of a page.
HEADING_ROOM = {1: 90.0, 2: 64.0}


def heading(styles: Styles, text: str, level: int = 1) -> list[Flowable]:
    """A section title, moved to the next page when too little room is left for it and the start of its section."""
    style = styles.h1 if level == 1 else styles.h2
    return [CondPageBreak(HEADING_ROOM[1 if level == 1 else 2]), Heading(markup(text), style, level)]


class Heading(Paragraph):
    """A section title (a paragraph that says it is one, so that layout checks can find headings)."""

    def __init__(self, text: str, style: ParagraphStyle, level: int) -> None:
        super().__init__(text, style)
        self.level = level


def bind_headings(story: Sequence[Flowable]) -> list[Flowable]:
    """The story with each heading kept on one page with the notes right under it and the block that follows
    when that block is one that moves whole to the next page (a kept-together observation or judgement, a chart).

    ReportLab's keep-with-next does not reach into such a block (it never groups a ``KeepTogether``), so without
    this a heading and its notes stay alone at the foot of a page while the block starts the next one.
    """
    bound: list[Flowable] = []
    index = 0
    while index < len(story):
        item = story[index]
        if isinstance(item, Heading):
            end = index + 1
            while end < len(story) and _rides_along(story[end]):
                end += 1
            if end < len(story) and isinstance(story[end], (KeepTogether, Drawing)):
                bound.append(keep(*story[index : end + 1]))
                index = end + 1
                continue
        bound.append(item)
        index += 1
    return bound


def _rides_along(item: Flowable) -> bool:
    """A short note or a space under a heading (not a heading itself)."""
    if isinstance(item, Spacer):
        return True
    return isinstance(item, Paragraph) and not isinstance(item, Heading) and item.style.name in ("note", "small")


def paragraph(
    styles: Styles, text: object, style: ParagraphStyle | None = None, *, empty: str = "(not entered)"
) -> Paragraph:
    """Untrusted text as one paragraph; an empty value prints ``empty`` in the note style."""
    if text is None or str(text).strip() == "":
        return Paragraph(markup(empty), styles.note)
    return Paragraph(markup(text), style or styles.body)


def bullets(
    styles: Styles, items: Sequence[object], *, empty: str = "(none entered)", numbered: bool = False
) -> Flowable:
    """Untrusted items as a bulleted list (``numbered``: 1., 2., ...); no items print ``empty`` as a note."""
    if not items:
        return Paragraph(markup(empty), styles.note)
    indent = 16 if numbered else 12
    return ListFlowable(
        [ListItem(Paragraph(markup(item), styles.body), leftIndent=indent) for item in items],
        bulletType="1" if numbered else "bullet",
        bulletFormat="%s." if numbered else None,
        start=None if numbered else "•",
        leftIndent=indent,
        bulletFontName=SANS,
        bulletFontSize=styles.body.fontSize,
    )


def key_values(styles: Styles, rows: Sequence[tuple[str, object]], *, label_width: float = 48 * mm) -> Table:
    """A two-column table of labels and untrusted values (paragraphs, so long values wrap and split pages)."""
    data = [
        [
            Paragraph(markup(label), styles.cell_label),
            Paragraph(markup(value) if str(value or "").strip() else "–", styles.cell),
        ]
        for label, value in rows
    ]
    table = Table(data, colWidths=[label_width, FRAME_WIDTH - label_width], splitInRow=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), SANS, CELL_SIZE),  # the cell default (Helvetica) would not be embedded
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
                ("BACKGROUND", (0, 0), (0, -1), STRIPE),
                ("TOPPADDING", (0, 0), (-1, -1), CELL_PAD),
                ("BOTTOMPADDING", (0, 0), (-1, -1), CELL_PAD),
            ]
        )
    )
    return table


def keep(*flowables: Flowable) -> KeepTogether:
    """The flowables on one page (moved whole to the next when they do not fit). Blocks kept together inside are
    flattened: ReportLab measures a nested ``KeepTogether`` as taller than any page, which would push the whole
    block to a page of its own however much room is left."""
    return KeepTogether(_flattened(flowables))


def _flattened(flowables: Sequence[Flowable]) -> list[Flowable]:
    found: list[Flowable] = []
    for item in flowables:
        found += _flattened(item._content) if isinstance(item, KeepTogether) else [item]
    return found


def gap(height: float = 4) -> Spacer:
    return Spacer(1, height)


def utc(moment: datetime | None, *, empty: str = "–") -> str:
    """A time as reports print it: ``2026-01-10 08:00 UTC``."""
    if moment is None:
        return empty
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def clock(moment: datetime | None, *, empty: str = "–") -> str:
    """A time in a table column headed "(UTC)": ``2026-01-10 08:00``, narrow enough for one line."""
    return utc(moment, empty=empty).removesuffix(" UTC")


def day(moment: datetime | None, *, empty: str = "–") -> str:
    if moment is None:
        return empty
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%d")


def span(delta: timedelta) -> str:
    """A duration as people say it: ``2 d 3 h``, ``5 h 12 min``, ``40 min`` (the sign is the caller's). Each
    number is bound to its unit by a no-break space, so that a line never ends in "9" with "h" on the next."""
    minutes = int(abs(delta).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days}{NBSP}d {hours}{NBSP}h"
    if hours:
        return f"{hours}{NBSP}h {minutes}{NBSP}min"
    return f"{minutes}{NBSP}min"


NBSP = "\u00a0"
