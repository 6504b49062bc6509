"""``workbench audit``: show the audit log, or verify its hash chain."""

from __future__ import annotations

import argparse
from typing import Any

from workbench.cli.common import Output, common_options, error, open_from_args
from workbench.storage import audit


def register(commands: Any) -> None:
    parser = commands.add_parser("audit", parents=[common_options()], help="show or verify the audit log")
    parser.add_argument("--verify", action="store_true", help="check the hash chain; exit 1 if it is broken")
    parser.add_argument("--action", help="only entries of this action (or prefix ending in '.')")
    parser.set_defaults(handler=run_audit)


def run_audit(args: argparse.Namespace, out: Output) -> int:
    with open_from_args(args) as ws:
        if args.verify:
            report = audit.verify(ws.conn)
            out.result(
                {"ok": report.ok, "entries": report.entries, "broken_entry": report.broken_seq, "reason": report.reason}
            )
            if not report.ok:
                error(f"audit chain broken at entry {report.broken_seq}: {report.reason}")
                return 1
            out.line(f"audit chain intact: {report.entries} entries")
            return 0
        rows = list(audit.entries(ws.conn, action=args.action))
    for entry in rows:
        details = ", ".join(f"{key}={value}" for key, value in entry.details.items())
        out.line(f"{entry.seq:6d}  {entry.at}  {entry.action:24s}  {details}")
    out.result([{"seq": e.seq, "at": e.at, "action": e.action, "details": e.details} for e in rows])
    return 0
