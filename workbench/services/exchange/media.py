"""Mounted removable volumes on Linux, so that the window can offer them as export destinations.

A volume counts as removable when its block device (or the disk its partition belongs to) says so in
``/sys/block/<disk>/removable``, or when the disk hangs off a USB bus (many USB sticks and card readers report
``removable`` 0). Read from ``<proc_root>/self/mounts`` and ``<sys_root>/block``; both roots are parameters so
that tests can give fake trees.
"""

from __future__ import annotations

import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Volume:
    device: str
    mount_point: Path
    fs_type: str
    read_only: bool
    total_bytes: int
    free_bytes: int
    disk: str


def _unescape(field: str) -> str:
    """/proc/mounts writes space, tab, newline and backslash as octal escapes (\\040 ...)."""
    out, index = [], 0
    while index < len(field):
        if field[index] == "\\" and field[index + 1 : index + 4].isdigit():
            out.append(chr(int(field[index + 1 : index + 4], 8)))
            index += 4
        else:
            out.append(field[index])
            index += 1
    return "".join(out)


def _disk_of(name: str, block: Path) -> str | None:
    """The disk a block device belongs to: itself (``sdb``) or the disk holding the partition (``sdb1``)."""
    if (block / name).is_dir():
        return name
    try:
        for disk in block.iterdir():
            if (disk / name).is_dir():
                return disk.name
    except OSError:
        return None
    return None


def _is_removable(disk: str, block: Path) -> bool:
    try:
        if (block / disk / "removable").read_text().strip() == "1":
            return True
    except OSError:
        pass
    try:
        return "/usb" in os.path.realpath(block / disk)
    except OSError:
        return False


def removable_volumes(
    proc_root: str | os.PathLike[str] = "/proc", sys_root: str | os.PathLike[str] = "/sys"
) -> list[Volume]:
    """Mounted volumes on removable disks, with their size and free space; empty when there are none."""
    block = Path(sys_root) / "block"
    try:
        lines = (Path(proc_root) / "self" / "mounts").read_text().splitlines()
    except OSError:
        return []
    volumes: list[Volume] = []
    seen: set[Path] = set()
    for line in lines:
        fields = line.split()
        if len(fields) < 4 or not fields[0].startswith("/dev/"):
            continue
        device, mount_point = _unescape(fields[0]), Path(_unescape(fields[1]))
        disk = _disk_of(Path(device).name, block)
        if disk is None or not _is_removable(disk, block) or mount_point in seen:
            continue
        try:
            usage = shutil.disk_usage(mount_point)
        except OSError:
            continue
        seen.add(mount_point)
        options = fields[3].split(",")
        volumes.append(Volume(device, mount_point, fields[2], "ro" in options, usage.total, usage.free, disk))
    return volumes
