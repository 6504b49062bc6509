"""Backup and restore of a workspace, against copying its file (the reference, in the same process).

    python benchmarks/bench_backup.py [--objects 100000] [--repeat 3] [--workspace FILE]

A workspace with ``--objects`` generated objects is made (or ``--workspace`` given, opened with the benchmark
passphrase: the folder ``bench_import.py --keep`` leaves holds a million), its WAL checkpointed, then alternately:

- the reference: ``shutil.copyfile`` of the workspace file to the scratch folder, then ``fsync``, then reading the
  copy back after dropping its page cache (what a careful file copy onto a medium costs; a live database must never
  be copied that way, which is the point of the online backup);
- ``backup.back_up`` into the scratch folder: consistent copy, ``quick_check``, audit chain, counts, signature,
  page cache dropped, read back and verified, audit entry;
- ``backup.restore_backup`` of that backup into a new file: hash, key derivation, ``integrity_check``, audit chain,
  counts, migration (none), audit entry, put in place.

Figures are the minimum and median of ``--repeat`` runs each, and the ratios to the reference's minimum.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.bench_import import PASSPHRASE  # noqa: E402
from benchmarks.generate_bundle import write_bundle  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objects", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workspace", type=Path, help="an existing workspace (passphrase of bench_import.py)")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; python {sys.version.split()[0]}")
    scratch = Path(tempfile.mkdtemp(prefix="bench-backup-"))
    try:
        run(scratch, args.workspace or make_workspace(scratch, args.objects), args.repeat)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


def make_workspace(scratch: Path, count: int) -> Path:
    from workbench.services.importing.importer import import_file
    from workbench.services.workspace import create_workspace

    bundle = scratch / "bundle.json"
    write_bundle(bundle, count)
    path = scratch / "workspace.db"
    ws = create_workspace(path, PASSPHRASE, "Benchmark CERT")
    started = time.perf_counter()
    import_file(ws, bundle)
    print(f"\nworkspace of {count:,} generated objects imported in {time.perf_counter() - started:.1f} s")
    ws.close()
    bundle.unlink()
    return path


def reference_copy(source: Path, target: Path) -> None:
    shutil.copyfile(source, target)
    fd = os.open(target, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)
    with open(target, "rb") as handle:
        while handle.read(1024 * 1024):
            pass


def run(scratch: Path, path: Path, repeat: int) -> None:
    from workbench.services.backup import back_up, restore_backup
    from workbench.services.workspace import open_workspace

    ws = open_workspace(path, PASSPHRASE)
    ws.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = path.stat().st_size
    copies, backups, restores = [], [], []
    try:
        for index in range(repeat):
            target = scratch / f"copy-{index}.db"
            started = time.perf_counter()
            reference_copy(path, target)
            copies.append(time.perf_counter() - started)
            target.unlink()

            medium = scratch / f"medium-{index}"
            medium.mkdir()
            started = time.perf_counter()
            written = back_up(ws, medium)
            backups.append(time.perf_counter() - started)

            restored = scratch / f"restored-{index}.db"
            started = time.perf_counter()
            restore_backup(written.path, restored, PASSPHRASE)
            restores.append(time.perf_counter() - started)
            shutil.rmtree(medium)
            restored.unlink()
    finally:
        ws.close()
    reference = min(copies)
    print(f"\nworkspace file {size / 1e6:,.1f} MB, {repeat} runs each (minimum / median):")
    print(f"  file copy, fsync, read back (reference)  {reference:7.2f} s / {statistics.median(copies):7.2f} s")
    for name, timings in (("backup (verified)", backups), ("restore (verified)", restores)):
        best = min(timings)
        print(
            f"  {name:39s}  {best:7.2f} s / {statistics.median(timings):7.2f} s"
            f"  = {best / reference:.1f} times the reference, {size / best / 1e6:,.0f} MB/s"
        )


if __name__ == "__main__":
    raise SystemExit(main())
