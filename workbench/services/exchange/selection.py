"""What the analyst chose to export: everything, a search, explicit ids, or the objects of a case.

A ``Selection`` names root objects; the sharing plan (``policy.plan_export``) adds what they reference and what
is attached to them, then holds back what may not leave. ``explicit`` roots were chosen one by one and leave on
their own merit; with ``AllObjects`` every object is a root, but one that only held-back objects refer to is
held back with them (a victim named only in a TLP:RED report must not leave on its own).

A selection may also build objects of its own that are not read from the store (``built_objects``): a case
exported by ``services.cases.exchange.CaseSelection`` is written as the STIX objects that stand for it, built for
this export from the stored case and knowing which of its linked objects leave. The exporter judges those objects
by their markings like any other, writes them after the stored ones, and leaves stored copies of them
(``built_ids``) out of the plan, so a case adopted from a partner is not sent twice in two versions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from workbench.domain.errors import InvalidInput
from workbench.domain.ids import canonical_id
from workbench.services import library

if TYPE_CHECKING:
    from workbench.services.workspace import Workspace

MAX_QUERY_HITS = 1_000_000


@dataclass(frozen=True)
class BuiltObject:
    """An object a selection builds for the export instead of reading it from the store. It is judged by its
    markings like any other (unmarked counts as ``unmarked_as``); the program's own constants (the case extension's
    definition and its author) are marked TLP:CLEAR."""

    obj: dict[str, Any]


class Selection:
    """Base: ``object_ids`` returns the root ids, or None for every object in the workspace."""

    explicit: bool = True

    def describe(self) -> str:
        raise NotImplementedError

    def object_ids(self, ws: Workspace) -> list[str] | None:
        raise NotImplementedError

    def built_ids(self, ws: Workspace) -> frozenset[str]:
        """Ids of the objects ``built_objects`` writes: stored versions of them are left out of the plan."""
        return frozenset()

    def built_objects(self, ws: Workspace, leaving: frozenset[str]) -> list[BuiltObject]:
        """Objects written for this export besides the stored ones; ``leaving`` is the ids of the stored objects
        that leave, so that nothing built refers to an object held back."""
        return []

    def exercise_material(self, ws: Workspace) -> bool:
        """True when the selection is an exercise's: the package then carries exercise material only (and any
        other selection none)."""
        return False


@dataclass(frozen=True)
class AllObjects(Selection):
    explicit = False

    def describe(self) -> str:
        return "all objects"

    def object_ids(self, ws: Workspace) -> list[str] | None:
        return None


@dataclass(frozen=True)
class QuerySelection(Selection):
    """The current objects the library search finds (``library.search_ids``: every hit, in its order)."""

    query: str

    def describe(self) -> str:
        return f"search {self.query[:60]!r}"

    def object_ids(self, ws: Workspace) -> list[str] | None:
        found = library.search_ids(ws, library.LibraryFilter(search=self.query), limit=MAX_QUERY_HITS)
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
        ids = []
        for stix_id in self.ids:
            canonical = canonical_id(stix_id)
            if canonical is None:
                raise InvalidInput(f"{stix_id[:80]!r} is not a STIX id")
            ids.append(canonical)
        stored = ws.objects.get_many(ids)
        missing = [stix_id for stix_id in ids if stix_id not in stored]
        if missing:
            raise InvalidInput(f"{missing[0]} is not in this workspace")
        return list(dict.fromkeys(ids))
