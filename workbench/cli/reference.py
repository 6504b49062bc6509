"""The command reference, written from the program's own argument parser (``resources/guides/commands.md``).

``render_reference(build_parser())`` gives the page; ``scripts/command_reference.py`` writes it, and a test fails
when the page in the repository and the parser disagree, so that the reference cannot drift from the program.
argparse has no public way to walk its parsers, so this reads its ``_actions`` (stable since Python 3.2) and uses
its own ``HelpFormatter`` for usage lines and option names, at a fixed width so the page is the same everywhere.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator

from workbench.cli.common import BACKUP_PASSPHRASE_ENV, DB_ENV, NEW_PASSPHRASE_ENV, PASSPHRASE_ENV

WIDTH = 100

PREAMBLE = f"""# Command reference

The `workbench` command does the same work as the window, for scripting at the transfer station and for
checks. This page is generated from the program's own argument parser (`scripts/command_reference.py`); a test
fails when the two disagree, so do not edit it by hand. `workbench COMMAND --help` prints the same.

**Passphrases.** A command that opens a workspace takes its passphrase from `{PASSPHRASE_ENV}` when it is set,
otherwise asks for it without echo. `passwd` reads the new passphrase from `{NEW_PASSPHRASE_ENV}`; `backup
--separate-passphrase` and `restore` of such a backup read the backup passphrase from `{BACKUP_PASSPHRASE_ENV}`.
`--db` may be given as `{DB_ENV}`.

**Exit codes.** 0 success; 1 bad input, a refusal or a failed verification (one line on stderr, starting
`workbench:`); 2 a usage error. `--json` prints a machine-readable result on stdout. `WORKBENCH_DEBUG=1` shows a
traceback instead of the one line for an unexpected error.
"""


def render_reference(parser: argparse.ArgumentParser) -> str:
    """The whole page, Markdown, ending with one newline."""
    parts = [PREAMBLE, "## Commands\n"]
    sections = list(_walk(parser, parser.prog, depth=1))
    for prog, summary, _sub, depth in sections:
        if depth == 2:
            parts.append(f"- `{prog}`: {summary}")
    parts.append("")
    parts.append(_section(parser, parser.prog, "the desktop application, or one of the commands below", 2))
    for prog, summary, sub, depth in sections:
        parts.append(_section(sub, prog, summary, depth + 1))
    return "\n".join(parts).rstrip("\n") + "\n"


def _subcommands(parser: argparse.ArgumentParser) -> Iterator[tuple[str, str, argparse.ArgumentParser]]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help or "" for choice in action._choices_actions}
            for name, sub in action.choices.items():
                yield name, helps.get(name, ""), sub


def _walk(
    parser: argparse.ArgumentParser, prog: str, depth: int
) -> Iterator[tuple[str, str, argparse.ArgumentParser, int]]:
    for name, summary, sub in _subcommands(parser):
        full = f"{prog} {name}"
        yield full, summary, sub, depth + 1
        yield from _walk(sub, full, depth + 1)


def _section(parser: argparse.ArgumentParser, prog: str, summary: str, level: int) -> str:
    lines = [f"{'#' * min(level, 4)} {prog}", ""]
    text = parser.description or summary
    if text:
        lines += [_sentence(text), ""]
    formatter = argparse.HelpFormatter(prog=prog, width=WIDTH)
    formatter.add_usage(parser.usage, parser._actions, parser._mutually_exclusive_groups)
    lines += ["```", formatter.format_help().strip(), "```", ""]
    rows = []
    for action in parser._actions:
        if isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)) or action.help == argparse.SUPPRESS:
            continue
        invocation = formatter._format_action_invocation(action)
        meaning = formatter._expand_help(action) if action.help else ""
        if action.required and action.option_strings:
            meaning = f"{meaning} (required)".strip()
        rows.append(f"| `{invocation}` | {_cell(meaning)} |")
    if rows:
        lines += ["| argument | meaning |", "|---|---|", *rows, ""]
    return "\n".join(lines)


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")
