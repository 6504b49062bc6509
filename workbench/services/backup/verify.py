"""Checking a backup folder without its passphrase: the signed manifest, then the data file's bytes.

``inspect_backup`` reads manifest.json and its signature (both small, read once), verifies the signature with
the key the manifest names, checks that the key's fingerprint is the one named (and, when given, the one the
analyst expects), refuses a schema newer than this program's, and checks that the data file is a regular file of
the declared size. ``hash_data`` then reads the data file once, optionally copying it, and compares its SHA-256.
Whether the signing key really belongs to the workspace is decided after decryption (``restore``).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from workbench.domain.errors import Cancelled, InvalidInput, VerificationFailed
from workbench.services import keys
from workbench.services.backup.manifest import (
    DATA_NAME,
    FOLDER_NAME,
    MANIFEST_NAME,
    SIGNATURE_NAME,
    BackupManifest,
    parse_backup_manifest,
)
from workbench.services.exchange.canonical import MAX_SIGNED_DOCUMENT
from workbench.storage import migrations

logger = logging.getLogger(__name__)

CHUNK = 1024 * 1024
Progress = Callable[[str, int, int], None]
Cancel = Callable[[], bool]


@dataclass(frozen=True)
class BackupInfo:
    """A backup whose manifest signature verified (its data file not yet hashed)."""

    folder: Path
    manifest: BackupManifest
    manifest_sha256: str

    @property
    def data_path(self) -> Path:
        return self.folder / DATA_NAME


def inspect_backup(path: str | os.PathLike[str], *, expected_key_id: str | None = None) -> BackupInfo:
    """The verified manifest of the backup folder ``path`` (or of the folder holding the manifest ``path``).

    Refuses an unfinished backup (the hidden ``.partial`` folder a stopped backup leaves), a missing or changed
    manifest or signature, a key other than ``expected_key_id``, and a schema newer than this program knows.
    """
    folder = Path(path)
    if folder.name == MANIFEST_NAME and folder.is_file():
        folder = folder.parent
    if folder.name.startswith(".") and folder.name.endswith(".partial"):
        raise VerificationFailed(
            f"{folder.name} is an unfinished backup: writing it was interrupted; it cannot be used"
        )
    info = read_folder(folder)
    if expected_key_id is not None and info.manifest.key_id != expected_key_id.strip().lower():
        raise VerificationFailed(
            f"the backup was signed by key {info.manifest.key_id[:16]}…, not by the expected {expected_key_id[:16]}…"
        )
    return info


def find_backups(folder: Path) -> list[Path]:
    """The backup folders directly inside ``folder`` (by their name; not yet verified), newest first."""
    try:
        found = [entry for entry in folder.iterdir() if FOLDER_NAME.fullmatch(entry.name) and entry.is_dir()]
    except OSError:
        return []
    return sorted(found, key=lambda entry: entry.name, reverse=True)


def read_folder(folder: Path) -> BackupInfo:
    """``inspect_backup`` without the checks of the folder's name and of an expected key."""
    if not folder.is_dir() or folder.is_symlink():
        raise InvalidInput(f"{folder} is not a backup folder")
    data = _small_file(folder, MANIFEST_NAME, MAX_SIGNED_DOCUMENT)
    signature = _small_file(folder, SIGNATURE_NAME, keys.SIGNATURE_SIZE + 1)
    manifest = parse_backup_manifest(data)
    if keys.fingerprint(manifest.public_key) != manifest.key_id:
        raise VerificationFailed("the backup manifest's key does not have the fingerprint it names")
    if not _is_ed25519(manifest.public_key) or not keys.verify_signature(manifest.public_key, data, signature):
        raise VerificationFailed("the backup manifest's signature does not verify: it was changed after signing")
    latest = migrations.latest_version()
    if manifest.schema_version > latest:
        raise InvalidInput(
            f"this backup has schema version {manifest.schema_version}, newer than this program knows ({latest});"
            " restore it with the newer workbench that wrote it"
        )
    info = _regular_file(folder / DATA_NAME)
    if info.st_size != manifest.file_size:
        raise VerificationFailed(
            f"{DATA_NAME} has {info.st_size} bytes, the manifest declares {manifest.file_size}: the backup is damaged"
        )
    return BackupInfo(folder, manifest, hashlib.sha256(data).hexdigest())


def hash_data(
    info: BackupInfo,
    *,
    copy_to: Path | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> None:
    """Read the data file once (into ``copy_to`` too, a new file created 0600) and check it against the manifest.

    The copy is what a restore goes on with, so the medium cannot change bytes between the check and their use.
    Raises ``VerificationFailed`` on a size or hash mismatch; the caller removes ``copy_to`` on any error.
    """
    digest, done, total = hashlib.sha256(), 0, info.manifest.file_size
    out = None
    try:
        if copy_to is not None:
            out = os.fdopen(os.open(copy_to, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600), "wb")
        with open(info.data_path, "rb") as source:
            while chunk := source.read(CHUNK):
                if cancel is not None and cancel():
                    raise Cancelled()
                digest.update(chunk)
                done += len(chunk)
                if done > total:
                    break
                if out is not None:
                    out.write(chunk)
                if progress is not None:
                    progress("read", done, total)
        if out is not None:
            out.flush()
            os.fsync(out.fileno())
    except OSError as exc:
        raise InvalidInput(f"cannot read the backup: {exc.strerror or exc}") from None
    finally:
        if out is not None:
            with contextlib.suppress(OSError):
                out.close()
    if done != total or digest.hexdigest() != info.manifest.file_sha256:
        raise VerificationFailed(
            f"{DATA_NAME} does not have the SHA-256 the manifest declares: the backup was changed or damaged"
        )


def _small_file(folder: Path, name: str, limit: int) -> bytes:
    path = folder / name
    _regular_file(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror}") from None
    if len(data) > limit:
        raise VerificationFailed(f"{name} in {folder.name} is too large")
    return data


def _regular_file(path: Path) -> os.stat_result:
    """The file's status; refuses a missing file (an incomplete backup), a link or anything not a regular file."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        raise VerificationFailed(f"{path.parent.name} has no {path.name}: it is not a complete backup") from None
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        raise VerificationFailed(f"{path.name} in {path.parent.name} is not a regular file")
    return info


def _is_ed25519(public_der: bytes) -> bool:
    try:
        return isinstance(serialization.load_der_public_key(public_der), Ed25519PublicKey)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        return False
