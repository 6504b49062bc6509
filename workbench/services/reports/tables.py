"""Data tables: column widths from their content, values that are never split inside a token, and a table
that pages itself in time proportional to its rows.

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
from itertools import accumulate
from typing import Any

from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from workbench.services.reports.fonts import MONO, SANS, SANS_BOLD
from workbench.services.reports.layout import (
    CELL_LEADING,
    CELL_PAD,
    CELL_SIZE,
    HEADER_FILL,
    MAX_CELL_LINES,
    STRIPE,
    Styles,
)
from workbench.services.reports.pages import FRAME_HEIGHT, FRAME_WIDTH, RULE
from workbench.services.reports.text import MAX_CELL_CHARS, break_word, markup, plain, word_pieces, words, wrap_cell

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Column:
    """A column of a data table: its title, its weight when the frame's width is shared out, and its font.

    Widths come from the content (see ``column_widths``): each column gets at least its longest word, the rest of
    the frame goes where text is long, weighted by ``share``. ``width`` fixes a column's width in points instead.
    ``spill`` (one column at most) prints a value that does not fit the column on one line on a line of its own
    below the row, across the whole table: indicator values are never broken inside a token. An ``optional``
    column is left out when no row has anything in it (a column of dashes tells the reader nothing).
    """

    title: str
    share: float
    mono: bool = False
    limit: int = MAX_CELL_CHARS
    width: float | None = None
    spill: bool = False
    size: float = CELL_SIZE
    optional: bool = False


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
        title_words = words(plain(column.title)) or [""]
        narrow = max(stringWidth(word, SANS_BOLD, CELL_SIZE) for word in title_words)
        wide = stringWidth(plain(column.title), SANS_BOLD, CELL_SIZE)
        for row in rows:
            text = plain(row[index], limit=_MEASURED_CHARS)
            if not text:
                continue
            for line in text.split("\n"):
                width = stringWidth(line, font, column.size)
                wide = max(wide, width)
                if width > narrow and not column.spill:
                    # A sans-serif cell may break after a hyphen: its longest piece is what must fit.
                    pieces = words(line) if column.mono else [p for w in words(line) for p in word_pieces(w)]
                    narrow = max(narrow, max((stringWidth(piece, font, column.size) for piece in pieces), default=0))
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
    unused = {
        index
        for index, column in enumerate(columns)
        if column.optional and all(str(row[index] or "").strip() in ("", "–") for row in rows)
    }
    if unused:
        columns = [column for index, column in enumerate(columns) if index not in unused]
        rows = [[value for index, value in enumerate(row) if index not in unused] for row in rows]
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
            lines = wrap_cell(
                value, font, column.size, width - 2 * CELL_PAD, limit=column.limit, hyphens=not column.mono
            )
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
