"""``workbench import``: STIX files, exchange packages and receipts into the workspace.

Each source is its own transaction: a refused file changes nothing, and the next source is still imported. The
exit code is 1 if any source was refused. ``--json`` prints one entry per source: the import summary, or
``{"source": ..., "error": ...}``.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path
from typing import Any

from workbench.cli import exchange_cmd
from workbench.cli.common import Output, common_options, error, open_from_args
from workbench.cli.foreign_cmd import print_foreign
from workbench.domain.errors import WorkbenchError
from workbench.services.importing.importer import Finding, ImportSummary
from workbench.services.intake import import_source
from workbench.services.workspace import Workspace

# At most this many lines per kind of warning; the rest are counted.
_SHOWN_PER_KIND = 3


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "import",
        parents=[common_options()],
        help="import STIX files",
        description="Import STIX 2.1 or 2.0 bundles, JSON arrays of objects, TAXII 2.1"
        " envelopes or single objects. Each file is all or nothing.",
    )
    parser.add_argument(
        "sources", nargs="+", metavar="FILE", help="STIX files, exchange packages or receipts (folder or .tar)"
    )
    parser.add_argument("--case", help="link what is imported to this case")
    parser.add_argument("--strict", action="store_true", help="refuse the whole file on any object error")
    parser.add_argument(
        "--accept-jump",
        action="store_true",
        help="accept a package whose sequence jumps further than the partner's bound (confirm with them first)",
    )
    parser.set_defaults(handler=run_import)


def run_import(args: argparse.Namespace, out: Output) -> int:
    results: list[dict[str, Any]] = []
    failed = False
    with open_from_args(args) as ws:
        for name in args.sources:
            try:
                results.append(_import_one(ws, name, args, out))
            except WorkbenchError as exc:
                failed = True
                error(str(exc))
                results.append({"source": Path(name).name, "error": str(exc)})
    out.result(results)
    return 1 if failed else 0


def _import_one(ws: Workspace, name: str, args: argparse.Namespace, out: Output) -> dict[str, Any]:
    """One source in its own transaction: a package or receipt (folder or .tar), or a STIX file.

    Cases a package or file carries are adopted in the same transaction; ``--case`` links what it stored.
    """
    imported = import_source(ws, name, case_ref=args.case, strict=args.strict, accept_jump=args.accept_jump)
    if imported.kind == "file":
        summary = imported.summary
        assert summary is not None
        print_summary(out, summary)
        for message in imported.messages if summary.committed else ():
            out.line(f"  {message}")
    else:
        exchange_cmd.print_exchange_import(out, imported)
    return imported.to_json()


def print_summary(out: Output, summary: ImportSummary) -> None:
    """The summary as an analyst reads it: what changed, what was refused and why, warnings grouped by kind."""
    read = f"{summary.objects_read:,} object{'s' if summary.objects_read != 1 else ''} read"
    out.line(f"{summary.source}: {summary.shape or 'no objects'}, {read}")
    if summary.dry_run:
        out.line("  dry run: nothing was changed")
    elif not summary.committed and summary.unchanged:
        every = "every object of this file" if not summary.objects_refused else "every object it accepts from this file"
        out.line(f"  nothing new: the workspace already holds {every}; nothing was changed")
    elif not summary.committed:
        out.line("  nothing was stored")
    out.line(
        f"  new objects {summary.new:,}, new versions {summary.new_versions:,}, unchanged {summary.unchanged:,},"
        f" older than current {summary.older:,}, conflicts {summary.conflicts:,},"
        f" refused {summary.objects_refused:,}, warnings {summary.warning_count:,}"
    )
    if summary.upgraded:
        out.line(f"  {summary.upgraded:,} objects were STIX 2.0 and were upgraded to 2.1")
    for finding in summary.refusal_reasons:
        out.line(f"  refused: {finding}")
    listed = len({(finding.object_id, finding.index) for finding in summary.refusal_reasons})
    if summary.objects_refused > listed:
        out.line(f"  ... and {summary.objects_refused - listed:,} more refused objects")
    for line in _grouped_warnings(summary.warnings):
        out.line(line)
    if summary.warning_count > len(summary.warnings):
        out.line(f"  ... and {summary.warning_count - len(summary.warnings):,} more warnings")
    print_foreign(out, summary)


def _grouped_warnings(warnings: list[Finding]) -> list[str]:
    """Warnings of the same kind (property and message) once, with how many objects have them."""
    kinds = Counter((finding.property, finding.message) for finding in warnings)
    lines: list[str] = []
    shown: Counter[tuple[str | None, str]] = Counter()
    for finding in warnings:
        kind = (finding.property, finding.message)
        if shown[kind] >= _SHOWN_PER_KIND:
            continue
        shown[kind] += 1
        lines.append(f"  warning: {finding}")
        if shown[kind] == _SHOWN_PER_KIND and kinds[kind] > _SHOWN_PER_KIND:
            lines.append(f"    (the same for {kinds[kind] - _SHOWN_PER_KIND:,} more objects)")
    return lines
