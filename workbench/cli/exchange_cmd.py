"""``workbench export | verify | receipt | outbox | inbox | volumes``, and packages given to ``workbench import``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from workbench.cli import partner_cmd  # noqa: F401 - registers the partner sub-commands of ``keys``
from workbench.cli.common import Output, common_options, open_from_args
from workbench.cli.foreign_cmd import print_foreign
from workbench.domain.errors import InvalidInput
from workbench.domain.tlp import Tlp
from workbench.services import exchange
from workbench.services.cases import exchange as case_exchange
from workbench.services.exchange.export import held_json
from workbench.services.intake import Imported

SHOWN_HELD_BACK = 20


def register(commands: Any) -> None:
    export = commands.add_parser(
        "export", parents=[common_options()], help="write a signed package for a partner onto a medium"
    )
    export.add_argument("--to", required=True, metavar="DIR", help="the folder on the medium")
    export.add_argument("--recipient", required=True, metavar="NAME", help="the partner it is for")
    chosen = export.add_mutually_exclusive_group()
    chosen.add_argument("--case", metavar="ID", help="the objects of a case")
    chosen.add_argument("--query", metavar="Q", help="the objects a search finds")
    chosen.add_argument("--id", dest="ids", action="append", metavar="STIX_ID", help="one object (repeatable)")
    export.add_argument("--tlp-max", metavar="LEVEL", help="a lower ceiling than the partner's for this package")
    export.add_argument(
        "--unmarked-as",
        metavar="LEVEL",
        default="AMBER",
        help="the level unmarked objects count as when deciding what leaves (default AMBER)",
    )
    export.add_argument(
        "--sanitize", action="store_true", help="drop internal notes, custom x_ properties and local-only labels"
    )
    export.add_argument("--current-only", action="store_true", help="only current versions, no history")
    export.add_argument("--tar", action="store_true", help="one uncompressed .tar file instead of a folder")
    export.add_argument("--valid-days", type=int, default=30, help="days until the package expires (default 30)")
    export.add_argument(
        "--preview", action="store_true", help="show what would leave and what is held back; write nothing"
    )
    export.set_defaults(handler=run_export)

    verify = commands.add_parser(
        "verify", parents=[common_options(db=False)], help="check a package's signature, files, addressing and markings"
    )
    verify.add_argument("package", metavar="PACKAGE", help="package folder or .tar")
    trust = verify.add_mutually_exclusive_group(required=True)
    trust.add_argument("--db", help="check against this workspace's pinned partner keys, channels and address")
    trust.add_argument("--key", metavar="PUB.pem", help="check against this producer public key only")
    verify.set_defaults(handler=run_verify)

    receipt = commands.add_parser(
        "receipt", parents=[common_options()], help="write a signed receipt for a package imported here"
    )
    receipt.add_argument("--package", required=True, metavar="PACKAGE_ID", help="the package's id (see inbox)")
    receipt.add_argument("--to", required=True, metavar="DIR", help="the folder on the medium")
    receipt.add_argument("--tar", action="store_true", help="one uncompressed .tar file instead of a folder")
    receipt.set_defaults(handler=run_receipt)

    outbox = commands.add_parser("outbox", parents=[common_options()], help="packages sent and their delivery")
    outbox.set_defaults(handler=run_outbox)
    inbox = commands.add_parser("inbox", parents=[common_options()], help="packages imported from partners")
    inbox.set_defaults(handler=run_inbox)
    volumes = commands.add_parser(
        "volumes", parents=[common_options(db=False)], help="mounted removable volumes and their free space"
    )
    volumes.set_defaults(handler=run_volumes)


def _selection(args: argparse.Namespace) -> exchange.Selection:
    if args.case:
        return case_exchange.CaseSelection(args.case)
    if args.query:
        return exchange.QuerySelection(args.query)
    if args.ids:
        return exchange.IdSelection(tuple(args.ids))
    return exchange.AllObjects()


def _print_held(out: Output, held: tuple[exchange.HeldBack, ...]) -> None:
    if held:
        out.line(f"held back: {len(held)}")
    for item in held[:SHOWN_HELD_BACK]:
        version = f" (version {item.version})" if item.version else ""
        name = f" {item.name[:40]!r}" if item.name else ""
        out.line(f"  {item.id}{name}{version}: {item.reason}")
    if len(held) > SHOWN_HELD_BACK:
        out.line(f"  ... and {len(held) - SHOWN_HELD_BACK} more (see --json)")


def run_export(args: argparse.Namespace, out: Output) -> int:
    options = {
        "tlp_max": Tlp.parse(args.tlp_max) if args.tlp_max else None,
        "unmarked_as": Tlp.parse(args.unmarked_as),
        "include_history": not args.current_only,
        "sanitize": args.sanitize,
    }
    with open_from_args(args) as ws:
        if args.preview:
            preview = exchange.preview_export(ws, args.recipient, _selection(args), **options)
            out.line(
                f"would export {preview.object_count} object version(s) of {preview.selection} to "
                f"{preview.recipient} (ceiling {preview.ceiling.label}), about {preview.estimated_size} bytes"
            )
            _print_held(out, preview.held_back)
            out.result(
                {
                    "preview": True,
                    "recipient": preview.recipient,
                    "object_count": preview.object_count,
                    "ceiling": preview.ceiling.label,
                    "estimated_size": preview.estimated_size,
                    "held_back": [held_json(item) for item in preview.held_back],
                }
            )
            return 0
        result = exchange.export_package(
            ws, args.to, args.recipient, _selection(args), tar=args.tar, validity_days=args.valid_days, **options
        )
    out.line(f"wrote and verified {result.path}")
    out.line(
        f"  for {result.recipient}, sequence {result.sequence}, {result.object_count} object version(s), "
        f"ceiling {result.tlp_ceiling.label}, expires {result.expires}"
    )
    if result.sanitized:
        out.line(f"  sanitised {result.sanitized} object(s)")
    _print_held(out, result.held_back)
    out.result(result.to_json())
    return 0


def run_verify(args: argparse.Namespace, out: Output) -> int:
    if args.key:
        try:
            pem = Path(args.key).read_bytes()
        except OSError as exc:
            raise InvalidInput(f"cannot read {args.key}: {exc.strerror}") from None
        verdict = exchange.verify_package(args.package, public_key_pem=pem)
    else:
        with open_from_args(args) as ws:
            verdict = exchange.verify_package(args.package, conn=ws.conn)
    out.line(f"VERIFIED package {verdict.package_id}")
    # Who signed comes first, by the name the analyst pinned with the key; the manifest's claim only after it.
    if verdict.partner:
        out.line(f"  partner      {verdict.partner} (pinned key {verdict.producer.key_id})")
        out.line(f"  producer     calls itself {verdict.producer.name}, identity {verdict.producer.identity_ref}")
    else:
        out.line(f"  signed by    the key given (key {verdict.producer.key_id})")
        out.line(f"  producer     calls itself {verdict.producer.name}, identity {verdict.producer.identity_ref}")
    for party in verdict.recipients:
        out.line(f"  recipient    {party.name} (key {party.key_id})")
    out.line(f"  sequence     {verdict.sequence}")
    out.line(f"  created      {verdict.created}  expires {verdict.expires}")
    out.line(f"  TLP ceiling  {verdict.tlp_ceiling.label}")
    out.line(f"  objects      {verdict.object_count}")
    for warning in verdict.warnings:
        out.line(f"  warning: {warning}")
    out.result(verdict.to_json())
    return 0


def run_receipt(args: argparse.Namespace, out: Output) -> int:
    with open_from_args(args) as ws:
        written = exchange.write_receipt(ws, args.package, args.to, tar=args.tar)
    out.line(f"wrote and verified receipt {written.path}")
    out.result({"path": str(written.path), **written.receipt.to_json()})
    return 0


def run_outbox(args: argparse.Namespace, out: Output) -> int:
    with open_from_args(args) as ws:
        entries = exchange.outbox(ws.conn)
    for entry in entries:
        counts = f" imported {entry.imported}, refused {entry.refused}" if entry.delivered_at else ""
        out.line(
            f"{entry.created}  {entry.partner:24.24s} #{entry.sequence:<5d} {entry.object_count:7d} objects  "
            f"{entry.tlp_ceiling:18s} {entry.status}{counts}  {entry.package_id}"
        )
    if not entries:
        out.line("no packages sent")
    out.result([entry.to_json() for entry in entries])
    return 0


def run_inbox(args: argparse.Namespace, out: Output) -> int:
    with open_from_args(args) as ws:
        entries = exchange.inbox(ws.conn)
    for entry in entries:
        receipt = "receipt written" if entry.receipt_id else "no receipt yet"
        out.line(
            f"{entry.imported_at}  {entry.partner:24.24s} #{entry.sequence:<5d} {entry.object_count:7d} "
            f"objects  imported {entry.imported}, refused {entry.refused}  {receipt}  {entry.package_id}"
        )
    if not entries:
        out.line("no packages imported")
    out.result([entry.to_json() for entry in entries])
    return 0


def run_volumes(args: argparse.Namespace, out: Output) -> int:
    volumes = exchange.removable_volumes()
    for volume in volumes:
        state = " (read-only)" if volume.read_only else ""
        out.line(
            f"{volume.mount_point}  {volume.device}  {volume.fs_type}  {volume.free_bytes / 1e6:.0f} MB free "
            f"of {volume.total_bytes / 1e6:.0f} MB{state}"
        )
    if not volumes:
        out.line("no removable volume is mounted")
    out.result(
        [
            {
                "mount_point": str(v.mount_point),
                "device": v.device,
                "fs_type": v.fs_type,
                "read_only": v.read_only,
                "free_bytes": v.free_bytes,
                "total_bytes": v.total_bytes,
            }
            for v in volumes
        ]
    )
    return 0


def print_exchange_import(out: Output, imported: Imported) -> None:
    """What ``workbench import`` says about a package or a receipt it imported."""
    result = imported.result
    if isinstance(result, exchange.Receipt):
        out.line(
            f"{imported.name}: receipt from {result.producer_name} for package {result.package_id}: "
            f"delivered, imported {result.imported}, refused {result.refused}"
        )
        return
    assert isinstance(result, exchange.PackageImport)
    verdict, summary = result.verdict, result.summary
    out.line(
        f"{imported.name}: package {verdict.sequence} from {verdict.partner}, verified "
        f"({verdict.object_count} objects, ceiling {verdict.tlp_ceiling.label})"
    )
    for warning in verdict.warnings:
        out.line(f"  warning: {warning}")
    out.line(
        f"  new objects {summary.new}, new versions {summary.new_versions}, unchanged {summary.unchanged}, "
        f"older than current {summary.older}, conflicts {summary.conflicts}, refused {summary.objects_refused}"
    )
    for finding in summary.refusal_reasons:
        out.line(f"  refused: {finding}")
    print_foreign(out, summary)
    for message in imported.messages:
        out.line(f"  {message}")
