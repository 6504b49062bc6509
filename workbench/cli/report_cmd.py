"""``workbench report``: incident, exercise and briefing PDFs.

An incident or exercise report is built from a case of that kind (``--case``); a briefing from a case (its linked
objects) or from a library search (``--query``), with the analyst's input file (``--input``) for the judgements.
The services do the work: ``case_reports.report_from_case`` and ``briefing_from_library.briefing_from_query``.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from workbench.cli.common import CommandError, Output, common_options, open_from_args
from workbench.domain.tlp import Tlp

KINDS = ("incident", "exercise", "briefing")


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "report", parents=[common_options()], help="write an incident, exercise or briefing report as PDF"
    )
    parser.add_argument("kind", choices=KINDS, help="which report")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--case",
        metavar="ID",
        help="build the report from this case (reference such as "
        "INC-2026-0001, STIX id or number); a briefing covers the case's linked objects",
    )
    source.add_argument("--query", metavar="Q", help="build a briefing from the objects this library search finds")
    parser.add_argument("--out", required=True, metavar="FILE.pdf", help="where to write the PDF")
    parser.add_argument(
        "--input",
        metavar="FILE.json",
        help="the analyst's part of a briefing: title, bottom line, "
        "key judgements, sectors, sources, distribution (format: the user guide, task 7)",
    )
    parser.add_argument(
        "--final",
        action="store_true",
        help="mark the report final (no DRAFT watermark); refused with the list of what is missing",
    )
    parser.add_argument(
        "--stage",
        metavar="STAGE",
        help="incident reports: print this one stage as the entity sends it (early-warning, notification, "
        "intermediate, final, progress, circia): as submitted once it was, else drafted from the case",
    )
    defang = parser.add_mutually_exclusive_group()
    defang.add_argument(
        "--defang",
        dest="defang",
        action="store_true",
        default=None,
        help="print network indicators defanged (hxxp, [.]); the default for final reports",
    )
    defang.add_argument(
        "--no-defang", dest="defang", action="store_false", help="print indicator values as stored (drafts' default)"
    )
    parser.add_argument(
        "--with-tasks", action="store_true", help="exercise reports: include the case's internal tasks (left out)"
    )
    parser.add_argument("--force", action="store_true", help="replace the output file if it exists")
    parser.add_argument(
        "--tlp",
        metavar="LEVEL",
        help="the report's marking; objects marked above it are left out "
        "(default: a briefing's analyst input level, else the case's marking, else AMBER; raised "
        "to the highest marking inside)",
    )
    parser.add_argument(
        "--no-related", action="store_true", help="only the objects the search finds, not those one relationship away"
    )
    parser.set_defaults(handler=run_report)


def run_report(args: argparse.Namespace, out: Output) -> int:
    # ReportLab takes most of a second to import: only the report command pays for it, not every command.
    from workbench.services.reports import generate
    from workbench.services.reports.analyst_input import AnalystBriefing, check_final, load_analyst_file
    from workbench.services.reports.completeness import check_final as check_complete
    from workbench.services.reports.model import BriefingInput

    ceiling = Tlp.parse(args.tlp) if args.tlp else None
    if Path(args.out).exists() and not args.force:
        raise CommandError(f"{args.out} exists already; choose another name or add --force to replace it")
    if args.stage is not None and (args.kind != "incident" or args.case is None):
        raise CommandError("--stage prints one stage of an incident report: use it with `report incident --case ID`")
    if args.with_tasks and args.kind != "exercise":
        raise CommandError("--with-tasks applies to exercise reports")
    defang = args.final if args.defang is None else args.defang
    if args.case is not None:
        if not args.case.strip():
            raise CommandError("the case is empty; give its reference, e.g. --case INC-2026-0001")
        if args.no_related:
            raise CommandError("--no-related applies to --query; a report of a case holds its linked objects")
        if args.input and args.kind != "briefing":
            raise CommandError(
                f"--input is the analyst's part of a briefing; an {args.kind} report takes everything from the case"
            )
    elif args.kind != "briefing":
        raise CommandError(f"an {args.kind} report is built from a case (--case ID); --query builds a briefing")
    elif not args.query.strip():
        raise CommandError("the search is empty")
    analyst = load_analyst_file(args.input) if args.input else AnalystBriefing()
    if ceiling is None and analyst.tlp is not None:
        ceiling = analyst.tlp  # a level in the analyst's file acts exactly as --tlp
    if args.final and args.kind == "briefing":
        check_final(analyst)
    report_id = generated_at = None
    final = args.final
    # Incident and exercise reports are checked for completeness when final; a stage printed from its snapshot is
    # final by nature (it is what was sent); briefings have their own rule.
    check = args.kind in ("incident", "exercise")
    with open_from_args(args) as ws:
        if args.case is not None:
            from workbench.services.cases.reports import report_from_case

            made = report_from_case(
                ws,
                args.kind,
                args.case,
                analyst=analyst,
                tlp_ceiling=ceiling,
                stage=args.stage,
                defang=defang,
                with_tasks=args.with_tasks,
            )
            report, source, held_back = made.report, made.source, made.held_back
            found = f"case {made.case.ref}: {made.linked} linked object{'' if made.linked == 1 else 's'}"
            if made.missing:
                found += f", {made.missing} not in this library"
            if made.frozen is not None:
                # The stage as it was sent: the same report id, time and bytes as when its submission was recorded.
                report_id, generated_at, final, check = made.frozen.report_id, made.frozen.rendered_at, True, False
                found += f"; {made.frozen.document.stage.label.lower()} as submitted"
            elif getattr(report, "reconstructed", False):
                by = f" by {report.recorded_by}" if report.recorded_by else ""
                found += (
                    f"; {report.stage.label.lower()} submitted{by}: printed from the case, not the document sent "
                    "(which is not held here)"
                )
        else:
            from workbench.services.reports.briefing_from_library import briefing_from_query

            selection = briefing_from_query(ws, args.query, analyst, tlp_ceiling=ceiling, related=not args.no_related)
            report, held_back = selection.briefing, selection.held_back
            source = {
                "query": args.query,
                "matched": selection.matched,
                "related": selection.related,
                "held_back": dict(selection.held_back),
            }
            found = f"{selection.matched} objects found, {selection.related} related added"
        if final and check:
            check_complete(report)
        if args.case is None and isinstance(report, BriefingInput):
            report.defang = defang
        rendered = generate(
            ws, report, args.out, final=final, source=source, report_id=report_id, generated_at=generated_at
        )
    status = "FINAL" if rendered.final else "DRAFT"
    out.line(
        f"wrote {args.out}: {rendered.kind} {rendered.report_id}, {rendered.tlp.label}, {status}, "
        f"{rendered.pages} pages"
    )
    out.line(f"  {found}; sha256 {rendered.sha256}")
    if args.case is not None and made.frozen is not None:
        same = rendered.sha256 == made.frozen.pdf_sha256
        out.line(
            "  identical to the PDF recorded when it was submitted"
            if same
            else f"  differs from the PDF recorded at submission (sha256 {made.frozen.pdf_sha256}): this program "
            "lays pages out differently now; the text is the same"
        )
    if held_back:
        counts = ", ".join(f"{count} {kind}" for kind, count in sorted(held_back.items()))
        out.line(f"  held back as marked above {ceiling.label if ceiling is not None else ''}: {counts}")
    if rendered.tlp > report.tlp:
        out.line(f"  marked {rendered.tlp.label}: it contains objects marked so")
    out.result(
        {
            "report_id": rendered.report_id,
            "kind": rendered.kind,
            "file": args.out,
            "pages": rendered.pages,
            "tlp": rendered.tlp.short,
            "final": rendered.final,
            "sha256": rendered.sha256,
            **source,
        }
    )
    return 0
