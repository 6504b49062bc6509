"""ELF dependencies of the frozen folder: what each library needs, what the folder provides, what the system must.

Standard library only: the PyInstaller spec imports this module inside the freeze environment, where the kit's
build tools are not installed. ``readelf`` (binutils, which PyInstaller needs on Linux anyway) reads NEEDED
entries; ``ldd`` says where the system's loader would find what the folder does not carry.
"""

from __future__ import annotations

import fnmatch
import logging
import re
import subprocess
from collections.abc import Iterable, Sequence
from pathlib import Path

logger = logging.getLogger(__name__)

_NEEDED = re.compile(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]")
_LDD_LINE = re.compile(r"^\s*(\S+)\s+=>\s+(not found|\S+)")
_LDD_LOADER = re.compile(r"^\s*(/\S+)\s+\(0x[0-9a-f]+\)$")  # the dynamic loader: a path and no arrow


def is_elf(path: Path) -> bool:
    """A regular file (not a link) that starts with the ELF magic number."""
    if path.is_symlink() or not path.is_file():
        return False
    with path.open("rb") as handle:
        return handle.read(4) == b"\x7fELF"


def needed(path: Path) -> list[str]:
    """The NEEDED sonames of one ELF file, in order."""
    done = subprocess.run(["readelf", "--dynamic", "--wide", str(path)], capture_output=True, text=True, check=False)
    return _NEEDED.findall(done.stdout)


def resolve(path: Path) -> dict[str, str | None]:
    """``ldd``'s answer for one file: soname -> path on this system, or None when it is not found."""
    done = subprocess.run(
        ["ldd", str(path)], capture_output=True, text=True, check=False, env={"PATH": "/usr/bin:/bin", "LC_ALL": "C"}
    )
    found: dict[str, str | None] = {}
    for line in done.stdout.splitlines():
        match = _LDD_LINE.match(line)
        if match:
            found[match.group(1)] = None if match.group(2) == "not found" else match.group(2)
        elif loader := _LDD_LOADER.match(line):
            found[Path(loader.group(1)).name] = loader.group(1)
    return found


def prune(entries: Sequence[tuple[str, str, str]], excluded: Iterable[str]) -> list[tuple[str, str, str]]:
    """PyInstaller binaries without the ``excluded`` ones (globs on the destination name) and their own libraries.

    A library leaves with the excluded plugins only when they reach it through NEEDED and no file that stays
    does. (A library that only a left-out plugin needs but that something else loads by name at run time would
    leave too: exclude only plugins whose libraries nothing else opens.)
    """
    patterns = list(excluded)
    by_soname: dict[str, tuple[str, str, str]] = {}
    for entry in entries:  # a real file wins over PyInstaller's symbolic-link entries of the same name
        name = Path(entry[0]).name
        if name not in by_soname or (Path(entry[1]).is_file() and not Path(by_soname[name][1]).is_file()):
            by_soname[name] = entry

    def closure(starts: Iterable[tuple[str, str, str]]) -> set[str]:
        seen: set[str] = set()
        queue = list(starts)
        while queue:
            entry = queue.pop()
            if entry[0] in seen:
                continue
            seen.add(entry[0])
            if Path(entry[1]).is_file():
                queue += [by_soname[name] for name in needed(Path(entry[1])) if name in by_soname]
        return seen

    dropped = [entry for entry in entries if any(fnmatch.fnmatch(entry[0], pattern) for pattern in patterns)]
    reached = closure(dropped)
    roots = [entry for entry in entries if entry[0] not in reached]
    remove = reached - closure(roots)
    for name in sorted(remove):
        logger.info("left out of the frozen folder: %s", name)
    return [entry for entry in entries if entry[0] not in remove]


def external_libraries(folder: Path) -> tuple[dict[str, str], dict[str, list[str]]]:
    """What the folder's ELF files need from the system.

    Returns (soname -> system path) for every NEEDED library that the folder does not carry and ``ldd`` finds,
    and (soname -> files needing it) for those ``ldd`` cannot find on this machine.
    """
    elves = [path for path in sorted(folder.rglob("*")) if is_elf(path)]
    carried = {path.name for path in folder.rglob("*") if path.is_file() or path.is_symlink()}
    found: dict[str, str] = {}
    missing: dict[str, list[str]] = {}
    for path in elves:
        wanted = [name for name in needed(path) if name not in carried]
        if not wanted:
            continue
        located = resolve(path)
        for name in wanted:
            where = located.get(name)
            if where:
                found[name] = where
            else:
                missing.setdefault(name, []).append(path.relative_to(folder).as_posix())
    return found, missing
