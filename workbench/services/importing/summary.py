"""What an import reports: its source, its findings, its counts. Re-exported by ``services.importing.importer``."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from workbench.storage.objects import Outcome


@dataclass(frozen=True)
class ImportSource:
    """Provenance of an import: recorded with every version it stores.

    ``producer_identity_ref`` is the STIX identity of the organisation that really produced the data (for a
    package, the partner whose key signed it); objects whose ``created_by_ref`` names a third organisation are
    stored, with this source as their provenance, and the mismatch is reported as a warning.
    """

    kind: str  # "file" or "package"
    name: str
    sha256: str | None = None
    partner_key_id: str | None = None
    package_id: str | None = None
    producer_identity_ref: str | None = None
    #: Whether versions of stored objects are judged by their author (``storage.authorship``): every import from
    #: outside. For a package, ``producer_identity_ref`` is the identity pinned for the partner (None when none
    #: is) and ``partner_keys`` every key pinned for that partner.
    judge_authors: bool = True
    partner_keys: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Finding:
    """Something wrong with one object (or the file when ``object_id`` is None and ``index`` is None).

    ``index`` is the object's position in the file (0-based), so that an object without a usable id can be found.
    """

    object_id: str | None
    property: str | None
    message: str
    index: int | None = None

    def __str__(self) -> str:
        where = self.object_id or (f"object {self.index + 1}" if self.index is not None else "file")
        if self.property:
            where += f" ({self.property})"
        return f"{where}: {self.message}"


@dataclass(frozen=True, slots=True)
class PropertyChange:
    """One top-level property that differs between the stored version and the incoming one, as shown (text as it
    is, other values as compact JSON, cut); None where the property is absent."""

    name: str
    before: str | None
    after: str | None


@dataclass(frozen=True, slots=True)
class ObjectOutcome:
    """One object of a dry run and what importing it would do (``services.importing.listing``).

    ``state`` is an ``Outcome`` value (``new``, ``new_version``, ``unchanged``, ``older``, ``conflict``) or
    ``refused`` with its first ``reason``; ``index`` is its position in the file; ``changes`` lists what an update or
    a conflict changes (``changes_left_out``: more differences than are listed).
    """

    state: str
    object_id: str | None
    type: str
    name: str
    tlp: int | None
    index: int | None
    reason: str = ""
    changes: tuple[PropertyChange, ...] = ()
    changes_left_out: bool = False


@dataclass
class ImportSummary:
    """What an import did (or, for a dry run, would do).

    Two different things are counted about refusals, and named apart so that one is never shown as the other:
    ``objects_refused`` is how many objects were refused (the figure to show, record and sign), and
    ``refusal_reasons`` lists why (one finding per reason, so an object with two bad timestamps appears twice, and
    the list is cut at ``Limits.listed_findings``). ``warnings`` lists warnings and ``warning_count`` counts them
    (warnings are counted as findings: one object may carry several). ``foreign`` counts versions of stored objects
    that their sender did not author, kept aside for the analyst (see ``storage.authorship``); ``foreign_listed``
    names them with the reason, cut at ``Limits.listed_findings`` too.

    A dry run also lists the objects one by one (``objects``, in file order, at most ``Limits.listed_objects``;
    ``objects_unlisted`` counts those left out); a real import leaves the list empty.
    """

    source: str
    sha256: str
    shape: str = ""
    objects_read: int = 0
    new: int = 0
    new_versions: int = 0
    unchanged: int = 0
    older: int = 0
    conflicts: int = 0
    foreign: int = 0
    upgraded: int = 0
    objects_refused: int = 0
    refusal_reasons: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    warning_count: int = 0
    foreign_listed: list[Finding] = field(default_factory=list)
    committed: bool = False
    dry_run: bool = False
    case_id: str | None = None
    objects: list[ObjectOutcome] = field(default_factory=list)
    objects_unlisted: int = 0

    @property
    def stored(self) -> int:
        return self.new + self.new_versions + self.older + self.conflicts

    @property
    def changed_anything(self) -> bool:
        return bool(self.new or self.new_versions or self.older or self.conflicts or self.foreign)

    def count(self, outcome: Outcome) -> None:
        if outcome is Outcome.NEW:
            self.new += 1
        elif outcome is Outcome.NEW_VERSION:
            self.new_versions += 1
        elif outcome is Outcome.UNCHANGED:
            self.unchanged += 1
        elif outcome is Outcome.OLDER:
            self.older += 1
        elif outcome is Outcome.FOREIGN:
            self.foreign += 1
        else:
            self.conflicts += 1

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["refusal_reasons"] = [asdict(item) for item in self.refusal_reasons]
        data["warnings"] = [asdict(item) for item in self.warnings]
        data["foreign_listed"] = [asdict(item) for item in self.foreign_listed]
        data["changed_anything"] = self.changed_anything
        return data
