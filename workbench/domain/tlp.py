"""Traffic Light Protocol levels and the STIX marking definitions that carry them.

TLP 2.0 (FIRST, 2022) is the scale the workbench reasons in. TLP 1.0 markings, which most STIX producers still
write, map onto it (WHITE becomes CLEAR). The marking-definition objects below are constants: an incoming object
that reuses one of these ids with another meaning is refused by the importer. Besides these, OpenCTI's
TLP:AMBER+STRICT id is known by id. Definitions written in other forms are read by ``domain.markings``.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Any

from workbench.domain.errors import InvalidInput
from workbench.domain.exercise_material import EXERCISE_MARKING_DEFINITION, EXERCISE_MARKING_ID
from workbench.domain.ids import canonical_id

TLP2_EXTENSION_ID = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"


class Tlp(enum.IntEnum):
    """TLP 2.0 levels, ordered from least to most restricted."""

    CLEAR = 0
    GREEN = 1
    AMBER = 2
    AMBER_STRICT = 3
    RED = 4

    @property
    def label(self) -> str:
        """The label as it is printed: ``TLP:AMBER+STRICT``."""
        return "TLP:" + self.name.replace("_", "+")

    @property
    def short(self) -> str:
        """The level without the ``TLP:`` prefix: ``AMBER+STRICT``."""
        return self.name.replace("_", "+")

    @property
    def marking_id(self) -> str:
        """The TLP 2.0 marking-definition id of this level."""
        return TLP2_MARKING_IDS[self]

    @property
    def colour(self) -> str:
        """The TLP 2.0 text colour (printed on black)."""
        return TLP_COLOURS[self]

    @classmethod
    def parse(cls, text: str) -> Tlp:
        """Read a level as people write it: ``amber``, ``TLP:AMBER+STRICT``, ``amber_strict``, ``white``.

        Raises ``InvalidInput`` naming the accepted values for anything else.
        """
        key = text.strip().upper()
        if key.startswith("TLP:"):
            key = key[4:]
        key = key.replace("+", "_").replace("-", "_").replace(" ", "_")
        if key == "WHITE":
            key = "CLEAR"
        try:
            return cls[key]
        except KeyError:
            names = ", ".join(level.short for level in cls)
            raise InvalidInput(f"unknown TLP level {text!r}; use one of {names}") from None


TLP_COLOURS: dict[Tlp, str] = {
    Tlp.CLEAR: "#FFFFFF",
    Tlp.GREEN: "#33FF00",
    Tlp.AMBER: "#FFC000",
    Tlp.AMBER_STRICT: "#FFC000",
    Tlp.RED: "#FF2B2B",
}

TLP2_MARKING_IDS: dict[Tlp, str] = {
    Tlp.CLEAR: "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    Tlp.GREEN: "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    Tlp.AMBER: "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    Tlp.AMBER_STRICT: "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    Tlp.RED: "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}

# TLP 1.0 as defined in the STIX 2.1 specification, with the TLP 2.0 level each one is compared as.
TLP1_MARKING_IDS: dict[str, tuple[str, Tlp]] = {
    "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9": ("white", Tlp.CLEAR),
    "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da": ("green", Tlp.GREEN),
    "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82": ("amber", Tlp.AMBER),
    "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed": ("red", Tlp.RED),
}

#: OpenCTI's own TLP:AMBER+STRICT (its other TLP markings use the TLP 1.0 ids, TLP:CLEAR that of WHITE).
OPENCTI_AMBER_STRICT_ID = "marking-definition--826578e1-40ad-459f-bc73-ede076f81f37"

_LEVEL_BY_MARKING_ID: dict[str, Tlp] = {
    **{marking_id: level for level, marking_id in TLP2_MARKING_IDS.items()},
    **{marking_id: level for marking_id, (_, level) in TLP1_MARKING_IDS.items()},
    OPENCTI_AMBER_STRICT_ID: Tlp.AMBER_STRICT,
}


def _tlp2_definition(level: Tlp) -> dict[str, Any]:
    return {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": TLP2_MARKING_IDS[level],
        "created": "2022-10-01T00:00:00.000Z",
        "name": level.label,
        "extensions": {TLP2_EXTENSION_ID: {"extension_type": "property-extension", "tlp_2_0": level.short.lower()}},
    }


def _tlp1_definition(marking_id: str, colour: str) -> dict[str, Any]:
    return {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": marking_id,
        "created": "2017-01-20T00:00:00.000Z",
        "definition_type": "tlp",
        "name": f"TLP:{colour.upper()}",
        "definition": {"tlp": colour},
    }


#: The built-in marking definitions, by id. An incoming object may repeat one of these exactly, never redefine it.
BUILTIN_MARKING_DEFINITIONS: dict[str, dict[str, Any]] = {
    **{TLP2_MARKING_IDS[level]: _tlp2_definition(level) for level in Tlp},
    **{marking_id: _tlp1_definition(marking_id, colour) for marking_id, (colour, _) in TLP1_MARKING_IDS.items()},
    # Not a TLP level, but as constant: what marks exercise material (domain.exercise_material).
    EXERCISE_MARKING_ID: EXERCISE_MARKING_DEFINITION,
}


def known_level(marking_id: str | None) -> Tlp | None:
    """The level of a TLP marking known by its id (given in canonical form), or None."""
    return _LEVEL_BY_MARKING_ID.get(marking_id) if marking_id is not None else None


def level_of_marking(marking_id: str) -> Tlp | None:
    """The TLP level a marking-definition id stands for, or None if it is not a TLP marking known by its id.

    The id is compared as STIX compares ids (``ids.canonical_id``: the UUID in either case, nothing around it).
    Definitions known only by their content are judged by ``domain.markings.MarkingJudge``.
    """
    level = _LEVEL_BY_MARKING_ID.get(marking_id)
    return level if level is not None else _LEVEL_BY_MARKING_ID.get(canonical_id(marking_id) or "")


def highest(levels: Iterable[Tlp | None]) -> Tlp | None:
    """The most restrictive of the given levels; None when none is given."""
    present = [level for level in levels if level is not None]
    return max(present) if present else None


def object_tlp(obj: dict[str, Any]) -> Tlp | None:
    """The most restrictive TLP level among an object's object-level and granular markings.

    Granular markings count too: a RED granular marking makes the object RED for sharing decisions, because the
    marked part would leave with it.
    """
    refs: list[Any] = list(obj.get("object_marking_refs") or [])
    for granular in obj.get("granular_markings") or []:
        if isinstance(granular, dict):
            refs.append(granular.get("marking_ref"))
    return highest(level_of_marking(ref) for ref in refs if isinstance(ref, str))
