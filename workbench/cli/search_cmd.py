"""``workbench search``: the library's full-text search (``services.library.search``)."""

from __future__ import annotations

import argparse
from typing import Any

from workbench.cli.common import Output, common_options, open_from_args
from workbench.services import library


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "search",
        parents=[common_options()],
        help="find objects by name, description, pattern, observable value, alias or external id (T1059)",
    )
    parser.add_argument("query", nargs="+", help="words to find (all must match, as prefixes)")
    parser.add_argument(
        "--type", dest="types", action="append", default=[], metavar="TYPE", help="only this STIX type (repeatable)"
    )
    parser.add_argument("--limit", type=int, default=50, help="at most this many hits (default 50)")
    parser.add_argument("--revoked", action="store_true", help="include revoked objects")
    parser.set_defaults(handler=run_search)


def run_search(args: argparse.Namespace, out: Output) -> int:
    flt = library.LibraryFilter(types=tuple(dict.fromkeys(args.types)), search=" ".join(args.query))
    with open_from_args(args) as ws:
        page = library.search(ws, flt, limit=max(1, min(args.limit, 10_000)), include_revoked=args.revoked)
    hits = page.rows
    if not page.ranked:
        out.line(f"more than {page.more_than:,} matches: the newest are shown first; add words to narrow the search")
    for hit in hits:
        tlp = hit.tlp.label if hit.tlp is not None else "-"
        out.line(f"{hit.type:20s} {hit.name[:60]:60s} {tlp:18s} {hit.id}")
    if not hits:
        out.line("no matches")
    out.result(
        [
            {
                "id": h.id,
                "type": h.type,
                "name": h.name,
                "modified": h.modified,
                "tlp": h.tlp.short if h.tlp is not None else None,
                "revoked": h.revoked,
            }
            for h in hits
        ]
    )
    return 0
