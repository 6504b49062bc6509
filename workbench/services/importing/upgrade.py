"""STIX 2.0 objects upgraded to 2.1 on the way in.

The mapping (also listed in docs/import.md):

- every object gets ``spec_version: "2.1"``; ``id``, ``created`` and ``modified`` stay as they are, so an upgraded
  object is the same version of the same object, not a new one;
- ``labels`` becomes the type's open vocabulary where STIX 2.1 moved it there: ``indicator_types``,
  ``malware_types``, ``threat_actor_types``, ``tool_types``, ``report_types`` (2.1 keeps ``labels`` for free
  tagging, which is not what a 2.0 producer meant by it);
- ``indicator`` gets ``pattern_type: "stix"`` and ``pattern_version: "2.0"`` (its pattern is validated with the
  2.0 grammar, as the 2.1 specification says ``pattern_version`` selects), unless it already has a pattern type;
- ``malware`` gets ``is_family: true`` (2.0 had no such property; its malware objects describe families);
- ``observed-data`` keeps its embedded ``objects`` dictionary, which 2.1 still accepts (deprecated);
- a 2.0 ``identity``'s required ``identity_class`` and everything else carry over unchanged; custom properties
  and custom objects too.

The input object is not changed; the upgraded copy is returned.
"""

from __future__ import annotations

from typing import Any

from workbench.domain.stix import SCO_TYPES

#: ``labels`` moves to this property for these types.
LABELS_TO_TYPES: dict[str, str] = {
    "indicator": "indicator_types",
    "malware": "malware_types",
    "threat-actor": "threat_actor_types",
    "tool": "tool_types",
    "report": "report_types",
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
    target = LABELS_TO_TYPES.get(kind) if isinstance(kind, str) else None
    if target and "labels" in upgraded and target not in upgraded:
        upgraded[target] = upgraded.pop("labels")
    if kind == "indicator" and "pattern_type" not in upgraded:
        upgraded["pattern_type"] = "stix"
        upgraded.setdefault("pattern_version", "2.0")
    elif kind == "malware":
        upgraded.setdefault("is_family", True)
    return upgraded
