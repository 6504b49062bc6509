"""``workbench report``: incident, exercise and briefing PDFs.

A briefing is built from a library search (``--query``) and the analyst's input file (``--input``); reports from a
case (``--case``) wait for the cases service and are refused with a message saying so.
"""

from __future__ import annotations

import argparse
from typing import Any

from workbench.cli.common import CommandError, Output, common_options, open_from_args
from workbench.domain.tlp import Tlp

KINDS = ("incident", "exercise", "briefing")


def register(commands: Any) -> None:
    parser = commands.add_parser("report", parents=[common_options()], help="write an incident, exercise or "
                                 "briefing report as PDF")
    parser.add_argument("kind", choices=KINDS, help="which report")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--case", metavar="ID", help="build the report from this case")
    source.add_argument("--query", metavar="Q", help="build a briefing from the objects this library search finds")
    parser.add_argument("--out", required=True, metavar="FILE.pdf", help="where to write the PDF")
    parser.add_argument("--input", metavar="FILE.json", help="the analyst's part of a briefing: title, bottom line, "
                        "key judgements, sectors, sources, distribution (see the README)")
    parser.add_argument("--final", action="store_true", help="mark the report final (no DRAFT watermark)")
    parser.add_argument("--tlp", metavar="LEVEL", help="the report's marking; objects marked above it are left out "
                        "(default: the analyst input's level, else AMBER, raised to the highest marking inside)")
    parser.add_argument("--no-related", action="store_true", help="only the objects the search finds, not those "
                        "one relationship away")
    parser.set_defaults(handler=run_report)


def run_report(args: argparse.Namespace, out: Output) -> int:
    # ReportLab takes most of a second to import: only the report command pays for it, not every command.
    from workbench.services.reports import generate
    from workbench.services.reports.analyst_input import AnalystBriefing, check_final, load_analyst_file
    from workbench.services.reports.briefing_from_library import briefing_from_query

    if args.case is not None:
        raise CommandError(
            "reports from a case are not available in this build yet (the cases service is missing); "
            "a briefing can be built from a library search with --query")
    if args.kind != "briefing":
        raise CommandError(f"an {args.kind} report is built from a case (--case ID); --query builds a briefing")
    if not args.query.strip():
        raise CommandError("the search is empty")
    ceiling = Tlp.parse(args.tlp) if args.tlp else None
    analyst = load_analyst_file(args.input) if args.input else AnalystBriefing()
    if args.final:
        check_final(analyst)
    with open_from_args(args) as ws:
        selection = briefing_from_query(ws, args.query, analyst, tlp_ceiling=ceiling,
                                        related=not args.no_related)
        source = {"query": args.query, "matched": selection.matched, "related": selection.related,
                  "held_back": dict(selection.held_back)}
        rendered = generate(ws, selection.briefing, args.out, final=args.final, source=source)
    status = "FINAL" if rendered.final else "DRAFT"
    out.line(f"wrote {args.out}: {rendered.kind} {rendered.report_id}, {rendered.tlp.label}, {status}, "
             f"{rendered.pages} pages")
    out.line(f"  {selection.matched} objects found, {selection.related} related added; sha256 {rendered.sha256}")
    if selection.held_back:
        counts = ", ".join(f"{count} {kind}" for kind, count in sorted(selection.held_back.items()))
        out.line(f"  held back as marked above {ceiling.label if ceiling is not None else ''}: {counts}")
    if rendered.tlp > selection.briefing.tlp:
        out.line(f"  marked {rendered.tlp.label}: it contains objects marked so")
    out.result({"report_id": rendered.report_id, "kind": rendered.kind, "file": args.out, "pages": rendered.pages,
                "tlp": rendered.tlp.short, "final": rendered.final, "sha256": rendered.sha256,
                "matched": selection.matched, "related": selection.related, "held_back": dict(selection.held_back)})
    return 0
