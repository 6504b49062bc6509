"""Sections more than one report prints: the cover, indicators, ATT&CK techniques with their heat map, a case's
timeline, tasks and linked objects, and blocks of declared case fields."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC
from typing import Any

from reportlab.platypus import Flowable, NextPageTemplate, PageBreak, Paragraph

from workbench.domain.cases.fields import display_lines, field_info
from workbench.domain.cases.incident import Task, TimelineEvent
from workbench.domain.tlp import Tlp
from workbench.services.reports import charts
from workbench.services.reports.layout import (
    FRAME_HEIGHT,
    FRAME_WIDTH,
    TLP_RULES,
    Column,
    PageChrome,
    Styles,
    clock,
    data_table,
    day,
    draw_label,
    gap,
    heading,
    key_values,
    utc,
)
from workbench.services.reports.model import IndicatorRow, LinkedObjectRow, TechniqueRow
from workbench.services.reports.text import markup


class LabelBox(Flowable):
    """The TLP label as a flowable (the cover prints it large)."""

    def __init__(self, tlp: Tlp, size: float) -> None:
        super().__init__()
        self.tlp = tlp
        self.size = size

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        return available_width, self.size * 1.8

    def draw(self) -> None:
        draw_label(self.canv, self.tlp, self.width, self.size * 0.5, self.size)


def cover(
    styles: Styles, chrome: PageChrome, *, title: str, kind: str, analyst_tlp: Tlp, rows: Sequence[tuple[str, object]]
) -> list[Flowable]:
    """The first page: the highest marking of anything inside, large, with its sharing rule; what this report is."""
    flow: list[Flowable] = [
        LabelBox(chrome.tlp, 22),
        Paragraph(markup(TLP_RULES[chrome.tlp]), styles.small),
        gap(40),
        Paragraph(markup(kind), styles.subtitle),
        Paragraph(markup(title or "(untitled)"), styles.title),
        gap(10),
        key_values(
            styles,
            [
                ("Report id", chrome.report_id),
                ("Status", "FINAL" if chrome.final else "DRAFT (not yet marked final by the analyst)"),
                ("Generated", utc(chrome.generated_at)),
                ("Marking", f"{chrome.tlp.label}, the highest marking of anything in this report"),
                *rows,
            ],
        ),
    ]
    if chrome.tlp > analyst_tlp:
        flow += [
            gap(8),
            Paragraph(
                markup(
                    f"The analyst marked this report {analyst_tlp.label}; it contains information marked "
                    f"{chrome.tlp.label}, so every page carries {chrome.tlp.label}."
                ),
                styles.note,
            ),
        ]
    flow += [NextPageTemplate("body"), PageBreak()]
    return flow


def confidence_text(value: int | None) -> str:
    """A STIX confidence (0-100) with its word on the STIX "none/low/med/high" scale: ``85 (high)``."""
    if value is None:
        return "–"
    if value == 0:
        word = "none"
    elif value < 30:
        word = "low"
    elif value < 70:
        word = "moderate"
    else:
        word = "high"
    return f"{value} ({word})"


def tlp_text(level: Tlp | None) -> str:
    """A row's marking in a table column headed "TLP": ``AMBER+STRICT`` (the prefix would only wrap the cell;
    TLP columns are at least 14% of the width, what AMBER+STRICT needs on one line)."""
    return level.short if level is not None else "unmarked"


def tactic_name(tactic: str) -> str:
    """A kill-chain phase as ATT&CK prints it: ``command-and-control`` becomes ``command and control``."""
    return tactic.replace("-", " ")


def _technique_order(row: TechniqueRow) -> tuple[int, str, str]:
    """Matrix order: by the first tactic's place in ATT&CK, then technique id."""
    order = {name: index for index, name in enumerate(charts.TACTIC_ORDER)}
    first = min((order.get(t, len(order)) for t in row.tactics), default=len(order) + 1)
    return first, row.technique_id or "~", row.name


def indicators(styles: Styles, rows: Sequence[IndicatorRow], *, number: str) -> list[Flowable]:
    flow = heading(styles, f"{number} Indicators")
    if rows:
        count = f"{len(rows):,} indicator{'' if len(rows) == 1 else 's'}"
        flow.append(
            Paragraph(markup(f"{count}. Values print exactly as stored; do not click or visit them."), styles.note)
        )
        chart = charts.indicators_by_type_over_time(rows, FRAME_WIDTH)
        if chart is not None:
            flow += [chart, gap(6)]
    flow.append(
        data_table(
            [
                Column("Type", 12),
                Column("Value", 25, mono=True),
                Column("Context", 17),
                Column("First seen", 10.5),
                Column("Last seen", 10.5),
                Column("TLP", 14),
                Column("Confidence", 11),
            ],
            [
                [
                    row.type,
                    row.value,
                    row.context,
                    day(row.first_seen),
                    day(row.last_seen),
                    tlp_text(row.tlp),
                    confidence_text(row.confidence),
                ]
                for row in rows
            ],
            empty="No indicators.",
            styles=styles,
        )
    )
    return flow


