"""``workbench case``: incident and exercise cases from scripts (links in ``case_links_cmd``, records in
``case_records_cmd``).

Fields are set with ``--set KEY=VALUE`` (repeatable; an empty value clears) or ``--fields FILE.json``;
``workbench case fields`` lists the keys and accepted values. Times are ISO 8601; without an offset they are read
in this computer's time zone, and they are shown in it (or in ``--tz ZONE``) with UTC beside them.
"""

from __future__ import annotations

import argparse
from typing import Any

from workbench.cli import case_links_cmd, case_output, case_records_cmd
from workbench.cli.case_input import field_values, zone
from workbench.cli.common import CASE_HELP, Output, common_options, open_from_args
from workbench.domain.cases.case import RECORD_KINDS, RecordKind
from workbench.domain.cases.exercise import ExerciseOverview
from workbench.domain.cases.fields import field_infos
from workbench.domain.cases.incident import IncidentDetails
from workbench.domain.cases.vocab import CaseKind, ExerciseStatus, IncidentStatus
from workbench.services import cases
from workbench.services.cases import records as case_records
from workbench.services.cases import stix as case_stix


def register(commands: Any) -> None:
    parser = commands.add_parser("case", help="incident and exercise cases")
    actions = parser.add_subparsers(dest="case_command", metavar="ACTION", required=True)

    def action(name: str, help_text: str, handler: Any) -> argparse.ArgumentParser:
        sub = actions.add_parser(name, parents=[common_options()], help=help_text, description=help_text)
        sub.add_argument("--tz", help="show times in this IANA time zone (default: this computer's)")
        sub.set_defaults(handler=handler)
        return sub

    listing = action("list", "list cases, most recently changed first", run_list)
    listing.add_argument("--kind", choices=[kind.value for kind in CaseKind], help="incidents or exercises only")
    listing.add_argument("--status", action="append", help="only this status (repeatable)")
    listing.add_argument("--open", action="store_true", help="only cases that are not closed")
    listing.add_argument("--sector", help="NIS2 sector key, e.g. energy")
    listing.add_argument("--state", help="Member State, e.g. BE")
    listing.add_argument("--query", help="words found in the case's text")
    listing.add_argument("--linked", metavar="STIX_ID", help="only cases linked to this object")
    listing.add_argument("--limit", type=int, default=500, help="list at most this many (default 500)")

    create = action("create", "create a case", run_create)
    create.add_argument("--kind", required=True, choices=[kind.value for kind in CaseKind], help="what the case is")
    create.add_argument("--title", required=True, help="the case in one line")
    _header_options(create)

    show = action("show", "show a case with its deadlines, records and linked objects", run_show)
    show.add_argument("case", help=CASE_HELP)

    update = action("update", "change a case's title, status, TLP, description or fields", run_update)
    update.add_argument("case", help=CASE_HELP)
    update.add_argument("--title", help="a new title")
    _header_options(update)

    case_links_cmd.register(action)
    case_records_cmd.register(action)

    deadlines = action("deadlines", "every open incident's next due report, overdue first", run_deadlines)
    deadlines.add_argument("--overdue", action="store_true", help="only overdue reports")

    export = action("export", "write the case as a STIX 2.1 bundle to a file", run_export)
    export.add_argument("case", help=CASE_HELP)
    export.add_argument("--out", required=True, help="the file to write")
    export.add_argument("--force", action="store_true", help="replace the file if it exists")

    fields = actions.add_parser(
        "fields",
        parents=[common_options(db=False)],
        help="list field keys, labels and accepted values (for --set and JSON files)",
    )
    fields.add_argument(
        "--kind", choices=[kind.value for kind in CaseKind], default="incident", help="whose fields (default incident)"
    )
    fields.add_argument("--record", help="list the fields of a record kind instead")
    fields.set_defaults(handler=run_fields)


def _header_options(parser: argparse.ArgumentParser) -> None:
    statuses = "; ".join(
        f"{kind.value}: {', '.join(status.value for status in vocab)}"
        for kind, vocab in ((CaseKind.INCIDENT, IncidentStatus), (CaseKind.EXERCISE, ExerciseStatus))
    )
    parser.add_argument("--status", help=f"the case's status ({statuses})")
    parser.add_argument("--tlp", help="CLEAR, GREEN, AMBER, AMBER+STRICT or RED (new cases: AMBER)")
    parser.add_argument("--description", help="free text")
    parser.add_argument(
        "--set",
        dest="values",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a field value (repeatable); see 'workbench case fields'",
    )
    parser.add_argument("--fields", help="JSON file with field keys and values")


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
        frozen = case_records.snapshot_reports(ws, case)
    case_output.print_case(out, case, deadlines, linked, zone(args), frozen)
    out.result(case_output.case_json(case, deadlines, linked, frozen))
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
