"""Restoring a backup into a new workspace file, never over an existing one.

Order: the target must not exist; the manifest and its signature are verified (``verify.inspect_backup``); the
data file is copied next to the target under a hidden name while its SHA-256 is checked, and everything after
reads only that copy; the copy is opened with the passphrase and checked: its schema version is the manifest's,
``PRAGMA integrity_check`` passes, the audit chain verifies, the key that signed the manifest is one of the
workspace's own keys, and the organisation and counts are the manifest's. Then the schema is migrated forward,
the restore is recorded in the workspace's audit log, and the file is put in place with a hard link, which fails
rather than replace a file that appeared meanwhile. Any failure removes the copy.

What a restore cannot bring back is what happened after the backup: packages sent or received since then.
``Restored`` carries what the outbox, the inbox and the channels knew at the time, for the warning.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from workbench.domain.errors import Cancelled, InvalidInput, VerificationFailed, WrongPassphrase
from workbench.domain.timestamps import format_stix_timestamp, parse_stix_timestamp
from workbench.services import keys
from workbench.services.backup.manifest import BackupManifest, Encryption
from workbench.services.backup.verify import BackupInfo, Cancel, Progress, hash_data, inspect_backup
from workbench.services.exchange.mailboxes import InboxEntry, OutboxEntry, inbox, outbox
from workbench.storage import audit, migrations, snapshot
from workbench.storage import exchange as exchange_rows
from workbench.storage.database import Connection, Database
from workbench.storage.meta import get_meta

logger = logging.getLogger(__name__)

RESTORE_ACTION = "workspace.restored"
_SIDE_FILES = ("-wal", "-shm", "-journal")


@dataclass(frozen=True)
class ChannelThen:
    """A partner channel as the backup knew it: the last sequence sent ('out') or received ('in')."""

    partner: str
    direction: str
    last_sequence: int
    last_package_id: str
    updated_at: str


@dataclass(frozen=True)
class Restored:
    """A restored workspace: where, from which backup, the schema before and after, and the exchange then."""

    path: Path
    manifest: BackupManifest
    schema_before: int
    schema_after: int
    outbox: list[OutboxEntry]
    inbox: list[InboxEntry]
    channels: list[ChannelThen]


def restore_backup(
    source: str | os.PathLike[str],
    target: str | os.PathLike[str],
    passphrase: str,
    *,
    expected_key_id: str | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> Restored:
    """Restore the backup folder ``source`` into the new workspace file ``target``; see the module docstring.

    ``passphrase`` is the one the manifest's ``encryption`` names: the workspace passphrase as it was when the
    backup was made, or the separate backup passphrase; the restored workspace opens with it. Raises a
    ``WorkbenchError`` with one line naming the cause; then no file is left at or beside ``target``.
    """
    target = Path(target)
    check_target(target)
    info = inspect_backup(source, expected_key_id=expected_key_id)
    copy = target.with_name(f".{target.name}.restoring")
    if any(_side(copy, suffix).exists() for suffix in ("", *_SIDE_FILES)):
        raise InvalidInput(f"{copy.name} is in the way in {target.parent}: another restore runs there, or stopped")
    try:
        logger.info("restore: copying and checking %s", info.folder.name)
        hash_data(info, copy_to=copy, progress=progress, cancel=cancel)
        result = _check_and_upgrade(copy, info, passphrase, target)
        if cancel is not None and cancel():
            raise Cancelled()
        _put_in_place(copy, target)
    except BaseException:
        for suffix in ("", *_SIDE_FILES):
            with contextlib.suppress(OSError):
                _side(copy, suffix).unlink()
        raise
    logger.info("restore: %s restored (schema %d to %d)", target.name, result.schema_before, result.schema_after)
    return result


def check_target(target: Path) -> None:
    """Refuse a target that exists (or has a journal beside it) or whose folder cannot take it."""
    if any(_side(target, suffix).exists() or _side(target, suffix).is_symlink() for suffix in ("", *_SIDE_FILES)):
        raise InvalidInput(f"{target} already exists; a restore never overwrites a workspace: choose a new file name")
    if not target.parent.is_dir():
        raise InvalidInput(f"folder {target.parent} does not exist")
    if not os.access(target.parent, os.W_OK | os.X_OK):
        raise InvalidInput(f"folder {target.parent} cannot be written")


def _check_and_upgrade(copy: Path, info: BackupInfo, passphrase: str, target: Path) -> Restored:
    manifest = info.manifest
    with _opened(copy, manifest, passphrase) as db:
        conn = db.conn
        before = migrations.current_version(conn)
        if before != manifest.schema_version:
            raise VerificationFailed(
                f"the backup holds schema version {before}, its manifest says {manifest.schema_version}"
            )
        problem = db.integrity_check()
        if problem != "ok":
            raise VerificationFailed(f"the backup's database is damaged: {problem[:120]}")
        chain = audit.verify(conn)
        if not chain.ok:
            raise VerificationFailed(f"the backup's audit log does not verify: {chain.reason}")
        _check_signer(conn, manifest)
        if (get_meta(conn, "org_name"), get_meta(conn, "identity_ref")) != (
            manifest.workspace_name,
            manifest.identity_ref,
        ):
            raise VerificationFailed("the backup's workspace is not the one its manifest names")
        if snapshot.counts(conn) != manifest.counts:
            raise VerificationFailed("the backup's contents do not match the counts of its manifest")
        logger.info("restore: migrating from schema version %d", before)
        after = migrations.upgrade(conn)
        then = (outbox(conn), inbox(conn), _channels(conn))
        with db.transaction() as writing:
            audit.append(
                writing,
                RESTORE_ACTION,
                {
                    "backup_id": manifest.backup_id,
                    "backup_created": manifest.created,
                    "folder": info.folder.name,
                    "manifest_sha256": info.manifest_sha256,
                    "schema_before": before,
                    "schema_after": after,
                },
            )
        # A single file, with no WAL beside it, is what gets linked into place.
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode = DELETE")
    return Restored(target, manifest, before, after, *then)


@contextlib.contextmanager
def _opened(copy: Path, manifest: BackupManifest, passphrase: str) -> Iterator[Database]:
    try:
        db = Database.open(copy, passphrase, upgrade=False)
    except WrongPassphrase:
        if manifest.encryption is Encryption.BACKUP:
            raise WrongPassphrase(
                "wrong passphrase: this backup opens with the backup passphrase chosen when it was made"
            ) from None
        made = parse_stix_timestamp(manifest.created)
        when = format_stix_timestamp(made)[:10] if made else manifest.created
        raise WrongPassphrase(
            f"wrong passphrase: this backup opens with the workspace passphrase as it was on {when}"
        ) from None
    try:
        yield db
    finally:
        db.close()


def _check_signer(conn: Connection, manifest: BackupManifest) -> None:
    own = {key.key_id: key.public_der for key in keys.own_keys(conn)}
    if own.get(manifest.key_id) != manifest.public_key:
        raise VerificationFailed("the backup's manifest was signed by a key that is not one of the workspace's own")


def _channels(conn: Connection) -> list[ChannelThen]:
    found = []
    for partner in exchange_rows.partners(conn):
        for direction in ("out", "in"):
            row = exchange_rows.channel(conn, partner.id, direction)
            if row is not None:
                found.append(
                    ChannelThen(partner.name, direction, row.last_sequence, row.last_package_id, row.updated_at)
                )
    return found


def _put_in_place(copy: Path, target: Path) -> None:
    """Link the finished copy to ``target`` (fails if it exists), then drop the hidden name."""
    try:
        os.link(copy, target)
    except FileExistsError:
        raise InvalidInput(f"{target} appeared while restoring; nothing was overwritten") from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
            raise InvalidInput(f"cannot write {target}: {exc.strerror}") from None
        # No hard links on this filesystem (FAT): a rename after one more look is the best it offers.
        if target.exists():
            raise InvalidInput(f"{target} appeared while restoring; nothing was overwritten") from None
        os.rename(copy, target)
    else:
        copy.unlink()
    fd = os.open(target.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _side(path: Path, suffix: str) -> Path:
    return Path(str(path) + suffix)
