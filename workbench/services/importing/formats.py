"""The value formats STIX 2.1 prescribes, as cheap predicates the checks call.

Where the standard library knows a format (IPv6 addresses, base64, character sets) it decides; the regular
expressions below follow the STIX 2.1 specification and the OASIS JSON schemas.
"""

from __future__ import annotations

import binascii
import codecs
import ipaddress
import re
from functools import lru_cache

# -- identifiers and names --------------------------------------------------------------------------------------

#: ``type--UUID`` in its general shape: any 8-4-4-4-12 hexadecimal UUID (the checks warn about other versions).
ID_SHAPE = re.compile(
    r"^([a-z0-9][a-z0-9-]{1,248}[a-z0-9])--"
    r"([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\Z"
)
#: The common case in one match: an id whose UUID is a lower-case RFC 4122 / 9562 UUID.
STRICT_ID = re.compile(
    r"^([a-z0-9][a-z0-9-]{1,248}[a-z0-9])--[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\Z"
)
#: What a reference with a damaged UUID looks like: ``type--`` and hexadecimal digits and hyphens.
LOOSE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,248}[a-z0-9]--[0-9a-fA-F][0-9a-fA-F-]{6,62}[0-9a-fA-F]\Z")
#: The UUID of an RFC 4122 / 9562 UUID in lower case: version 1 to 8, variant 10xx.
RFC_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\Z")
TYPE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{1,248}[a-z0-9]\Z")
PROPERTY_NAME = re.compile(r"^[a-z][a-z0-9_]{2,249}\Z")
DICTIONARY_KEY = re.compile(r"^[a-zA-Z0-9_-]{1,250}\Z")
RELATIONSHIP_TYPE = re.compile(r"^[a-z0-9-]+\Z")
SELECTOR = re.compile(r"^([a-z0-9_-]{3,250}(\.(\[\d+\]|[a-z0-9_-]{1,250}))*|id)\Z")
EXTENSION_NAME = re.compile(r"^([a-z][a-z0-9]*)+(-[a-z0-9]+)*-ext\Z")
EXTENSION_DEFINITION_ID = re.compile(
    r"^extension-definition--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z"
)


def is_identifier(value: object) -> bool:
    return value.__class__ is str and ID_SHAPE.match(value) is not None  # type: ignore[arg-type]


def id_type(value: str) -> str:
    return value.split("--", 1)[0]


# -- timestamps -------------------------------------------------------------------------------------------------

# STIX 2.1 timestamps: RFC 3339 in UTC with a literal Z, any number of fractional digits.
_TIMESTAMP = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z\Z")
_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_timestamp_keys: dict[str, str | None] = {}


def timestamp_key(value: object) -> str | None:
    """The sortable form of a STIX timestamp (see ``domain.timestamps.sortable_timestamp``), or None if invalid.

    Remembers recent answers: files repeat the same few timestamps thousands of times.
    """
    if value.__class__ is not str:
        return None
    key = _timestamp_keys.get(value)  # type: ignore[arg-type]
    if key is not None or value in _timestamp_keys:
        return key
    key = _timestamp_key(value)  # type: ignore[arg-type]
    if len(_timestamp_keys) > 100_000:
        _timestamp_keys.clear()
    _timestamp_keys[value] = key  # type: ignore[index]
    return key


def _timestamp_key(text: str) -> str | None:
    if not _TIMESTAMP.match(text):
        return None
    # The pattern fixes the positions of the fields.
    year, month, day = int(text[0:4]), int(text[5:7]), int(text[8:10])
    if not (
        1 <= month <= 12 and day >= 1 and int(text[11:13]) <= 23 and int(text[14:16]) <= 59 and int(text[17:19]) <= 60
    ):
        return None
    leap = month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    if day > _DAYS[month - 1] + leap:
        return None
    fraction = text[20:-1][:9].ljust(9, "0")
    return f"{text[:19]}.{fraction}Z"


# -- observable values ------------------------------------------------------------------------------------------

_IPV4 = re.compile(
    r"^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(/(3[0-2]|[12]\d|\d))?\Z"
)
_PREFIX = re.compile(r"^(0|[1-9]\d{0,2})\Z")
MAC_ADDRESS = re.compile(r"^([0-9a-f]{2}:){5}[0-9a-f]{2}\Z")
EMAIL_ADDRESS = re.compile(r"^[^@\s<>()\[\],;:\"]+@[^@\s<>()\[\],;:\"]+\Z")
URI = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s]+\Z")
MIME_TYPE = re.compile(r"^(application|audio|font|image|message|model|multipart|text|video)/[a-zA-Z0-9.+_-]+")
CPE_23 = re.compile(r"^cpe:2\.3:[aho*\-](:(\\.|[^:\\\s])+){10}\Z")
CVE_ID = re.compile(r"^CVE-\d{4}-\d{4,}\Z")
CAPEC_ID = re.compile(r"^CAPEC-\d+\Z")
# RFC 5646 language tags (the grammar, without the registry).
LANGUAGE_TAG = re.compile(
    r"^(([a-zA-Z]{2,3}(-[a-zA-Z]{3}){0,3}|[a-zA-Z]{4,8})(-[a-zA-Z]{4})?(-([a-zA-Z]{2}|\d{3}))?"
    r"(-([a-zA-Z0-9]{5,8}|\d[a-zA-Z0-9]{3}))*(-[0-9a-wyzA-WYZ](-[a-zA-Z0-9]{2,8})+)*(-x(-[a-zA-Z0-9]{1,8})+)?"
    r"|x(-[a-zA-Z0-9]{1,8})+)\Z"
)
HEX = re.compile(r"^([a-fA-F0-9]{2})*\Z")
REGISTRY_HIVE_ABBREVIATION = re.compile(r"^(hklm|hkcc|hkcr|hkcu|hku)(\\|$)", re.IGNORECASE)

#: Hash algorithms of the STIX hash-algorithm-ov vocabulary and the form of their values.
HASH_VALUES: dict[str, re.Pattern[str]] = {
    "MD5": re.compile(r"^[a-fA-F0-9]{32}\Z"),
    "SHA-1": re.compile(r"^[a-fA-F0-9]{40}\Z"),
    "SHA-256": re.compile(r"^[a-fA-F0-9]{64}\Z"),
    "SHA-512": re.compile(r"^[a-fA-F0-9]{128}\Z"),
    "SHA3-256": re.compile(r"^[a-fA-F0-9]{64}\Z"),
    "SHA3-512": re.compile(r"^[a-fA-F0-9]{128}\Z"),
    "SSDEEP": re.compile(r"^[a-zA-Z0-9/+:.]{1,128}\Z"),
    "TLSH": re.compile(r"^(T1)?[a-fA-F0-9]{70}\Z"),
}
HASH_NAME = re.compile(r"^[a-zA-Z0-9_-]{3,250}\Z")


def is_ipv4(value: str) -> bool:
    return _IPV4.match(value) is not None


def is_ipv6(value: str) -> bool:
    address, slash, prefix = value.partition("/")
    if slash and not (_PREFIX.match(prefix) and int(prefix) <= 128):
        return False
    try:
        ipaddress.IPv6Address(address)
    except ValueError:
        return False
    return True


def is_base64(value: str) -> bool:
    try:
        binascii.a2b_base64(value.encode("ascii"), strict_mode=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return False
    return True


@lru_cache(maxsize=256)
def is_character_set(name: str) -> bool:
    """Whether ``name`` is a character set Python knows (a stand-in for the IANA registry STIX names)."""
    try:
        codecs.lookup(name)
    except LookupError:
        return False
    return True
