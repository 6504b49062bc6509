"""STIX 2.0 objects upgraded to 2.1 on the way in.

The mapping (also listed in docs/import.md):

- every object gets ``spec_version: "2.1"``; ``id``, ``created`` and ``modified`` stay as they are, so an upgraded
  object is the same version of the same object, not a new one;
- for the types whose 2.0 ``labels`` 2.1 moved to an open vocabulary (``indicator_types``, ``malware_types``,
  ``threat_actor_types``, ``tool_types``, ``report_types``), a label that is a value of that 2.1 vocabulary (as the
  stix2 library lists it) moves there; a label equal to the type name (MITRE ATT&CK's ``labels: ["malware"]``) is
  the 2.0 idiom for "no type given" and is dropped; any other label stays a label (2.1 keeps ``labels`` for free
  tagging). So an ATT&CK 2.0 release upgrades to exactly the objects of the 2.1 release of the same version;
- ``indicator`` gets ``pattern_type: "stix"`` and ``pattern_version: "2.0"`` (its pattern is validated with the
  2.0 grammar, as the 2.1 specification says ``pattern_version`` selects), unless it already has a pattern type;
- ``malware`` gets ``is_family: true`` (2.0 had no such property; its malware objects describe families);
- ``observed-data`` keeps its embedded ``objects`` dictionary, which 2.1 still accepts (deprecated);
- a 2.0 ``identity``'s required ``identity_class`` and everything else carry over unchanged; custom properties
  and custom objects too.

The input object is not changed; the upgraded copy is returned.
"""

from __future__ import annotations

import functools
from typing import Any

from workbench.domain.stix import SCO_TYPES


@functools.cache
def labels_to_types() -> dict[str, tuple[str, frozenset[str]]]:
    """For these types, the labels of the 2.1 vocabulary move to the property: ``{type: (property, vocabulary)}``.

    Read from the stix2 library on first use, not at import: importing stix2 takes half a second every command
    would pay."""
    from stix2.v21 import vocab

    return {
        "indicator": ("indicator_types", frozenset(vocab.INDICATOR_TYPE)),
        "malware": ("malware_types", frozenset(vocab.MALWARE_TYPE)),
        "threat-actor": ("threat_actor_types", frozenset(vocab.THREAT_ACTOR_TYPE)),
        "tool": ("tool_types", frozenset(vocab.TOOL_TYPE)),
        "report": ("report_types", frozenset(vocab.REPORT_TYPE)),
    }


def is_stix20(obj: dict[str, Any], declared_version: str | None) -> bool:
    """Whether this object is STIX 2.0: it says so, or it has no ``spec_version`` and is not an observable.

    STIX 2.1 requires ``spec_version`` on every object but observables; STIX 2.0 objects carried none. An object
    without one is therefore read as 2.0 (as the OASIS validator and the stix2 library read it), with a warning
    unless its bundle declared 2.0.
    """
    version = obj.get("spec_version")
    if version is None:
        return declared_version == "2.0" or obj.get("type") not in SCO_TYPES
    return version == "2.0"


def upgrade(obj: dict[str, Any]) -> dict[str, Any]:
    """The STIX 2.1 form of a STIX 2.0 object, following the mapping above."""
    kind = obj.get("type")
    upgraded: dict[str, Any] = {}
    for key, value in obj.items():
        upgraded[key] = value
        if key == "type":
            upgraded["spec_version"] = "2.1"
    upgraded["spec_version"] = "2.1"
    moved = labels_to_types().get(kind) if isinstance(kind, str) else None
    labels = upgraded.get("labels")
    if moved is not None and isinstance(labels, list) and moved[0] not in upgraded:
        target, vocabulary = moved
        typed = [label for label in labels if isinstance(label, str) and label in vocabulary]
        kept = [label for label in labels if label not in vocabulary and label != kind]
        if typed:
            upgraded[target] = typed
        if kept:
            upgraded["labels"] = kept
        else:
            del upgraded["labels"]
    if kind == "indicator" and "pattern_type" not in upgraded:
        upgraded["pattern_type"] = "stix"
        upgraded.setdefault("pattern_version", "2.0")
    elif kind == "malware":
        upgraded.setdefault("is_family", True)
    return upgraded
