"""The command reference in the guides is the program's own argument parser, written out: they cannot drift apart."""

from __future__ import annotations

import argparse
import subprocess
import sys

from tests.conftest import REPO
from workbench.cli import build_parser
from workbench.cli.reference import render_reference

PAGE = REPO / "resources" / "guides" / "commands.md"


def commands(parser: argparse.ArgumentParser, prog: str = "workbench") -> list[tuple[str, argparse.ArgumentParser]]:
    """Every command and sub-command of the parser, walked here independently of the renderer."""
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.append((f"{prog} {name}", sub))
                found.extend(commands(sub, f"{prog} {name}"))
    return found


def test_the_page_in_the_repository_is_what_the_parser_says() -> None:
    expected = render_reference(build_parser())
    assert PAGE.read_text(encoding="utf-8") == expected, (
        "resources/guides/commands.md differs from the program's commands: run scripts/command_reference.py"
    )


def test_every_command_and_every_option_is_on_the_page() -> None:
    page = PAGE.read_text(encoding="utf-8")
    walked = commands(build_parser())
    assert len(walked) > 30
    for prog, parser in walked:
        assert f"# {prog}\n" in page, prog
        for action in parser._actions:
            for flag in action.option_strings:
                if flag not in ("-h", "--help"):
                    assert flag in page, f"{prog} {flag}"
    for name in ("backup", "restore"):
        assert f"`workbench {name}`" in page


def test_every_argument_says_what_it_is() -> None:
    """A reference row with an empty meaning tells the reader nothing: every argument has its help text."""
    silent = [
        f"{prog} {action.option_strings[0] if action.option_strings else action.metavar or action.dest}"
        for prog, parser in commands(build_parser())
        for action in parser._actions
        if not isinstance(action, argparse._SubParsersAction | argparse._HelpAction)
        and action.help != argparse.SUPPRESS
        and not action.help
    ]
    assert silent == []


def test_a_new_option_changes_the_page_so_the_first_test_would_fail() -> None:
    parser = build_parser()
    backup = dict(commands(parser))["workbench backup"]
    backup.add_argument("--frobnicate", action="store_true", help="an option the page does not know yet")
    changed = render_reference(parser)
    assert changed != PAGE.read_text(encoding="utf-8")
    assert "| `--frobnicate` | an option the page does not know yet |" in changed


def test_the_script_checks_and_writes_the_same_page() -> None:
    checked = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "command_reference.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr
