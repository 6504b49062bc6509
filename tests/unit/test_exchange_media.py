"""Removable volumes from fake /proc and /sys trees; what killed writes leave on a medium is swept."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from workbench.services.exchange import writer
from workbench.services.exchange.media import removable_volumes


def fake_system(tmp_path: Path, mounts: list[str]) -> tuple[Path, Path]:
    proc, sys_root = tmp_path / "proc", tmp_path / "sys"
    (proc / "self").mkdir(parents=True)
    (proc / "self" / "mounts").write_text("\n".join(mounts) + "\n")
    for disk, removable, parts in (
        ("sda", "0", ["sda1"]),
        ("sdb", "1", ["sdb1"]),
        ("mmcblk0", "1", ["mmcblk0p1"]),
        ("sdc", "0", ["sdc1"]),
    ):
        (sys_root / "devices" / disk).mkdir(parents=True)
        (sys_root / "devices" / disk / "removable").write_text(removable + "\n")
        for part in parts:
            (sys_root / "devices" / disk / part).mkdir()
    (sys_root / "devices" / "usb1" / "1-1" / "sdc").mkdir(parents=True)
    (sys_root / "block").mkdir()
    for disk in ("sda", "sdb", "mmcblk0"):
        os.symlink(sys_root / "devices" / disk, sys_root / "block" / disk)
    # A USB disk that reports removable 0: found by its place on the USB bus.
    os.rename(sys_root / "devices" / "sdc" / "sdc1", sys_root / "devices" / "usb1" / "1-1" / "sdc" / "sdc1")
    (sys_root / "devices" / "usb1" / "1-1" / "sdc" / "removable").write_text("0\n")
    os.symlink(sys_root / "devices" / "usb1" / "1-1" / "sdc", sys_root / "block" / "sdc")
    return proc, sys_root


def test_lists_mounted_removable_volumes_with_free_space(tmp_path: Path) -> None:
    stick, card, usb_disk, system = (tmp_path / name for name in ("STICK 1", "card", "usbdisk", "root"))
    for folder in (stick, card, usb_disk, system):
        folder.mkdir()
    escaped = str(stick).replace(" ", "\\040")
    proc, sys_root = fake_system(
        tmp_path,
        [
            f"/dev/sda1 {system} ext4 rw,relatime 0 0",
            f"/dev/sdb1 {escaped} vfat rw,nosuid,nodev 0 0",
            f"/dev/mmcblk0p1 {card} exfat ro,nosuid 0 0",
            f"/dev/sdc1 {usb_disk} ext4 rw 0 0",
            "tmpfs /dev/shm tmpfs rw 0 0",
            f"/dev/sdb1 {tmp_path / 'gone'} vfat rw 0 0",
        ],
    )
    volumes = removable_volumes(proc, sys_root)
    assert [(v.mount_point, v.disk, v.read_only) for v in volumes] == [
        (stick, "sdb", False),
        (card, "mmcblk0", True),
        (usb_disk, "sdc", False),
    ]
    assert all(v.free_bytes > 0 and v.total_bytes >= v.free_bytes for v in volumes)
    assert volumes[0].fs_type == "vfat" and volumes[0].device == "/dev/sdb1"


def test_nothing_when_proc_cannot_be_read(tmp_path: Path) -> None:
    assert removable_volumes(tmp_path / "nope", tmp_path / "nope") == []


@pytest.mark.parametrize("tar", [False, True], ids=["folder", "tar"])
def test_a_write_sweeps_what_killed_writes_left_but_not_what_another_writer_holds(tmp_path: Path, tar: bool) -> None:
    key, package = "0123456789ab", "1b4e28ba-2fa1-11d2-883f-0016d3cca427"
    left = tmp_path / f".{key}-000007-{package}{'.tar' if tar else ''}.partial"
    (left.mkdir() if not tar else left.write_bytes(b"half a tar"))
    stranger = tmp_path / ".notes.partial"  # not a name this program writes: never touched
    stranger.mkdir()
    with writer.MediumWriter(tmp_path, f"{key}-000008-{uuid.uuid4()}", tar=tar) as running:
        running.add("payload/one.json", [b"{}"])
        assert not left.exists() and stranger.exists()
        with writer.MediumWriter(tmp_path, f"{key}-receipt-{uuid.uuid4()}", tar=tar) as other:
            assert running.partial.exists()  # locked by the write still going on
            other.add("receipt.json", [b"{}"])
            other.commit()
        final = running.commit()
    assert final.exists() and sorted(entry.name for entry in tmp_path.iterdir() if entry.name.startswith(".")) == [
        ".notes.partial"
    ]
