"""The library: every stored object listed page by page, the one full-text search, and one object in detail.

Read-only and Qt-free; the window calls it from worker tasks, the command line and the other services directly.

- ``rows``: ``ObjectRow`` (the one row type), ``LibraryFilter`` (types, TLP, source, dates, search words)
- ``listing``: ``fetch_page`` by keyset pages in a ``SortKey`` order, ``count``, ``object_types``, ``sources``,
  ``row``
- ``search``: ``search`` and ``search_ids``, the one full-text search (``workbench search``, ``export --query``,
  briefings, the Library screen and the case link picker)
- ``detail``: ``object_detail``, ``links``, ``neighbourhood``, ``version_json``, ``foreign_version_json``
"""

from __future__ import annotations

from workbench.services.library.detail import (
    Direction,
    Link,
    Neighbourhood,
    ObjectDetail,
    foreign_version_json,
    links,
    neighbourhood,
    object_detail,
    pretty_json,
    version_json,
)
from workbench.services.library.listing import (
    PAGE_SIZE,
    Page,
    SourceInfo,
    count,
    fetch_page,
    object_types,
    row,
    sources,
)
from workbench.services.library.rows import NO_TLP, LibraryFilter, ObjectRow, SortKey, compact_id
from workbench.services.library.search import MAX_SEARCH_RESULTS, RANK_LIMIT, SearchPage, search, search_ids
from workbench.storage.objects import VersionInfo

__all__ = [
    "MAX_SEARCH_RESULTS",
    "NO_TLP",
    "PAGE_SIZE",
    "RANK_LIMIT",
    "Direction",
    "LibraryFilter",
    "Link",
    "Neighbourhood",
    "ObjectDetail",
    "ObjectRow",
    "Page",
    "SearchPage",
    "SortKey",
    "SourceInfo",
    "VersionInfo",
    "compact_id",
    "count",
    "fetch_page",
    "foreign_version_json",
    "links",
    "neighbourhood",
    "object_detail",
    "object_types",
    "pretty_json",
    "row",
    "search",
    "search_ids",
    "sources",
    "version_json",
]
