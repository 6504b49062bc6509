"""Sections more than one report prints: the cover, indicators, ATT&CK techniques with their heat map, a case's
timeline, tasks and linked objects, and blocks of declared case fields."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC
from typing import Any

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, NextPageTemplate, PageBreak, Paragraph

from workbench.domain.cases.fields import display_lines, field_info
from workbench.domain.cases.incident import Task, TimelineEvent
from workbench.domain.tlp import Tlp
from workbench.services.reports import charts
from workbench.services.reports.fonts import MONO
from workbench.services.reports.layout import (
    CELL_PAD,
    Styles,
    clock,
    day,
    gap,
    heading,
    keep,
    key_values,
    paragraph,
    utc,
)
from workbench.services.reports.model import IndicatorRow, KnownUseRow, LinkedObjectRow, TechniqueRow
from workbench.services.reports.pages import FRAME_HEIGHT, FRAME_WIDTH, TLP_RULES, PageChrome, draw_label
from workbench.services.reports.tables import Column, data_table
from workbench.services.reports.text import excerpt, markup


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


#: Indicator types whose values are network addresses a reader could click: these print defanged when asked.
DEFANGED_TYPES = ("url", "domain-name", "ipv4-addr", "ipv6-addr", "email-addr", "email-message", "pattern", "stix")
#: A SHA-256 (64 characters) fits the value column on one line; longer values print on a line of their own.
VALUE_CHARS = 64
#: Values print a little smaller than the other cells, so that 64 characters and four narrow columns fit.
VALUE_SIZE = 7.0


#: ioc-fanger writes the scheme ``hXXp``; CSIRT advisories and the recipients' refanging tools write ``hxxp``.
_SHOUTED_SCHEME = re.compile(r"hXXp(?=s?:)")


def defanged(kind: str, value: str) -> str:
    """A network indicator as print shows it when defanged (``hxxps://evil[.]example/a[.]bin``, ``203[.]0[.]113[.]9``,
    ``user(at)mail[.]example``); other values unchanged. ``ioc_fanger.fang`` gives the stored value back."""
    if kind.split(" ")[0] not in DEFANGED_TYPES:
        return value
    import ioc_fanger  # imported on first use: only reports that defang pay for it

    return _SHOUTED_SCHEME.sub("hxxp", str(ioc_fanger.defang(value)))


def _context(row: IndicatorRow) -> str:
    """What the indicator is, with the producer's confidence when one was given."""
    if row.confidence is None:
        return row.context
    return f"{row.context}\nconfidence {confidence_text(row.confidence)}".strip()


def _seen(row: IndicatorRow) -> str:
    if row.first_seen is None and row.last_seen is None:
        return "–"
    return f"{day(row.first_seen)}\n{day(row.last_seen)}"


def indicators(
    styles: Styles,
    rows: Sequence[IndicatorRow],
    *,
    number: str = "",
    title: str = "Indicators",
    defang: bool = False,
    attached: bool = False,
    level: int = 1,
) -> list[Flowable]:
    """The indicators table: values in a monospaced column wide enough for a SHA-256, a longer value on a line of
    its own across the table (never broken inside a host name or hash), network values defanged when asked."""
    flow = heading(styles, f"{number} {title}".strip(), level=level)
    if rows:
        count = f"{len(rows):,} indicator{'' if len(rows) == 1 else 's'}."
        how = (
            "Network values are defanged (hxxp, [.]) so that they cannot be followed by accident."
            if defang
            else "Values print exactly as stored; do not click or visit them."
        )
        flow.append(Paragraph(markup(f"{count} {how}"), styles.note))
        if attached:
            flow.append(
                Paragraph(
                    markup(
                        f"Attached to this PDF for tools, with every value as stored: {ATTACHED_BUNDLE} (STIX 2.1 "
                        f"bundle) and {ATTACHED_CSV} (CSV). Open the PDF's attachments panel to save them."
                    ),
                    styles.note,
                )
            )
        chart = charts.indicators_by_type_over_time(rows, FRAME_WIDTH)
        if chart is not None:
            flow += [chart, gap(6)]
    flow.append(
        data_table(
            indicator_columns(),
            [indicator_cells(row, defang=defang) for row in rows],
            empty="No indicators.",
            styles=styles,
        )
    )
    return flow


def indicator_columns() -> list[Column]:
    """The indicators table: type, the value in a monospaced column as wide as a SHA-256 (longer values spill onto
    a line of their own), context, first and last seen, marking."""
    value_width = stringWidth("0" * VALUE_CHARS, MONO, VALUE_SIZE) + 2 * CELL_PAD + 1
    return [
        Column("Type", 4),
        Column("Value", 0, mono=True, width=value_width, spill=True, limit=4_000, size=VALUE_SIZE),
        Column("Context", 20),
        Column("First / last seen", 1),
        Column("TLP", 1),
    ]


def indicator_cells(row: IndicatorRow, *, defang: bool = False) -> list[str]:
    """One row of the indicators table, as printed."""
    value = defanged(row.type, row.value) if defang else row.value
    return [row.type, value, _context(row), _seen(row), tlp_text(row.tlp)]


#: Names of the files attached to a report that lists indicators.
ATTACHED_BUNDLE = "indicators.stix.json"
ATTACHED_CSV = "indicators.csv"


