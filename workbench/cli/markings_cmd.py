"""``workbench markings list | map ID LEVEL | unmap ID``: what each marking means in this workspace.

A marking the program does not understand (a custom ``definition_type`` such as OpenCTI's PAP, an extension other
than TLP 2.0) holds what it marks back from every export until it is mapped to a TLP level here; arriving, its
objects are judged at TLP:RED. ``list`` shows every marking defined or cited, those not understood first.
"""

from __future__ import annotations

import argparse
from typing import Any

from workbench.cli.common import Output, common_options, open_from_args
from workbench.domain.tlp import Tlp
from workbench.services import markings
from workbench.services.markings import MarkingRow


def register(commands: Any) -> None:
    parser = commands.add_parser("markings", help="what each marking means here; map those not understood")
    actions = parser.add_subparsers(dest="markings_action", metavar="ACTION", required=True)
    listed = actions.add_parser(
        "list", parents=[common_options()], help="every marking defined or cited, those not understood first"
    )
    listed.set_defaults(handler=run_list)
    mapped = actions.add_parser(
        "map", parents=[common_options()], help="map a marking not understood to a TLP level for this workspace"
    )
    mapped.add_argument("marking_id", metavar="ID", help="the marking-definition id (see markings list)")
    mapped.add_argument("level", metavar="LEVEL", help="CLEAR, GREEN, AMBER, AMBER+STRICT or RED")
    mapped.set_defaults(handler=run_map)
    unmapped = actions.add_parser("unmap", parents=[common_options()], help="take a mapping back")
    unmapped.add_argument("marking_id", metavar="ID", help="the marking-definition id (see markings list)")
    unmapped.set_defaults(handler=run_unmap)


def _line(row: MarkingRow) -> str:
    name = f" {row.name[:40]!r}" if row.name else ""
    cited = f"{row.objects:,} object(s)"
    defined = "" if row.defined else ", definition never received"
    what = f" ({row.judgement.what})" if row.judgement.what and row.judgement.what not in row.meaning else ""
    shown = row.id if row.id.startswith("marking-definition--") and row.id.isprintable() else repr(row.id[:100])
    return f"{shown}{name}: {row.meaning}{what}; cited by {cited}{defined}"


def run_list(args: argparse.Namespace, out: Output) -> int:
    with open_from_args(args) as ws:
        rows = markings.list_markings(ws)
    unclear = [row for row in rows if not row.judgement.understood]
    if unclear:
        out.line(f"{len(unclear)} marking(s) not understood: what they mark is held back from every export")
        out.line("until mapped with: workbench markings map ID LEVEL")
    for row in rows:
        out.line(_line(row))
    out.result([row.to_json() for row in rows])
    return 0


def run_map(args: argparse.Namespace, out: Output) -> int:
    level = Tlp.parse(args.level)
    with open_from_args(args) as ws:
        row = markings.map_marking(ws, args.marking_id, level)
    out.line(f"mapped: {_line(row)}")
    out.result(row.to_json())
    return 0


def run_unmap(args: argparse.Namespace, out: Output) -> int:
    with open_from_args(args) as ws:
        row = markings.unmap_marking(ws, args.marking_id)
    out.line(f"unmapped: {_line(row)}")
    out.result(row.to_json())
    return 0
