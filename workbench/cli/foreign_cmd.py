"""``workbench foreign list | accept``: versions a sender did not author, kept aside until the analyst accepts them.

A partner's package versions only the objects its pinned identity created (see docs/exchange-format.md); any other
version it carries is kept as a foreign version with its provenance. ``list`` shows them with their number,
``accept N...`` stores those versions (the newest becomes current) and updates a case they carry.
"""

from __future__ import annotations

import argparse
from typing import Any

from workbench.cli.common import Output, common_options, open_from_args
from workbench.services import intake
from workbench.services.importing import foreign
from workbench.services.importing.summary import ImportSummary


def register(commands: Any) -> None:
    parser = commands.add_parser("foreign", help="versions kept aside because their sender is not their author")
    actions = parser.add_subparsers(dest="foreign_command", metavar="ACTION", required=True)
    listing = actions.add_parser("list", parents=[common_options()], help="foreign versions not accepted yet")
    listing.add_argument("--all", action="store_true", help="accepted ones too")
    listing.add_argument("--id", dest="stix_id", metavar="STIX_ID", help="only those of this object")
    listing.set_defaults(handler=run_list)
    accept = actions.add_parser("accept", parents=[common_options()], help="store foreign versions as versions")
    accept.add_argument("numbers", nargs="+", type=int, metavar="N", help="numbers from foreign list")
    accept.set_defaults(handler=run_accept)


def run_list(args: argparse.Namespace, out: Output) -> int:
    with open_from_args(args) as ws:
        rows = foreign.foreign_versions(ws, args.stix_id, include_accepted=args.all)
    for row in rows:
        state = f"accepted {row.accepted_at}" if row.accepted_at else "waiting"
        out.line(f"{row.fid:6d}  {row.id}  modified {row.modified[:24]}  {state}")
        out.line(f"        from {row.source_name} (package {row.package_id or '-'}): {row.reason}")
    if not rows:
        out.line("no foreign versions")
    out.result(
        [
            {
                "number": row.fid,
                "id": row.id,
                "type": row.type,
                "modified": row.modified,
                "reason": row.reason,
                "received_at": row.received_at,
                "source": row.source_name,
                "package_id": row.package_id,
                "partner_key_id": row.partner_key_id,
                "accepted_at": row.accepted_at,
            }
            for row in rows
        ]
    )
    return 0


def run_accept(args: argparse.Namespace, out: Output) -> int:
    with open_from_args(args) as ws:
        accepted = intake.accept_foreign_versions(ws, args.numbers)
    for item in accepted:
        out.line(f"accepted {item.fid}: {item.id} ({item.outcome.value.replace('_', ' ')})")
    out.result([{"number": item.fid, "id": item.id, "outcome": item.outcome.value} for item in accepted])
    return 0


def print_foreign(out: Output, summary: ImportSummary) -> None:
    """The foreign versions of an import summary, and where to accept them."""
    if not summary.foreign:
        return
    out.line(f"  foreign versions {summary.foreign:,}: kept aside, not current (see: workbench foreign list)")
    for finding in summary.foreign_listed:
        out.line(f"  foreign: {finding}")
    if summary.foreign > len(summary.foreign_listed):
        out.line(f"  ... and {summary.foreign - len(summary.foreign_listed):,} more foreign versions")
