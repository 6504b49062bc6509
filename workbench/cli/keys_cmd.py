"""``workbench keys``: the organisation's own keys (partners' keys are added by the exchange commands)."""

from __future__ import annotations

import argparse
from typing import Any

from workbench.cli.common import Output, common_options, open_from_args
from workbench.services import keys

# Further ``keys`` sub-commands register here: (name, help, add_arguments, handler).
EXTRA_KEY_COMMANDS: list[tuple[str, str, Any, Any]] = []
# Further sections of ``keys list`` (partners): (conn, out) -> (JSON key, JSON value), printing their lines.
EXTRA_KEY_LISTINGS: list[Any] = []


def register(commands: Any) -> None:
    parser = commands.add_parser("keys", help="list and export keys")
    actions = parser.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    listing = actions.add_parser("list", parents=[common_options()], help="list own keys")
    listing.set_defaults(handler=run_list)
    export = actions.add_parser(
        "export-public",
        parents=[common_options()],
        help="write the public signing key as PEM and print its fingerprint",
    )
    export.add_argument("--out", required=True, help="PEM file to write")
    export.set_defaults(handler=run_export_public)
    rotate = actions.add_parser(
        "rotate", parents=[common_options()], help="retire the signing key and generate a new one"
    )
    rotate.set_defaults(handler=run_rotate)
    for name, help_text, add_arguments, handler in EXTRA_KEY_COMMANDS:
        extra = actions.add_parser(name, parents=[common_options()], help=help_text)
        add_arguments(extra)
        extra.set_defaults(handler=handler)


def run_list(args: argparse.Namespace, out: Output) -> int:
    with open_from_args(args) as ws:
        own = keys.own_keys(ws.conn)
        for key in own:
            state = "active" if key.active else f"retired {key.retired}"
            out.line(f"own  {key.key_id}  created {key.created}  {state}")
        extra = dict(listing(ws.conn, out) for listing in EXTRA_KEY_LISTINGS)
    out.result(
        {"own": [{"key_id": key.key_id, "created": key.created, "retired": key.retired} for key in own], **extra}
    )
    return 0


def run_export_public(args: argparse.Namespace, out: Output) -> int:
    with open_from_args(args) as ws:
        key = keys.export_public(ws, args.out)
    out.line(f"wrote {args.out}")
    out.line(f"fingerprint (SHA-256 of the DER public key): {key.key_id}")
    # What the partner pins with the key (keys add-partner --identity): the author our objects name.
    out.line(f"STIX identity: {ws.identity_id}")
    out.result({"file": args.out, "key_id": key.key_id, "identity_ref": ws.identity_id})
    return 0


def run_rotate(args: argparse.Namespace, out: Output) -> int:
    with open_from_args(args) as ws:
        generated = keys.rotate(ws)
    out.line(f"new signing key {generated.key_id}; give partners the new public key")
    out.result({"key_id": generated.key_id})
    return 0
