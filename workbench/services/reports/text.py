"""Untrusted text made safe to print: escaped for Paragraph markup, cleaned of what breaks a PDF, bounded in size.

Every string a report prints comes from an analyst or from an imported object, so none of it is ever read as
ReportLab markup: ``<img src="/etc/passwd"/>`` or ``<font size=500>`` must print as those characters and must
not open a file. Two ways in:

- ``markup(text)`` for ``Paragraph``: XML-escaped, so the paragraph parser sees only our own tags.
- ``wrap_cell(text, ...)`` for table cells: plain strings, which ReportLab draws as text and never parses, wrapped
  to the column width here (including words longer than the column, such as a hash or a 100 KB token).

Both cap the length (a 100 KB field would otherwise take seconds and dozens of pages) and say how much was left
out, so nothing is dropped silently.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

from reportlab.pdfbase.pdfmetrics import stringWidth

#: The longest text printed in one paragraph; ReportLab's line breaking grows quadratically with a single word.
MAX_PARAGRAPH_CHARS = 20_000
#: The longest single word printed in a paragraph: ReportLab breaks such a word one character at a time, again at
#: every re-wrap, so a 20,000-character token in a table cell costs seconds. Longer words are cut with a note.
MAX_WORD_CHARS = 2_000
_LONG_WORD = re.compile(rf"\S{{{MAX_WORD_CHARS + 1},}}")
#: The longest text printed in one table cell.
MAX_CELL_CHARS = 600
# C0 and C1 control characters other than the newline (Unicode category Cc).
_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def clean(value: object) -> str:
    """Text as it can go into a PDF: a str, lone surrogates and control characters replaced, newlines kept."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    # A JSON "\ud800" is a valid Python str but cannot be encoded into the PDF's UTF-16/UTF-8 text.
    text = text.encode("utf-8", "replace").decode("utf-8") if _has_surrogate(text) else text
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    return _CONTROL.sub(" ", text)


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def truncate(text: str, limit: int) -> str:
    """At most ``limit`` characters, followed by a note naming how many were left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]} … [{len(text) - limit:,} more characters not printed]"


def markup(value: object, *, limit: int = MAX_PARAGRAPH_CHARS) -> str:
    """Untrusted text as Paragraph markup that shows it literally; line breaks kept, very long words cut."""
    text = _LONG_WORD.sub(_cut_word, truncate(clean(value), limit))
    return escape(text).replace("\n", "<br/>")


def _cut_word(match: re.Match[str]) -> str:
    word = match.group(0)
    return f"{word[:MAX_WORD_CHARS]} … [{len(word) - MAX_WORD_CHARS:,} more characters of this word not printed]"


def plain(value: object, *, limit: int = MAX_CELL_CHARS) -> str:
    """Untrusted text for a canvas string or a table cell: cleaned and capped (never parsed by ReportLab)."""
    return truncate(clean(value), limit)


def wrap_cell(
    value: object, font: str, size: float, width: float, *, limit: int = MAX_CELL_CHARS, hyphens: bool = True
) -> list[str]:
    """Lines of at most ``width`` points. A word wider than the column is broken after one of its hyphens
    (``malicious-`` / ``activity``) when ``hyphens``, else, or when a piece is still too wide, between characters.
    Values that must copy whole (hashes, addresses in a monospaced column) pass ``hyphens=False``."""
    text = plain(value, limit=limit)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        for line in _fill(paragraph, font, size, width) or [""]:
            if stringWidth(line, font, size) <= width:
                lines.append(line)
            else:
                lines.extend(break_word(line, font, size, width, hyphens=hyphens))
    return lines or [""]


def words(text: str) -> list[str]:
    """The words of a line as tables wrap it: separated by spaces and tabs only (a no-break space joins)."""
    return [word for word in text.replace("\t", " ").split(" ") if word]


def _fill(paragraph: str, font: str, size: float, width: float) -> list[str]:
    """Words filled into lines of at most ``width`` (a word alone may be wider). As ReportLab's ``simpleSplit``,
    but a no-break space binds what it joins ("9 h" stays on one line): only spaces and tabs separate words."""
    lines: list[str] = []
    current: list[str] = []
    used = 0.0
    space = stringWidth(" ", font, size)
    for word in words(paragraph):
        needed = stringWidth(word, font, size)
        if current and used + space + needed > width:
            lines.append(" ".join(current))
            current, used = [word], needed
        else:
            used += (space if current else 0) + needed
            current.append(word)
    if current:
        lines.append(" ".join(current))
    return lines


#: Where a word may break: after a hyphen between lower-case letters (``malicious-activity``) or a plus between
#: letters (``AMBER+STRICT``). Identifiers such as ``CSIRT-FI-2026-0117`` or ``T1566.001`` are never broken there.
_HYPHEN_BREAK = re.compile(r"(?<=[^\W\d_A-Z]-)(?=[^\W\d_A-Z])|(?<=[^\W\d_]\+)(?=[^\W\d_])")


def word_pieces(word: str) -> list[str]:
    """The pieces of a word between its break points (after a hyphen between letters): what a column must fit."""
    return _HYPHEN_BREAK.split(word)


def break_word(line: str, font: str, size: float, width: float, *, hyphens: bool = False) -> list[str]:
    """Break a line that has no space to break at into the longest pieces that fit: after hyphens between letters
    first (with ``hyphens``), then between characters (at least one character each)."""
    if hyphens and ("-" in line or "+" in line):
        lines: list[str] = []
        current = ""
        for piece in word_pieces(line):
            if current and stringWidth(current + piece, font, size) > width:
                lines.append(current)
                current = ""
            if stringWidth(piece, font, size) > width:
                broken = break_word(piece, font, size, width)
                lines += broken[:-1]
                current = broken[-1]
            else:
                current += piece
        return [*lines, current] if current else lines
    pieces: list[str] = []
    start = 0
    while start < len(line):
        # Binary search for the longest prefix from `start` that fits: a few width calls instead of one per character.
        low, high = start + 1, len(line)
        while low < high:
            middle = (low + high + 1) // 2
            if stringWidth(line[start:middle], font, size) <= width:
                low = middle
            else:
                high = middle - 1
        pieces.append(line[start:low])
        start = low
    return pieces


# A sentence ends with . ! or ? followed by a space (or the end), not inside "e.g. " or a version "v1.2".
_SENTENCE_END = re.compile(r"(?<!\be\.g)(?<!\bi\.e)(?<!\betc)[.!?](?=\s|$)")


def excerpt(value: object, limit: int) -> tuple[str, bool]:
    """At most ``limit`` characters of the text, cut at the end of its last whole sentence (else at a word), and
    whether anything was cut. Line breaks become spaces: an excerpt is one paragraph."""
    text = " ".join(clean(value).split())
    if len(text) <= limit:
        return text, False
    head = text[: limit + 1]
    ends = [match.end() for match in _SENTENCE_END.finditer(head) if match.end() <= limit]
    if ends and ends[-1] >= limit // 3:
        return head[: ends[-1]], True
    cut = head[:limit].rsplit(" ", 1)[0] if " " in head[:limit] else head[:limit]
    return cut.rstrip(",;:") + " …", True


# ATT&CK and many feeds write descriptions in Markdown with inline HTML (<code>xp_cmdshell</code>) and
# citations "(Citation: Dragos 2017)". A report prints the words only.
_CITATION = re.compile(r"\s*\(Citation:[^)\n]{0,300}\)")
_TAG = re.compile(r"</?(?:code|b|i|em|strong|br|p|sup|sub|span|a)\b[^>]{0,200}>", re.IGNORECASE)


def readable(value: object) -> str:
    """Descriptive text as words: Markdown rendered to plain text (links keep their words, emphasis and code marks
    go), inline HTML tags of the common kinds and ATT&CK citations removed. Not escaping: ``markup`` still applies."""
    if not isinstance(value, str) or not value.strip():
        return ""
    from markdown_it import MarkdownIt  # imported on first use: most reports print few descriptions

    text = _CITATION.sub("", value)
    tokens = MarkdownIt("commonmark").parse(text)
    parts: list[str] = []
    for token in tokens:
        if token.type == "inline" and token.children is not None:
            parts.append("".join(_inline_text(child) for child in token.children))
        elif token.type in ("paragraph_close", "heading_close", "list_item_close"):
            parts.append("\n")
        elif token.type in ("fence", "code_block"):
            parts.append(token.content.rstrip() + "\n")
    plain_text = _TAG.sub("", "".join(parts))
    return "\n".join(line.strip() for line in plain_text.splitlines() if line.strip())


def _inline_text(token: object) -> str:
    kind = getattr(token, "type", "")
    if kind in ("text", "code_inline", "html_inline"):
        return str(getattr(token, "content", ""))
    if kind in ("softbreak", "hardbreak"):
        return " "
    return ""
