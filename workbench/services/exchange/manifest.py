"""The package manifest (docs/exchange-format.md): its fields, its canonical bytes, its strict reading.

``Manifest.to_bytes()`` gives the RFC 8785 bytes that are signed. ``parse_manifest`` reads only such bytes and
accepts exactly the fields the format defines, each of the right type and form; anything else names the cause.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from workbench.domain.errors import InvalidInput
from workbench.domain.ids import canonical_id, is_stix_id
from workbench.domain.text import has_control
from workbench.domain.timestamps import parse_stix_timestamp
from workbench.domain.tlp import TLP2_MARKING_IDS, Tlp
from workbench.services.exchange.canonical import canonical_bytes, parse_canonical
from workbench.services.exchange.paths import check_member_path, check_unique

FORMAT = "stix-exchange-package/1"
MANIFEST_NAME = "manifest.json"
SIGNATURE_NAME = "manifest.json.sig"
BUNDLE_PATH = "payload/bundle.json"
BUNDLE_MEDIA_TYPE = "application/stix+json;version=2.1"
MAX_FILES = 16
MAX_RECIPIENTS = 16
MAX_NAME = 200
MAX_SEQUENCE = 2**53 - 1
_HEX64 = re.compile(r"^[0-9a-f]{64}\Z")
_TLP_BY_ID = {marking_id: level for level, marking_id in TLP2_MARKING_IDS.items()}


@dataclass(frozen=True)
class Party:
    """A producer or recipient: the name it gives itself, its signing key id, its STIX identity (producer)."""

    name: str
    key_id: str
    identity_ref: str | None = None


@dataclass(frozen=True)
class FileEntry:
    path: str
    size: int
    sha256: str
    media_type: str


@dataclass(frozen=True)
class Manifest:
    package_id: str
    producer: Party
    recipients: tuple[Party, ...]
    sequence: int
    previous_manifest_sha256: str | None
    created: str
    expires: str
    tlp_ceiling: str
    bundle_id: str
    spec_version: str
    object_count: int
    files: tuple[FileEntry, ...]

    @property
    def ceiling(self) -> Tlp:
        return _TLP_BY_ID[canonical_id(self.tlp_ceiling) or ""]

    @property
    def created_at(self) -> datetime:
        moment = parse_stix_timestamp(self.created)
        assert moment is not None
        return moment

    @property
    def expires_at(self) -> datetime:
        moment = parse_stix_timestamp(self.expires)
        assert moment is not None
        return moment

    def file(self, path: str) -> FileEntry | None:
        return next((entry for entry in self.files if entry.path == path), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "package_id": self.package_id,
            "producer": {
                "name": self.producer.name,
                "identity_ref": self.producer.identity_ref,
                "key_id": self.producer.key_id,
            },
            "recipients": [{"name": party.name, "key_id": party.key_id} for party in self.recipients],
            "sequence": self.sequence,
            "previous_manifest_sha256": self.previous_manifest_sha256,
            "created": self.created,
            "expires": self.expires,
            "tlp_ceiling": self.tlp_ceiling,
            "stix": {"bundle_id": self.bundle_id, "spec_version": self.spec_version, "object_count": self.object_count},
            "files": [
                {"path": entry.path, "size": entry.size, "sha256": entry.sha256, "media_type": entry.media_type}
                for entry in self.files
            ],
        }

    def to_bytes(self) -> bytes:
        """The canonical bytes that are signed and written as manifest.json."""
        return canonical_bytes(self.to_json())


# -- strict reading ------------------------------------------------------------------------------------------------


def parse_manifest(data: bytes) -> Manifest:
    """Read signed manifest bytes; refuses with ``InvalidInput`` naming the field and the cause.

    Checks form only (types, formats, the file list's names); whether the package is for us, in time and in
    sequence is decided by the verifier.
    """
    document = parse_canonical(data, "the manifest")
    fmt = document.get("format")
    if fmt != FORMAT:
        raise InvalidInput(f"unknown package format {str(fmt)[:60]!r}; this program reads {FORMAT}")
    _exact_keys(
        document,
        {
            "format",
            "package_id",
            "producer",
            "recipients",
            "sequence",
            "previous_manifest_sha256",
            "created",
            "expires",
            "tlp_ceiling",
            "stix",
            "files",
        },
        "the manifest",
    )
    package_id = _text(document, "package_id")
    if not _is_uuid(package_id):
        raise InvalidInput("manifest field package_id is not a UUID")
    producer_doc = _object(document, "producer")
    _exact_keys(producer_doc, {"name", "identity_ref", "key_id"}, "manifest field producer")
    identity_ref = producer_doc.get("identity_ref")
    if not is_stix_id(identity_ref, "identity"):
        raise InvalidInput("manifest field producer.identity_ref is not an identity id")
    producer = Party(_name(producer_doc, "producer.name"), _key_id(producer_doc, "producer.key_id"), identity_ref)
    recipients_doc = document.get("recipients")
    if not isinstance(recipients_doc, list) or not 1 <= len(recipients_doc) <= MAX_RECIPIENTS:
        raise InvalidInput(f"manifest field recipients must list 1 to {MAX_RECIPIENTS} recipients")
    recipients = []
    for index, item in enumerate(recipients_doc):
        if not isinstance(item, dict):
            raise InvalidInput(f"manifest field recipients[{index}] is not an object")
        _exact_keys(item, {"name", "key_id"}, f"manifest field recipients[{index}]")
        recipients.append(Party(_name(item, f"recipients[{index}].name"), _key_id(item, f"recipients[{index}].key_id")))
    sequence = document.get("sequence")
    if type(sequence) is not int or not 1 <= sequence <= MAX_SEQUENCE:
        raise InvalidInput("manifest field sequence is not a positive whole number")
    previous = document.get("previous_manifest_sha256")
    if previous is not None and not (isinstance(previous, str) and _HEX64.match(previous)):
        raise InvalidInput("manifest field previous_manifest_sha256 is neither null nor a SHA-256 in hex")
    created = _timestamp(document, "created")
    expires = _timestamp(document, "expires")
    if parse_stix_timestamp(expires) <= parse_stix_timestamp(created):  # type: ignore[operator]
        raise InvalidInput("manifest field expires is not after created")
    ceiling = document.get("tlp_ceiling")
    # Compared as STIX compares ids (the UUID in either case), as everywhere else.
    if not isinstance(ceiling, str) or canonical_id(ceiling) not in _TLP_BY_ID:
        raise InvalidInput("manifest field tlp_ceiling is not a TLP 2.0 marking-definition id")
    stix = _object(document, "stix")
    _exact_keys(stix, {"bundle_id", "spec_version", "object_count"}, "manifest field stix")
    bundle_id = stix.get("bundle_id")
    if not isinstance(bundle_id, str) or not is_stix_id(bundle_id, "bundle"):
        raise InvalidInput("manifest field stix.bundle_id is not a bundle id")
    if stix.get("spec_version") != "2.1":
        raise InvalidInput("manifest field stix.spec_version is not 2.1")
    count = stix.get("object_count")
    if type(count) is not int or not 0 <= count <= MAX_SEQUENCE:
        raise InvalidInput("manifest field stix.object_count is not a whole number")
    files = _files(document.get("files"))
    return Manifest(
        package_id,
        producer,
        tuple(recipients),
        sequence,
        previous,
        created,
        expires,
        ceiling,
        bundle_id,
        "2.1",
        count,
        files,
    )


def _files(value: Any) -> tuple[FileEntry, ...]:
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_FILES:
        raise InvalidInput(f"manifest field files must list 1 to {MAX_FILES} files")
    entries = []
    for index, item in enumerate(value):
        where = f"manifest field files[{index}]"
        if not isinstance(item, dict):
            raise InvalidInput(f"{where} is not an object")
        _exact_keys(item, {"path", "size", "sha256", "media_type"}, where)
        path = check_member_path(item.get("path"))
        if path in (MANIFEST_NAME, SIGNATURE_NAME) or not path.startswith("payload/"):
            raise InvalidInput(f"{where}: declared files must lie under payload/, not {path!r}")
        size = item.get("size")
        if type(size) is not int or size < 0:
            raise InvalidInput(f"{where}.size is not a whole number of bytes")
        digest = item.get("sha256")
        if not isinstance(digest, str) or not _HEX64.match(digest):
            raise InvalidInput(f"{where}.sha256 is not a SHA-256 in lower-case hex")
        media_type = _name(item, f"files[{index}].media_type")
        entries.append(FileEntry(path, size, digest, media_type))
    check_unique(entry.path for entry in entries)
    if not any(entry.path == BUNDLE_PATH for entry in entries):
        raise InvalidInput(f"the manifest does not declare {BUNDLE_PATH}")
    return tuple(entries)


def _exact_keys(document: dict[str, Any], expected: set[str], where: str) -> None:
    missing = sorted(expected - document.keys())
    if missing:
        raise InvalidInput(f"{where} lacks the field {missing[0]!r}")
    extra = sorted(document.keys() - expected)
    if extra:
        raise InvalidInput(f"{where} has the unknown field {extra[0][:60]!r}")


def _object(document: dict[str, Any], key: str) -> dict[str, Any]:
    value = document.get(key)
    if not isinstance(value, dict):
        raise InvalidInput(f"manifest field {key} is not an object")
    return value


def _text(document: dict[str, Any], key: str) -> str:
    value = document.get(key)
    if not isinstance(value, str):
        raise InvalidInput(f"manifest field {key} is not text")
    return value


def _name(document: dict[str, Any], where: str) -> str:
    value = document.get(where.rsplit(".", 1)[-1])
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_NAME:
        raise InvalidInput(f"manifest field {where} is not a name of 1 to {MAX_NAME} characters")
    if has_control(value):
        raise InvalidInput(f"manifest field {where} contains control characters")
    return value


def _key_id(document: dict[str, Any], where: str) -> str:
    value = document.get(where.rsplit(".", 1)[-1])
    if not isinstance(value, str) or not _HEX64.match(value):
        raise InvalidInput(f"manifest field {where} is not a key fingerprint (64 lower-case hex digits)")
    return value


def _timestamp(document: dict[str, Any], key: str) -> str:
    value = document.get(key)
    if not isinstance(value, str) or parse_stix_timestamp(value) is None:
        raise InvalidInput(f"manifest field {key} is not an RFC 3339 UTC timestamp")
    return value


def _is_uuid(value: str) -> bool:
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False