def techniques(
    styles: Styles, rows: Sequence[TechniqueRow], *, number: str, extra: Sequence[Any] = ()
) -> list[Flowable]:
    """The techniques table, preceded by the heat map of the same techniques."""
    flow = heading(styles, f"{number} ATT&CK techniques observed")
    if rows:
        heatmap = charts.attack_heatmap(rows, FRAME_WIDTH, FRAME_HEIGHT - 60)
        if heatmap is not None:
            flow += [heatmap, gap(8)]
    flow.extend(extra)
    ordered = sorted(rows, key=_technique_order)
    flow.append(
        data_table(
            [
                Column("Tactic", 15),
                Column("Technique", 11, mono=True),
                Column("Name", 19),
                Column("Observed use", 33, limit=400),
                Column("ATT&CK", 8),
                Column("TLP", 14),
            ],
            [
                [
                    ", ".join(tactic_name(t) for t in row.tactics) or "–",
                    row.technique_id or "–",
                    row.name,
                    row.observed_use,
                    row.attack_version or "–",
                    tlp_text(row.tlp),
                ]
                for row in ordered
            ],
            empty="No techniques recorded.",
            styles=styles,
        )
    )
    return flow


def label(record_class: type, name: str) -> str:
    """The declared label of a case field: what a column or line about that field is headed."""
    return field_info(record_class, name).label


def declared_sections(record: Any) -> list[tuple[str, list[tuple[str, str]]]]:
    """A case record's fields under their declared section titles, in declaration order, as label and text.

    Every declared field is listed, an empty one with an empty text (printed "–"): a reader of a form sees what
    was not entered. Times print in UTC, as everywhere in a report.
    """
    grouped: dict[str, list[tuple[str, str]]] = {}
    for info, text in display_lines(record, UTC, keep_empty=True):
        grouped.setdefault(info.section, []).append((info.label, text))
    return list(grouped.items())


def timeline(styles: Styles, rows: Sequence[TimelineEvent], *, number: str) -> list[Flowable]:
    flow = heading(styles, f"{number} Timeline of events")
    ordered = sorted(rows, key=lambda row: row.at)
    flow.append(
        data_table(
            [
                Column(f"{label(TimelineEvent, 'at')} (UTC)", 15),
                Column(label(TimelineEvent, "kind"), 14),
                Column(label(TimelineEvent, "title"), 32),
                Column(label(TimelineEvent, "description"), 39),
            ],
            [[clock(row.at), row.kind.label, row.title, row.description or ""] for row in ordered],
            empty="No events recorded.",
            styles=styles,
        )
    )
    return flow


def tasks(styles: Styles, rows: Sequence[Task], *, number: str) -> list[Flowable]:
    flow = heading(styles, f"{number} Tasks")
    flow.append(
        data_table(
            [
                Column(label(Task, "title"), 26),
                Column(label(Task, "owner"), 14),
                Column(f"{label(Task, 'due')} (UTC)", 15),
                Column(label(Task, "status"), 10),
                Column(f"{label(Task, 'completed_at')} (UTC)", 15),
                Column(label(Task, "description"), 20),
            ],
            [
                [
                    row.title,
                    row.owner or "",
                    clock(row.due),
                    row.status.label,
                    clock(row.completed_at),
                    row.description or "",
                ]
                for row in rows
            ],
            empty="No tasks recorded.",
            styles=styles,
        )
    )
    return flow


def linked_objects(
    styles: Styles, rows: Sequence[LinkedObjectRow], *, number: str, title: str = "Other linked objects"
) -> list[Flowable]:
    """Objects linked to the case that no other section lists (threat actors, malware, vulnerabilities, ...)."""
    flow = heading(styles, f"{number} {title}")
    ordered = sorted(rows, key=lambda row: (row.type, row.name.casefold()))
    flow.append(
        data_table(
            [Column("Type", 16), Column("Name", 26), Column("Description", 44, limit=400), Column("TLP", 14)],
            [[row.type, row.name, row.description, tlp_text(row.tlp)] for row in ordered],
            empty="No other objects linked.",
            styles=styles,
        )
    )
    return flow
