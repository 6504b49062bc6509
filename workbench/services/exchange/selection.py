"""What the analyst chose to export: everything, a search, explicit ids, or the objects of a case.

A ``Selection`` names root objects; the sharing plan (``policy.plan_export``) adds what they reference and what
is attached to them, then holds back what may not leave. ``explicit`` roots were chosen one by one and leave on
their own merit; with ``AllObjects`` every object is a root, but one that only held-back objects refer to is
held back with them (a victim named only in a TLP:RED report must not leave on its own).

Cases are built by another part of the program: it registers a resolver with ``set_case_resolver`` and
``CaseSelection`` uses it. Until one is registered, ``--case`` is refused with a clear message.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from workbench.domain.errors import InvalidInput
from workbench.domain.ids import is_stix_id

if TYPE_CHECKING:
    from workbench.services.workspace import Workspace

#: ``resolver(ws, case_id) -> ids of the objects of the case``; raises InvalidInput for an unknown case.
CaseResolver = Callable[["Workspace", str], Iterable[str]]
_case_resolver: CaseResolver | None = None
MAX_QUERY_HITS = 1_000_000


def set_case_resolver(resolver: CaseResolver | None) -> None:
    """Plug in "the objects of case ID" (called by the cases service when it is loaded)."""
    global _case_resolver
    _case_resolver = resolver


class Selection:
    """Base: ``object_ids`` returns the root ids, or None for every object in the workspace."""

    explicit: bool = True

    def describe(self) -> str:
        raise NotImplementedError

    def object_ids(self, ws: Workspace) -> list[str] | None:
        raise NotImplementedError


@dataclass(frozen=True)
class AllObjects(Selection):
    explicit = False

    def describe(self) -> str:
        return "all objects"

    def object_ids(self, ws: Workspace) -> list[str] | None:
        return None


@dataclass(frozen=True)
class QuerySelection(Selection):
    """The current objects a full-text search finds (every hit, not one page)."""

    query: str

    def describe(self) -> str:
        return f"search {self.query[:60]!r}"

    def object_ids(self, ws: Workspace) -> list[str] | None:
        found: list[str] = []
        page = 10_000
        while True:
            hits = ws.objects.search(self.query, limit=page, offset=len(found))
            found.extend(hit.id for hit in hits)
            if len(hits) < page or len(found) >= MAX_QUERY_HITS:
                break
        if not found:
            raise InvalidInput(f"the search {self.query[:60]!r} finds no objects to export")
        return found


@dataclass(frozen=True)
class IdSelection(Selection):
    ids: tuple[str, ...]

    def describe(self) -> str:
        return f"{len(self.ids)} chosen object(s)"

    def object_ids(self, ws: Workspace) -> list[str] | None:
        if not self.ids:
            raise InvalidInput("no objects were chosen for export")
        for stix_id in self.ids:
            if not is_stix_id(stix_id):
                raise InvalidInput(f"{stix_id[:80]!r} is not a STIX id")
        stored = ws.objects.get_many(self.ids)
        missing = [stix_id for stix_id in self.ids if stix_id not in stored]
        if missing:
            raise InvalidInput(f"{missing[0]} is not in this workspace")
        return list(dict.fromkeys(self.ids))


@dataclass(frozen=True)
class CaseSelection(Selection):
    case_id: str

    def describe(self) -> str:
        return f"case {self.case_id[:60]}"

    def object_ids(self, ws: Workspace) -> list[str] | None:
        if _case_resolver is None:
            raise InvalidInput("exporting a case is not available yet in this build; use --query or export all")
        ids = list(dict.fromkeys(_case_resolver(ws, self.case_id)))
        if not ids:
            raise InvalidInput(f"case {self.case_id[:60]} holds no objects to export")
        return ids
