"""Charts drawn with ``reportlab.graphics``: incidents by sector, indicators by type over time, ATT&CK heat map.

Each function returns a ``Drawing`` sized to the frame width (it never overflows the page: long label lists are
shortened and the heat map caps its rows with a "+N more" cell), or None when there is nothing to draw. Labels
are untrusted text, printed as plain strings through ``text.plain``.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import UTC

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth

from workbench.services.reports.fonts import SANS, SANS_BOLD
from workbench.services.reports.model import IndicatorRow, TechniqueRow
from workbench.services.reports.text import plain

logger = logging.getLogger(__name__)

PALETTE = [
    colors.HexColor(code) for code in ("#1F4E79", "#C55A11", "#548235", "#7030A0", "#BF9000", "#2E75B6", "#7F7F7F")
]
MAX_SECTORS = 20
MAX_TYPES = 6
MAX_MONTHS = 24

#: Tactic columns in ATT&CK matrix order (Enterprise, then the ICS and Mobile tactics it lacks).
TACTIC_ORDER = (
    "reconnaissance",
    "resource-development",
    "initial-access",
    "execution",
    "persistence",
    "privilege-escalation",
    "defense-evasion",
    "evasion",
    "credential-access",
    "discovery",
    "lateral-movement",
    "collection",
    "command-and-control",
    "exfiltration",
    "inhibit-response-function",
    "impair-process-control",
    "network-effects",
    "remote-service-effects",
    "impact",
)


def _drawing(width: float, height: float) -> Drawing:
    """A drawing whose initial font is ours: ReportLab's default (Helvetica) would be referenced unembedded."""
    drawing = Drawing(width, height)
    drawing.initialFontName = SANS
    drawing.initialFontSize = 7
    return drawing


def _shorten(text: str, length: int) -> str:
    text = plain(text, limit=10_000).replace("\n", " ")
    return text if len(text) <= length else text[: length - 1] + "…"


