"""``workbench case link|observe|unlink|object``: the library's objects linked to a case, techniques observed in
it, and STIX objects created inside it."""

from __future__ import annotations

import argparse
from typing import Any

from workbench.cli.case_input import read_json_file
from workbench.cli.case_output import plain
from workbench.cli.common import CASE_HELP, Output, open_from_args
from workbench.cli.times import RELATIVE_HELP, resolve_time
from workbench.services.cases import links as case_links
from workbench.services.cases import observed


def register(action: Any) -> None:
    """Add the actions to ``workbench case`` (``action`` makes one sub-command with the common options)."""
    link = action(
        "link",
        "link objects of the library to a case, named by STIX id, ATT&CK or CVE id (T0855) or exact name",
        run_link,
    )
    link.add_argument("case", help=CASE_HELP)
    link.add_argument("ids", nargs="+", metavar="OBJECT", help="STIX id, ATT&CK id, CVE id or exact name")
    link.add_argument("--unlink", action="store_true", help="remove the links instead")
    link.add_argument(
        "--asset",
        action="store_true",
        help="the objects are the victim's own affected assets (listed apart, never counted as indicators)",
    )

    observe = action(
        "observe",
        "record that an ATT&CK technique was observed in this incident: the procedure seen, when, from what",
        run_observe,
    )
    observe.add_argument("case", help=CASE_HELP)
    observe.add_argument("technique", help="ATT&CK id (T0855), exact name or STIX id of the attack pattern")
    observe.add_argument("--procedure", required=True, help="what was seen, in this incident")
    observe.add_argument("--at", required=True, help="when it was seen: " + RELATIVE_HELP)
    observe.add_argument("--source", default="", help="where the observation comes from (log, sensor, report)")

    unlink = action("unlink", "remove links (the objects stay in the library)", run_unlink)
    unlink.add_argument("case", help=CASE_HELP)
    unlink.add_argument("ids", nargs="+", metavar="STIX_ID", help="the linked objects to unlink")

    create_object = action(
        "object", "create STIX objects inside a case from a JSON file (one object or a list)", run_object
    )
    create_object.add_argument("case", help=CASE_HELP)
    create_object.add_argument("--file", required=True, help="JSON with the object's own properties")


def run_link(args: argparse.Namespace, out: Output) -> int:
    with open_from_args(args) as ws:
        chosen = [observed.resolve(ws, given) for given in args.ids]
        ids = [item.id for item in chosen]
        if args.unlink:
            removed = case_links.unlink_objects(ws, args.case, ids)
        else:
            added = case_links.link_objects(ws, args.case, ids, role="asset" if args.asset else "linked")
    for item in chosen:
        if item.given != item.id:
            out.line(f"  {plain(item.description)}")
    if args.unlink:
        out.line(f"unlinked {removed} object(s) from case {args.case}")
        out.result({"case": args.case, "unlinked": removed, "ids": ids})
        return 0
    role = " as affected assets" if args.asset else ""
    out.line(
        f"linked {added} object(s) to case {args.case}{role}"
        + ("" if added == len(set(ids)) else " (the others were linked already)")
    )
    out.result({"case": args.case, "linked": added, "ids": ids, "role": "asset" if args.asset else "linked"})
    return 0


def run_observe(args: argparse.Namespace, out: Output) -> int:
    with open_from_args(args) as ws:
        chosen, sighting = observed.observe(
            ws,
            args.case,
            args.technique,
            procedure=args.procedure,
            at=resolve_time(args.at) or args.at,
            source=args.source,
        )
    out.line(f"  {plain(chosen.description)}")
    out.line(f"recorded {chosen.name} as observed in case {args.case} ({sighting})")
    out.result({"case": args.case, "technique": chosen.id, "sighting": sighting})
    return 0


def run_unlink(args: argparse.Namespace, out: Output) -> int:
    with open_from_args(args) as ws:
        removed = case_links.unlink_objects(ws, args.case, args.ids)
    out.line(f"unlinked {removed} object(s) from case {args.case}")
    out.result({"case": args.case, "unlinked": removed})
    return 0


def run_object(args: argparse.Namespace, out: Output) -> int:
    document = read_json_file(args.file)
    items = document if isinstance(document, list) else [document]
    created = []
    with open_from_args(args) as ws:
        for item in items:
            created.append(case_links.create_object(ws, args.case, item))
    for object_id in created:
        out.line(f"created {object_id} in case {args.case}")
    out.result({"case": args.case, "created": created})
    return 0
