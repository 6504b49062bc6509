"""Window settings kept in ``QSettings``: layout, the last workspace path, the auto-lock delay, the palette, the
export wizard's starting choices and the backup reminder.

Nothing secret is ever stored here (no passphrase, no key, no object content): the file sits in plain text in the
analyst's profile. Tests pass their own ``QSettings`` on a temporary INI file.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

logger = logging.getLogger(__name__)

DEFAULT_AUTO_LOCK_MINUTES = 15
MAX_AUTO_LOCK_MINUTES = 24 * 60
PALETTES = ("system", "light", "dark")
DEFAULT_BACKUP_REMINDER_DAYS = 7
MAX_BACKUP_REMINDER_DAYS = 366


class Settings:
    """Typed access to the few values the window remembers."""

    def __init__(self, store: QSettings | None = None) -> None:
        self._store = store if store is not None else QSettings()

    @property
    def store(self) -> QSettings:
        return self._store

    # -- workspace ---------------------------------------------------------------------------------------------

    @property
    def last_workspace(self) -> Path | None:
        value = self._store.value("workspace/last_path", "")
        return Path(str(value)) if value else None

    @last_workspace.setter
    def last_workspace(self, path: Path | None) -> None:
        self._store.setValue("workspace/last_path", str(path) if path else "")

    # -- locking -----------------------------------------------------------------------------------------------

    def _bounded(self, key: str, default: int, maximum: int) -> int:
        """A whole number from 0 to ``maximum``; ``default`` when missing or not a number."""
        try:
            value = int(self._store.value(key, default))
        except (TypeError, ValueError):
            return default
        return max(0, min(value, maximum))

    @property
    def auto_lock_minutes(self) -> int:
        """Minutes of no input before the workspace locks itself; 0 means never."""
        return self._bounded("security/auto_lock_minutes", DEFAULT_AUTO_LOCK_MINUTES, MAX_AUTO_LOCK_MINUTES)

    @auto_lock_minutes.setter
    def auto_lock_minutes(self, minutes: int) -> None:
        self._store.setValue("security/auto_lock_minutes", max(0, min(int(minutes), MAX_AUTO_LOCK_MINUTES)))

    # -- appearance and defaults ---------------------------------------------------------------------------------

    @property
    def palette(self) -> str:
        """``system`` (follow the desktop's light or dark scheme), ``light`` or ``dark``."""
        value = str(self._store.value("appearance/palette", "system"))
        return value if value in PALETTES else "system"

    @palette.setter
    def palette(self, value: str) -> None:
        self._store.setValue("appearance/palette", value if value in PALETTES else "system")

    def export_default(self, option: str) -> bool:
        """The export wizard's starting choice for ``history`` or ``sanitize`` (both off unless set)."""
        return str(self._store.value(f"export/{option}", "false")).lower() == "true"

    def set_export_default(self, option: str, on: bool) -> None:
        self._store.setValue(f"export/{option}", "true" if on else "false")

    # -- backups ---------------------------------------------------------------------------------------------

    @property
    def backup_reminder_days(self) -> int:
        """Days after the last backup before the window reminds the analyst to make one; 0 means never."""
        return self._bounded("backup/reminder_days", DEFAULT_BACKUP_REMINDER_DAYS, MAX_BACKUP_REMINDER_DAYS)

    @backup_reminder_days.setter
    def backup_reminder_days(self, days: int) -> None:
        self._store.setValue("backup/reminder_days", max(0, min(int(days), MAX_BACKUP_REMINDER_DAYS)))

    # -- layout ------------------------------------------------------------------------------------------------

    def layout(self, name: str) -> QByteArray | None:
        """A saved geometry or state blob (window, splitter, table header), or None."""
        value = self._store.value(f"layout/{name}")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def save_layout(self, name: str, blob: QByteArray) -> None:
        self._store.setValue(f"layout/{name}", blob)

    def value(self, key: str, default: str = "") -> str:
        return str(self._store.value(f"ui/{key}", default))

    def set_value(self, key: str, value: str) -> None:
        self._store.setValue(f"ui/{key}", value)

    def sync(self) -> None:
        self._store.sync()