def assets(styles: Styles, rows: Sequence[IndicatorRow], *, number: str = "", level: int = 2) -> list[Flowable]:
    """The victim's own hosts, addresses and accounts the incident affected: not indicators of compromise."""
    flow = heading(styles, f"{number} Affected assets".strip(), level=level)
    flow.append(
        Paragraph(
            markup("The entity's own systems affected by the incident; not indicators of compromise."), styles.note
        )
    )
    flow.append(
        data_table(
            [
                Column("Type", 10),
                Column("Asset", 30, mono=True),
                Column("Description", 40, optional=True),
                Column("TLP", 6),
            ],
            [[row.type, row.value, row.context, tlp_text(row.tlp)] for row in rows],
            empty="No affected assets recorded.",
            styles=styles,
        )
    )
    return flow


def techniques(
    styles: Styles,
    rows: Sequence[TechniqueRow],
    *,
    number: str,
    extra: Sequence[Any] = (),
    heatmap: bool = True,
    level: int = 1,
    notes: Notes | None = None,
) -> list[Flowable]:
    """The techniques observed (what the analyst recorded as seen: procedure, time, source), preceded by their
    heat map when two or more are compared. Library knowledge of how others use a technique is not printed here."""
    flow = heading(styles, f"{number} ATT&CK techniques observed".strip(), level=level)
    if not rows:
        flow.append(Paragraph(markup("No technique was recorded as observed."), styles.note))
        return flow
    if heatmap and len(rows) >= 2:
        drawing = charts.attack_heatmap(rows, FRAME_WIDTH, FRAME_HEIGHT - 60)
        if drawing is not None:
            flow += [drawing, gap(8)]
    flow.extend(extra)
    ordered = sorted(rows, key=_technique_order)
    flow.append(
        data_table(
            [
                Column("Tactic", 8),
                Column("Technique", 6, mono=True),
                Column("Name", 10),
                Column("Procedure observed", 30),
                Column("Seen (UTC)", 4),
                Column("Source", 10, optional=True),
                Column("TLP", 3),
            ],
            [
                [
                    ", ".join(tactic_name(t) for t in row.tactics) or "–",
                    row.technique_id or "–",
                    row.name,
                    _cut(notes, row.observed_use, f"{row.technique_id} {row.name}", 400) or "–",
                    clock(row.observed_at),
                    row.source or "–",
                    tlp_text(row.tlp),
                ]
                for row in ordered
            ],
            styles=styles,
        )
    )
    return flow


def known_uses(
    styles: Styles, rows: Sequence[KnownUseRow], *, number: str, notes: Notes | None = None
) -> list[Flowable]:
    """What the library knows of these techniques: who is known to use them. Never an observation."""
    flow = heading(styles, f"{number} Known use of these techniques (library knowledge)".strip())
    flow.append(
        Paragraph(
            markup(
                "How others are known to use these techniques, as the library says: background for the reader, "
                "not something observed in this case and not an attribution."
            ),
            styles.note,
        )
    )
    flow.append(
        data_table(
            [
                Column("Technique", 12),
                Column("Known to be used by", 10),
                Column("How (from the library)", 40, optional=True),
                Column("Source", 6),
            ],
            [
                [
                    f"{row.technique_id} {row.technique}".strip(),
                    row.by,
                    _cut(notes, row.procedure, f"{row.by}: {row.technique_id}", 300) or "–",
                    row.source or "–",
                ]
                for row in rows
            ],
            styles=styles,
        )
    )
    return flow


class Notes:
    """Full texts of descriptions cut short in the body: the body prints a sentence-end excerpt and a note number,
    the appendix prints each text whole. Leadership reads the excerpt; nothing is lost."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []

    def cut(self, text: object, about: str, limit: int) -> str:
        short, was_cut = excerpt(text, limit)
        if not was_cut:
            return short
        self.items.append((about, str(text)))
        return f"{short} [full text: note {len(self.items)}]"

    def appendix(self, styles: Styles, title: str) -> list[Flowable]:
        if not self.items:
            return []
        flow = heading(styles, title)
        for number, (about, text) in enumerate(self.items, start=1):
            flow.append(keep(Paragraph(markup(f"Note {number}: {about}"), styles.cell_label), paragraph(styles, text)))
        return flow


def _cut(notes: Notes | None, text: object, about: str, limit: int) -> str:
    if notes is None:
        return excerpt(text, limit)[0]
    return notes.cut(text, about, limit)


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
                Column(label(TimelineEvent, "description"), 39, optional=True),
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
                Column(f"{label(Task, 'completed_at')} (UTC)", 15, optional=True),
                Column(label(Task, "description"), 20, optional=True),
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
    styles: Styles,
    rows: Sequence[LinkedObjectRow],
    *,
    number: str,
    title: str = "Other linked objects",
    notes: Notes | None = None,
) -> list[Flowable]:
    """Objects linked to the case that no other section lists (threat actors, malware, vulnerabilities, ...)."""
    flow = heading(styles, f"{number} {title}")
    ordered = sorted(rows, key=lambda row: (row.type, row.name.casefold()))
    flow.append(
        data_table(
            [Column("Type", 6), Column("Name", 14), Column("Description", 44), Column("TLP", 4)],
            [[row.type, row.name, _cut(notes, row.description, row.name, 400), tlp_text(row.tlp)] for row in ordered],
            empty="No other objects linked.",
            styles=styles,
        )
    )
    return flow
