"""File names inside a package: the only names that are ever accepted, on any filesystem.

A package travels between Linux, Windows and macOS machines and through FAT-formatted sticks, so a name must mean
the same file everywhere: plain ASCII letters, digits, dot, dash and underscore, relative, no climbing out, no
Windows device names, no two names that a case-insensitive filesystem would merge. Names are checked, never
repaired, and never used to build a path outside the quarantine.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from workbench.domain.errors import InvalidInput

MAX_PATH_LENGTH = 200
MAX_DEPTH = 4
_COMPONENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}\Z")
_DRIVE = re.compile(r"^[A-Za-z]:")
_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", "CLOCK$"}
    | {f"COM{digit}" for digit in "0123456789"}
    | {f"LPT{digit}" for digit in "0123456789"}
)


def check_member_path(path: object) -> str:
    """``path`` if it is an acceptable relative file name inside a package; otherwise ``InvalidInput`` naming why."""
    if not isinstance(path, str) or not path:
        raise InvalidInput("a file path in the package is empty or not text")
    shown = ascii(path)[1:-1][:80]
    if not path.isascii():
        raise InvalidInput(f"file path {shown!r} contains non-ASCII characters (look-alike letters are refused)")
    if len(path) > MAX_PATH_LENGTH:
        raise InvalidInput(f"file path {shown!r} is longer than {MAX_PATH_LENGTH} characters")
    if "\\" in path:
        raise InvalidInput(f"file path {shown!r} contains a backslash")
    if path.startswith("/"):
        raise InvalidInput(f"file path {shown!r} is absolute")
    if _DRIVE.match(path) or ":" in path:
        raise InvalidInput(f"file path {shown!r} names a drive or stream (':')")
    parts = path.split("/")
    for part in parts:
        if part in ("..", "."):
            raise InvalidInput(f"file path {shown!r} climbs out of its folder ('{part}')")
        if not part:
            raise InvalidInput(f"file path {shown!r} has an empty component")
        if part.split(".")[0].upper() in _RESERVED:
            raise InvalidInput(f"file path {shown!r} uses the reserved device name {part.split('.')[0]!r}")
        if not _COMPONENT.match(part) or part.endswith("."):
            raise InvalidInput(f"file path {shown!r} contains a character or form not allowed in file names")
    if len(parts) > MAX_DEPTH:
        raise InvalidInput(f"file path {shown!r} is nested deeper than {MAX_DEPTH} levels")
    return path


def check_unique(paths: Iterable[str]) -> None:
    """Refuse two names that are equal, or differ only in case (one file on FAT, NTFS and APFS)."""
    seen: dict[str, str] = {}
    for path in paths:
        key = path.casefold()
        if key in seen:
            if seen[key] == path:
                raise InvalidInput(f"file path {path!r} appears twice")
            raise InvalidInput(f"file paths {seen[key]!r} and {path!r} differ only in case")
        seen[key] = path
