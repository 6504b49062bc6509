"""Removable volumes for the window: the list, and a signal when volumes come and go.

The mount table is ``/proc/self/mounts``; inotify (and so ``QFileSystemWatcher``) sees no change in ``/proc``, so a
light timer compares the table's text every ``INTERVAL_MS`` (reading it costs microseconds). ``proc_root`` and
``sys_root`` are parameters so that tests can mount and unmount volumes in a fake tree.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from workbench.services.exchange import Volume, removable_volumes

logger = logging.getLogger(__name__)

INTERVAL_MS = 2000


class MediaSource(QObject):
    """The removable volumes of this machine, watched while ``start``ed."""

    volumes_changed = Signal()
    """The mount table changed: a volume came or went (read ``volumes()`` again)."""

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        proc_root: str | os.PathLike[str] = "/proc",
        sys_root: str | os.PathLike[str] = "/sys",
        interval_ms: int = INTERVAL_MS,
    ) -> None:
        super().__init__(parent)
        self.proc_root = Path(proc_root)
        self.sys_root = Path(sys_root)
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check)
        self._last = self._mount_table()

    def _mount_table(self) -> str:
        try:
            return (self.proc_root / "self" / "mounts").read_text()
        except OSError:
            return ""

    def volumes(self) -> list[Volume]:
        return removable_volumes(self.proc_root, self.sys_root)

    def set_interval(self, milliseconds: int) -> None:
        """How often the mount table is compared (tests make it short)."""
        self._timer.setInterval(max(10, milliseconds))

    def start(self) -> None:
        self._last = self._mount_table()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    @property
    def watching(self) -> bool:
        return self._timer.isActive()

    def check(self) -> bool:
        """Compare the mount table with the last one seen; emit ``volumes_changed`` when it differs."""
        table = self._mount_table()
        if table == self._last:
            return False
        self._last = table
        logger.info("removable media changed")
        self.volumes_changed.emit()
        return True
