"""``workbench keys add-partner | ceilings | revoke | trust | readmit | advance`` and the partners section of
``keys list``: these actions to ``workbench keys`` (``add_actions``) and prints this section (``list_partners``).

Pinning a key needs its fingerprint confirmed: given with ``--fingerprint`` as the partner read it out, or
typed ``yes`` at the prompt after reading it on a terminal.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from workbench.cli.common import CommandError, Output, common_options, open_from_args
from workbench.domain.errors import InvalidInput
from workbench.domain.tlp import Tlp
from workbench.services import exchange, keys
from workbench.services.workspace import Workspace


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--name", required=True, help="the partner organisation's name")
    parser.add_argument("--key", required=True, metavar="FILE", help="the partner's Ed25519 public key (PEM)")
    parser.add_argument("--tlp-max", help="highest TLP level they may receive from us (default AMBER)")
    parser.add_argument("--accept-max", help="highest TLP level they may send us (default AMBER)")
    parser.add_argument("--valid-from", help="the key vouches for packages created from this date or UTC time")
    parser.add_argument("--valid-until", help="... and before this one")
    parser.add_argument("--fingerprint", help="the fingerprint the partner read out (groups and colons ignored)")
    parser.add_argument(
        "--identity",
        metavar="IDENTITY_ID",
        help="the partner's STIX identity (identity--...): the author whose objects their packages may version",
    )


def _trust_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--name", required=True, help="the partner organisation's name")
    parser.add_argument("--identity", metavar="IDENTITY_ID", help="pin the partner's STIX identity (identity--...)")
    parser.add_argument(
        "--max-lifetime", type=int, metavar="DAYS", help="longest validity a package of theirs may claim (default 366)"
    )
    parser.add_argument(
        "--max-jump",
        type=int,
        metavar="N",
        help="largest step of their package sequence accepted without --accept-jump (default 100)",
    )


def _readmit_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "package_id", metavar="ID", help="the id of the package or receipt to let in (the refusal names it)"
    )
    parser.add_argument("--key", required=True, metavar="KEY_ID", help="the revoked key that signed it")
    parser.add_argument("--reason", help="one line recorded in the audit log")


def _advance_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--name", required=True, help="the partner organisation's name")
    parser.add_argument(
        "--last-received",
        required=True,
        type=int,
        metavar="N",
        help="the last sequence the partner imported from us, as they read it out (after a restore from backup)",
    )
    parser.add_argument("--reason", help="one line recorded in the audit log")


def _revoke_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("key_id", metavar="KEY_ID", help="the fingerprint of the pinned partner key")
    parser.add_argument(
        "--since",
        help="revoked as of this date or UTC time (default now), for the record; every package and receipt signed"
        " by the key is refused from now on, whatever its date (keys readmit lets one in)",
    )
    parser.add_argument("--reason", help="one line recorded in the audit log")


def run_add_partner(args: argparse.Namespace, out: Output) -> int:
    try:
        data = Path(args.key).read_bytes()
    except OSError as exc:
        raise InvalidInput(f"cannot read {args.key}: {exc.strerror}") from None
    _, key_id = exchange.read_public_key(data)
    expected = args.fingerprint
    if expected is None:
        if not sys.stdin.isatty():
            raise CommandError("confirm the key: pass --fingerprint as the partner read it out, or run in a terminal")
        print(f"fingerprint: {keys.format_fingerprint(key_id)}", file=sys.stderr)
        answer = input("Did the partner read out exactly this fingerprint? Type yes to pin the key: ")
        if answer.strip().lower() != "yes":
            raise CommandError("not confirmed; the key was not pinned")
        expected = key_id
    valid_from = exchange.parse_time_argument(args.valid_from, "--valid-from") if args.valid_from else None
    valid_until = exchange.parse_time_argument(args.valid_until, "--valid-until") if args.valid_until else None
    with open_from_args(args) as ws:
        partner = exchange.add_partner(
            ws,
            args.name,
            data,
            expected_fingerprint=expected,
            tlp_send=Tlp.parse(args.tlp_max) if args.tlp_max else None,
            tlp_accept=Tlp.parse(args.accept_max) if args.accept_max else None,
            valid_from=valid_from,
            valid_until=valid_until,
            identity_ref=args.identity,
        )
    out.line(f"pinned key {keys.format_fingerprint(key_id)} for partner {partner.name}")
    if partner.identity_ref:
        out.line(f"  identity {partner.identity_ref}")
    out.line(f"  they may receive up to {partner.tlp_send.label}, may send us up to {partner.tlp_accept.label}")
    out.result(
        {
            "partner": partner.name,
            "key_id": key_id,
            "tlp_send": partner.tlp_send.short,
            "tlp_accept": partner.tlp_accept.short,
            "valid_from": valid_from,
            "valid_until": valid_until,
            "identity_ref": partner.identity_ref,
        }
    )
    return 0


def run_trust(args: argparse.Namespace, out: Output) -> int:
    if args.identity is None and args.max_lifetime is None and args.max_jump is None:
        raise CommandError("give --identity, --max-lifetime, --max-jump or several")
    with open_from_args(args) as ws:
        partner = exchange.set_partner_trust(
            ws,
            args.name,
            identity_ref=args.identity,
            max_lifetime_days=args.max_lifetime,
            max_sequence_jump=args.max_jump,
        )
    out.line(f"{partner.name}: identity {partner.identity_ref or 'not pinned'}")
    out.line(
        f"  packages valid for at most {partner.max_lifetime_days} days,"
        f" sequence jumps up to {partner.max_sequence_jump}"
    )
    out.result(_trust_json(partner))
    return 0


def _trust_json(partner: exchange.Partner) -> dict[str, Any]:
    return {
        "partner": partner.name,
        "identity_ref": partner.identity_ref,
        "max_lifetime_days": partner.max_lifetime_days,
        "max_sequence_jump": partner.max_sequence_jump,
    }


def run_readmit(args: argparse.Namespace, out: Output) -> int:
    with open_from_args(args) as ws:
        exchange.readmit_package(ws, args.package_id, args.key, reason=args.reason)
    out.line(f"{args.package_id.strip().lower()} may be imported although the key that signed it was revoked")
    out.result({"package_id": args.package_id.strip().lower(), "key_id": args.key})
    return 0


def run_advance(args: argparse.Namespace, out: Output) -> int:
    with open_from_args(args) as ws:
        following = exchange.advance_outgoing(ws, args.name, args.last_received, reason=args.reason)
    out.line(f"the next package to {args.name.strip()} carries sequence {following}")
    out.result({"partner": args.name.strip(), "next_sequence": following})
    return 0


def _ceilings_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--name", required=True, help="the partner organisation's name")
    parser.add_argument("--tlp-max", help="highest TLP level they may receive from us (default: unchanged)")
    parser.add_argument("--accept-max", help="highest TLP level they may send us (default: unchanged)")


def run_ceilings(args: argparse.Namespace, out: Output) -> int:
    if not args.tlp_max and not args.accept_max:
        raise CommandError("give --tlp-max, --accept-max or both")
    with open_from_args(args) as ws:
        known = exchange.get_partner(ws, args.name)
        partner = exchange.set_ceilings(
            ws,
            known.name,
            tlp_send=Tlp.parse(args.tlp_max) if args.tlp_max else known.tlp_send,
            tlp_accept=Tlp.parse(args.accept_max) if args.accept_max else known.tlp_accept,
        )
    out.line(f"{partner.name} may receive up to {partner.tlp_send.label}, may send us up to {partner.tlp_accept.label}")
    out.result({"partner": partner.name, "tlp_send": partner.tlp_send.short, "tlp_accept": partner.tlp_accept.short})
    return 0


def run_revoke(args: argparse.Namespace, out: Output) -> int:
    since = exchange.parse_time_argument(args.since, "--since") if args.since else None
    with open_from_args(args) as ws:
        key = exchange.revoke_key(ws, args.key_id, since=since, reason=args.reason)
    out.line(f"revoked key {key.key_id} as of {key.revoked_at}")
    out.result({"key_id": key.key_id, "revoked_at": key.revoked_at, "reason": key.revoked_reason})
    return 0


def list_partners(ws: Workspace, out: Output) -> list[dict[str, Any]]:
    """The partners section of ``keys list``: human lines now, their JSON returned."""
    found = exchange.list_partners(ws)
    listed = []
    for partner in found:
        out.line(
            f"partner  {partner.name}  receives up to {partner.tlp_send.short}, sends up to {partner.tlp_accept.short}"
        )
        out.line(
            f"  identity {partner.identity_ref or 'not pinned'}; packages valid up to {partner.max_lifetime_days}"
            f" days, sequence jumps up to {partner.max_sequence_jump}"
        )
        keys_json = []
        for key in partner.keys:
            window = f"{key.valid_from or '-'} .. {key.valid_until or '-'}"
            out.line(f"  key  {key.key_id}  {key.status()}  valid {window}")
            keys_json.append(
                {
                    "key_id": key.key_id,
                    "status": key.status(),
                    "valid_from": key.valid_from,
                    "valid_until": key.valid_until,
                    "revoked_at": key.revoked_at,
                    "revoked_reason": key.revoked_reason,
                    "added_at": key.added_at,
                }
            )
        listed.append(
            {
                "name": partner.name,
                "tlp_send": partner.tlp_send.short,
                "tlp_accept": partner.tlp_accept.short,
                **_trust_json(partner),
                "keys": keys_json,
            }
        )
    return listed


def add_actions(actions: Any) -> None:
    """Add ``add-partner``, ``ceilings``, ``revoke``, ``trust``, ``readmit`` and ``advance`` to the actions of
    ``workbench keys``."""
    for name, help_text, add_arguments, handler in (
        ("add-partner", "pin a partner's public key (fingerprint confirmed by phone)", _add_arguments, run_add_partner),
        ("ceilings", "change what a partner may receive from us and send us", _ceilings_arguments, run_ceilings),
        ("revoke", "revoke a pinned partner key", _revoke_arguments, run_revoke),
        (
            "trust",
            "pin a partner's STIX identity, bound their packages' lifetime and sequence jumps",
            _trust_arguments,
            run_trust,
        ),
        ("readmit", "let one package or receipt signed by a revoked key in", _readmit_arguments, run_readmit),
        (
            "advance",
            "move our package sequence to a partner forward (after a restore)",
            _advance_arguments,
            run_advance,
        ),
    ):
        action = actions.add_parser(name, parents=[common_options()], help=help_text)
        add_arguments(action)
        action.set_defaults(handler=handler)
