"""STIX identifiers: ``type--UUID``."""

from __future__ import annotations

import re
import uuid

# The STIX 2.1 id grammar: a type name of lower-case letters, digits and hyphens, then an RFC 4122 UUID.
_ID = re.compile(
    r"^([a-z0-9][a-z0-9-]{1,248}[a-z0-9])--"
    r"([0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})$"
)
_TYPE = re.compile(r"^[a-z0-9][a-z0-9-]{1,248}[a-z0-9]$")

# A fixed namespace for ids the workbench derives itself (its own identity, cases), so that the same input always
# gives the same id.
WORKBENCH_NAMESPACE = uuid.UUID("6d3a1b94-2f52-4f7e-9a0c-5a8f0f3e8c11")


def is_stix_id(value: object, expected_type: str | None = None) -> bool:
    """True for a well-formed ``type--UUID``, optionally of the given type."""
    if not isinstance(value, str):
        return False
    match = _ID.match(value)
    if not match or "---" in value:
        return False
    return expected_type is None or match.group(1) == expected_type


def is_stix_type(value: object) -> bool:
    return isinstance(value, str) and bool(_TYPE.match(value)) and "--" not in value


def type_of(stix_id: str) -> str:
    """The type part of an id (no validation)."""
    return stix_id.split("--", 1)[0]


def new_id(stix_type: str) -> str:
    """A fresh random (version 4) id of the given type."""
    return f"{stix_type}--{uuid.uuid4()}"


def derived_id(stix_type: str, *parts: str) -> str:
    """A version 5 id derived from the given parts, the same every time."""
    return f"{stix_type}--{uuid.uuid5(WORKBENCH_NAMESPACE, chr(31).join(parts))}"
