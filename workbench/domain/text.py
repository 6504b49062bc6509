"""Text that came from outside, made safe to print on a terminal or to refuse as a name.

A terminal obeys what it is sent: C0 and C1 control characters and ESC sequences move the cursor, clear the
screen or set the window title, and the bidirectional overrides reorder what is shown (a name can make "VERIFIED"
appear where it was not printed). ``printable`` turns each such character into a visible escape (``\\x1b``,
``\\u202e``); ``has_control`` tells a name that holds one, so that names which are pinned or signed can refuse it.
"""

from __future__ import annotations

import re

#: Bidirectional formatting characters: embeddings, overrides, isolates and the marks that steer them.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# C0, DEL, C1, the line and paragraph separators, and the bidi controls.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029" + "".join(sorted(BIDI_CONTROLS)) + "]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` with every terminal control character shown as an escape; nothing else changes.

    ``keep_newlines`` leaves line feeds alone (text that is several lines on purpose, built by the program).
    """
    if keep_newlines:
        return "\n".join(_UNSAFE.sub(_escape, line) for line in text.split("\n"))
    return _UNSAFE.sub(_escape, text)


def has_control(text: str) -> bool:
    """Whether ``text`` holds a character that ``printable`` would escape."""
    return _UNSAFE.search(text) is not None


def json_safe(text: str) -> str:
    """JSON text with every such character (outside the line feeds of its layout) as a ``\\uXXXX`` escape.

    Only valid for JSON whose strings were written by a JSON encoder: these characters can then only stand inside
    strings, where the escape reads back as the same character.
    """
    return "\n".join(_UNSAFE.sub(_json_escape, line) for line in text.split("\n"))


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"
