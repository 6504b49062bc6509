"""What a marking definition means: a TLP level, a statement that restricts nothing, or something not understood.

Every decision at the boundary (what may leave for a partner, what a partner may send us, the level an object is
shown at) asks a ``MarkingJudge`` about each marking an object cites. The judge knows:

1. The TLP marking ids of the tools partners run, by id: OASIS TLP 2.0 and TLP 1.0 (``domain.tlp``; MISP's STIX
   export writes these) and OpenCTI's TLP:AMBER+STRICT (OpenCTI writes its TLP:CLEAR under the TLP 1.0 WHITE id).
2. Any other definition it was shown (stored in the workspace, or read earlier in the same file or package),
   classified by ``classify``: one that declares itself TLP in any form producers use counts at its level; a
   statement (copyright, terms of use) restricts nothing unless its statement or name states a TLP level, which
   then counts; anything else (a custom ``definition_type``, an extension other than TLP 2.0, no definition at
   all) is *not understood*.
3. The analyst's mapping of a definition it does not understand to a TLP level (per workspace).

A marking not understood is never read as "unmarked": what it marks is held back from every export until the
analyst maps it, and judged at TLP:RED when it arrives. The EXERCISE marking (``domain.exercise_material``) is a kind
of its own, known by its id like the TLP built-ins: it restricts nothing by level, and the sharing plan keeps what it
marks apart from real intelligence.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from workbench.domain.exercise_material import EXERCISE_MARKING_ID
from workbench.domain.ids import canonical_id
from workbench.domain.tlp import BUILTIN_MARKING_DEFINITIONS, TLP2_EXTENSION_ID, Tlp, known_level


class MarkingKind(enum.Enum):
    TLP = "tlp"
    STATEMENT = "statement"
    #: The EXERCISE marking: restricts nothing by level, but what it marks is exercise material, which the sharing
    #: plan keeps apart from real intelligence (``services.exchange.policy.exercise_apart``).
    EXERCISE = "exercise"
    NOT_UNDERSTOOD = "not understood"


@dataclass(frozen=True)
class Judgement:
    """What one marking means. ``level`` is the TLP level of a TLP marking, and the analyst's mapping (or None)
    of one not understood; a statement has none. ``what`` says in a few words what it was recognised as."""

    kind: MarkingKind
    level: Tlp | None = None
    what: str = ""

    @property
    def understood(self) -> bool:
        """True unless the program does not know what the marking means and the analyst has not mapped it."""
        return self.kind is not MarkingKind.NOT_UNDERSTOOD or self.level is not None

    @property
    def restriction(self) -> Tlp | None:
        """The level it restricts to for sharing: its TLP level (or mapping); RED while not understood."""
        if self.kind is MarkingKind.NOT_UNDERSTOOD:
            return self.level if self.level is not None else Tlp.RED
        return self.level


# -- reading a definition ----------------------------------------------------------------------------------------

# "TLP:AMBER+STRICT", "tlp: amber", "TLP:WHITE" inside a sentence; longest first so AMBER+STRICT is not read AMBER.
_STATED = re.compile(r"\bTLP\s*:\s*(CLEAR|WHITE|GREEN|AMBER\s*\+\s*STRICT|AMBER|RED)\b", re.IGNORECASE)
_TLP_TYPES = frozenset({"tlp", "tlp_2_0", "tlpv2", "tlp2"})
# OpenCTI's property extension on marking definitions (order, colour); it says nothing about what the marking means.
_OPENCTI_EXTENSION = "extension-definition--ea279b3e-5c71-4632-ac08-831c66a786ba"


def level_word(value: Any) -> Tlp | None:
    """A TLP level as definitions write it (``red``, ``TLP:AMBER+STRICT``, ``amber_strict``, ``white``), or None."""
    if not isinstance(value, str) or len(value) > 40:
        return None
    key = value.strip().upper()
    if key.startswith("TLP:"):
        key = key[4:].strip()
    key = re.sub(r"\s*[+_ -]\s*", "_", key)
    if key == "WHITE":
        key = "CLEAR"
    return Tlp[key] if key in Tlp.__members__ else None


@dataclass
class _Declared:
    """What a definition says about TLP: whether it declares itself TLP, the levels it names, words it cannot read."""

    tlp: bool = False
    levels: set[Tlp] = field(default_factory=set)
    unreadable: list[str] = field(default_factory=list)

    def add(self, value: Any) -> None:
        level = level_word(value)
        if level is None:
            self.unreadable.append(str(value)[:40])
        else:
            self.levels.add(level)


def _declared_tlp(obj: Mapping[str, Any]) -> _Declared:
    """Every form producers use to say "this is TLP": OASIS 1.0 (``definition_type: tlp``, ``definition.tlp``),
    TLP 2.0 (the extension's ``tlp_2_0``), OpenCTI (``definition_type: TLP`` with the ``TLP:...`` name, or
    ``x_opencti_definition_type``), and a ``definition_type`` that is itself a level (``TLP:CLEAR``)."""
    found = _Declared()
    kind = obj.get("definition_type")
    if isinstance(kind, str):
        word = kind.strip().lower()
        if word in _TLP_TYPES:
            found.tlp = True
        elif word.startswith("tlp:"):
            found.tlp = True
            found.add(kind)
    definition = obj.get("definition")
    if isinstance(definition, dict):
        for key, value in definition.items():
            if isinstance(key, str) and key.lower() in _TLP_TYPES:
                found.tlp = True
                found.add(value)
    elif isinstance(definition, str) and found.tlp:
        found.add(definition)
    extensions = obj.get("extensions")
    if isinstance(extensions, dict):
        for key, extension in extensions.items():
            if isinstance(extension, dict) and (canonical_id(key) == TLP2_EXTENSION_ID or "tlp_2_0" in extension):
                found.tlp = True
                found.add(extension.get("tlp_2_0"))
    opencti = obj.get("x_opencti_definition_type")
    if isinstance(opencti, str) and opencti.strip().lower() in _TLP_TYPES:
        found.tlp = True
        found.add(obj.get("x_opencti_definition"))
    name = obj.get("name")
    if found.tlp and isinstance(name, str) and name.strip().upper().startswith("TLP:"):
        found.add(name)
    return found


def _tlp(obj: Mapping[str, Any]) -> Judgement | None:
    declared = _declared_tlp(obj)
    if not declared.tlp:
        return None
    if not declared.levels:
        shown = ", ".join(repr(word) for word in declared.unreadable) or "none"
        return Judgement(MarkingKind.NOT_UNDERSTOOD, None, f"TLP definition with no level it can read ({shown})")
    # Two levels in one definition: the more restrictive one holds.
    level = max(declared.levels)
    return Judgement(MarkingKind.TLP, level, level.label)


def _statement(obj: Mapping[str, Any]) -> Judgement | None:
    kind = obj.get("definition_type")
    definition = obj.get("definition")
    statement = definition.get("statement") if isinstance(definition, dict) else None
    if not (isinstance(kind, str) and kind.strip().lower() == "statement") and not isinstance(statement, str):
        return None
    texts = [text for text in (statement, obj.get("name")) if isinstance(text, str)]
    stated = [level_word(match.group(1)) for text in texts for match in _STATED.finditer(text)]
    levels = [level for level in stated if level is not None]
    if levels:
        return Judgement(MarkingKind.TLP, max(levels), f"statement stating {max(levels).label}")
    return Judgement(MarkingKind.STATEMENT, None, "statement")


def _other(obj: Mapping[str, Any]) -> Judgement:
    kind = obj.get("definition_type")
    if isinstance(kind, str) and kind.strip():
        return Judgement(MarkingKind.NOT_UNDERSTOOD, None, f"definition_type {kind.strip()[:40]!r}")
    extensions = obj.get("extensions")
    if isinstance(extensions, dict):
        named = [str(key)[:80] for key in extensions if key != _OPENCTI_EXTENSION]
        if named:
            return Judgement(MarkingKind.NOT_UNDERSTOOD, None, f"extension {named[0]}")
    return Judgement(MarkingKind.NOT_UNDERSTOOD, None, "no definition")


_EXERCISE = Judgement(MarkingKind.EXERCISE, None, "EXERCISE (exercise material)")


def _exercise(obj: Mapping[str, Any]) -> Judgement | None:
    """The EXERCISE marking, by its id: the one definition of exercise material (another form of it is refused on
    import as a redefinition, like a TLP built-in's)."""
    return _EXERCISE if canonical_id(obj.get("id")) == EXERCISE_MARKING_ID else None


#: Tried in order; the first that recognises the definition decides.
_CLASSIFIERS = (_exercise, _tlp, _statement)


def classify(obj: Mapping[str, Any]) -> Judgement:
    """What a marking-definition object means by its content (its id aside; see ``MarkingJudge`` for ids)."""
    for classifier in _CLASSIFIERS:
        judgement = classifier(obj)
        if judgement is not None:
            return judgement
    return _other(obj)


def builtin_conflict(obj: Mapping[str, Any]) -> tuple[str, bool] | None:
    """For a definition under a built-in TLP id (or another id known as TLP) or the EXERCISE marking's: None if the
    id is not one of them; otherwise ``(name of the known marking, same)`` where ``same`` tells whether the
    definition gives the id its own meaning (a TLP level in whatever form; EXERCISE written as it is) or another."""
    marking_id = canonical_id(obj.get("id"))
    if marking_id == EXERCISE_MARKING_ID:
        return "EXERCISE", written_as_builtin(obj)
    level = known_level(marking_id) if marking_id is not None else None
    if level is None:
        return None
    builtin = BUILTIN_MARKING_DEFINITIONS.get(marking_id or "")
    name = builtin["name"] if builtin is not None else level.label
    judgement = classify(obj)
    declared = _declared_tlp(obj)
    same = judgement.kind is MarkingKind.TLP and declared.levels == {level} and not declared.unreadable
    return name, same


def written_as_builtin(obj: Mapping[str, Any]) -> bool:
    """Whether a definition under a built-in id is written exactly as the built-in one (name and times aside), so
    that nothing needs saying about it."""
    builtin = BUILTIN_MARKING_DEFINITIONS.get(canonical_id(obj.get("id")) or "")
    keys = ("definition_type", "definition", "extensions", "object_marking_refs", "granular_markings")
    return builtin is not None and all(obj.get(key) == builtin.get(key) for key in keys)


# -- judging what an object cites --------------------------------------------------------------------------------


@dataclass(frozen=True)
class MarkingVerdict:
    """What an object's markings (object and granular) come to.

    ``level`` is the highest understood level (mapped markings included), None when nothing understood restricts
    it; ``not_understood`` lists the markings it cites whose meaning is unknown and unmapped.
    """

    level: Tlp | None
    not_understood: tuple[str, ...] = ()
    #: Whether one of the markings is the EXERCISE marking: the object is exercise material.
    exercise: bool = False

    @property
    def judged(self) -> Tlp | None:
        """The level it counts at when it arrives: RED while any of its markings is not understood."""
        return Tlp.RED if self.not_understood else self.level


class MarkingJudge:
    """What each marking id means in one workspace: known ids, the definitions it was shown, the analyst's mappings.

    ``definitions`` are judgements of stored definitions by (canonical) id; ``mappings`` the analyst's levels for
    definitions not understood. ``learn`` adds a definition read from a file or package being imported.
    """

    def __init__(self, definitions: Mapping[str, Judgement] | None = None, mappings: Mapping[str, Tlp] | None = None):
        self._definitions: dict[str, Judgement] = dict(definitions or {})
        self._mappings: dict[str, Tlp] = dict(mappings or {})
        self._cache: dict[str, Judgement] = {}
        # Objects cite the same few combinations of markings: their verdicts, by the combination.
        self._verdicts: dict[tuple[Any, ...], MarkingVerdict] = {}

    def knows(self, ref: str) -> bool:
        """Whether ``ref`` is a known TLP id or a definition this judge was shown."""
        marking_id = canonical_id(ref)
        return marking_id is not None and (known_level(marking_id) is not None or marking_id in self._definitions)

    def conflict(self, definition: Mapping[str, Any]) -> Judgement | None:
        """The meaning this judge holds for ``definition``'s id when the definition says another (a definition
        cannot be changed: STIX gives marking definitions no versions), else None."""
        marking_id = canonical_id(definition.get("id"))
        held = self._definitions.get(marking_id) if marking_id is not None else None
        if held is None:
            return None
        said = classify(definition)
        return held if (said.kind, said.level) != (held.kind, held.level) else None

    def learn(self, definition: Mapping[str, Any]) -> Judgement:
        """Take in a marking definition read from a file or package; returns what it means here.

        A definition of an id this judge already holds another judgement of counts at the more restrictive of the
        two: a producer cannot lower a marking by sending it again in another form.
        """
        marking_id = canonical_id(definition.get("id"))
        judgement = classify(definition)
        if marking_id is None:
            return judgement
        earlier = self._definitions.get(marking_id)
        if earlier is not None and earlier != judgement:
            judgement = _stricter(earlier, judgement)
        self._definitions[marking_id] = judgement
        self._cache.clear()
        self._verdicts.clear()
        return self.judge(marking_id)

    def judge(self, ref: Any) -> Judgement:
        """What the marking ``ref`` means. A reference that is not exactly a marking-definition id, or names a
        definition never seen, is not understood (unless the analyst mapped it)."""
        cached = self._cache.get(ref) if ref.__class__ is str else None
        if cached is not None:
            return cached
        marking_id = canonical_id(ref)
        if marking_id is None or not marking_id.startswith("marking-definition--"):
            return Judgement(MarkingKind.NOT_UNDERSTOOD, None, "not a marking-definition id")
        level = known_level(marking_id)
        if level is not None:
            judgement = Judgement(MarkingKind.TLP, level, level.label)
        elif marking_id == EXERCISE_MARKING_ID:
            judgement = _EXERCISE  # known by its id, like the TLP built-ins, whether received or not
        else:
            judgement = self._definitions.get(marking_id) or Judgement(
                MarkingKind.NOT_UNDERSTOOD, None, "its definition was never received"
            )
            mapped = self._mappings.get(marking_id)
            if judgement.kind is MarkingKind.NOT_UNDERSTOOD and mapped is not None:
                judgement = replace(judgement, level=mapped)
        if len(self._cache) < 100_000:
            self._cache[ref] = judgement
        return judgement

    def verdict(self, refs: Iterable[Any]) -> MarkingVerdict:
        """What the markings ``refs`` (object and granular alike) come to together."""
        key = tuple(refs)
        try:
            known = self._verdicts.get(key)
        except TypeError:  # a malformed citation (a list, a dict) is not hashable: judged each time
            return self._verdict(key)
        if known is None:
            known = self._verdict(key)
            if len(self._verdicts) < 10_000:
                self._verdicts[key] = known
        return known

    def _verdict(self, refs: tuple[Any, ...]) -> MarkingVerdict:
        level: Tlp | None = None
        unknown: list[str] = []
        exercise = False
        for ref in refs:
            judgement = self.judge(ref)
            exercise = exercise or judgement.kind is MarkingKind.EXERCISE
            if not judgement.understood:
                unknown.append(str(ref))
            elif judgement.level is not None and (level is None or judgement.level > level):
                level = judgement.level
        return MarkingVerdict(level, tuple(dict.fromkeys(unknown)), exercise)

    def of_object(self, obj: Mapping[str, Any]) -> MarkingVerdict:
        return self.verdict(marking_refs(obj))


def _stricter(first: Judgement, second: Judgement) -> Judgement:
    if not first.understood or not second.understood:
        return first if not first.understood else second
    if first.level is None:
        return second
    if second.level is None:
        return first
    return first if first.level >= second.level else second


def marking_refs(obj: Mapping[str, Any]) -> list[Any]:
    """The markings an object cites, object-level then granular, as written (not checked)."""
    listed = obj.get("object_marking_refs")
    refs: list[Any] = list(listed) if isinstance(listed, list) else []
    granular = obj.get("granular_markings")
    if isinstance(granular, list):
        refs.extend(item.get("marking_ref") for item in granular if isinstance(item, dict) and "marking_ref" in item)
    return refs
