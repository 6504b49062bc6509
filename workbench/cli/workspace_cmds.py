"""``workbench init`` and ``workbench passwd``."""

from __future__ import annotations

import argparse
from typing import Any

from workbench.cli.common import NEW_PASSPHRASE_ENV, Output, common_options, open_from_args, passphrase, require_db
from workbench.services import keys
from workbench.services.workspace import change_passphrase, create_workspace


def register(commands: Any) -> None:
    init = commands.add_parser("init", parents=[common_options()], help="create an encrypted workspace")
    init.add_argument("--name", required=True, help="your organisation's name")
    init.set_defaults(handler=run_init)
    passwd = commands.add_parser("passwd", parents=[common_options()], help="change the workspace passphrase")
    passwd.set_defaults(handler=run_passwd)


def run_init(args: argparse.Namespace, out: Output) -> int:
    db = require_db(args)
    secret = passphrase(prompt="New passphrase: ", confirm=True)
    with create_workspace(db, secret, args.name) as ws:
        key = keys.active_key(ws)
        out.line(f"created workspace {ws.path} for {ws.org_name}")
        out.line(f"identity: {ws.identity_id}")
        out.line(f"signing key fingerprint: {keys.format_fingerprint(key.key_id)}")
        out.result({"db": str(ws.path), "org_name": ws.org_name, "identity_ref": ws.identity_id, "key_id": key.key_id})
    return 0


def run_passwd(args: argparse.Namespace, out: Output) -> int:
    with open_from_args(args) as ws:
        new = passphrase(env=NEW_PASSPHRASE_ENV, prompt="New passphrase: ", confirm=True)
        change_passphrase(ws, new)
    out.line("passphrase changed")
    out.result({"changed": True})
    return 0
