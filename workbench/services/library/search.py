"""The one full-text search over the library.

``workbench search``, ``workbench export --query``, a briefing from a search, the Library screen and the case link
picker all call ``search`` (or ``search_ids``, the same hits as ids), so the same words and filters select the same
objects in the same order everywhere. It answers in tens of milliseconds with a million objects stored.

Ranking every match by relevance (FTS5's bm25) costs time in proportion to the number of matches: a common word
in a million objects takes half a second. The order of the hits, in steps:

1. A query that is one STIX id is a lookup of that object.
2. A query that is one identifier-like word (letters and digits: ``T0855``, ``T1059.001``, ``CVE-2021-44228``)
   puts the objects whose external id is exactly that word first (an ATT&CK technique before the objects that
   mention it; ``ObjectStore.by_external_id``), newest first among themselves.
3. The words are matched exactly (cheap: one posting list per word). More than ``RANK_LIMIT`` matches means the
   words are too common to rank usefully: the newest matches come first (FTS5 walks its posting lists backwards,
   so this costs about the same whatever the number of matches), and the page says so (``ranked`` false), so that
   the analyst can add a word.
4. Otherwise words of three characters or more also match as prefixes (``phish`` finds ``phishing``). When that
   gives at most ``RANK_LIMIT`` matches they are ranked by relevance, best first (ties: newest first); when it
   gives more, the newest come first as above.

Every word must match (``storage.fts``). Filters (types, TLP, source, dates) narrow the matches before they are
counted and ranked; revoked objects are left out unless asked for (the Library screen asks, and strikes them
out, as ``workbench search --revoked`` lists them). The Library screen may show the hits sorted by a column: the
same objects, in another order.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from workbench.services.library.rows import LibraryFilter, ObjectRow, SortKey, rows_in_order
from workbench.services.workspace import Workspace
from workbench.storage.database import Connection
from workbench.storage.fts import fts_query
from workbench.storage.objects import ObjectStore

#: At most this many matches are ranked by relevance; more are listed newest first.
RANK_LIMIT = 2_000
#: What the Library screen and the link picker list of one search at most.
MAX_SEARCH_RESULTS = 5_000

# Any ``type--`` and 36 hexadecimal digits and hyphens: imported ids need not be RFC 4122 UUIDs.
_ID_QUERY = re.compile(r"^[a-z0-9][a-z0-9-]*[a-z0-9]--[0-9a-fA-F-]{36}\Z")
_EXTERNAL_ID = re.compile(r"^(?=[^\s]*[A-Za-z])(?=[^\s]*[0-9])[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}\Z")


@dataclass(frozen=True)
class SearchPage:
    """One page of hits: ``ranked`` by relevance, or newest first when there are more than ``more_than`` matches."""

    rows: list[ObjectRow]
    ranked: bool = True
    more_than: int | None = None


@dataclass(frozen=True)
class _Hits:
    """Every hit in order: ``first`` (exact id or external id), then ``ranked``; when ``ranked`` is None there were
    too many matches of ``match`` to rank and they follow ``first`` newest first."""

    first: list[int]
    ranked: list[int] | None
    match: str
    clauses: list[str]
    args: list[object]


def search(
    ws: Workspace,
    flt: LibraryFilter,
    *,
    limit: int = 50,
    offset: int = 0,
    include_revoked: bool = False,
    sort: SortKey | None = None,
    descending: bool = False,
) -> SearchPage:
    """One page of the objects matching ``flt.search`` and ``flt``'s filters, in the order of the module docstring.

    ``sort`` shows the same page of hits sorted by a library column instead. Refuses an empty search, a search of
    more than 32 words and a type name that cannot be one (``InvalidInput``).
    """
    conn = ws.conn
    hits = _hits(conn, flt, include_revoked)
    rowids = _page(conn, hits, limit, offset)
    rows = rows_in_order(conn, rowids)
    if sort is not None:
        rows = sorted_rows(rows, sort, descending)
    if hits.ranked is None:
        return SearchPage(rows, ranked=False, more_than=RANK_LIMIT)
    return SearchPage(rows)


def search_ids(ws: Workspace, flt: LibraryFilter, *, limit: int, include_revoked: bool = False) -> list[str]:
    """The ids of the first ``limit`` hits of ``search`` with the same arguments, in the same order."""
    conn = ws.conn
    hits = _hits(conn, flt, include_revoked)
    rowids = _page(conn, hits, limit, 0)
    ids: dict[int, str] = {}
    for start in range(0, len(rowids), 500):
        chunk = rowids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        ids.update(conn.execute(f"SELECT rowid, id FROM objects WHERE rowid IN ({marks})", chunk).fetchall())
    return [ids[rowid] for rowid in rowids if rowid in ids]


def sorted_rows(rows: Sequence[ObjectRow], sort: SortKey, descending: bool) -> list[ObjectRow]:
    """Rows in a library column's order (the keys of ``listing.fetch_page``, ties by rowid)."""
    if sort is SortKey.NAME:
        # Sorted by the stored name: a relationship's shown name begins with it.
        return sorted(rows, key=lambda row: (row.name.split(": ")[0].casefold(), row.rowid), reverse=descending)
    if sort is SortKey.TYPE:
        return sorted(rows, key=lambda row: (row.type, row.modified, row.rowid), reverse=descending)
    if sort is SortKey.TLP:
        return sorted(
            rows, key=lambda row: (-1 if row.tlp is None else int(row.tlp), row.modified, row.rowid), reverse=descending
        )
    if sort is SortKey.SOURCE:
        return sorted(rows, key=lambda row: (row.source_id, row.modified, row.rowid), reverse=descending)
    return sorted(rows, key=lambda row: (row.modified, row.rowid), reverse=descending)


