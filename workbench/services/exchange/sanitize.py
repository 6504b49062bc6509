"""Optional sanitising before objects leave (``--sanitize``).

- Internal notes are dropped: a ``note`` carrying a local-only label or ``x_workbench_internal: true``.
- Custom ``x_`` properties are removed at every depth (the custom object types such as ``x-mitre-tactic`` stay).
- Local-only labels are removed from ``labels``; a list left empty is removed, since STIX forbids an empty one.

Local-only labels are ``internal`` and ``local-only`` and any label starting with ``internal:`` or ``local:``
(compared without regard to case). The sanitised object keeps its id and ``modified``: it is the same version,
shared with less detail.
"""

from __future__ import annotations

from typing import Any

LOCAL_ONLY_LABELS = frozenset({"internal", "local-only"})
LOCAL_ONLY_PREFIXES = ("internal:", "local:")


def is_local_label(label: object) -> bool:
    if not isinstance(label, str):
        return False
    folded = label.strip().casefold()
    return folded in LOCAL_ONLY_LABELS or folded.startswith(LOCAL_ONLY_PREFIXES)


def is_internal_note(obj: dict[str, Any]) -> bool:
    if obj.get("type") != "note":
        return False
    if obj.get("x_workbench_internal") is True:
        return True
    labels = obj.get("labels")
    return isinstance(labels, list) and any(is_local_label(label) for label in labels)


def sanitize_object(obj: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """``(sanitised copy, changed)``; the input is not modified."""
    cleaned = _strip_custom(obj)
    labels = cleaned.get("labels")
    if isinstance(labels, list):
        kept = [label for label in labels if not is_local_label(label)]
        if not kept:
            del cleaned["labels"]
        elif len(kept) != len(labels):
            cleaned["labels"] = kept
    return cleaned, cleaned != obj


def _strip_custom(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            key: _strip_custom(value)
            for key, value in node.items()
            if not (isinstance(key, str) and key.startswith("x_"))
        }
    if isinstance(node, list):
        return [_strip_custom(item) for item in node]
    return node
