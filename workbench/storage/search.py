"""Full-text search that answers in tens of milliseconds with a million objects stored.

Ranking every match by relevance (FTS5's bm25) costs time in proportion to the number of matches: a common word
in a million objects takes half a second. The strategy, in order:

1. A query that is one STIX id is a lookup of that object.
2. The words are matched exactly first (cheap: one posting list per word). More than ``RANK_LIMIT`` matches means
   the words are too common to rank usefully: the newest matches come first (FTS5 walks its posting lists
   backwards, so this costs about the same whatever the number of matches), and the result says so, so that the
   analyst can add a word.
3. Otherwise words of three characters or more are also matched as prefixes (``phish`` finds ``phishing``). When
   that gives at most ``RANK_LIMIT`` matches they are ranked by relevance, best first; when it gives more, the
   newest come first as above. Words of one or two characters match only whole words: as prefixes they would
   merge the posting lists of hundreds of words.

Every word must match. Words are quoted, so FTS5 syntax typed by accident (or by a hostile string) is searched
for literally; punctuation inside a word (``198.51.100.7``, ``evil-domain.example``) is matched as a phrase.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from workbench.domain.errors import InvalidInput
from workbench.storage.database import Connection

#: At most this many matches are ranked by relevance; more are listed newest first.
RANK_LIMIT = 2_000
MAX_WORDS = 32
PREFIX_MIN_CHARS = 3

_WORD = re.compile(r"\S+")
_ID_QUERY = re.compile(r"^[a-z0-9][a-z0-9-]*[a-z0-9]--[0-9a-fA-F-]{36}\Z")
_ROW_COLUMNS = "o.rowid, o.id, o.type, o.name, o.modified, o.tlp, o.revoked"


@dataclass
class SearchResult:
    """One page of hits: ``rows`` (columns of ``objects``), and how they are ordered.

    ``ranked`` is true when the hits are in order of relevance; false when there were more than ``RANK_LIMIT``
    matches and the newest come first (``more_than`` is then ``RANK_LIMIT``).
    """

    rows: list[tuple[Any, ...]] = field(default_factory=list)
    ranked: bool = True
    more_than: int | None = None


def words_of(text: str) -> list[str]:
    """The words of a query; refuses an empty one and one of more than 32 words."""
    # Words without a letter or digit hold no token and would match nothing: leave them out.
    words = [word for word in _WORD.findall(text or "") if any(char.isalnum() for char in word)]
    if not words:
        raise InvalidInput("the search is empty")
    if len(words) > MAX_WORDS:
        raise InvalidInput(f"the search has more than {MAX_WORDS} words")
    return words


def fts_query(text: str, *, prefix: bool = True) -> str:
    """An FTS5 query in which every word must match; with ``prefix``, words of 3+ characters as prefixes."""
    parts = []
    for word in words_of(text):
        quoted = '"' + word.replace('"', '""') + '"'
        parts.append(quoted + "*" if prefix and len(word) >= PREFIX_MIN_CHARS else quoted)
    return " AND ".join(parts)


def search(
    conn: Connection, query: str, *, limit: int = 50, offset: int = 0, include_revoked: bool = False
) -> SearchResult:
    """One page of objects matching ``query``; see the module docstring for the order."""
    stripped = (query or "").strip()
    if _ID_QUERY.match(stripped):
        # Exercise material is not in the full-text index; looked up by its id it stays out of searches too.
        rows = conn.execute(
            f"SELECT {_ROW_COLUMNS} FROM objects o WHERE o.id = ? AND o.exercise = 0", (stripped,)
        ).fetchall()
        rows = [row for row in rows if include_revoked or not row[6]]
        return SearchResult(rows[offset : offset + limit])
    exact = fts_query(query, prefix=False)
    candidates = _newest(conn, exact, RANK_LIMIT + 1)
    if len(candidates) > RANK_LIMIT:
        return _too_many(conn, exact, candidates, limit, offset, include_revoked)
    prefixed = fts_query(query, prefix=True)
    if prefixed == exact:
        if not candidates:
            return SearchResult([])
        scored = conn.execute(
            "SELECT rowid, bm25(object_fts) FROM object_fts WHERE object_fts MATCH ?", (exact,)
        ).fetchall()
    else:
        # One pass gives both the count and the scores; the scores are wasted only when there are too many.
        scored = conn.execute(
            "SELECT rowid, bm25(object_fts) FROM object_fts WHERE object_fts MATCH ? ORDER BY rowid DESC LIMIT ?",
            (prefixed, RANK_LIMIT + 1),
        ).fetchall()
        if len(scored) > RANK_LIMIT:
            return _too_many(conn, prefixed, [rowid for rowid, _ in scored], limit, offset, include_revoked)
    ranked = [rowid for rowid, _ in sorted(scored, key=lambda hit: (hit[1], -hit[0]))]
    return SearchResult(_rows_in_order(conn, ranked, limit, offset, include_revoked))


def _too_many(
    conn: Connection, match: str, candidates: list[int], limit: int, offset: int, include_revoked: bool
) -> SearchResult:
    return SearchResult(
        _page_newest(conn, match, candidates, limit, offset, include_revoked), ranked=False, more_than=RANK_LIMIT
    )


def _newest(conn: Connection, match: str, count: int) -> list[int]:
    return [
        rowid
        for (rowid,) in conn.execute(
            "SELECT rowid FROM object_fts WHERE object_fts MATCH ? ORDER BY rowid DESC LIMIT ?", (match, count)
        )
    ]


def _page_newest(
    conn: Connection, match: str, candidates: list[int], limit: int, offset: int, include_revoked: bool
) -> list[tuple[Any, ...]]:
    rows = _rows_in_order(conn, candidates, limit, offset, include_revoked)
    if len(rows) == limit or offset + limit <= len(candidates) // 2:
        return rows
    # A page beyond what the candidates cover (or many of them revoked): ask SQLite for it directly.
    revoked = "" if include_revoked else " AND o.revoked = 0"
    return conn.execute(
        f"SELECT {_ROW_COLUMNS} FROM object_fts JOIN objects o ON o.rowid = object_fts.rowid"
        f" WHERE object_fts MATCH ?{revoked} ORDER BY object_fts.rowid DESC LIMIT ? OFFSET ?",
        (match, limit, offset),
    ).fetchall()


def _rows_in_order(
    conn: Connection, rowids: list[int], limit: int, offset: int, include_revoked: bool
) -> list[tuple[Any, ...]]:
    """Rows of ``objects`` for these rowids, in their order, skipping revoked ones unless asked; one page."""
    wanted = offset + limit
    step = max(2 * wanted, 100)  # a little more than the page, in case some are revoked
    found: list[tuple[Any, ...]] = []
    for start in range(0, len(rowids), step):
        chunk = rowids[start : start + step]
        marks = ",".join("?" * len(chunk))
        by_rowid = {
            row[0]: row
            for row in conn.execute(f"SELECT {_ROW_COLUMNS} FROM objects o WHERE o.rowid IN ({marks})", chunk)
        }
        for rowid in chunk:
            row = by_rowid.get(rowid)
            if row is not None and (include_revoked or not row[6]):
                found.append(row)
        if len(found) >= wanted:
            break
    return found[offset:wanted]
