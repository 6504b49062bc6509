"""``workbench case``: incident and exercise cases from scripts.

Fields are set with ``--set KEY=VALUE`` (repeatable; an empty value clears) or ``--fields FILE.json``;
``workbench case fields`` lists the keys and accepted values. Times are ISO 8601; without an offset they are read
in this computer's time zone, and they are shown in it (or in ``--tz ZONE``) with UTC beside them.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from workbench.cli import case_output
from workbench.cli.common import CommandError, Output, common_options, open_from_args
from workbench.domain.cases.case import RECORD_KINDS, RecordKind
from workbench.domain.cases.exercise import ExerciseOverview
from workbench.domain.cases.fields import field_infos
from workbench.domain.cases.incident import IncidentDetails
from workbench.domain.cases.vocab import CaseKind
from workbench.domain.errors import InvalidInput
from workbench.services import cases
from workbench.services.cases import links as case_links
from workbench.services.cases import records as case_records
from workbench.services.cases import stix as case_stix

MAX_INPUT_FILE = 16 * 1024 * 1024


def register(commands: Any) -> None:
    parser = commands.add_parser("case", help="incident and exercise cases")
    actions = parser.add_subparsers(dest="case_command", metavar="ACTION", required=True)

    def action(name: str, help_text: str, handler: Any) -> argparse.ArgumentParser:
        sub = actions.add_parser(name, parents=[common_options()], help=help_text, description=help_text)
        sub.add_argument("--tz", help="show times in this IANA time zone (default: this computer's)")
        sub.set_defaults(handler=handler)
        return sub

    listing = action("list", "list cases, most recently changed first", run_list)
    listing.add_argument("--kind", choices=[kind.value for kind in CaseKind])
    listing.add_argument("--status", action="append", help="only this status (repeatable)")
    listing.add_argument("--open", action="store_true", help="only cases that are not closed")
    listing.add_argument("--sector", help="NIS2 sector key, e.g. energy")
    listing.add_argument("--state", help="Member State, e.g. BE")
    listing.add_argument("--query", help="words found in the case's text")
    listing.add_argument("--linked", metavar="STIX_ID", help="only cases linked to this object")
    listing.add_argument("--limit", type=int, default=500)

    create = action("create", "create a case", run_create)
    create.add_argument("--kind", required=True, choices=[kind.value for kind in CaseKind])
    create.add_argument("--title", required=True)
    _header_options(create)

    show = action("show", "show a case with its deadlines, records and linked objects", run_show)
    show.add_argument("case", help="case reference (INC-2026-0001), STIX id or number")

    update = action("update", "change a case's title, status, TLP, description or fields", run_update)
    update.add_argument("case")
    update.add_argument("--title")
    _header_options(update)

    link = action("link", "link objects of the library to a case", run_link)
    link.add_argument("case")
    link.add_argument("ids", nargs="+", metavar="STIX_ID")
    link.add_argument("--unlink", action="store_true", help="remove the links instead")

    unlink = action("unlink", "remove links (the objects stay in the library)", run_unlink)
    unlink.add_argument("case")
    unlink.add_argument("ids", nargs="+", metavar="STIX_ID")

    create_object = action(
        "object", "create STIX objects inside a case from a JSON file (one object or a list)", run_object
    )
    create_object.add_argument("case")
    create_object.add_argument("--file", required=True, help="JSON with the object's own properties")

    stage = action("stage", "record a report stage as submitted", run_stage)
    stage.add_argument("case")
    stage.add_argument("stage", help="early-warning, notification, intermediate, final, progress or circia-report")
    stage.add_argument("--at", required=True, help="when it was submitted")
    stage.add_argument("--reference", help="the authority's reference")
    stage.add_argument("--note")

    event = action("event", "add a timeline event", run_event)
    event.add_argument("case")
    event.add_argument("--at", required=True)
    event.add_argument("--title", required=True)
    event.add_argument("--type", dest="event_type", help="detection, attacker-activity, containment, ...")
    event.add_argument("--description")

    task = action("task", "add a task with owner and due time", run_task)
    task.add_argument("case")
    task.add_argument("--title", required=True)
    task.add_argument("--owner")
    task.add_argument("--due")
    task.add_argument("--description")

    records = action(
        "records",
        "add records from a JSON file: overview/fields, participants, objectives, injects, "
        "observations, improvements, events, tasks, stages",
        run_records,
    )
    records.add_argument("case")
    records.add_argument("--file", required=True)

    edit = action("edit", "change fields of one record (e.g. a task done, an inject's actual time)", run_edit)
    edit.add_argument("case")
    edit.add_argument("record", help="record kind: " + ", ".join(kind.value for kind in RecordKind))
    edit.add_argument("uid")
    edit.add_argument("--set", dest="values", action="append", default=[], metavar="KEY=VALUE", required=True)

    remove = action("remove", "remove a record entered by mistake (the audit log keeps it was removed)", run_remove)
    remove.add_argument("case")
    remove.add_argument("record")
    remove.add_argument("uid")

    deadlines = action("deadlines", "every open incident's next due report, overdue first", run_deadlines)
    deadlines.add_argument("--overdue", action="store_true", help="only overdue reports")

    export = action("export", "write the case as a STIX 2.1 bundle to a file", run_export)
    export.add_argument("case")
    export.add_argument("--out", required=True, help="the file to write")
    export.add_argument("--force", action="store_true", help="replace the file if it exists")

    fields = actions.add_parser(
        "fields",
        parents=[common_options(db=False)],
        help="list field keys, labels and accepted values (for --set and JSON files)",
    )
    fields.add_argument("--kind", choices=[kind.value for kind in CaseKind], default="incident")
    fields.add_argument("--record", help="list the fields of a record kind instead")
    fields.set_defaults(handler=run_fields)


def _header_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--status")
    parser.add_argument("--tlp", help="CLEAR, GREEN, AMBER, AMBER+STRICT or RED (new cases: AMBER)")
    parser.add_argument("--description")
    parser.add_argument(
        "--set",
        dest="values",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a field value (repeatable); see 'workbench case fields'",
    )
    parser.add_argument("--fields", help="JSON file with field keys and values")


# -- helpers ---------------------------------------------------------------------------------------------------------


def zone(args: argparse.Namespace) -> ZoneInfo | None:
    if not getattr(args, "tz", None):
        return None
    try:
        return ZoneInfo(args.tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise CommandError(f"unknown time zone {args.tz!r}; use an IANA name such as Europe/Brussels") from None


def read_json_file(path: str) -> Any:
    """A JSON document from a file the analyst names; one clear line for anything unreadable."""
    source = Path(path)
    try:
        if source.stat().st_size > MAX_INPUT_FILE:
            raise InvalidInput(f"{source.name} is larger than {MAX_INPUT_FILE // 1024 // 1024} MiB")
        return json.loads(source.read_bytes())
    except OSError as exc:
        raise InvalidInput(f"cannot read {source.name}: {exc.strerror}") from None
    except (ValueError, RecursionError) as exc:
        raise InvalidInput(f"{source.name} is not valid JSON: {exc}") from None


def field_values(args: argparse.Namespace) -> dict[str, Any]:
    """``--fields FILE`` then ``--set KEY=VALUE`` (which win)."""
    values: dict[str, Any] = {}
    if getattr(args, "fields", None):
        document = read_json_file(args.fields)
        if not isinstance(document, dict):
            raise InvalidInput(f"{Path(args.fields).name} must hold a JSON object of field keys and values")
        values.update(document)
    for item in args.values or []:
        key, separator, value = item.partition("=")
        if not separator or not key.strip():
            raise CommandError(f"--set needs KEY=VALUE, got {item!r}")
        values[key.strip()] = value
    return values


# -- handlers --------------------------------------------------------------------------------------------------------


def run_list(args: argparse.Namespace, out: Output) -> int:
    with open_from_args(args) as ws:
        found = cases.list_cases(
            ws,
            kind=args.kind,
            status=args.status,
            open_only=args.open,
            sector=args.sector,
            member_state=args.state,
            text=args.query,
            linked_object=args.linked,
            limit=args.limit,
        )
    case_output.print_list(out, found, zone(args))
    out.result([case_output.summary_json(item) for item in found])
    return 0


def run_create(args: argparse.Namespace, out: Output) -> int:
    with open_from_args(args) as ws:
        case = cases.create_case(
            ws,
            args.kind,
            args.title,
            fields=field_values(args),
            description=args.description or "",
            tlp=args.tlp if args.tlp is not None else cases.DEFAULT_TLP,
            status=args.status,
        )
        out.line(f"created {case.kind.value} case {case.ref}: {case.title}")
        if case.incident is not None:
            out.line(
                f"time of awareness {case_output.when(case.incident.awareness_at, zone(args))}: the reporting "
                "clocks start here (change with --set awareness_at=...)"
            )
        out.result(case_output.case_json(case, cases.case_deadlines(case)))
    return 0


def run_show(args: argparse.Namespace, out: Output) -> int:
    with open_from_args(args) as ws:
        case = cases.get_case(ws, args.case)
        deadlines = cases.case_deadlines(case)
        linked = case_output.linked_rows(ws, case)
    case_output.print_case(out, case, deadlines, linked, zone(args))
    out.result(case_output.case_json(case, deadlines, linked))
    return 0


def run_update(args: argparse.Namespace, out: Output) -> int:
    with open_from_args(args) as ws:
        case = cases.update_case(
            ws,
            args.case,
            title=args.title,
            status=args.status,
            tlp=args.tlp,
            description=args.description,
            fields=field_values(args),
        )
    out.line(f"updated case {case.ref}")
    out.result(case_output.case_json(case, cases.case_deadlines(case)))
    return 0


def run_link(args: argparse.Namespace, out: Output) -> int:
    if args.unlink:
        return run_unlink(args, out)
    with open_from_args(args) as ws:
        added = case_links.link_objects(ws, args.case, args.ids)
    out.line(
        f"linked {added} object(s) to case {args.case}"
        + ("" if added == len(set(args.ids)) else " (the others were linked already)")
    )
    out.result({"case": args.case, "linked": added})
    return 0


def run_unlink(args: argparse.Namespace, out: Output) -> int:
    with open_from_args(args) as ws:
        removed = case_links.unlink_objects(ws, args.case, args.ids)
    out.line(f"unlinked {removed} object(s) from case {args.case}")
    out.result({"case": args.case, "unlinked": removed})
    return 0


def run_object(args: argparse.Namespace, out: Output) -> int:
    document = read_json_file(args.file)
    items = document if isinstance(document, list) else [document]
    created = []
    with open_from_args(args) as ws:
        for item in items:
            created.append(case_links.create_object(ws, args.case, item))
    for object_id in created:
        out.line(f"created {object_id} in case {args.case}")
    out.result({"case": args.case, "created": created})
    return 0


def run_stage(args: argparse.Namespace, out: Output) -> int:
    with open_from_args(args) as ws:
        submission = case_records.record_stage(
            ws, args.case, args.stage, args.at, reference=args.reference, note=args.note
        )
        case = cases.get_case(ws, args.case)
    deadline = next((item for item in cases.case_deadlines(case) if item.stage is submission.stage), None)
    verdict = ""
    if deadline is not None and deadline.due is not None:
        verdict = "; deadline met" if submission.submitted_at <= deadline.due else "; after the deadline"
    out.line(
        f"recorded {submission.stage.label.lower()} version {submission.version} for case {case.ref}, "
        f"submitted {case_output.when(submission.submitted_at, zone(args))}{verdict}"
    )
    out.result(
        {
            "case": case.ref,
            "stage": submission.stage.value,
            "version": submission.version,
            "uid": submission.uid,
            "met": deadline.met if deadline is not None else None,
        }
    )
    return 0


def _add(args: argparse.Namespace, out: Output, kind: RecordKind, data: dict[str, Any]) -> int:
    with open_from_args(args) as ws:
        record = case_records.add_record(ws, args.case, kind, {key: value for key, value in data.items() if value})
    out.line(f"added {kind.label.lower()} {record.uid} to case {args.case}")
    out.result({"case": args.case, "record": kind.value, "uid": record.uid})
    return 0


def run_event(args: argparse.Namespace, out: Output) -> int:
    return _add(
        args,
        out,
        RecordKind.EVENT,
        {"at": args.at, "title": args.title, "kind": args.event_type, "description": args.description},
    )


def run_task(args: argparse.Namespace, out: Output) -> int:
    return _add(
        args,
        out,
        RecordKind.TASK,
        {"title": args.title, "owner": args.owner, "due": args.due, "description": args.description},
    )


def run_records(args: argparse.Namespace, out: Output) -> int:
    document = read_json_file(args.file)
    with open_from_args(args) as ws:
        counts = case_records.add_records(ws, args.case, document)
    out.line(f"case {args.case}: " + ", ".join(f"{count} {key}" for key, count in counts.items()))
    out.result({"case": args.case, "added": counts})
    return 0


def run_edit(args: argparse.Namespace, out: Output) -> int:
    changes = field_values(argparse.Namespace(fields=None, values=args.values))
    with open_from_args(args) as ws:
        record = case_records.update_record(ws, args.case, args.record, args.uid, changes)
    out.line(f"changed {', '.join(sorted(changes))} of {RecordKind.parse(args.record).label.lower()} {record.uid}")
    out.result({"case": args.case, "record": RecordKind.parse(args.record).value, "uid": record.uid})
    return 0


def run_remove(args: argparse.Namespace, out: Output) -> int:
    with open_from_args(args) as ws:
        case_records.remove_record(ws, args.case, args.record, args.uid)
    out.line(f"removed {RecordKind.parse(args.record).label.lower()} {args.uid} from case {args.case}")
    out.result({"case": args.case, "removed": args.uid})
    return 0


def run_deadlines(args: argparse.Namespace, out: Output) -> int:
    with open_from_args(args) as ws:
        panel = cases.deadline_panel(ws)
    if args.overdue:
        panel = [row for row in panel if row.overdue]
    case_output.print_deadlines(out, panel, zone(args))
    out.result([case_output.due_json(row) for row in panel])
    return 0


def run_export(args: argparse.Namespace, out: Output) -> int:
    with open_from_args(args) as ws:
        result = case_stix.export_case(ws, args.case, args.out, overwrite=args.force)
    tlp = result.highest_tlp.label if result.highest_tlp is not None else "no TLP marking"
    out.line(f"wrote {result.path}: {result.objects} STIX objects, highest marking {tlp}")
    for object_id in result.missing:
        out.line(f"  not in the library, left out: {object_id}")
    for object_id in result.withheld:
        out.line(f"  real intelligence, left out of an exercise: {object_id}")
    out.result(
        {
            "file": str(result.path),
            "objects": result.objects,
            "tlp": result.highest_tlp.short if result.highest_tlp is not None else None,
            "missing": result.missing,
            "withheld": result.withheld,
        }
    )
    return 0


def run_fields(args: argparse.Namespace, out: Output) -> int:
    if args.record:
        kind = RecordKind.parse(args.record)
        target: type = kind.record_class
    else:
        target = IncidentDetails if args.kind == CaseKind.INCIDENT.value else ExerciseOverview
    listed = []
    for info in field_infos(target):
        choices = [member.value for member in info.vocab] if info.vocab is not None else []
        listed.append(
            {
                "key": info.name,
                "label": info.label,
                "section": info.section,
                "kind": info.kind.value,
                "required": info.required,
                "choices": choices,
                "aliases": list(info.aliases),
                "help": info.help,
            }
        )
        required = " (required)" if info.required else ""
        out.line(f"{info.name:24s} {info.kind.value:9s} {info.label}{required}")
        if choices:
            out.line(f"{'':34s} {', '.join(choices)}")
    if not args.record:
        kinds = ", ".join(kind.value for kind in RECORD_KINDS[CaseKind.parse(args.kind)])
        out.line(f"records of this kind of case: {kinds} (see --record KIND)")
    out.result(listed)
    return 0
