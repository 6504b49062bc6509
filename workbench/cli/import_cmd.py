"""``workbench import``: STIX files (and, once the exchange registers its handler, packages) into the workspace.

Each source is its own transaction: a refused file changes nothing, and the next source is still imported. The
exit code is 1 if any source was refused. ``--json`` prints one entry per source: the import summary, or
``{"source": ..., "error": ...}``.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from workbench.cli.common import CommandError, Output, common_options, open_from_args
from workbench.domain.errors import InvalidInput, WorkbenchError
from workbench.services.importer import BeforeCommit, Finding, ImportSummary, import_file
from workbench.services.workspace import Workspace

#: Handlers for sources that are not plain STIX files, tried in order: ``(accepts(path), run(ws, path, args))``.
#: The exchange registers its package handler here (a package directory or its ``.tar``); ``run`` returns the
#: import summary of the package's bundle.
SOURCE_HANDLERS: list[tuple[Callable[[Path], bool], Callable[[Workspace, Path, argparse.Namespace],
                                                              ImportSummary]]] = []

#: The cases feature registers here a function that checks a case id and returns the ``before_commit`` hook that
#: links what is imported to that case. Until then ``--case`` is refused.
CASE_LINKERS: list[Callable[[Workspace, str], BeforeCommit]] = []

# At most this many lines per kind of warning; the rest are counted.
_SHOWN_PER_KIND = 3


def register(commands: Any) -> None:
    parser = commands.add_parser("import", parents=[common_options()], help="import STIX files",
                                 description="Import STIX 2.1 or 2.0 bundles, JSON arrays of objects, TAXII 2.1"
                                             " envelopes or single objects. Each file is all or nothing.")
    parser.add_argument("sources", nargs="+", metavar="FILE", help="STIX files")
    parser.add_argument("--case", help="link what is imported to this case")
    parser.add_argument("--strict", action="store_true", help="refuse the whole file on any object error")
    parser.set_defaults(handler=run_import)


def run_import(args: argparse.Namespace, out: Output) -> int:
    results: list[dict[str, Any]] = []
    failed = False
    with open_from_args(args) as ws:
        before_commit = _case_hook(ws, args.case)
        for name in args.sources:
            path = Path(name)
            try:
                summary = _import_one(ws, path, args, before_commit)
            except WorkbenchError as exc:
                failed = True
                print(f"workbench: {exc}", file=sys.stderr)
                results.append({"source": path.name, "error": str(exc)})
                continue
            print_summary(out, summary)
            results.append(summary.to_json())
    out.result(results)
    return 1 if failed else 0


def _case_hook(ws: Workspace, case_id: str | None) -> BeforeCommit | None:
    if case_id is None:
        return None
    if not CASE_LINKERS:
        raise CommandError("--case: linking imports to cases is not available in this version yet")
    return CASE_LINKERS[0](ws, case_id)


def _import_one(ws: Workspace, path: Path, args: argparse.Namespace,
                before_commit: BeforeCommit | None) -> ImportSummary:
    for accepts, run in SOURCE_HANDLERS:
        if accepts(path):
            return run(ws, path, args)
    if path.is_dir():
        raise InvalidInput(f"{path.name} is a folder; importing exchange packages is not available in this"
                             " version")
    return import_file(ws, path, strict=args.strict, case_id=args.case, before_commit=before_commit)


def print_summary(out: Output, summary: ImportSummary) -> None:
    """The summary as an analyst reads it: what changed, what was refused and why, warnings grouped by kind."""
    read = f"{summary.objects_read:,} object{'s' if summary.objects_read != 1 else ''} read"
    out.line(f"{summary.source}: {summary.shape or 'no objects'}, {read}")
    if summary.dry_run:
        out.line("  dry run: nothing was changed")
    elif not summary.committed and summary.unchanged:
        every = "every object of this file" if not summary.refused_count else "every object it accepts from this file"
        out.line(f"  nothing new: the workspace already holds {every}; nothing was changed")
    elif not summary.committed:
        out.line("  nothing was stored")
    out.line(f"  new objects {summary.new:,}, new versions {summary.new_versions:,}, unchanged {summary.unchanged:,},"
             f" older than current {summary.older:,}, conflicts {summary.conflicts:,},"
             f" refused {summary.refused_count:,}, warnings {summary.warning_count:,}")
    if summary.upgraded:
        out.line(f"  {summary.upgraded:,} objects were STIX 2.0 and were upgraded to 2.1")
    for finding in summary.refused:
        out.line(f"  refused: {finding}")
    listed = len({(finding.object_id, finding.index) for finding in summary.refused})
    if summary.refused_count > listed:
        out.line(f"  ... and {summary.refused_count - listed:,} more refused objects")
    for line in _grouped_warnings(summary.warnings):
        out.line(line)
    if summary.warning_count > len(summary.warnings):
        out.line(f"  ... and {summary.warning_count - len(summary.warnings):,} more warnings")


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
