"""The page furniture every report shares, and the building blocks its sections are made of.

Each page carries the TLP label at the top and at the bottom (TLP 2.0: capitals, no spaces, 12 pt, coloured text
on black), the report id and "Page X of Y" in the footer, and a DRAFT watermark until the report is final. The
cover carries the same label larger, with the TLP 2.0 sharing rule. Page totals are known only at the end, so the
canvas keeps each page until ``save`` and then writes the footers (ReportLab's usual two-pass-free recipe).

Tables of many rows (indicators, techniques) are built from plain strings wrapped here with precomputed row
heights: ReportLab draws plain strings without parsing them (safe for untrusted text) and, given the heights, does
not measure every cell again at each page break (a 5,000-row table builds several times faster).
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    ActionFlowable,
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    ListFlowable,
    ListItem,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from workbench.domain.tlp import Tlp
from workbench.services.reports.fonts import MONO, SANS, SANS_BOLD, register_fonts
from workbench.services.reports.text import MAX_CELL_CHARS, break_word, markup, plain, wrap_cell

logger = logging.getLogger(__name__)

PAGE_SIZE = A4
MARGIN_X = 18 * mm
MARGIN_TOP = 22 * mm
MARGIN_BOTTOM = 20 * mm
FRAME_WIDTH = PAGE_SIZE[0] - 2 * MARGIN_X
FRAME_HEIGHT = PAGE_SIZE[1] - MARGIN_TOP - MARGIN_BOTTOM
LABEL_SIZE = 12  # TLP 2.0: at least 12 pt
CELL_SIZE = 7.5
CELL_LEADING = 9.2
CELL_PAD = 2.5
MAX_CELL_LINES = 40

INK = colors.HexColor("#1A1A1A")
RULE = colors.HexColor("#9A9A9A")
HEADER_FILL = colors.HexColor("#2E3440")
STRIPE = colors.HexColor("#F1F3F5")

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


def paragraph(
    styles: Styles, text: object, style: ParagraphStyle | None = None, *, empty: str = "(not entered)"
) -> Paragraph:
    """Untrusted text as one paragraph; an empty value prints ``empty`` in the note style."""
    if text is None or str(text).strip() == "":
        return Paragraph(markup(empty), styles.note)
    return Paragraph(markup(text), style or styles.body)


def bullets(styles: Styles, items: Sequence[object], *, empty: str = "(none entered)") -> Flowable:
    if not items:
        return Paragraph(markup(empty), styles.note)
    return ListFlowable(
        [ListItem(Paragraph(markup(item), styles.body), leftIndent=12) for item in items],
        bulletType="bullet",
        start="•",
        leftIndent=12,
        bulletFontName=SANS,
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


@dataclass(frozen=True)
class Column:
    """A column of a data table: its title, its weight when the frame's width is shared out, and its font.

    Widths come from the content (see ``column_widths``): each column gets at least its longest word, the rest of
    the frame goes where text is long, weighted by ``share``. ``width`` fixes a column's width in points instead.
    ``spill`` (one column at most) prints a value that does not fit the column on one line on a line of its own
    below the row, across the whole table: indicator values are never broken inside a token.
    """

    title: str
    share: float
    mono: bool = False
    limit: int = MAX_CELL_CHARS
    width: float | None = None
    spill: bool = False
    size: float = CELL_SIZE


#: The widest a column's longest word may make it; longer words are broken between characters.
MAX_WORD_SHARE = 0.42
#: How much of each cell is measured to share the width out (a 600-character note says no more than its start).
_MEASURED_CHARS = 240
SPILL_NOTE = "(value on the next line)"


def column_widths(
    columns: Sequence[Column], rows: Sequence[Sequence[object]], total: float = FRAME_WIDTH
) -> list[float]:
    """Widths that add up to ``total``: every column at least as wide as its longest word (so that words are not
    broken in the middle), the space left shared in proportion to how much text each column holds beyond that.

    A column with a fixed ``width`` keeps it; a spilling column is only as wide as its title and its short values.
    """
    pad = 2 * CELL_PAD + 0.5
    least: list[float] = []
    natural: list[float] = []
    for index, column in enumerate(columns):
        font = MONO if column.mono else SANS
        words = plain(column.title).split() or [""]
        narrow = max(stringWidth(word, SANS_BOLD, CELL_SIZE) for word in words)
        wide = stringWidth(plain(column.title), SANS_BOLD, CELL_SIZE)
        for row in rows:
            text = plain(row[index], limit=_MEASURED_CHARS)
            if not text:
                continue
            for line in text.split("\n"):
                width = stringWidth(line, font, column.size)
                wide = max(wide, width)
                if width > narrow and not column.spill:
                    narrow = max(narrow, max(stringWidth(word, font, column.size) for word in line.split() or [""]))
        least.append(min(narrow, total * MAX_WORD_SHARE) + pad)
        natural.append(max(wide + pad, least[-1]))
    fixed = {index: column.width for index, column in enumerate(columns) if column.width is not None}
    free = total - sum(fixed.values())
    flexible = [index for index in range(len(columns)) if index not in fixed]
    floor = sum(least[index] for index in flexible)
    widths = [0.0] * len(columns)
    for index, width in fixed.items():
        widths[index] = width
    if floor >= free:  # not even the longest words fit: shrink in proportion (words break)
        for index in flexible:
            widths[index] = least[index] * free / floor
        return widths
    wanted = {index: (natural[index] - least[index]) * columns[index].share for index in flexible}
    spare = free - floor
    weight = sum(wanted.values())
    if weight <= 0 or sum(natural[index] for index in flexible) <= free:
        # Everything fits on one line: give the rest to the columns by their share.
        extra = {index: max(natural[index], least[index]) for index in flexible}
        spare = free - sum(extra.values())
        shares = sum(columns[index].share for index in flexible) or 1
        for index in flexible:
            widths[index] = extra[index] + spare * columns[index].share / shares
        return widths
    for index in flexible:
        widths[index] = least[index] + spare * wanted[index] / weight
    return widths


def data_table(
    columns: Sequence[Column], rows: Sequence[Sequence[object]], *, empty: str = "(none)", styles: Styles | None = None
) -> Flowable:
    """A table of untrusted plain-text rows, header repeated on every page, fast for thousands of rows."""
    if not rows:
        return Paragraph(markup(empty), (styles or Styles()).note)
    widths = column_widths(columns, rows)
    header = [column.title for column in columns]
    header_lines = max(
        len(wrap_cell(title, SANS_BOLD, CELL_SIZE, width - 2 * CELL_PAD))
        for title, width in zip(header, widths, strict=True)
    )
    head: list[str] = [
        "\n".join(wrap_cell(t, SANS_BOLD, CELL_SIZE, w - 2 * CELL_PAD)) for t, w in zip(header, widths, strict=True)
    ]
    fonts = [MONO if column.mono else SANS for column in columns]
    spill = next((index for index, column in enumerate(columns) if column.spill), None)
    data: list[list[str]] = []
    heights: list[float] = []
    spilled: list[bool] = []
    for row in rows:
        cells: list[str] = []
        lines_in_row = 1
        below: list[str] = []
        for index, (value, width, font, column) in enumerate(zip(row, widths, fonts, columns, strict=True)):
            if index == spill:
                text = plain(value, limit=column.limit)
                if "\n" not in text and stringWidth(text, font, column.size) <= width - 2 * CELL_PAD:
                    cells.append(text)
                    continue
                below = wrap_value(text, font, column.size, sum(widths) - 2 * CELL_PAD)
                cells.append(SPILL_NOTE)
                continue
            lines = wrap_cell(value, font, column.size, width - 2 * CELL_PAD, limit=column.limit)
            if len(lines) > MAX_CELL_LINES:
                lines = [*lines[: MAX_CELL_LINES - 1], "… (cut short)"]
            lines_in_row = max(lines_in_row, len(lines))
            cells.append("\n".join(lines))
        data.append(cells)
        heights.append(lines_in_row * CELL_LEADING + 2 * CELL_PAD + 1)
        spilled.append(False)
        if below:
            data.append(["\n".join(below[:MAX_CELL_LINES]), *([""] * (len(columns) - 1))])
            heights.append(min(len(below), MAX_CELL_LINES) * CELL_LEADING + 2 * CELL_PAD + 1)
            spilled.append(True)
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), SANS, CELL_SIZE, CELL_LEADING),
        ("FONT", (0, 0), (-1, 0), SANS_BOLD, CELL_SIZE, CELL_LEADING),
        ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("TOPPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("BOTTOMPADDING", (0, 0), (-1, -1), CELL_PAD),
    ]
    commands.extend(
        ("FONT", (index, 1), (index, -1), MONO, column.size, CELL_LEADING)
        for index, column in enumerate(columns)
        if column.mono
    )
    spill_size = columns[spill].size if spill is not None else CELL_SIZE
    return PagedTable(
        head, header_lines * CELL_LEADING + 2 * CELL_PAD + 1, data, heights, widths, commands, spilled, spill_size
    )


def wrap_value(text: str, font: str, size: float, width: float) -> list[str]:
    """A value (an indicator, a URL) in lines of at most ``width``, broken only after a separator (``/ ? & = ;``,
    a space) so that no host name, hash or token is split; a token wider than a whole line is the one exception."""
    if stringWidth(text, font, size) <= width:
        return [text]
    pieces = _VALUE_PIECES.findall(text)
    lines: list[str] = []
    current = ""
    for piece in pieces:
        if current and stringWidth(current + piece, font, size) > width:
            lines.append(current)
            current = ""
        if stringWidth(piece, font, size) > width:
            broken = break_word(piece, font, size, width)
            lines.extend(broken[:-1])
            current = broken[-1]
        else:
            current += piece
    if current:
        lines.append(current)
    return lines


_VALUE_PIECES = re.compile(r"[^/?&=;,\s]+[/?&=;,\s]*|[/?&=;,\s]+")


class PagedTable(Flowable):
    """A table of known row heights that splits itself page by page in time proportional to the rows placed.

    ReportLab's ``Table.split`` rebuilds and re-measures the whole remainder at every page break, which makes a
    5,000-row table quadratic. Here the heights are known in advance, so each split takes the rows that fit
    (a bisection over cumulative heights) and hands the rest on; only the rows of one page become a ``Table``.
    The header row is repeated on every page; stripes continue across pages. A spilled row (a long value on a
    line of its own, across the table) stays on the page of the row it belongs to and shares its stripe.
    """

    def __init__(
        self,
        header: list[str],
        header_height: float,
        rows: list[list[str]],
        heights: list[float],
        widths: list[float],
        commands: list[tuple[Any, ...]],
        spilled: list[bool] | None = None,
        spill_size: float = CELL_SIZE,
        first_group: int = 0,
    ) -> None:
        super().__init__()
        self.spill_size = spill_size
        self.header, self.header_height = header, header_height
        self.rows, self.heights, self.widths, self.commands = rows, heights, widths, commands
        self.spilled = spilled if spilled is not None else [False] * len(rows)
        self.first_group = first_group
        self._cumulative = list(accumulate(heights))

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = sum(self.widths)
        self.height = self.header_height + (self._cumulative[-1] if self._cumulative else 0)
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        fitting = bisect_right(self._cumulative, available_height - self.header_height)
        while 0 < fitting < len(self.rows) and self.spilled[fitting]:
            fitting -= 1  # a long value stays with its row
        if fitting == 0:
            if available_height < FRAME_HEIGHT * 0.9:
                return []  # start on the next page
            fitting = 1 + (1 if len(self.rows) > 1 and self.spilled[1] else 0)  # taller than a page: place it anyway
        if fitting >= len(self.rows):
            return [self._table(self.rows, self.heights, self.spilled, self.first_group)]
        groups = sum(1 for flag in self.spilled[:fitting] if not flag)
        rest = PagedTable(
            self.header,
            self.header_height,
            self.rows[fitting:],
            self.heights[fitting:],
            self.widths,
            self.commands,
            self.spilled[fitting:],
            self.spill_size,
            self.first_group + groups,
        )
        return [
            self._table(self.rows[:fitting], self.heights[:fitting], self.spilled[:fitting], self.first_group),
            rest,
        ]

    def draw(self) -> None:
        table = self._table(self.rows, self.heights, self.spilled, self.first_group)
        table.wrapOn(self.canv, self.width, self.height)
        table.drawOn(self.canv, 0, 0)

    def _table(self, rows: list[list[str]], heights: list[float], spilled: list[bool], first_group: int) -> Table:
        table = Table(
            [self.header, *rows],
            colWidths=self.widths,
            rowHeights=[self.header_height, *heights],
            repeatRows=1,
            hAlign="LEFT",
        )
        commands = list(self.commands)
        group = first_group - 1
        for number, flag in enumerate(spilled, start=1):
            if flag:
                commands += [
                    ("SPAN", (0, number), (-1, number)),
                    ("FONT", (0, number), (-1, number), MONO, self.spill_size, CELL_LEADING),
                ]
            else:
                group += 1
                if number > 1:
                    commands.append(("LINEABOVE", (0, number), (-1, number), 0.25, RULE))
            if group % 2:
                commands.append(("BACKGROUND", (0, number), (-1, number), STRIPE))
        commands.append(("LINEBELOW", (0, len(rows)), (-1, len(rows)), 0.25, RULE))
        table.setStyle(TableStyle(commands))
        return table


def keep(*flowables: Flowable) -> KeepTogether:
    return KeepTogether(list(flowables))


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
    """A duration as people say it: ``2 d 3 h``, ``5 h 12 min``, ``40 min`` (the sign is the caller's)."""
    minutes = int(abs(delta).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min"