def incidents_by_sector(counts: Sequence[tuple[str, int]], width: float) -> Drawing | None:
    """Horizontal bars, one per sector, most incidents first; None when no sector has any."""
    merged: Counter[str] = Counter()
    for sector, count in counts:
        if count > 0:
            merged[_shorten(sector or "unspecified", 34)] += count
    if len(merged) < 2:  # one bar compares nothing: the table says it
        return None
    ranked = merged.most_common()
    if len(ranked) > MAX_SECTORS:
        rest = sum(count for _, count in ranked[MAX_SECTORS - 1 :])
        ranked = [*ranked[: MAX_SECTORS - 1], (f"{len(ranked) - MAX_SECTORS + 1} other sectors", rest)]
    ranked.reverse()  # the chart draws the first category at the bottom
    bar = 16
    height = len(ranked) * bar + 40
    drawing = _drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 150, 20
    chart.width, chart.height = width - 190, len(ranked) * bar
    chart.data = [[count for _, count in ranked]]
    chart.categoryAxis.categoryNames = [name for name, _ in ranked]
    chart.categoryAxis.labels.fontName = SANS
    chart.categoryAxis.labels.fontSize = 7.5
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontName = SANS
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = "%d"
    top = max(count for _, count in ranked)
    chart.valueAxis.valueMax = max(top + max(1, top // 10), 1)
    chart.valueAxis.valueStep = max(1, (chart.valueAxis.valueMax + 4) // 5)
    chart.bars[0].fillColor = PALETTE[0]
    chart.bars.strokeColor = None
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = SANS
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    drawing.add(String(0, height - 10, "Incidents by sector", fontName=SANS_BOLD, fontSize=9))
    return drawing


def indicators_by_type_over_time(indicators: Sequence[IndicatorRow], width: float) -> Drawing | None:
    """Stacked monthly bars of indicators by type (first seen, else last seen); None unless they span two months.

    The most common types are drawn, the rest summed as "other"; only the latest 24 months are shown.
    """
    per_month: dict[str, Counter[str]] = defaultdict(Counter)
    types: Counter[str] = Counter()
    for row in indicators:
        moment = row.first_seen or row.last_seen
        if moment is None:
            continue
        if moment.tzinfo is not None:
            moment = moment.astimezone(UTC)
        kind = _shorten(row.type or "unknown", 24)
        per_month[f"{moment.year:04d}-{moment.month:02d}"][kind] += 1
        types[kind] += 1
    if len(per_month) < 2:  # one month draws no change over time: the table's counts say the rest
        return None
    months = _month_range(min(per_month), max(per_month))[-MAX_MONTHS:]
    shown = [kind for kind, _ in types.most_common(MAX_TYPES)]
    series = list(shown)
    if len(types) > MAX_TYPES:
        series.append("other")
    data = []
    for kind in series:
        if kind == "other":
            data.append([sum(c for t, c in per_month[m].items() if t not in shown) for m in months])
        else:
            data.append([per_month[m][kind] for m in months])
    height = 200
    drawing = _drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 40, 40
    chart.width, chart.height = width - 170, height - 70
    chart.data = data
    chart.categoryAxis.style = "stacked"
    chart.categoryAxis.categoryNames = months
    chart.categoryAxis.labels.fontName = SANS
    chart.categoryAxis.labels.fontSize = 6.5
    if len(months) > 8:
        chart.categoryAxis.labels.angle = 45
        chart.categoryAxis.labels.boxAnchor = "ne"
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontName = SANS
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = "%d"
    chart.valueAxis.forceZero = 1
    peak = max(sum(column) for column in zip(*data, strict=True))
    chart.valueAxis.valueMax = peak + max(1, peak // 10)
    chart.valueAxis.valueStep = max(1, (chart.valueAxis.valueMax + 4) // 5)
    chart.bars.strokeColor = None
    for index in range(len(series)):
        chart.bars[index].fillColor = PALETTE[index % len(PALETTE)]
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = width - 118, height - 35
    legend.fontName = SANS
    legend.fontSize = 7
    legend.alignment = "right"
    legend.columnMaximum = 10
    legend.colorNamePairs = [(PALETTE[i % len(PALETTE)], name) for i, name in enumerate(series)]
    drawing.add(legend)
    drawing.add(String(0, height - 10, "Indicators by type and month first seen", fontName=SANS_BOLD, fontSize=9))
    return drawing


def _month_range(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:])
    end = (int(last[:4]), int(last[5:]))
    months = []
    while (year, month) <= end:
        months.append(f"{year:04d}-{month:02d}")
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return months


def attack_heatmap(techniques: Sequence[TechniqueRow], width: float, max_height: float) -> Drawing | None:
    """ATT&CK matrix of the techniques observed: a column per tactic, a cell per technique, darker when seen more.

    A technique under several tactics appears in each of their columns. Columns that would run past
    ``max_height`` end with a "+N more" cell (the techniques table lists them all).
    """
    counted: dict[str, dict[tuple[str, str], int]] = defaultdict(dict)
    for row in techniques:
        if row.observations < 1:
            continue  # only what was observed is shaded
        for tactic in row.tactics or ("(no tactic)",):
            key = tactic.strip().lower() or "(no tactic)"
            technique = (row.technique_id, row.name)
            counted[key][technique] = counted[key].get(technique, 0) + row.observations
    if not counted:
        return None
    order = {name: index for index, name in enumerate(TACTIC_ORDER)}
    tactics = sorted(counted, key=lambda name: (order.get(name, len(order)), name))
    column_width = width / len(tactics)
    label_size = 6.0 if column_width >= 40 else 5.5 if column_width >= 30 else 4.5
    line = label_size + 1.5
    headers = [_column_header(name, label_size, column_width - 3) for name in tactics]
    header_lines = [lines for lines, _ in headers]
    header_height = max(len(lines) for lines in header_lines) * line + 4
    # Each cell names its technique: the id on the first line, the name on up to two more (cut only past those).
    cell = CELL_LINES * line + 3
    legend_height = 22
    rows_fit = max(3, int((max_height - header_height - legend_height - 16) // cell))
    tallest = max(len(cells) for cells in counted.values())
    rows = min(tallest, rows_fit)
    height = 16 + header_height + rows * cell + legend_height
    drawing = _drawing(width, height)
    drawing.add(
        String(
            0,
            height - 10,
            "Heat map: techniques observed in this case under each ATT&CK tactic",
            fontName=SANS_BOLD,
            fontSize=9,
        )
    )
    peak = max(count for cells in counted.values() for count in cells.values())
    top = height - 16 - header_height
    for index, tactic in enumerate(tactics):
        x = index * column_width
        for line_no, text in enumerate(header_lines[index]):
            drawing.add(
                String(
                    x + 1.5,
                    height - 16 - (line_no + 1) * line,
                    text,
                    fontName=SANS_BOLD,
                    fontSize=headers[index][1],
                )
            )
        ranked = sorted(counted[tactic].items(), key=lambda item: (-item[1], item[0]))
        shown = ranked if len(ranked) <= rows else ranked[: rows - 1]
        for row_no, ((technique_id, name), count) in enumerate(shown):
            y = top - (row_no + 1) * cell
            fill = _heat(count, peak)
            drawing.add(Rect(x + 0.5, y + 0.5, column_width - 1, cell - 1, fillColor=fill, strokeColor=None))
            ink = colors.white if count / peak > 0.55 else colors.black
            lines = _cell_lines(technique_id, name, label_size, column_width - 4)
            for line_no, text in enumerate(lines):
                font = SANS_BOLD if line_no == 0 and technique_id else SANS
                baseline = y + cell - 2 - (line_no + 1) * line + 1.5
                drawing.add(String(x + 2, baseline, text, fontName=font, fontSize=label_size, fillColor=ink))
        if len(shown) < len(ranked):
            y = top - rows * cell
            drawing.add(
                Rect(
                    x + 0.5, y + 0.5, column_width - 1, cell - 1, fillColor=colors.HexColor("#DDDDDD"), strokeColor=None
                )
            )
            drawing.add(
                String(
                    x + 2,
                    y + cell - 2 - line + 1.5,
                    f"+{len(ranked) - len(shown)} more",
                    fontName=SANS,
                    fontSize=label_size,
                )
            )
    _heat_legend(drawing, peak, 4)
    return drawing


#: Lines of a heat-map cell: the technique id, then its name on up to two lines.
CELL_LINES = 3


def _cell_lines(technique_id: str, name: str, size: float, width: float) -> list[str]:
    """A cell's text: the id (bold) and the name wrapped under it, the last line cut with an ellipsis if needed."""
    head = [_fit(technique_id, size, width)] if technique_id else []
    room = CELL_LINES - len(head)
    wrapped = simpleSplit(plain(name, limit=200).replace("\n", " "), SANS, size, width) or [""]
    if len(wrapped) > room:
        wrapped = [*wrapped[: room - 1], _fit(" ".join(wrapped[room - 1 :]), size, width)]
    return head + [_fit(text, size, width) for text in wrapped]


def _fit(text: str, size: float, width: float) -> str:
    text = plain(text, limit=200).replace("\n", " ")
    if stringWidth(text, SANS, size) <= width:
        return text
    while text and stringWidth(text + "…", SANS, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _column_header(tactic: str, size: float, width: float) -> tuple[list[str], float]:
    """A tactic name in at most three lines, the font shrunk so that its longest word fits the column."""
    words = _shorten(tactic.replace("-", " "), 40).split() or ["?"]
    widest = max(stringWidth(word, SANS_BOLD, size) for word in words)
    if widest > width:
        size = max(3.0, size * width / widest)
    return simpleSplit(" ".join(words), SANS_BOLD, size, width)[:3], size


_COOL = colors.HexColor("#FFF2CC")
_HOT = colors.HexColor("#9E1B1B")


def _heat(count: int, peak: int) -> colors.Color:
    if peak <= 1:
        return colors.HexColor("#E06666")
    return colors.linearlyInterpolatedColor(_COOL, _HOT, 1, peak, count)


def _heat_legend(drawing: Drawing, peak: int, y: float) -> None:
    drawing.add(String(0, y + 3, "Observations:", fontName=SANS, fontSize=6.5))
    steps = sorted({1, max(1, peak // 2), peak})
    for index, value in enumerate(steps):
        x = 52 + index * 46
        drawing.add(Rect(x, y, 12, 9, fillColor=_heat(value, peak), strokeColor=None))
        drawing.add(String(x + 15, y + 2, str(value), fontName=SANS, fontSize=6.5))
