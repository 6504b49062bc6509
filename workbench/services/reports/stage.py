"""One report stage as the entity sends it: NIS2 header block, the stage's fields, indicators, assets, techniques.

A stage document is one or two pages, with no cover: the first page carries the TLP label, what the document is
(``NIS2 early warning``), the header block every stage repeats (reporting entity, sector, Member State, 24/7
contact, time of awareness, stage and sequence number, case reference) and then the fields the stage declares.
The notification and the CIRCIA report carry the indicators of compromise (and attach them as STIX and CSV).

``to_json`` and ``from_json`` freeze a document into the snapshot kept with its submission and read it back;
``changes`` says, line by line, what differs between the stage as sent and as the case would send it now.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields, replace
from datetime import UTC, datetime
from typing import Any

from reportlab.platypus import Flowable, Paragraph

from workbench.domain.cases.fields import display_lines, field_info
from workbench.domain.cases.incident import ENTITY, IncidentDetails
from workbench.domain.deadlines import Stage
from workbench.domain.errors import InvalidInput
from workbench.domain.timestamps import format_stix_timestamp, parse_stix_timestamp
from workbench.domain.tlp import Tlp
from workbench.services.reports import sections
from workbench.services.reports.layout import Styles, gap, heading, key_values, utc
from workbench.services.reports.model import IndicatorRow, StageDocument, TechniqueRow
from workbench.services.reports.pages import PageChrome
from workbench.services.reports.text import markup

#: The snapshot format; a later program reads older formats, never writes them.
FORMAT = 1
#: What the first page says the document is.
DOCUMENT_TITLES = {
    Stage.EARLY_WARNING: "NIS2 early warning",
    Stage.NOTIFICATION: "NIS2 incident notification",
    Stage.INTERMEDIATE: "NIS2 intermediate report",
    Stage.FINAL: "NIS2 final report",
    Stage.PROGRESS: "NIS2 progress report",
    Stage.CIRCIA: "CIRCIA covered incident report",
}
#: Stages whose document carries the indicators of compromise (NIS2 Art. 23(4)(b); CIRCIA) and the affected assets.
IOC_STAGES = (Stage.NOTIFICATION, Stage.FINAL, Stage.CIRCIA)
#: How many changed indicators a change list names before it only counts them.
NAMED_CHANGES = 8


def document_title(stage: Stage) -> str:
    return DOCUMENT_TITLES.get(stage, stage.label)


# -- the document ----------------------------------------------------------------------------------------------


def build(doc: StageDocument, chrome: PageChrome, styles: Styles) -> list[Flowable]:
    """The stage document's flowables (no cover page: what the entity sends starts on page 1)."""
    state = submission_state(doc)
    flow: list[Flowable] = [
        sections.LabelBox(chrome.tlp, 16),
        Paragraph(markup(sections.TLP_RULES[chrome.tlp]), styles.small),
        gap(10),
        Paragraph(markup(document_title(doc.stage)), styles.subtitle),
        Paragraph(markup(doc.title or "(untitled)"), styles.title),
        Paragraph(markup(state), styles.note),
        gap(6),
        key_values(styles, [*doc.header, *_submission_rows(doc), ("Report id", chrome.report_id)]),
    ]
    flow += heading(styles, f"{doc.stage.label}: what this stage reports", level=2)
    flow.append(key_values(styles, doc.fields))
    if doc.stage in IOC_STAGES:
        flow += sections.indicators(
            styles,
            doc.indicators,
            title="Indicators of compromise",
            defang=doc.defang,
            attached=bool(doc.indicator_objects),
        )
        if doc.assets:
            flow += sections.assets(styles, doc.assets)
        if doc.techniques:
            flow += sections.techniques(styles, doc.techniques, number="", heatmap=False)
    return flow


