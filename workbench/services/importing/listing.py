"""What a dry run lists about each object: its type, name, TLP and what importing it would do, with the properties
an update or a conflict changes. Read by the window's previews (a file's and a package's).

Bounded whatever the size of the file (a package may hold 100,000 objects and more):

- at most ``Limits.listed_objects`` objects are listed; the rest are only counted (``ImportSummary.objects_unlisted``).
  Objects that change something or are refused come first: once the list is full, a later one of those takes the
  place of an unchanged one, so a re-import of a large file still lists the few objects that differ;
- the differences shown are cut: values at ``VALUE_CHARS`` characters, ``CHANGED_PROPERTIES`` properties an object,
  and ``DIFF_BUDGET`` characters of differences in all (later objects then say ``changes_left_out``).

States are the importer's outcomes (``new``, ``new_version``, ``unchanged``, ``older``, ``conflict``) and
``refused``, whose ``reason`` is the first reason found.
"""

from __future__ import annotations

from typing import Any

import orjson

from workbench.domain.markings import MarkingJudge
from workbench.domain.stix import display_name
from workbench.services.importing.summary import Finding, ImportSummary, ObjectOutcome, PropertyChange
from workbench.storage.bulk import PreparedVersion
from workbench.storage.database import Connection
from workbench.storage.objects import Outcome

REFUSED = "refused"
VALUE_CHARS = 400
CHANGED_PROPERTIES = 40
DIFF_BUDGET = 4_000_000


def shown_value(value: Any) -> str | None:
    """A property's value as the preview shows it: text as it is, anything else as compact JSON; cut."""
    if value is None:
        return None
    text = value if isinstance(value, str) else orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()
    return text if len(text) <= VALUE_CHARS else text[: VALUE_CHARS - 1] + "…"


def property_changes(before: dict[str, Any], after: dict[str, Any]) -> list[PropertyChange]:
    """The top-level properties whose value differs (absent on one side: None), in the incoming object's order."""
    names = list(after) + [name for name in before if name not in after]
    return [
        PropertyChange(name, shown_value(before.get(name)), shown_value(after.get(name)))
        for name in names
        if before.get(name) != after.get(name)
    ]


def _described(obj: Any, judge: MarkingJudge) -> tuple[str, str, int | None]:
    """Type, name and TLP of an element that may be malformed in any way; the level as the import judges it (a
    custom TLP definition at its level, a marking not understood as RED), never "unmarked" for a marking it cites."""
    if obj.__class__ is not dict:
        return "", "", None
    kind: str = obj["type"] if isinstance(obj.get("type"), str) else ""
    try:
        name = display_name(obj)
        level = judge.of_object(obj).judged
    except (TypeError, AttributeError, ValueError):
        return kind, "", None
    return kind, name, int(level) if level is not None else None


class ObjectListing:
    """Collects ``ObjectOutcome``s during one import; ``finish`` puts them, in file order, into the summary."""

    def __init__(self, summary: ImportSummary, limit: int, judge: MarkingJudge | None = None) -> None:
        self._summary = summary
        #: The import's own judge (it learns the definitions the file brings); set by the importer.
        self.judge = judge or MarkingJudge()
        self._limit = limit
        self._changing: list[ObjectOutcome] = []
        self._unchanged: list[ObjectOutcome] = []
        self._budget = DIFF_BUDGET
        self.unlisted = 0

    def _room_for(self, interesting: bool) -> bool:
        if len(self._changing) + len(self._unchanged) < self._limit:
            return True
        if interesting and self._unchanged:
            self._unchanged.pop()
            self.unlisted += 1
            return True
        self.unlisted += 1
        return False

    def refused(self, obj: Any, findings: tuple[Finding, ...]) -> None:
        if not self._room_for(True):
            return
        first = findings[0]
        kind, name, tlp = _described(obj, self.judge)
        reason = f"{first.property}: {first.message}" if first.property else first.message
        self._changing.append(ObjectOutcome(REFUSED, first.object_id, kind, name, tlp, first.index, reason=reason))

    def unchanged(self, obj: dict[str, Any], index: int) -> None:
        """An object counted unchanged without being stored (a built-in TLP marking repeated)."""
        if self._room_for(False):
            kind, name, tlp = _described(obj, self.judge)
            stix_id = obj.get("id") if isinstance(obj.get("id"), str) else None
            self._unchanged.append(ObjectOutcome(Outcome.UNCHANGED.value, stix_id, kind, name, tlp, index))

    def stored(self, conn: Connection, batch: list[PreparedVersion], outcomes: list[str], positions: list[int]) -> None:
        """Record a stored batch (each item's outcome and position in the file), diffing updates and conflicts."""
        for item, outcome, position in zip(batch, outcomes, positions, strict=True):
            interesting = outcome != Outcome.UNCHANGED.value
            if not self._room_for(interesting):
                continue
            changes: tuple[PropertyChange, ...] = ()
            left_out = False
            if outcome in (Outcome.NEW_VERSION.value, Outcome.CONFLICT.value):
                changes, left_out = self._diff(conn, item, outcome)
            entry = ObjectOutcome(
                outcome, item.id, item.type, item.name, item.tlp, position, changes=changes, changes_left_out=left_out
            )
            (self._changing if interesting else self._unchanged).append(entry)

    def _diff(self, conn: Connection, item: PreparedVersion, outcome: str) -> tuple[tuple[PropertyChange, ...], bool]:
        if self._budget <= 0:
            return (), True
        if outcome == Outcome.CONFLICT.value:  # the stored version with the same modified time
            sql = "SELECT json FROM object_versions WHERE id = ? AND modified = ? LIMIT 1"
            args: tuple[Any, ...] = (item.id, item.modified)
        else:  # the stored version this one comes after
            sql = (
                "SELECT json FROM object_versions WHERE id = ? AND modified < ? ORDER BY modified DESC, vid DESC"
                " LIMIT 1"
            )
            args = (item.id, item.modified)
        row = conn.execute(sql, args).fetchone()
        if row is None:
            return (), False
        changes = property_changes(orjson.loads(row[0]), orjson.loads(item.json))
        kept = changes[:CHANGED_PROPERTIES]
        self._budget -= sum(len(change.before or "") + len(change.after or "") for change in kept)
        return tuple(kept), len(changes) > len(kept)

    def finish(self) -> None:
        listed = self._changing + self._unchanged
        listed.sort(key=lambda entry: entry.index if entry.index is not None else -1)
        self._summary.objects = listed
        self._summary.objects_unlisted = self.unlisted
