"""Writing a backup of the open workspace onto a medium, verified before it is reported.

Order: free space checked (the workspace's size and a margin) and leftovers of stopped backups swept; a hidden
``.NAME.partial`` folder locked for the duration (by the medium writer); the consistent encrypted copy
(``storage.snapshot``) written into it and fsynced; the copy opened read-only and checked (``quick_check``, the
audit chain) and counted; the manifest built from the copy and signed with the copy's own active key; the page
cache of the folder dropped and everything read back from the medium and verified as a restore would; then, in
one workspace transaction, the audit entry written and the folder renamed into place. Any failure or cancel
removes the folder: what remains on the medium under a backup's name is complete and verified, and a stopped
process leaves only the hidden ``.partial`` folder, which restore refuses and the next backup to that folder
removes.
"""

from __future__ import annotations

import hashlib
import logging
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from workbench import __version__
from workbench.domain.errors import Cancelled, InvalidInput, VerificationFailed, WorkspaceError
from workbench.domain.timestamps import format_stix_timestamp, utc_now
from workbench.services import keys
from workbench.services.backup.manifest import (
    DATA_NAME,
    MANIFEST_NAME,
    PARTIAL_NAME,
    SIGNATURE_NAME,
    BackupManifest,
    Encryption,
    folder_name,
)
from workbench.services.backup.verify import Cancel, Progress, hash_data, read_folder
from workbench.services.exchange.writer import MediumWriter, evict, free_space, remove
from workbench.services.exchange.writer import sweep as medium_sweep
from workbench.services.workspace import Workspace
from workbench.storage import audit, migrations, snapshot
from workbench.storage.database import WorkspaceKey
from workbench.storage.meta import get_meta

logger = logging.getLogger(__name__)

BACKUP_ACTION = "workspace.backup"
MARGIN = 1024 * 1024


@dataclass(frozen=True)
class BackupWritten:
    """A backup written, read back and verified: its folder, manifest and total size on the medium."""

    path: Path
    manifest: BackupManifest
    size: int


def estimated_size(ws: Workspace) -> int:
    """About how many bytes a backup of ``ws`` takes on the medium (what the free-space check asks for)."""
    return snapshot.size_in_bytes(ws.conn) + MARGIN


def back_up(
    ws: Workspace,
    dest: str | os.PathLike[str],
    *,
    backup_passphrase: str | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    reserve: int = 0,
) -> BackupWritten:
    """Write a verified backup of ``ws`` into the folder ``dest``; see the module docstring.

    Encrypted under the workspace's key, or under ``backup_passphrase`` (with a salt of its own) when given.
    ``progress(stage, done, total)`` reports 'copy' in pages and 'read' in bytes; ``cancel()`` is polled between
    steps. ``reserve`` bytes must stay free on the medium beyond the backup. Raises a ``WorkbenchError`` with one
    line naming the cause; then nothing that looks like a backup is left in ``dest``.
    """
    dest = Path(dest)
    if not dest.is_dir():
        raise InvalidInput(f"{dest} is not a folder")
    if not os.access(dest, os.W_OK | os.X_OK):
        raise InvalidInput(f"{dest} cannot be written (read-only medium or no permission)")
    sweep(dest)
    needed = estimated_size(ws) + reserve
    available = free_space(dest)
    if available < needed:
        raise InvalidInput(
            f"not enough free space in {dest}: the backup needs about {_mb(needed)}, {_mb(available)} is free"
        )
    if backup_passphrase is None:
        return _write(ws, dest, ws.db.key, Encryption.WORKSPACE, progress, cancel)
    key = WorkspaceKey.from_passphrase(backup_passphrase)
    try:
        return _write(ws, dest, key, Encryption.BACKUP, progress, cancel)
    finally:
        key.wipe()  # the backup passphrase's key is needed for this backup only


def _write(
    ws: Workspace,
    dest: Path,
    key: WorkspaceKey,
    encryption: Encryption,
    progress: Progress | None,
    cancel: Cancel | None,
) -> BackupWritten:
    created = format_stix_timestamp(utc_now())
    backup_id = str(uuid.uuid4())
    name = folder_name(created, backup_id)
    with MediumWriter(dest, name, tar=False) as writer:
        data = writer.place(DATA_NAME)
        logger.info("backup: copying the workspace")

        def copied(done: int, total: int) -> None:
            if cancel is not None and cancel():
                raise Cancelled()
            if progress is not None:
                progress("copy", done, total)

        snapshot.copy_snapshot(ws.conn, data, key, progress=copied)
        _fsync(data)
        logger.info("backup: checking the copy")
        manifest, manifest_bytes, signature = _describe(data, key, backup_id, created, encryption)
        writer.add(MANIFEST_NAME, [manifest_bytes])
        writer.add(SIGNATURE_NAME, [signature])
        logger.info("backup: reading back what was written")
        evict(writer.partial)
        written = read_folder(writer.partial)
        if written.manifest != manifest:
            raise VerificationFailed("the manifest read back from the medium differs from the one written")
        hash_data(written, progress=progress, cancel=cancel)
        if cancel is not None and cancel():
            raise Cancelled()
        try:
            with ws.transaction() as conn:
                audit.append(
                    conn,
                    BACKUP_ACTION,
                    {
                        "backup_id": backup_id,
                        "folder": name,
                        "created": created,
                        "encryption": str(encryption),
                        "schema_version": manifest.schema_version,
                        "objects": manifest.counts["objects"],
                        "sha256": manifest.file_sha256,
                        "size": manifest.file_size,
                    },
                )
                final = writer.commit()
        except BaseException:
            if writer.committed:
                remove(writer.final)
            raise
    logger.info("backup: written and verified as %s", final.name)
    size = manifest.file_size + len(manifest_bytes) + len(signature)
    return BackupWritten(final, manifest, size)


def _describe(
    data: Path, key: WorkspaceKey, backup_id: str, created: str, encryption: Encryption
) -> tuple[BackupManifest, bytes, bytes]:
    """Check the copy and describe it from its own contents: the manifest, its bytes and their signature."""
    with snapshot.read_only(data, key) as conn:
        problem = snapshot.quick_check(conn)
        if problem != "ok":
            raise VerificationFailed(f"the copy of the workspace is damaged ({problem[:120]}); nothing was kept")
        chain = audit.verify(conn)
        if not chain.ok:
            raise VerificationFailed(f"the workspace's audit log does not verify: {chain.reason}; nothing was kept")
        org_name, identity_ref = get_meta(conn, "org_name"), get_meta(conn, "identity_ref")
        if org_name is None or identity_ref is None:
            raise WorkspaceError("the copy is not a workspace (it has no organisation)")
        signer = keys.active_key_in(conn)
        size = data.stat().st_size
        digest = _sha256(data)
        manifest = BackupManifest(
            backup_id=backup_id,
            created=created,
            program=f"workbench {__version__}",
            workspace_name=org_name,
            identity_ref=identity_ref,
            schema_version=migrations.current_version(conn),
            encryption=encryption,
            counts=snapshot.counts(conn),
            file_size=size,
            file_sha256=digest,
            key_id=signer.key_id,
            public_key=signer.public_der,
        )
        manifest_bytes = manifest.to_bytes()
        signer_id, signature = keys.sign(conn, manifest_bytes)
        assert signer_id == signer.key_id
    return manifest, manifest_bytes, signature


def sweep(dest: Path) -> list[str]:
    """Remove the hidden ``.partial`` folders that stopped backups left in ``dest``; returns their names.

    A folder still locked by a backup running in another process is left alone.
    """
    return medium_sweep(dest, PARTIAL_NAME)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"
