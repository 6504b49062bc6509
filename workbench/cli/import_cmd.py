"""``workbench import``: STIX files into the workspace."""

from __future__ import annotations

import argparse
from typing import Any

from workbench.cli import exchange_cmd
from workbench.cli.case_cmd import import_hook
from workbench.cli.common import Output, common_options, open_from_args
from workbench.services.importer import ImportSummary, import_file


def register(commands: Any) -> None:
    parser = commands.add_parser("import", parents=[common_options()], help="import STIX files")
    parser.add_argument("sources", nargs="+", metavar="FILE",
                        help="STIX bundle files, exchange packages or receipts (folder or .tar)")
    parser.add_argument("--case", help="link what is imported to this case")
    parser.add_argument("--strict", action="store_true", help="refuse the whole file on any object error")
    parser.set_defaults(handler=run_import)


def run_import(args: argparse.Namespace, out: Output) -> int:
    results: list[dict[str, Any]] = []
    with open_from_args(args) as ws:
        for source in args.sources:
            # packages and receipts (dir or .tar); a package's cases are adopted, --case links what it stored
            exchanged = exchange_cmd.import_if_exchange(ws, source, out, args.case)
            if exchanged is not None:
                results.append(exchanged)
                continue
            hook = import_hook(ws, args.case)  # checks --case first; adopts cases the file carries
            summary = import_file(ws, source, strict=args.strict, before_commit=hook)
            results.append(summary.to_json())
            print_summary(out, summary)
            for message in hook.messages if summary.committed else []:
                out.line(f"  {message}")
    out.result(results)
    return 0


def print_summary(out: Output, summary: ImportSummary) -> None:
    out.line(f"{summary.source}: {summary.shape}")
    if not summary.changed_anything:
        out.line("  nothing new: every object is already stored")
    out.line(f"  new objects {summary.new}, new versions {summary.new_versions}, unchanged {summary.unchanged},"
             f" older than current {summary.older}, conflicts {summary.conflicts}, refused {len(summary.refused)},"
             f" warnings {len(summary.warnings)}")
    for finding in summary.refused:
        out.line(f"  refused: {finding}")
    for finding in summary.warnings:
        out.line(f"  warning: {finding}")