def _hits(conn: Connection, flt: LibraryFilter, include_revoked: bool) -> _Hits:
    text = flt.search.strip()
    exact = fts_query(text, prefix=False)  # refuses an empty query first
    clauses, args = flt.where()
    if not include_revoked:
        clauses.append("o.revoked = 0")
    where = "".join(f" AND {clause}" for clause in clauses)
    if _ID_QUERY.match(text):
        found = conn.execute(f"SELECT o.rowid FROM objects o WHERE o.id = ?{where}", [text, *args]).fetchall()
        return _Hits([rowid for (rowid,) in found], [], exact, clauses, args)
    first = _exact_external_ids(conn, text, where, args) if _EXTERNAL_ID.match(text) else []
    candidates = _matches(conn, exact, where, args, RANK_LIMIT + 1, scored=False)
    if len(candidates) > RANK_LIMIT:
        return _Hits(first, None, exact, clauses, args)
    prefixed = fts_query(text, prefix=True)
    if prefixed != exact or candidates:
        scored = _matches(conn, prefixed, where, args, RANK_LIMIT + 1, scored=True)
        if len(scored) > RANK_LIMIT:
            return _Hits(first, None, prefixed, clauses, args)
    else:
        scored = []
    chosen = set(first)
    ranked = [rowid for rowid, _ in sorted(scored, key=lambda hit: (hit[1], -hit[0])) if rowid not in chosen]
    return _Hits(first, ranked, prefixed, clauses, args)


def _matches(
    conn: Connection, match: str, where: str, args: list[object], count: int, *, scored: bool
) -> list[tuple[int, float]]:
    """``(rowid, bm25)`` of up to ``count`` matches, newest first (bm25 0.0 unless ``scored``).

    The CROSS JOIN keeps the full-text index as the outer loop, walked backwards, so that the filters are checked
    on its matches one after the other and the walk stops at ``count``.
    """
    score = "bm25(object_fts)" if scored else "0.0"
    return conn.execute(
        f"SELECT object_fts.rowid, {score} FROM object_fts CROSS JOIN objects o ON o.rowid = object_fts.rowid"
        f" WHERE object_fts MATCH ?{where} ORDER BY object_fts.rowid DESC LIMIT ?",
        [match, *args, count],
    ).fetchall()


def _exact_external_ids(conn: Connection, word: str, where: str, args: list[object]) -> list[int]:
    """Objects carrying ``word`` as an external id (``ObjectStore.by_external_id``), within the filters."""
    found = [row.rowid for row in ObjectStore(conn).by_external_id(word)]
    if not found:
        return []
    kept = {
        rowid
        for (rowid,) in conn.execute(
            f"SELECT o.rowid FROM objects o WHERE o.rowid IN ({','.join('?' * len(found))}){where}", [*found, *args]
        )
    }
    return [rowid for rowid in found if rowid in kept]


def _page(conn: Connection, hits: _Hits, limit: int, offset: int) -> list[int]:
    """The rowids of one page of hits."""
    if limit <= 0:
        return []
    if hits.ranked is not None:
        return [*hits.first, *hits.ranked][offset : offset + limit]
    page = hits.first[offset : offset + limit]
    wanted = limit - len(page)
    if wanted <= 0:
        return page
    skip = max(0, offset - len(hits.first))
    where = "".join(f" AND {clause}" for clause in hits.clauses)
    if hits.first:
        where += f" AND o.rowid NOT IN ({','.join('?' * len(hits.first))})"
    rest = conn.execute(
        f"SELECT object_fts.rowid FROM object_fts CROSS JOIN objects o ON o.rowid = object_fts.rowid"
        f" WHERE object_fts MATCH ?{where} ORDER BY object_fts.rowid DESC LIMIT ? OFFSET ?",
        [hits.match, *hits.args, *hits.first, wanted, skip],
    ).fetchall()
    return page + [rowid for (rowid,) in rest]
