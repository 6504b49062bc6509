"""Backups of a workspace on removable media, their verification, restoring them, and when one is due.

``back_up`` writes a consistent encrypted copy with a signed manifest and verifies it before it reports;
``inspect_backup`` checks a backup's manifest without a passphrase; ``restore_backup`` restores one into a new
file, migrating its schema forward; ``backup_status`` says when this workspace's state was last backed up, for the
window's reminder. Formats and guarantees: see the modules ``manifest``, ``create`` and ``restore``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import orjson

from workbench.domain.timestamps import parse_stix_timestamp
from workbench.services.backup.create import BACKUP_ACTION, BackupWritten, back_up, estimated_size, sweep
from workbench.services.backup.manifest import BackupManifest, Encryption
from workbench.services.backup.restore import RESTORE_ACTION, ChannelThen, Restored, check_target, restore_backup
from workbench.services.backup.verify import BackupInfo, find_backups, inspect_backup
from workbench.storage.database import Connection

DEFAULT_REMINDER_DAYS = 7

__all__ = [
    "BACKUP_ACTION",
    "DEFAULT_REMINDER_DAYS",
    "RESTORE_ACTION",
    "BackupInfo",
    "BackupManifest",
    "BackupStatus",
    "BackupWritten",
    "ChannelThen",
    "Encryption",
    "Restored",
    "back_up",
    "backup_status",
    "check_target",
    "estimated_size",
    "find_backups",
    "inspect_backup",
    "restore_backup",
    "sweep",
]


@dataclass(frozen=True)
class BackupStatus:
    """When the workspace's state was last backed up (None: never), and since when it has been unprotected.

    ``since`` is the time of the last backup, or the workspace's creation when there has been none. A workspace
    restored from a backup counts as backed up at that backup's time: that backup holds its state.
    """

    last_backup: datetime | None
    since: datetime | None

    def due(self, period_days: int, now: datetime) -> bool:
        """True when a reminder is due: a period is set (0 means never) and ``since`` is at least that old."""
        return period_days > 0 and self.since is not None and now - self.since >= timedelta(days=period_days)


def backup_status(conn: Connection) -> BackupStatus:
    """Read from the audit log: the newest backup or restore entry, else the workspace's creation."""
    row = conn.execute(
        "SELECT action, at, details FROM audit_log WHERE action IN (?, ?) ORDER BY seq DESC LIMIT 1",
        (BACKUP_ACTION, RESTORE_ACTION),
    ).fetchone()
    if row is not None:
        action, at, details = row
        field = "created" if action == BACKUP_ACTION else "backup_created"
        moment = orjson.loads(details).get(field, at)
        last = parse_stix_timestamp(moment)
        return BackupStatus(last, last)
    first = conn.execute("SELECT at FROM audit_log ORDER BY seq LIMIT 1").fetchone()
    return BackupStatus(None, parse_stix_timestamp(first[0]) if first else None)