def submission_state(doc: StageDocument) -> str:
    """What the first page says the document is: a draft, the stage as submitted, or a submitted stage printed
    again from the case because what it said was not kept here."""
    if doc.submitted_at is None:
        return "Draft: not yet submitted."
    sent = f"Submitted {utc(doc.submitted_at)}, version {doc.version}"
    if not doc.reconstructed:
        return f"{sent}."
    if doc.recorded_by:
        return (
            f"{sent}, as recorded by {doc.recorded_by} (their record of the submission). The document they sent "
            "was not received: this copy is printed from the case as received, and is not it."
        )
    return (
        f"{sent}. What it said was not kept when the submission was recorded: this copy is printed from the case "
        "as it is now, and is not the document that was sent."
    )


def _submission_rows(doc: StageDocument) -> list[tuple[str, str]]:
    if doc.sequence is not None:
        sequence = f"{doc.stage.label}, sequence number {doc.sequence}"
        if doc.recorded_by:
            sequence += f" (submitted by {doc.recorded_by})"
    else:
        sequence = f"{doc.stage.label}, not yet submitted"
    return [
        ("Report stage and sequence number", sequence),
        ("Case reference", doc.case_ref),
        ("Submitted (UTC)", utc(doc.submitted_at, empty="not yet submitted")),
    ]


def dossier_rows(doc: StageDocument) -> list[tuple[str, str]]:
    """What the dossier prints of a stage document: the header block, stage and sequence number, the fields."""
    return [*doc.header, _submission_rows(doc)[0], *doc.fields]


def header_rows(details: IncidentDetails) -> list[tuple[str, str]]:
    """The NIS2 header block every stage repeats: the reporting entity's fields and the time of awareness."""
    rows = [(info.label, text) for info, text in display_lines(details, UTC, keep_empty=True) if info.section == ENTITY]
    rows.append((field_info(IncidentDetails, "awareness_at").label, utc(details.awareness_at)))
    return rows


def declared_fields(details: IncidentDetails, stage: Stage, description: str = "") -> list[tuple[str, str]]:
    """The fields ``stage`` declares, as label and printed text (empty ones as "", printed "–": a reader of a
    form sees what was not entered); the final report starts with the detailed description."""
    rows = [(info.label, text) for info, text in display_lines(details, UTC, keep_empty=True) if stage in info.stages]
    if stage is Stage.FINAL:
        rows.insert(0, ("Detailed description", description))
    return rows


def lines(doc: StageDocument) -> list[tuple[str, str]]:
    """Every labelled line of the document (header, submission, fields), as the change list compares them."""
    return [*doc.header, *doc.fields]


# -- the snapshot ----------------------------------------------------------------------------------------------


def _row_json(row: Any) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for item in fields(row):
        value = getattr(row, item.name)
        if isinstance(value, datetime):
            value = format_stix_timestamp(value)
        elif isinstance(value, Tlp):
            value = value.short
        elif isinstance(value, tuple):
            value = list(value)
        data[item.name] = value
    return data


def _row_from(cls: type, data: Any) -> Any:
    if not isinstance(data, dict):
        raise InvalidInput("a stage snapshot row is not an object")
    values: dict[str, Any] = {}
    for item in fields(cls):
        if item.name not in data:
            continue
        value = data[item.name]
        if item.name in ("first_seen", "last_seen", "observed_at") and value is not None:
            value = parse_stix_timestamp(str(value))
        elif item.name == "tlp" and value is not None:
            value = Tlp.parse(str(value))
        elif item.name == "tactics":
            value = tuple(value or ())
        values[item.name] = value
    return cls(**values)


def to_json(doc: StageDocument) -> dict[str, Any]:
    """The document as JSON, for the snapshot kept with its submission."""
    return {
        "format": FORMAT,
        "stage": doc.stage.value,
        "case_ref": doc.case_ref,
        "title": doc.title,
        "tlp": doc.tlp.short,
        "originator": doc.originator,
        "header": [list(row) for row in doc.header],
        "fields": [list(row) for row in doc.fields],
        "sequence": doc.sequence,
        "version": doc.version,
        "submitted_at": format_stix_timestamp(doc.submitted_at) if doc.submitted_at else None,
        "indicators": [_row_json(row) for row in doc.indicators],
        "assets": [_row_json(row) for row in doc.assets],
        "techniques": [_row_json(row) for row in doc.techniques],
        "defang": doc.defang,
        "indicator_objects": doc.indicator_objects,
    }


