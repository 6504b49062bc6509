"""What every command shares: the passphrase, opening the workspace, printing text or JSON.

Everything printed goes through ``Output`` or ``error``: names, ids and messages that came from outside (objects,
packages, files on a medium) are shown with their terminal control characters escaped (``domain.text``), so that
no name can move the cursor, retitle the window or fake a line.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from typing import Any

from workbench.domain.text import json_safe, printable
from workbench.services.workspace import Workspace, open_workspace

PASSPHRASE_ENV = "WORKBENCH_PASSPHRASE"
NEW_PASSPHRASE_ENV = "WORKBENCH_NEW_PASSPHRASE"
BACKUP_PASSPHRASE_ENV = "WORKBENCH_BACKUP_PASSPHRASE"
DB_ENV = "WORKBENCH_DB"

#: The help of every command argument that names a case.
CASE_HELP = "case reference (INC-2026-0001), STIX id or number"


class CommandError(Exception):
    """A refusal decided by the command line itself (missing passphrase, conflicting options)."""


class Output:
    """Prints human lines, or collects one JSON document printed at the end with ``--json``."""

    def __init__(self, json_mode: bool) -> None:
        self.json_mode = json_mode

    def line(self, text: str = "") -> None:
        if not self.json_mode:
            print(printable(text, keep_newlines=True))

    def result(self, data: Any) -> None:
        if self.json_mode:
            sys.stdout.write(safe_json(data))
            sys.stdout.write("\n")


def safe_json(data: Any) -> str:
    """JSON for a terminal: C0 is escaped by JSON itself; C1 and the bidi controls are written as ``\\uXXXX``
    escapes too, which any JSON reader turns back into the same text."""
    return json_safe(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def error(message: str) -> None:
    """One line on stderr, ``workbench: `` first, control characters escaped."""
    print(f"workbench: {printable(message)}", file=sys.stderr)


def common_options(*, db: bool = True) -> argparse.ArgumentParser:
    """A parent parser with ``--json`` and, by default, ``--db``."""
    parent = argparse.ArgumentParser(add_help=False)
    if db:
        parent.add_argument("--db", default=os.environ.get(DB_ENV), help=f"workspace file (or ${DB_ENV})")
    parent.add_argument("--json", action="store_true", help="print a machine-readable summary on stdout")
    return parent


def require_db(args: argparse.Namespace) -> str:
    if not args.db:
        raise CommandError(f"no workspace given: use --db PATH or set {DB_ENV}")
    return str(args.db)


def passphrase(*, env: str = PASSPHRASE_ENV, prompt: str = "Passphrase: ", confirm: bool = False) -> str:
    """From the environment variable when set, otherwise asked for on the terminal without echo."""
    value = os.environ.get(env)
    if value is not None:
        return value
    if not sys.stdin.isatty():
        raise CommandError(f"no passphrase: set {env} or run in a terminal")
    try:
        value = getpass.getpass(prompt)
        if confirm and getpass.getpass("Repeat: ") != value:
            raise CommandError("the two passphrases differ")
    except EOFError:
        raise CommandError("no passphrase given") from None
    return value


def open_from_args(args: argparse.Namespace) -> Workspace:
    return open_workspace(require_db(args), passphrase())
