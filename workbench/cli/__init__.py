"""The ``workbench`` command: thin argument parsing over the services.

Exit codes: 0 success, 1 bad input or a refused/failed operation (one line on stderr), 2 usage errors.
Set ``WORKBENCH_DEBUG=1`` to see a traceback for an unexpected error instead of one line.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from workbench import __version__
from workbench.cli import (
    audit_cmd,
    backup_cmd,
    case_cmd,
    exchange_cmd,
    exercise_cmd,
    foreign_cmd,
    import_cmd,
    keys_cmd,
    markings_cmd,
    report_cmd,
    search_cmd,
    workspace_cmds,
)
from workbench.cli.common import CommandError, Output, error
from workbench.domain.errors import WorkbenchError
from workbench.services.jobs.protocol import WORKER_COMMAND

# Each module adds its sub-commands to the parser. Add new command modules here.
COMMAND_MODULES = (
    workspace_cmds,
    keys_cmd,
    audit_cmd,
    search_cmd,
    import_cmd,
    exchange_cmd,
    markings_cmd,
    foreign_cmd,
    case_cmd,
    exercise_cmd,
    report_cmd,
    backup_cmd,
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: usage error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="workbench", description="Air-gapped analyst workbench.")
    parser.add_argument("--version", action="version", version=f"workbench {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr (never contents)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    gui = commands.add_parser("gui", help="open the desktop application (the default)")
    gui.add_argument("--db", help="workspace file to open")
    gui.add_argument("--demo", action="store_true", help="open a temporary workspace filled with sample data")
    gui.add_argument(
        "--smoke-test",
        action="store_true",
        help="open the window on a temporary demo workspace, render it and the user guide, print 'smoke test ok', exit",
    )
    gui.set_defaults(handler=_run_gui)
    for module in COMMAND_MODULES:
        module.register(commands)
    return parser


def _run_gui(args: argparse.Namespace, out: Output) -> int:
    from workbench.ui.launch import run_gui  # Qt is imported only when the window is asked for

    return run_gui(db=args.db, demo=args.demo, smoke_test=args.smoke_test)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == [WORKER_COMMAND]:
        # The window's worker process (app.worker): not a command for people, so not in the help.
        from workbench.services.jobs import worker

        return worker.main(argv[1:])
    if not argv or argv[0].startswith("--db") or argv[0] in ("--demo", "--smoke-test"):
        argv = ["gui", *argv]
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        stream=sys.stderr,
        format="workbench: %(name)s: %(message)s",
    )
    out = Output(json_mode=getattr(args, "json", False))
    try:
        return int(args.handler(args, out) or 0)
    except (WorkbenchError, CommandError) as exc:
        error(str(exc))
        return 1
    except KeyboardInterrupt:
        print("workbench: interrupted; nothing was changed", file=sys.stderr)
        return 130
    except Exception as exc:  # a defect; still one line for the analyst
        if os.environ.get("WORKBENCH_DEBUG"):
            raise
        error(f"internal error ({type(exc).__name__}): {exc}")
        return 1
