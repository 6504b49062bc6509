"""From one element of a document to a version ready to store, or to findings saying why not.

The order of the steps: the element must be a JSON object; a STIX 2.0 object is upgraded; ids and references with
an upper-case UUID are written in lower case (RFC 4122 reads UUIDs case-insensitively; stored, they compare as
one), with a warning; a built-in TLP marking definition may be repeated, in its own or another form of the same
level (with a warning), but never given another level; the object is checked (errors refuse it, warnings stay with
it); its markings are judged (``domain.markings``): above the ``ceiling`` agreed for a package it is refused, and
markings not understood are reported, once per marking, at the end; the caller's own check runs; the object is
serialised for storage, within the limits of nesting and string length; a version dated more than
``FUTURE_TOLERANCE`` ahead is refused (the newest version is current, so one dated 9999 would win forever); a
``created_by_ref`` naming someone other than the real producer is reported.

Marking definitions met on the way are learned by the import's judge, so that objects after them (and, at the
end, objects before them) are judged by what they say.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from workbench.domain.errors import InvalidInput
from workbench.domain.markings import MarkingJudge, builtin_conflict, marking_refs, written_as_builtin
from workbench.domain.stix import with_canonical_ids
from workbench.domain.timestamps import format_stix_timestamp, sortable_timestamp, utc_now
from workbench.domain.tlp import BUILTIN_MARKING_DEFINITIONS, Tlp
from workbench.services.importing.checks import ObjectChecker
from workbench.services.importing.limits import Limits, describe_size
from workbench.services.importing.patterns import PatternChecker
from workbench.services.importing.reader import Element
from workbench.services.importing.schema import show
from workbench.services.importing.summary import Finding, ImportSource, ImportSummary
from workbench.services.importing.upgrade import is_stix20, upgrade
from workbench.storage.bulk import PreparedVersion, prepare

logger = logging.getLogger(__name__)

ObjectCheck = Callable[[dict[str, Any]], Finding | None]

#: How far ahead of this machine's clock a version's ``modified`` may lie (producers' clocks and time zones drift).
FUTURE_TOLERANCE = timedelta(days=1)

_JSON_KINDS = {
    list: "an array",
    str: "a string",
    int: "a number",
    float: "a number",
    bool: "true or false",
    type(None): "null",
}


#: At most this many objects are named per marking not understood; the rest are counted.
_NAMED_PER_MARKING = 3


class StrictRefusal(InvalidInput):
    """Under ``strict``, the first refused object refuses the whole file."""


@dataclass
class _Unclear:
    """The objects citing one marking the import's judge did not understand when it met them."""

    count: int = 0
    examples: list[str] = field(default_factory=list)


