"""Exercise material: the EXERCISE marking and label that keep scenario objects apart from real intelligence.

Every object an exercise produces (injects, responses, evaluators' observations, evidence files, the scenario's
indicators) carries the EXERCISE statement marking (a constant definition, like the TLP ones) and, when its type
can hold labels, the label ``exercise``. Either one makes an object exercise material: other producers mark exercise
content their own way (MISP exports its ``exercise`` taxonomy as labels such as ``exercise:cyber-europe="2024"``),
and an object that says it is exercise material in any of these ways is never taken for real intelligence.

Definitions (marking and extension definitions) are the same in real and exercise packages and carry neither.
"""

from __future__ import annotations

from typing import Any

from workbench.domain.stix import SCO_TYPES

EXERCISE_MARKING_ID = "marking-definition--f40092ad-c8b5-49aa-a9d3-e7758432bff6"
EXERCISE_LABEL = "exercise"
EXERCISE_STATEMENT = (
    "EXERCISE EXERCISE EXERCISE. Exercise material, not real intelligence: do not act on it outside the exercise."
)
#: The marking-definition object. An incoming object may repeat it exactly, never redefine it.
EXERCISE_MARKING_DEFINITION: dict[str, Any] = {
    "type": "marking-definition",
    "spec_version": "2.1",
    "id": EXERCISE_MARKING_ID,
    "created": "2026-12-04T00:00:00.000Z",
    "name": "EXERCISE",
    "definition_type": "statement",
    "definition": {"statement": EXERCISE_STATEMENT},
}
#: Types that are definitions rather than content: they carry neither the marking nor the label.
DEFINITION_TYPES = frozenset({"marking-definition", "extension-definition"})
# MISP writes its taxonomy tags as labels, namespace first: ``exercise:cyber-europe="2024"``.
_LABEL_NAMESPACE = EXERCISE_LABEL + ":"


def is_exercise_label(label: object) -> bool:
    """True for ``exercise`` and for labels in the ``exercise:`` namespace, in any case."""
    if not isinstance(label, str):
        return False
    text = label.strip().lower()
    return text == EXERCISE_LABEL or text.startswith(_LABEL_NAMESPACE)


def has_exercise_marking(obj: dict[str, Any]) -> bool:
    """True when the object, or a part of it, is marked EXERCISE."""
    # Written for the importer's hot path: a C-level list search, granular markings only when there are any.
    refs = obj.get("object_marking_refs")
    if isinstance(refs, list) and EXERCISE_MARKING_ID in refs:
        return True
    granular = obj.get("granular_markings")
    return isinstance(granular, list) and any(
        isinstance(item, dict) and item.get("marking_ref") == EXERCISE_MARKING_ID for item in granular
    )


def has_exercise_label(obj: dict[str, Any]) -> bool:
    labels = obj.get("labels")
    return bool(labels) and isinstance(labels, list) and any(is_exercise_label(label) for label in labels)


def is_exercise_material(obj: dict[str, Any]) -> bool:
    """True for an object that says, by marking or label, that it belongs to an exercise."""
    return has_exercise_marking(obj) or has_exercise_label(obj)


def can_carry_label(object_type: object) -> bool:
    """Observables (SCOs) and marking definitions have no ``labels`` property in STIX 2.1."""
    return object_type not in SCO_TYPES and object_type != "marking-definition"


def mark_as_exercise(obj: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``obj`` carrying the EXERCISE marking and, when its type can hold labels, the label (kept first)."""
    marked = dict(obj)
    if marked.get("type") in DEFINITION_TYPES:
        return marked
    refs = [ref for ref in marked.get("object_marking_refs") or [] if ref != EXERCISE_MARKING_ID]
    marked["object_marking_refs"] = [EXERCISE_MARKING_ID, *refs]
    if can_carry_label(marked.get("type")):
        labels = [label for label in marked.get("labels") or [] if label != EXERCISE_LABEL]
        marked["labels"] = [EXERCISE_LABEL, *labels]
    return marked


def exercise_marking_problem(obj: dict[str, Any]) -> str | None:
    """Why an object of an exercise package is not marked as exercise material should be (None when it is)."""
    kind = obj.get("type")
    if kind in DEFINITION_TYPES:
        return None
    if not has_exercise_marking(obj):
        return "it lacks the EXERCISE marking"
    if can_carry_label(kind) and not has_exercise_label(obj):
        return "it lacks the exercise label"
    return None
