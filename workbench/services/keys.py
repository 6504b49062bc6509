"""Ed25519 keys: the organisation's own signing key and the handling of public keys in PEM.

A key's id (its fingerprint) is the hex SHA-256 of its DER SubjectPublicKeyInfo: the figure that
``openssl pkey -pubin -in key.pem -outform DER | sha256sum`` prints, so partners can compare it by phone.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from workbench.domain.errors import InvalidInput, WorkspaceError
from workbench.domain.timestamps import now_stix
from workbench.services import files
from workbench.storage import audit
from workbench.storage import keys as key_rows
from workbench.storage.database import Connection

if TYPE_CHECKING:
    from workbench.services.workspace import Workspace

MAX_PEM_SIZE = 16 * 1024
SIGNATURE_SIZE = 64


@dataclass(frozen=True)
class GeneratedKey:
    key_id: str
    private_der: bytes
    public_der: bytes


@dataclass(frozen=True)
class OwnKey:
    key_id: str
    public_der: bytes
    created: str
    retired: str | None

    @property
    def active(self) -> bool:
        return self.retired is None


def fingerprint(public_der: bytes) -> str:
    """Hex SHA-256 of a DER SubjectPublicKeyInfo."""
    return hashlib.sha256(public_der).hexdigest()


def format_fingerprint(key_id: str) -> str:
    """The fingerprint in groups of four, as it is read out over the phone."""
    return " ".join(key_id[index : index + 4] for index in range(0, len(key_id), 4))


def fingerprint_lines(key_id: str) -> str:
    """The fingerprint in groups of four, eight groups a line: how it is read out over the phone."""
    groups = format_fingerprint(key_id).split(" ")
    return "\n".join(" ".join(groups[start : start + 8]) for start in range(0, len(groups), 8))


def generate() -> GeneratedKey:
    private = Ed25519PrivateKey.generate()
    private_der = private.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public_der = private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return GeneratedKey(fingerprint(public_der), private_der, public_der)


def public_pem(public_der: bytes) -> bytes:
    key = serialization.load_der_public_key(public_der)
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def load_public_pem(data: bytes, *, what: str = "the key file") -> bytes:
    """The DER SubjectPublicKeyInfo of an Ed25519 public key in PEM; refuses anything else."""
    if len(data) > MAX_PEM_SIZE:
        raise InvalidInput(f"{what} is too large to be a public key")
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise InvalidInput(f"{what} is not a PEM public key") from None
    if not isinstance(key, Ed25519PublicKey):
        raise InvalidInput(f"{what} is not an Ed25519 public key")
    return key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def verify_signature(public_der: bytes, data: bytes, signature: bytes) -> bool:
    """True when ``signature`` is a valid raw 64-byte Ed25519 signature of ``data`` by this key."""
    if len(signature) != SIGNATURE_SIZE:
        return False
    key = serialization.load_der_public_key(public_der)
    if not isinstance(key, Ed25519PublicKey):
        return False
    try:
        key.verify(signature, data)
    except InvalidSignature:
        return False
    return True


def store_new_key(conn: Connection) -> GeneratedKey:
    """Generate a key and store it inside the caller's transaction."""
    generated = generate()
    key_rows.insert_own_key(conn, generated.key_id, generated.private_der, generated.public_der, now_stix())
    return generated


def own_keys(conn: Connection) -> list[OwnKey]:
    return [OwnKey(row.key_id, row.public_key, row.created, row.retired) for row in key_rows.own_keys(conn)]


def active_key(conn: Connection) -> OwnKey:
    for key in reversed(own_keys(conn)):
        if key.active:
            return key
    raise WorkspaceError("this workspace has no active signing key")


def sign(conn: Connection, data: bytes) -> tuple[str, bytes]:
    """Sign with the active own key: ``(key_id, 64-byte signature)``."""
    found = key_rows.active_private_key(conn)
    if found is None:
        raise WorkspaceError("this workspace has no active signing key")
    key_id, private_der = found
    private = serialization.load_der_private_key(private_der, password=None)
    assert isinstance(private, Ed25519PrivateKey)
    return key_id, private.sign(data)


def export_public(ws: Workspace, out: str | os.PathLike[str]) -> OwnKey:
    """Write the active public key as PEM to ``out`` (a new or replaced file), read it back, and record it in the
    audit log.

    The file is written atomically and read back from the medium: its key must be the one written, or it is
    removed and ``InvalidInput`` says why. A folder, a missing folder or an unwritable place is refused.
    """
    key = active_key(ws.conn)
    path = Path(out)
    data = public_pem(key.public_der)
    written = files.write_verified(data, path, mode=0o644)
    if fingerprint(load_public_pem(written.read_bytes(), what=str(written))) != key.key_id:
        written.unlink(missing_ok=True)
        raise InvalidInput(f"{written} does not hold the key that was written; it was removed")
    ws.record("key.export-public", {"key_id": key.key_id, "file": path.name})
    return key


def rotate(ws: Workspace) -> GeneratedKey:
    """Retire the active key and generate a new one, in one transaction, recorded in the audit log."""
    with ws.transaction() as conn:
        old = key_rows.active_private_key(conn)
        if old is not None:
            key_rows.retire_own_key(conn, old[0], now_stix())
        generated = store_new_key(conn)
        audit.append(conn, "key.rotate", {"retired": old[0] if old else None, "key_id": generated.key_id})
    return generated
