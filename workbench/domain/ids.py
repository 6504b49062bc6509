r"""STIX identifiers: ``type--UUID``.

Patterns here end in ``\Z``, not ``$`` (which also matches before a trailing newline): an id with a newline, a
space or any other character after it is not an id. A UUID's hexadecimal digits are case-insensitive (RFC 4122
writes them in lower case and reads either), so ids are compared in ``canonical_id`` form: the type as it is
(type names are lower case), the UUID in lower case.
"""

from __future__ import annotations

import hashlib
import re
import uuid

# The STIX 2.1 id grammar: a type name of lower-case letters, digits and hyphens, then an RFC 4122 UUID.
_ID = re.compile(
    r"^([a-z0-9][a-z0-9-]{1,248}[a-z0-9])--"
    r"([0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})\Z"
)
_TYPE = re.compile(r"^[a-z0-9][a-z0-9-]{1,248}[a-z0-9]\Z")
# Any 8-4-4-4-12 hexadecimal UUID in either case: the shape ids are compared in (see canonical_id).
_ANY_CASE_ID = re.compile(
    r"([a-z0-9][a-z0-9-]{1,248}[a-z0-9])--([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})"
)

# A fixed namespace for ids the workbench derives itself (its own identity, cases), so that the same input always
# gives the same id. SCO ids use the STIX namespace instead, see stix_sco_namespace.
WORKBENCH_NAMESPACE = uuid.UUID("6d3a1b94-2f52-4f7e-9a0c-5a8f0f3e8c11")
STIX_SCO_NAMESPACE = uuid.UUID("00abedb4-aa42-466c-9c01-fed23315a9b7")


def is_stix_id(value: object, expected_type: str | None = None) -> bool:
    """True for a well-formed ``type--UUID``, optionally of the given type."""
    if not isinstance(value, str):
        return False
    match = _ID.match(value)
    if not match or "---" in value:
        return False
    return expected_type is None or match.group(1) == expected_type


def canonical_id(value: object) -> str | None:
    """The id as STIX compares it (its UUID in lower case), or None for anything that is not exactly an id.

    ``marking-definition--E828B379-...`` is the TLP:RED marking; ``marking-definition--e828b379-...\n`` and
    ``MARKING-DEFINITION--...`` (a type name is lower case) are not ids at all.
    """
    if value.__class__ is not str:
        return None
    match = _ANY_CASE_ID.fullmatch(value)  # type: ignore[arg-type]
    if match is None or "---" in value:  # type: ignore[operator]
        return None
    uuid_part = match.group(2)
    return value if uuid_part.islower() or uuid_part.isdigit() else f"{match.group(1)}--{uuid_part.lower()}"  # type: ignore[return-value]


def is_stix_type(value: object) -> bool:
    return isinstance(value, str) and bool(_TYPE.match(value)) and "--" not in value


def type_of(stix_id: str) -> str:
    """The type part of an id (no validation)."""
    return stix_id.split("--", 1)[0]


def new_id(stix_type: str) -> str:
    """A fresh random (version 4) id of the given type."""
    return f"{stix_type}--{uuid.uuid4()}"


def stable_id(stix_type: str, *parts: str) -> str:
    """An id that is the same every time for the same parts, with a version 4 UUID as STIX asks of SDOs: the first
    16 bytes of a SHA-256 of the parts, with the version and variant bits set."""
    digest = hashlib.sha256(chr(31).join((stix_type, *parts)).encode("utf-8")).digest()
    return f"{stix_type}--{uuid.UUID(bytes=digest[:16], version=4)}"


def derived_id(stix_type: str, *parts: str) -> str:
    """A version 5 id derived from the given parts, the same every time."""
    return f"{stix_type}--{uuid.uuid5(WORKBENCH_NAMESPACE, chr(31).join(parts))}"