class ElementProcessor:
    """Turns elements into prepared versions for one import, recording findings in its summary."""

    def __init__(
        self,
        summary: ImportSummary,
        source: ImportSource,
        own_identity: str,
        limits: Limits,
        *,
        strict: bool,
        check_object: ObjectCheck | None,
        markings: MarkingJudge | None = None,
        ceiling: Tlp | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> None:
        self.summary = summary
        self.source = source
        self.own_identity = own_identity
        self.limits = limits
        self.strict = strict
        self.check_object = check_object
        self.patterns = PatternChecker(limits, cancel)
        self.checker = ObjectChecker(self.patterns)
        self.stix_like = 0  # elements that look like STIX objects at all (a type and an id)
        self.markings = markings or MarkingJudge()
        self.ceiling = ceiling
        # Definitions this import brought that change the meaning of a marking objects stored earlier may cite.
        self.changed: set[str] = set()
        self.unclear: dict[str, _Unclear] = {}
        self.cited_with_unclear: set[str] = set()  # every marking the objects citing an unclear one cite
        #: Prepared versions citing a marking not understood when they were met, with the markings they cite: their
        #: definition may still come later in the document. ``settle`` judges them again before they are written.
        self.awaiting: list[tuple[PreparedVersion, list[Any]]] = []
        # Markings some object was written citing while they were still not understood (see ``finish``).
        self._written_unclear: set[str] = set()
        # Version keys are fixed-width sortable timestamps: one string comparison per object.
        self.latest_version = sortable_timestamp(format_stix_timestamp(utc_now() + FUTURE_TOLERANCE)) or ""
        #: A dry run's per-object listing (``listing.ObjectListing``), told about each refusal; None otherwise.
        self.listing: Any = None
        self._current: Any = None

    def process(self, element: Element, declared_version: str | None) -> PreparedVersion | None:
        """The version to store for this element, or None when it is refused or is a repeated built-in."""
        obj = element.value
        index = element.position
        self._current = obj
        if obj.__class__ is not dict:
            self.refuse(
                Finding(None, None, f"is {_JSON_KINDS.get(type(obj), 'not an object')}, not a STIX object", index)
            )
            return None
        stix_id = obj.get("id")
        if stix_id is not None and "type" in obj:
            self.stix_like += 1
        if stix_id.__class__ is not str:
            stix_id = None
        version = obj.get("spec_version")
        if (version is None or version == "2.0") and is_stix20(obj, declared_version):
            obj = upgrade(obj)
            self.summary.upgraded += 1
            if declared_version != "2.0":
                self.warn(
                    Finding(stix_id, "spec_version", "no spec_version: read as STIX 2.0 and upgraded to 2.1", index)
                )
            if stix_id and stix_id[-36:][14:15] != "4":
                self.warn(Finding(stix_id, "id", "STIX 2.0 ids must use a version 4 UUID", index))
        # An upper-case UUID in the object's own id is written in lower case before anything looks it up; one in a
        # reference is seen by the checks, below.
        lowered = stix_id is not None and not stix_id.islower()
        if lowered:
            obj = with_canonical_ids(obj)
            stix_id = obj["id"]
        kind = obj.get("type")
        if kind == "marking-definition" and not self._known_marking(obj, stix_id, index):
            return None

        checked = self.checker.check(obj)
        report = checked.report
        if report.errors:
            self.refuse(*(Finding(stix_id, path, message, index) for path, message in report.errors))
            return None
        if report.upper_case_ids and not lowered:
            obj = with_canonical_ids(obj)
            lowered = True
        if lowered:
            self.warn(
                Finding(stix_id, "id", "upper-case UUIDs in ids and references were written in lower case", index)
            )
        if kind == "marking-definition" and stix_id is not None:
            held = self.markings.conflict(obj)
            if held is not None:
                self.refuse(
                    Finding(
                        stix_id,
                        "definition",
                        f"gives the marking another meaning than its definition held already ({held.what});"
                        " a marking definition cannot be changed",
                        index,
                    )
                )
                return None
            before = self.markings.judge(stix_id) if self.markings.knows(stix_id) else None
            if self.markings.learn(obj) != before:
                self.changed.add(stix_id)
        accepted, level, unclear = self._judge_markings(obj, stix_id, index)
        if not accepted:
            return None
        if self.check_object is not None:
            finding = self.check_object(obj)
            if finding is not None:
                if finding.index is None:
                    finding = Finding(finding.object_id or stix_id, finding.property, finding.message, index)
                self.refuse(finding)
                return None
        try:
            prepared = prepare(obj, version=checked.version_key, judged=True, level=level)
        except InvalidInput as exc:
            self.refuse(Finding(stix_id, None, _storage_reason(str(exc)), index))
            return None
        if prepared.modified > self.latest_version:
            self.refuse(
                Finding(
                    stix_id,
                    "modified" if "modified" in obj else "created",
                    f"is dated {prepared.modified[:10]}, in the future: such a version would stay current for ever",
                    index,
                )
            )
            return None
        problem = self._size_problem(obj, prepared)
        if problem:
            self.refuse(Finding(stix_id, None, problem, index))
            return None
        if unclear:
            self.awaiting.append((prepared, marking_refs(obj)))
        # Warnings belong to objects that are stored: a refused object shows only why it was refused.
        for path, message in report.warnings:
            self.warn(Finding(stix_id, path, message, index))
        producer = self.source.producer_identity_ref
        creator = obj.get("created_by_ref")
        if producer and creator.__class__ is str and creator not in (producer, self.own_identity):
            self.warn(
                Finding(
                    stix_id,
                    "created_by_ref",
                    f"names {creator}, not the producer {self.source.name}; stored with"
                    f" {self.source.name} as its provenance",
                    index,
                )
            )
        return prepared

    # -- findings --------------------------------------------------------------------------------------------

    def refuse(self, *findings: Finding) -> None:
        """Refuse one object for the given reasons (all listed, the object counted once)."""
        if self.strict:
            raise StrictRefusal(f"{self.summary.source}: refused under --strict because of {findings[0]}")
        self.summary.objects_refused += 1
        if self.listing is not None:
            self.listing.refused(self._current, findings)
        room = self.limits.listed_findings - len(self.summary.refusal_reasons)
        if room > 0:
            self.summary.refusal_reasons.extend(findings[:room])

    def warn(self, finding: Finding) -> None:
        self.summary.warning_count += 1
        if len(self.summary.warnings) < self.limits.listed_findings:
            self.summary.warnings.append(finding)

    # -- single steps ----------------------------------------------------------------------------------------

    def _known_marking(self, obj: dict[str, Any], stix_id: Any, index: int) -> bool:
        """A definition under a TLP id known by id: the same level again, in any form, is nothing new (a built-in is
        kept as it is; another form of it is warned about); another level is refused. True to go on with it."""
        conflict = builtin_conflict(obj)
        if conflict is None:
            return True
        name, same = conflict
        if not same:
            self.refuse(
                Finding(
                    stix_id,
                    "definition",
                    f"reuses the id of the built-in {name} marking with another definition;"
                    " built-in markings cannot be redefined",
                    index,
                )
            )
            return False
        builtin = BUILTIN_MARKING_DEFINITIONS.get(stix_id)
        if builtin is None:
            return True  # known by id only (OpenCTI's): stored as it came
        self.summary.unchanged += 1
        if self.listing is not None:
            self.listing.unchanged(obj, index)
        if not written_as_builtin(obj):
            self.warn(
                Finding(
                    stix_id,
                    "definition",
                    f"the built-in {name} marking written in another form of the same level;"
                    " the built-in definition is kept",
                    index,
                )
            )
        return False

    def _judge_markings(self, obj: dict[str, Any], stix_id: Any, index: int) -> tuple[bool, int | None, bool]:
        """Whether the object may be stored (not above the ceiling), the level it is shown at, and whether it cites
        a marking not understood (so far)."""
        verdict = self.markings.of_object(obj)
        ceiling = self.ceiling
        if ceiling is not None and verdict.level is not None and verdict.level > ceiling:
            self.refuse(
                Finding(
                    stix_id,
                    "object_marking_refs",
                    f"marked {verdict.level.label}, above {ceiling.label} agreed for this package",
                    index,
                )
            )
            return False, None, False
        if verdict.not_understood:
            self.cited_with_unclear.update(ref for ref in marking_refs(obj) if ref.__class__ is str)
        for marking in verdict.not_understood:
            unclear = self.unclear.setdefault(marking, _Unclear())
            unclear.count += 1
            if len(unclear.examples) < _NAMED_PER_MARKING:
                unclear.examples.append(str(stix_id))
        judged = verdict.judged
        return True, int(judged) if judged is not None else None, bool(verdict.not_understood)

    def settle(self) -> None:
        """Before a batch is written: judge again the objects citing a marking not understood when they were met,
        with the definitions learned since (ATT&CK puts its marking definition last), so that they are written at
        their level. Those still not understood are written at TLP:RED and worked out again after the last
        element (``finish``)."""
        judge = self.markings
        for prepared, refs in self.awaiting:
            verdict = judge.verdict(refs)
            if verdict.not_understood:
                self._written_unclear.update(verdict.not_understood)
            else:
                judged = verdict.judged
                prepared.tlp = int(judged) if judged is not None else None
        self.awaiting = []

    def finish(self) -> tuple[set[str], set[str]]:
        """After the last element: judge again the markings not understood when their objects were met (a
        definition may come after the objects citing it), warn once per marking still not understood, and refuse
        the whole document if one turns out above the ceiling.

        Returns the markings whose objects need their shown level worked out again: those this import's objects
        were written citing before their definition came (``settle``), and those whose meaning this import changed
        (the objects stored earlier that cite them; this import's own were judged with the new meaning)."""
        ceiling = self.ceiling
        for marking, unclear in self.unclear.items():
            judgement = self.markings.judge(marking)
            if judgement.understood:
                level = judgement.restriction
                if ceiling is not None and level is not None and level > ceiling:
                    raise InvalidInput(
                        f"{self.summary.source}: {unclear.examples[0]} is marked {level.label} (by {marking[:100]},"
                        f" defined later in the document), above {ceiling.label} agreed for this package"
                    )
                continue
            named = ", ".join(unclear.examples)
            more = (
                f" and {unclear.count - len(unclear.examples):,} more" if unclear.count > len(unclear.examples) else ""
            )
            above = (
                f", above {ceiling.label} agreed for this package" if ceiling is not None and ceiling < Tlp.RED else ""
            )
            self.warn(
                Finding(
                    marking[:120],
                    None,
                    f"marking not understood ({judgement.what}): {named}{more} judged at TLP:RED{above}; kept, and"
                    " held back from every export until the marking is mapped to a TLP level (workbench markings map)",
                )
            )
        return set(self._written_unclear), self.changed

    def _size_problem(self, obj: dict[str, Any], prepared: PreparedVersion) -> str | None:
        limits = self.limits
        text = prepared.json
        # The count of brackets bounds the nesting; walk the object only when the bound is not enough.
        if text.count("{") + text.count("[") > limits.depth and _depth(obj) > limits.depth:
            return f"nested more than {limits.depth} levels deep"
        if len(text) > limits.string_chars:
            longest = _longest_string(obj)
            if longest > limits.string_chars:
                return f"holds a string longer than {describe_size(limits.string_chars)}"
        return None


def _storage_reason(message: str) -> str:
    # The message of InvalidInput from prepare() starts with the id; keep only the reason.
    reason = message.split(": ", 1)[1] if ": " in message else message
    if "surrogates" in reason:
        return "holds a lone surrogate escape (\\ud800 to \\udfff), which is not text"
    if "64-bit" in reason or "Integer exceeds" in reason:
        return "holds an integer too large to store exactly"
    if "Recursion limit" in reason:
        return "nested too deeply to store"
    return "cannot be stored: " + show(reason, 120)


def _depth(node: Any) -> int:
    """Nesting depth of arrays and objects, walked without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(node, 1)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        children = item.values() if item.__class__ is dict else item
        for child in children:
            if child.__class__ is dict or child.__class__ is list:
                stack.append((child, level + 1))
    return deepest


def _longest_string(node: Any) -> int:
    longest = 0
    stack = [node]
    while stack:
        item = stack.pop()
        if item.__class__ is dict:
            for key, value in item.items():
                longest = max(longest, len(key))
                stack.append(value)
        elif item.__class__ is list:
            stack.extend(item)
        elif item.__class__ is str:
            longest = max(longest, len(item))
    return longest