def from_json(data: dict[str, Any]) -> StageDocument:
    """A document read back from its snapshot; ``InvalidInput`` for one this program cannot read."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InvalidInput("the stage snapshot is in a format this program does not know")
    try:
        submitted = data.get("submitted_at")
        return StageDocument(
            stage=Stage.parse(data["stage"]),
            case_ref=str(data["case_ref"]),
            title=str(data["title"]),
            tlp=Tlp.parse(str(data["tlp"])),
            originator=str(data.get("originator") or ""),
            header=[(str(label), str(text)) for label, text in data["header"]],
            fields=[(str(label), str(text)) for label, text in data["fields"]],
            sequence=data.get("sequence"),
            version=int(data.get("version") or 1),
            submitted_at=parse_stix_timestamp(submitted) if submitted else None,
            indicators=[_row_from(IndicatorRow, row) for row in data.get("indicators") or []],
            assets=[_row_from(IndicatorRow, row) for row in data.get("assets") or []],
            techniques=[_row_from(TechniqueRow, row) for row in data.get("techniques") or []],
            defang=bool(data.get("defang")),
            indicator_objects=list(data.get("indicator_objects") or []),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidInput(f"the stage snapshot cannot be read ({exc})") from None


# -- what changed since ------------------------------------------------------------------------------------------


def changes(sent: StageDocument, now: StageDocument) -> list[str]:
    """What differs between the stage as sent and as the case would send it now, one line per change, in the order
    of the document; empty when nothing did. Submission details (sequence, time) are not compared."""
    found: list[str] = []
    before = dict(lines(sent))
    after = dict(lines(now))
    for label in dict.fromkeys([*before, *after]):
        old, new = before.get(label), after.get(label)
        if old == new:
            continue
        if old is None:
            found.append(f"{label}: now {_shown(new)} (not in the stage as sent)")
        elif new is None:
            found.append(f"{label}: was {_shown(old)}; no longer reported")
        else:
            found.append(f"{label}: {_shown(old)} → {_shown(new)}")
    if sent.stage not in IOC_STAGES:
        return found  # an early warning or an update reports no indicators: their changes are not its changes
    for what, old_rows, new_rows in (
        ("indicator", sent.indicators, now.indicators),
        ("affected asset", sent.assets, now.assets),
    ):
        found += _set_changes(what, {(row.type, row.value) for row in old_rows}, {(r.type, r.value) for r in new_rows})
    old_techniques = {(row.technique_id, row.name) for row in sent.techniques}
    new_techniques = {(row.technique_id, row.name) for row in now.techniques}
    found += _set_changes("observed technique", old_techniques, new_techniques)
    return found


def _shown(text: str | None) -> str:
    value = " ".join((text or "").split())
    if not value:
        return "(empty)"
    return value if len(value) <= 120 else value[:119] + "…"


def _set_changes(what: str, old: set[tuple[str, str]], new: set[tuple[str, str]]) -> list[str]:
    found = []
    for verb, items in (("added", sorted(new - old)), ("removed", sorted(old - new))):
        if not items:
            continue
        named = ", ".join(f"{value} ({kind})" if kind else value for kind, value in items[:NAMED_CHANGES])
        more = f" and {len(items) - NAMED_CHANGES} more" if len(items) > NAMED_CHANGES else ""
        plural = "s" if len(items) != 1 else ""
        found.append(f"{len(items)} {what}{plural} {verb} since: {named}{more}")
    return found


def as_sent(doc: StageDocument, *, sequence: int, version: int, submitted_at: datetime) -> StageDocument:
    """The draft document with the submission's own details filled in: what is frozen when it is recorded."""
    return replace(doc, sequence=sequence, version=version, submitted_at=submitted_at)


def sorted_stages(stages: Iterable[Stage]) -> list[Stage]:
    order = list(Stage)
    return sorted(stages, key=order.index)
