"""Full-text queries over the FTS5 indexes (objects and cases) from what an analyst types.

Every word must match. Words are quoted, so FTS5 syntax typed by accident (or by a hostile string) is searched for
literally; punctuation inside a word (``198.51.100.7``, ``evil-domain.example``) is matched as a phrase. Words of
three characters or more may also match as prefixes (``phish`` finds ``phishing``); shorter words match only whole
words: as prefixes they would merge the posting lists of hundreds of words.
"""

from __future__ import annotations

import re

from workbench.domain.errors import InvalidInput

MAX_WORDS = 32
PREFIX_MIN_CHARS = 3

_WORD = re.compile(r"\S+")


def words_of(text: str) -> list[str]:
    """The words of a query; refuses an empty one and one of more than 32 words."""
    # Words without a letter or digit hold no token and would match nothing: leave them out.
    words = [word for word in _WORD.findall(text or "") if any(char.isalnum() for char in word)]
    if not words:
        raise InvalidInput("the search is empty")
    if len(words) > MAX_WORDS:
        raise InvalidInput(f"the search has more than {MAX_WORDS} words")
    return words


def quoted(word: str) -> str:
    """One word as an FTS5 string (a phrase when it holds punctuation), never FTS5 syntax."""
    return '"' + word.replace('"', '""') + '"'


def fts_query(text: str, *, prefix: bool = True) -> str:
    """An FTS5 query in which every word must match; with ``prefix``, words of 3+ characters as prefixes."""
    parts = []
    for word in words_of(text):
        parts.append(quoted(word) + "*" if prefix and len(word) >= PREFIX_MIN_CHARS else quoted(word))
    return " AND ".join(parts)
