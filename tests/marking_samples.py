"""Marking definitions written the way the tools partners run write them, for the marking tests.

Each is written here from the producer's own code, not copied from its data: OpenCTI's platform exports a
marking with ``definition_type`` and the ``TLP:...`` name (and its own property extension, no ``definition``), its
connectors write ``x_opencti_definition_type`` on a statement; older OpenCTI wrote ``definition: {tlp: ...}``;
MISP's STIX 2.1 export uses the stix2 library's TLP 1.0 constants and, for TLP:CLEAR and TLP:AMBER+STRICT, the
TLP 2.0 extension; OpenCTI's PAP markings and ISA/AIS extension markings are what the program cannot read.
"""

from __future__ import annotations

from typing import Any

from workbench.domain.tlp import BUILTIN_MARKING_DEFINITIONS, OPENCTI_AMBER_STRICT_ID, TLP2_EXTENSION_ID, Tlp

OPENCTI_EXTENSION = "extension-definition--ea279b3e-5c71-4632-ac08-831c66a786ba"
WHITE_ID = "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"


def opencti_platform(marking_id: str, name: str, order: int, colour: str) -> dict[str, Any]:
    """A marking as OpenCTI's platform exports it (STIX 2.1 converter, recent versions)."""
    return {
        "id": marking_id,
        "spec_version": "2.1",
        "type": "marking-definition",
        "created": "2023-01-30T09:18:47.216Z",
        "modified": "2024-02-10T14:02:11.019Z",
        "name": name,
        "definition_type": name.split(":", 1)[0],
        "extensions": {
            OPENCTI_EXTENSION: {
                "extension_type": "property-extension",
                "id": "4f4ac7d1-9b9e-4b9a-8c87-3b1a1a3f9e11",
                "type": "Marking-Definition",
                "created_at": "2023-01-30T09:18:47.216Z",
                "updated_at": "2024-02-10T14:02:11.019Z",
                "order": order,
                "color": colour,
            }
        },
    }


def opencti_amber_strict() -> dict[str, Any]:
    return opencti_platform(OPENCTI_AMBER_STRICT_ID, "TLP:AMBER+STRICT", 3, "#d84315")


def opencti_clear_under_white_id() -> dict[str, Any]:
    """OpenCTI's TLP:CLEAR: the TLP 1.0 WHITE id with a TLP 2.0 name."""
    return opencti_platform(WHITE_ID, "TLP:CLEAR", 1, "#ffffff")


def opencti_connector_amber_strict() -> dict[str, Any]:
    """What OpenCTI connectors write (pycti): a statement carrying OpenCTI's TLP properties."""
    return {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": OPENCTI_AMBER_STRICT_ID,
        "created": "2022-10-01T00:00:00.000Z",
        "definition_type": "statement",
        "definition": {"statement": "custom"},
        "name": "TLP:AMBER+STRICT",
        "x_opencti_definition_type": "TLP",
        "x_opencti_definition": "TLP:AMBER+STRICT",
    }


def opencti_older(marking_id: str, name: str) -> dict[str, Any]:
    """Older OpenCTI: ``definition_type`` in lower case and the level, without ``TLP:``, under its key."""
    return {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": marking_id,
        "created": "2021-06-01T10:00:00.000Z",
        "modified": "2021-06-01T10:00:00.000Z",
        "name": name,
        "definition_type": name.split(":", 1)[0].lower(),
        "definition": {name.split(":", 1)[0].lower(): name.split(":", 1)[1]},
        "x_opencti_order": 2,
        "x_opencti_color": "#ffc000",
    }


def opencti_pap(marking_id: str, level: str = "AMBER") -> dict[str, Any]:
    return opencti_platform(marking_id, f"PAP:{level}", 2, "#ffc000")


def misp_tlp1(level: Tlp) -> dict[str, Any]:
    """MISP's export of tlp:white/green/amber/red: the stix2 library's TLP 1.0 constant, as it serialises it."""
    colour = {Tlp.CLEAR: "white", Tlp.GREEN: "green", Tlp.AMBER: "amber", Tlp.RED: "red"}[level]
    marking_id = next(
        marking_id
        for marking_id, obj in BUILTIN_MARKING_DEFINITIONS.items()
        if obj.get("definition") == {"tlp": colour}
    )
    return {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": marking_id,
        "created": "2017-01-20T00:00:00.000Z",
        "definition_type": "tlp",
        "name": f"TLP:{colour.upper()}",
        "definition": {"tlp": colour},
    }


def misp_tlp2(level: Tlp) -> dict[str, Any]:
    """MISP's export of tlp:clear and tlp:amber+strict: the TLP 2.0 definition (other key order than ours)."""
    return {
        "created": "2022-10-01T00:00:00.000Z",
        "extensions": {TLP2_EXTENSION_ID: {"tlp_2_0": level.short.lower(), "extension_type": "property-extension"}},
        "id": level.marking_id,
        "name": level.label,
        "spec_version": "2.1",
        "type": "marking-definition",
    }


def custom_tlp(marking_id: str, level: str) -> dict[str, Any]:
    """A producer's own TLP definition under a new id, in the TLP 1.0 form."""
    return {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": marking_id,
        "created": "2025-02-01T00:00:00.000Z",
        "definition_type": "tlp",
        "name": f"TLP:{level.upper()}",
        "definition": {"tlp": level},
    }


def statement(marking_id: str, text: str) -> dict[str, Any]:
    return {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": marking_id,
        "created": "2017-06-01T00:00:00.000Z",
        "definition_type": "statement",
        "definition": {"statement": text},
    }


def isa_marking(marking_id: str) -> dict[str, Any]:
    """An extension-based marking other than TLP 2.0 (ISA/AIS access control, as the STIX elevator writes it)."""
    return {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": marking_id,
        "created": "2016-08-01T00:00:00.000Z",
        "extensions": {
            "extension-definition--3a65884d-005a-4290-8335-cb2d778a83ce": {
                "extension_type": "property-extension",
                "identifier": "isa:guide.19001.ACS3-2f8da56c-5f8c-4c6b-9c6c-2e1ad1c1f6f9",
                "control_set": {"classification": "U", "formal_determination": ["FOUO"]},
                "authority_reference": ["urn:isa:authority:misa"],
                "create_date_time": "2016-08-01T00:00:00.000Z",
                "responsible_entity_custodian": "USA.DHS.US-CERT",
            }
        },
    }
