"""The backup manifest: what a backup holds, signed with the workspace's own key, and its strict reading.

A backup is a folder ``workbench-backup-<UTC time>-<id>`` holding three files:

```
workspace.backup     the encrypted copy of the workspace (a SQLCipher 4 database)
manifest.json        RFC 8785 canonical JSON; these exact bytes are signed
manifest.json.sig    64 raw bytes, Ed25519 signature over manifest.json by the key named in it
```

The manifest carries the signer's public key, so the signature can be checked before any passphrase is asked
for; once the copy is decrypted, that key must be one of the workspace's own keys, which only the passphrase
holder can have put there. ``to_bytes`` gives the signed bytes; ``parse_backup_manifest`` accepts only such bytes
with exactly these fields.
"""

from __future__ import annotations

import base64
import binascii
import enum
import re
import uuid
from dataclasses import dataclass
from typing import Any

from workbench.domain.errors import InvalidInput
from workbench.domain.ids import is_stix_id
from workbench.domain.timestamps import parse_stix_timestamp
from workbench.services.exchange.canonical import canonical_bytes, parse_canonical
from workbench.storage.snapshot import COUNTED_TABLES

FORMAT = "workbench-backup/1"
DATA_NAME = "workspace.backup"
MANIFEST_NAME = "manifest.json"
SIGNATURE_NAME = "manifest.json.sig"
NAME_PREFIX = "workbench-backup-"
MAX_NAME = 200
# The names a finished backup and an unfinished one (being written, or left by a stopped backup) are written under.
FOLDER_NAME = re.compile(re.escape(NAME_PREFIX) + r"(\d{8}T\d{6}Z)-[0-9a-f]{8}")
PARTIAL_NAME = re.compile(r"\." + FOLDER_NAME.pattern + r"\.partial")
MAX_PUBLIC_KEY = 1024
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


class Encryption(enum.StrEnum):
    """Which passphrase opens the copy: the workspace's own (as it was at the time of the backup) or another one."""

    WORKSPACE = "workspace-passphrase"
    BACKUP = "backup-passphrase"


@dataclass(frozen=True)
class BackupManifest:
    backup_id: str
    created: str
    program: str
    workspace_name: str
    identity_ref: str
    schema_version: int
    encryption: Encryption
    counts: dict[str, int]
    file_size: int
    file_sha256: str
    key_id: str
    public_key: bytes

    @property
    def folder_name(self) -> str:
        return folder_name(self.created, self.backup_id)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "backup_id": self.backup_id,
            "created": self.created,
            "program": self.program,
            "workspace": {"name": self.workspace_name, "identity_ref": self.identity_ref},
            "schema_version": self.schema_version,
            "encryption": str(self.encryption),
            "counts": dict(self.counts),
            "file": {"path": DATA_NAME, "size": self.file_size, "sha256": self.file_sha256},
            "signer": {"key_id": self.key_id, "public_key": base64.b64encode(self.public_key).decode("ascii")},
        }

    def to_bytes(self) -> bytes:
        """The canonical bytes that are signed and written as manifest.json."""
        return canonical_bytes(self.to_json())


def folder_name(created: str, backup_id: str) -> str:
    """The name a backup folder is written under: the UTC time of the copy and the start of the backup's id."""
    moment = parse_stix_timestamp(created)
    assert moment is not None, "a backup's time is made by this program"
    return f"{NAME_PREFIX}{moment:%Y%m%dT%H%M%SZ}-{backup_id[:8]}"


