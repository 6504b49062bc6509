"""What ``workbench case`` prints: cases, lists and deadlines as text for people and as JSON for scripts."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from datetime import datetime, tzinfo
from typing import Any

from workbench.cli.common import Output
from workbench.domain.cases.case import RECORD_KINDS, Case, RecordKind
from workbench.domain.cases.fields import display_lines, format_local, format_utc, to_dict
from workbench.domain.cases.vocab import CaseKind
from workbench.domain.deadlines import StageDeadline
from workbench.domain.timestamps import format_stix_timestamp
from workbench.services.cases import CaseSummary, DueReport
from workbench.services.cases import links as case_links
from workbench.services.workspace import Workspace


def plain(text: str) -> str:
    """Text from the library (partners' object names) with control characters shown as '?', so that nothing it
    holds can drive the terminal. Case fields never hold any: the case model refuses them."""
    return "".join("?" if unicodedata.category(char) == "Cc" else char for char in text)


def when(moment: datetime | None, tz: tzinfo | None) -> str:
    """Local time with UTC beside it: ``2026-03-29 13:00 CEST (11:00 UTC)``."""
    if moment is None:
        return "-"
    local = format_local(moment, tz)
    utc = format_utc(moment)
    return local if local.endswith("UTC") else f"{local} ({utc[11:]})"


def _stamp(moment: datetime | None) -> str | None:
    return format_stix_timestamp(moment) if moment is not None else None


# -- JSON --------------------------------------------------------------------------------------------------------


def deadline_json(item: StageDeadline) -> dict[str, Any]:
    return {
        "stage": item.stage.value,
        "label": item.stage.label,
        "due": _stamp(item.due),
        "basis": item.basis,
        "state": item.state.value,
        "met": item.met,
        "first_submitted": _stamp(item.first_submitted),
        "versions": item.versions,
    }


def summary_json(item: CaseSummary) -> dict[str, Any]:
    return {
        "ref": item.ref,
        "kind": item.kind.value,
        "title": item.title,
        "status": item.status.value,
        "tlp": item.tlp.short if item.tlp is not None else None,
        "sector": item.sector,
        "member_state": item.member_state,
        "starts_at": _stamp(item.starts_at),
        "modified": _stamp(item.modified),
        "origin": item.origin,
        "next_due": deadline_json(item.next_due) if item.next_due else None,
    }


def due_json(row: DueReport) -> dict[str, Any]:
    return {
        "ref": row.ref,
        "title": row.title,
        "stage": row.stage.value,
        "due": _stamp(row.due),
        "state": row.state.value,
        "overdue": row.overdue,
        "basis": row.basis,
    }


def case_json(
    case: Case,
    deadlines: list[StageDeadline],
    linked: list[dict[str, Any]] | None = None,
    frozen: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The case as ``--json`` prints it; ``frozen`` (stage submission uid to report id) adds to each submission
    the report its snapshot was frozen as (``frozen_as``, None when there is none) and who recorded it."""
    details = case.incident if case.incident is not None else case.exercise
    data: dict[str, Any] = {
        "ref": case.ref,
        "kind": case.kind.value,
        "title": case.title,
        "status": case.status.value,
        "tlp": case.tlp.short if case.tlp is not None else None,
        "description": case.description,
        "stix_id": case.stix_id,
        "created": _stamp(case.created),
        "modified": _stamp(case.modified),
        "origin": case.origin,
        "origin_ref": case.origin_ref,
        "fields": to_dict(details) if details is not None else {},
    }
    for kind in RECORD_KINDS[case.kind]:
        data[kind.plural] = [to_dict(record) for record in case.of(kind)]
    if frozen is not None and case.kind is CaseKind.INCIDENT:
        for item in data[RecordKind.STAGE.plural]:
            item["frozen_as"] = frozen.get(item["uid"])
            item["recorded_by"] = "" if item["frozen_as"] or case.origin == "local" else case.origin
    data["deadlines"] = [deadline_json(item) for item in deadlines]
    data["linked"] = linked if linked is not None else [{"id": object_id} for object_id in case.linked]
    return data


def linked_rows(ws: Workspace, case: Case) -> list[dict[str, Any]]:
    """Linked objects with what the library knows of them (objects a partner referenced may be absent)."""
    rows = []
    for link in case_links.links(ws, case.ref):
        row = ws.objects.row(link.object_id)
        rows.append(
            {
                "id": link.object_id,
                "origin": link.origin,
                "in_library": row is not None,
                "type": row.type if row else link.object_id.split("--")[0],
                "name": row.name if row else "",
                "tlp": row.tlp.short if row and row.tlp is not None else None,
            }
        )
    return rows


# -- text ----------------------------------------------------------------------------------------------------------


def print_list(out: Output, found: list[CaseSummary], tz: tzinfo | None) -> None:
    if not found:
        out.line("no cases")
    for item in found:
        due = ""
        if item.next_due is not None and item.next_due.due is not None:
            flag = "OVERDUE " if item.next_due.met is False else ""
            due = f"  {flag}{item.next_due.stage.label.lower()} due {when(item.next_due.due, tz)}"
        tlp = item.tlp.label if item.tlp is not None else "-"
        out.line(f"{item.ref:15s} {item.status.value:11s} {tlp:17s} {item.title[:60]}{due}")


def print_deadlines(out: Output, panel: list[DueReport], tz: tzinfo | None) -> None:
    if not panel:
        out.line("no report due: no open incident owes one")
    for row in panel:
        state = "OVERDUE" if row.overdue else "due"
        out.line(f"{state:8s} {row.ref:15s} {row.stage.label:32s} {when(row.due, tz):36s} {row.title[:50]}")


def _stage_record(case: Case, report_id: str | None) -> str:
    if report_id:
        return f"What it said: frozen as report {report_id} (`report incident --stage` prints it again)"
    if case.origin != "local":
        return f"Recorded by {case.origin}: their record; the document they sent is not held here"
    return "What it said: not kept (recorded before snapshots were)"


def print_case(
    out: Output,
    case: Case,
    deadlines: list[StageDeadline],
    linked: list[dict[str, Any]],
    tz: tzinfo | None,
    frozen: Mapping[str, str] | None = None,
) -> None:
    """The case as ``case show`` prints it; ``frozen`` as for ``case_json``."""
    tlp = case.tlp.label if case.tlp is not None else "no TLP marking"
    out.line(f"{case.ref}  {case.kind.label}: {case.title}")
    out.line(f"status {case.status.label.lower()}, {tlp}, STIX id {case.stix_id}")
    if case.origin != "local":
        out.line(f"from {case.origin} (their reference {case.origin_ref or '-'})")
    out.line(f"created {when(case.created, tz)}, changed {when(case.modified, tz)}")
    if case.description:
        out.line("")
        out.line(case.description)
    details = case.incident if case.incident is not None else case.exercise
    section = None
    for info, text in display_lines(details, tz):
        if info.section != section:
            section = info.section
            out.line("")
            out.line(f"[{section}]")
        out.line(f"  {info.label}: {text}")
    if deadlines:
        out.line("")
        out.line("[Reports and deadlines]")
        for item in deadlines:
            due = when(item.due, tz) if item.due is not None else item.basis
            sent = f", submitted {when(item.first_submitted, tz)}" if item.first_submitted else ""
            versions = f" ({item.versions} versions)" if item.versions > 1 else ""
            out.line(f"  {item.stage.label:32s} {item.state.value.upper():10s} due {due}{sent}{versions}")
    for kind in RECORD_KINDS[case.kind]:
        records = case.of(kind)
        if not records:
            continue
        out.line("")
        out.line(f"[{kind.label}s]")
        for record in records:
            lines = display_lines(record, tz)
            head = "; ".join(text.replace("\n", " ")[:80] for _, text in lines[:2])
            out.line(f"  {record.uid[:8]}  {head}")
            for info, text in lines[2:]:
                out.line(f"            {info.label}: {text.replace(chr(10), ' ')[:100]}")
            if kind is RecordKind.STAGE and frozen is not None:
                out.line(f"            {_stage_record(case, frozen.get(record.uid))}")
    if linked:
        out.line("")
        out.line("[Linked objects]")
        for row in linked:
            where = "" if row["in_library"] else "  (not in the library)"
            out.line(f"  {plain(row['type']):16s} {plain(row['name'][:50]):50s} {row['id']}  {row['origin']}{where}")
