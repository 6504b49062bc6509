"""The guides shipped with the program: every picture and link they name exists, every command line they show is a
command the program has (with options it takes), and the examples they give are accepted by the program."""

from __future__ import annotations

import argparse
import json
import re
import shlex
from pathlib import Path

import pytest

from tests.conftest import REPO
from workbench.cli import build_parser
from workbench.services.reports.analyst_input import check_final, parse_analyst

GUIDES = REPO / "resources" / "guides"
PAGES = [GUIDES / "user-guide.md", GUIDES / "admin-guide.md", GUIDES / "commands.md"]
README = REPO / "README.md"
_IMAGE = re.compile(r"!\[[^\]]*\]\(([^)]+)\)")
_LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)#]+)(#[^)]*)?\)")
_SPAN = re.compile(r"`([^`\n]+)`")
_FENCE = re.compile(r"```[a-z]*\n(.*?)```", re.S)


def test_the_guides_are_shipped_inside_the_package() -> None:
    # The wheel, the frozen folder and the .deb carry resources/ through this link (pyproject's package data).
    assert (REPO / "workbench" / "resources" / "guides").resolve() == GUIDES
    for page in PAGES:
        assert page.is_file() and page.stat().st_size > 2000, page.name


def test_every_picture_named_exists_and_every_picture_is_named() -> None:
    named = set()
    for page in [*PAGES, README]:
        for target in _IMAGE.findall(page.read_text(encoding="utf-8")):
            path = (page.parent / target).resolve()
            assert path.is_file(), f"{page.name} shows {target}, which does not exist"
            assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", target
            named.add(path)
    pictures = set((GUIDES / "images").glob("*.png"))
    assert pictures - named == set(), "pictures no guide shows (drop them from scripts/screenshots.py)"


def test_every_link_between_pages_resolves() -> None:
    pages = [*PAGES, README, *sorted((REPO / "docs").glob("*.md"))]
    for page in pages:
        for target, _anchor in _LINK.findall(page.read_text(encoding="utf-8")):
            if "://" in target:
                continue
            assert (page.parent / target).exists(), f"{page.relative_to(REPO)} links to {target}"


def _commands() -> dict[tuple[str, ...], argparse.ArgumentParser]:
    """Every command path (``("keys", "add-partner")``) and its parser."""
    found: dict[tuple[str, ...], argparse.ArgumentParser] = {(): build_parser()}

    def walk(parser: argparse.ArgumentParser, path: tuple[str, ...]) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    found[(*path, name)] = sub
                    walk(sub, (*path, name))

    walk(found[()], ())
    return found


def _command_lines(text: str) -> list[str]:
    """Command lines a page shows: code spans and lines of code blocks that start with ``workbench ``."""
    lines = [span for span in _SPAN.findall(text)]
    for block in _FENCE.findall(text):
        joined = block.replace("\\\n", " ")
        lines.extend(line.split("#", 1)[0] for line in joined.splitlines())
    return [line.strip() for line in lines if line.strip().startswith("workbench ")]


@pytest.mark.parametrize("page", [GUIDES / "user-guide.md", GUIDES / "admin-guide.md"], ids=lambda p: p.name)
def test_every_command_line_in_the_guides_is_one_the_program_takes(page: Path) -> None:
    commands = _commands()
    shown = _command_lines(page.read_text(encoding="utf-8"))
    assert shown, f"{page.name} shows no command line"
    for line in shown:
        words = shlex.split(line.replace("…", "x"))[1:]
        if words and words[0].split("=")[0] in ("--db", "--demo", "--smoke-test"):
            words.insert(0, "gui")  # as workbench.cli.main reads a command line without a command
        path: tuple[str, ...] = ()
        while words and (*path, words[0]) in commands:
            path = (*path, words.pop(0))
        parser = commands[path]
        options = {flag for action in parser._actions for flag in action.option_strings}
        if not path:
            assert not words or words[0].startswith("-"), f"{page.name}: {line!r} names no command of workbench"
        nested = any(isinstance(action, argparse._SubParsersAction) for action in parser._actions)
        if nested and path:
            assert not words or words[0].startswith("-"), f"{page.name}: {line!r}: no such action of {path[-1]}"
        for word in words:
            if word.startswith("--"):
                assert word.split("=", 1)[0] in options, f"{page.name}: {line!r}: {word} is not an option"


def test_the_briefing_file_example_is_accepted_as_final() -> None:
    text = (GUIDES / "user-guide.md").read_text(encoding="utf-8")
    section = text.split("### The briefing's part as a file", 1)[1]
    example = json.loads(re.search(r"```json\n(.*?)```", section, re.S).group(1))  # type: ignore[union-attr]
    briefing = parse_analyst(example)
    check_final(briefing)
    assert briefing.title == "Sandstorm Owl targets energy billing" and len(briefing.bluf) == 3