class _Fields:
    """Reads one JSON object of the manifest: exactly the expected keys, each of its type, or one clear refusal."""

    def __init__(self, value: Any, where: str, expected: set[str]) -> None:
        if not isinstance(value, dict):
            raise InvalidInput(f"the backup manifest's {where} is not an object")
        missing = sorted(expected - value.keys())
        if missing:
            raise InvalidInput(f"the backup manifest's {where} lacks the field {missing[0]!r}")
        extra = sorted(value.keys() - expected)
        if extra:
            raise InvalidInput(f"the backup manifest's {where} has the unknown field {extra[0][:60]!r}")
        self.value = value
        self.where = where

    def _refuse(self, key: str, what: str) -> InvalidInput:
        prefix = "" if self.where == "top" else f"{self.where}."
        return InvalidInput(f"the backup manifest's field {prefix}{key} is not {what}")

    def text(self, key: str, *, limit: int = MAX_NAME) -> str:
        value = self.value[key]
        if not isinstance(value, str) or not value.strip() or len(value) > limit:
            raise self._refuse(key, f"text of 1 to {limit} characters")
        if any(ord(char) < 32 or 0x7F <= ord(char) < 0xA0 for char in value):
            raise self._refuse(key, "free of control characters")
        return value

    def whole(self, key: str) -> int:
        value = self.value[key]
        if type(value) is not int or not 0 <= value < 2**53:
            raise self._refuse(key, "a whole number")
        return value

    def hex64(self, key: str) -> str:
        value = self.value[key]
        if not isinstance(value, str) or not _HEX64.match(value):
            raise self._refuse(key, "64 lower-case hex digits")
        return value

    def timestamp(self, key: str) -> str:
        value = self.value[key]
        if not isinstance(value, str) or parse_stix_timestamp(value) is None:
            raise self._refuse(key, "an RFC 3339 UTC timestamp")
        return value


def parse_backup_manifest(data: bytes) -> BackupManifest:
    """Read signed manifest bytes; refuses with ``InvalidInput`` naming the field and the cause.

    Checks form only; the signature, the schema version and the file are judged by ``services.backup.restore``.
    """
    document = parse_canonical(data, "the backup manifest")
    if document.get("format") != FORMAT:
        raise InvalidInput(
            f"not a workbench backup, or one of an unknown format ({str(document.get('format'))[:60]!r});"
            f" this program reads {FORMAT}"
        )
    top = _Fields(
        document,
        "top",
        {
            "format",
            "backup_id",
            "created",
            "program",
            "workspace",
            "schema_version",
            "encryption",
            "counts",
            "file",
            "signer",
        },
    )
    backup_id = top.text("backup_id")
    if not _is_uuid(backup_id):
        raise InvalidInput("the backup manifest's field backup_id is not a UUID")
    workspace = _Fields(document["workspace"], "workspace", {"name", "identity_ref"})
    identity_ref = workspace.text("identity_ref")
    if not is_stix_id(identity_ref, "identity"):
        raise InvalidInput("the backup manifest's field workspace.identity_ref is not an identity id")
    try:
        encryption = Encryption(top.text("encryption"))
    except ValueError:
        raise InvalidInput("the backup manifest names an unknown kind of encryption") from None
    counts = _Fields(document["counts"], "counts", set(COUNTED_TABLES))
    file = _Fields(document["file"], "file", {"path", "size", "sha256"})
    if file.value["path"] != DATA_NAME:
        raise InvalidInput(f"the backup manifest's file is not {DATA_NAME}")
    signer = _Fields(document["signer"], "signer", {"key_id", "public_key"})
    try:
        public_key = base64.b64decode(signer.text("public_key", limit=MAX_PUBLIC_KEY), validate=True)
    except binascii.Error:
        raise InvalidInput("the backup manifest's field signer.public_key is not base64") from None
    return BackupManifest(
        backup_id=backup_id,
        created=top.timestamp("created"),
        program=top.text("program"),
        workspace_name=workspace.text("name"),
        identity_ref=identity_ref,
        schema_version=top.whole("schema_version"),
        encryption=encryption,
        counts={label: counts.whole(label) for label in COUNTED_TABLES},
        file_size=file.whole("size"),
        file_sha256=file.hex64("sha256"),
        key_id=signer.hex64("key_id"),
        public_key=public_key,
    )


def _is_uuid(value: str) -> bool:
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False
