"""From one element of a document to a version ready to store, or to findings saying why not.

The order of the steps: the element must be a JSON object; a STIX 2.0 object is upgraded; a built-in TLP marking
definition may be repeated but never redefined; the object is checked (errors refuse it, warnings stay with it);
the caller's own check runs (the exchange's TLP ceiling); the object is serialised for storage, within the limits
of nesting and string length; a ``created_by_ref`` naming someone other than the real producer is reported.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from workbench.domain.errors import InvalidInput
from workbench.domain.tlp import BUILTIN_MARKING_DEFINITIONS
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

_JSON_KINDS = {
    list: "an array",
    str: "a string",
    int: "a number",
    float: "a number",
    bool: "true or false",
    type(None): "null",
}


class StrictRefusal(InvalidInput):
    """Under ``strict``, the first refused object refuses the whole file."""


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
    ) -> None:
        self.summary = summary
        self.source = source
        self.own_identity = own_identity
        self.limits = limits
        self.strict = strict
        self.check_object = check_object
        self.patterns = PatternChecker(limits)
        self.checker = ObjectChecker(self.patterns)
        self.stix_like = 0  # elements that look like STIX objects at all (a type and an id)

    def process(self, element: Element, declared_version: str | None) -> PreparedVersion | None:
        """The version to store for this element, or None when it is refused or is a repeated built-in."""
        obj = element.value
        index = element.position
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
        if stix_id in BUILTIN_MARKING_DEFINITIONS and obj.get("type") == "marking-definition":
            self._builtin_marking(obj, stix_id, index)
            return None

        checked = self.checker.check(obj)
        report = checked.report
        if report.errors:
            self.refuse(*(Finding(stix_id, path, message, index) for path, message in report.errors))
            return None
        if self.check_object is not None:
            finding = self.check_object(obj)
            if finding is not None:
                if finding.index is None:
                    finding = Finding(finding.object_id or stix_id, finding.property, finding.message, index)
                self.refuse(finding)
                return None
        try:
            prepared = prepare(obj, version=checked.version_key)
        except InvalidInput as exc:
            self.refuse(Finding(stix_id, None, _storage_reason(str(exc)), index))
            return None
        problem = self._size_problem(obj, prepared)
        if problem:
            self.refuse(Finding(stix_id, None, problem, index))
            return None
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
        room = self.limits.listed_findings - len(self.summary.refusal_reasons)
        if room > 0:
            self.summary.refusal_reasons.extend(findings[:room])

    def warn(self, finding: Finding) -> None:
        self.summary.warning_count += 1
        if len(self.summary.warnings) < self.limits.listed_findings:
            self.summary.warnings.append(finding)

    # -- single steps ----------------------------------------------------------------------------------------

    def _builtin_marking(self, obj: dict[str, Any], stix_id: Any, index: int) -> None:
        """A TLP marking definition is a constant: the same meaning again is nothing new, another is refused."""
        builtin = BUILTIN_MARKING_DEFINITIONS[stix_id]
        if _same_marking(obj, builtin):
            self.summary.unchanged += 1
        else:
            self.refuse(
                Finding(
                    stix_id,
                    "definition",
                    f"reuses the id of the built-in {builtin['name']} marking with another definition;"
                    " built-in markings cannot be redefined",
                    index,
                )
            )

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


def _same_marking(incoming: dict[str, Any], builtin: dict[str, Any]) -> bool:
    """Whether an incoming TLP marking definition means what the built-in one does (name and timestamps aside)."""
    for key in ("definition_type", "definition", "extensions", "object_marking_refs", "granular_markings"):
        if incoming.get(key) != builtin.get(key):
            return False
    return True


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
