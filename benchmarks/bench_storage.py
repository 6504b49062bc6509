"""The encrypted store: opening time, bulk insert rate against plain SQLite, full-text query latency.

    python benchmarks/bench_storage.py [--objects 100000] [--repeat 3] [--million WORKSPACE_FOLDER]

1. Time to open a workspace, key derivation included (SQLCipher 4's PBKDF2-HMAC-SHA512, 256,000 iterations).
2. Bulk insert rate of object versions, through the store's own bulk path (``BulkWriter``: versions, objects,
   full-text index, references, one transaction) into the encrypted workspace and into a plain SQLite file with the
   same schema and statements, alternately, in this process (target: encrypted at least 0.8 of plain). "Plain" is
   the same SQLite engine (the one inside sqlcipher3) opened without a key: Debian 12's ``sqlite3`` module is SQLite
   3.40, which lacks the ``contentless_delete`` option of the schema's full-text table.
3. Full-text query latency, first 50 hits, with ``--objects`` stored and, given ``--million`` (the folder that
   ``bench_import.py --keep`` leaves), with 1,000,000 (target: at most 50 ms).
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

from benchmarks.bench_import import PASSPHRASE, QUERIES  # noqa: E402
from benchmarks.generate_bundle import Generator, write_bundle  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objects", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--million", type=Path, help="workspace folder left by bench_import.py --keep")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; python {sys.version.split()[0]}")
    scratch = Path(tempfile.mkdtemp(prefix="bench-storage-"))
    try:
        opening(scratch, args.repeat)
        insert_rates(scratch, args.objects, args.repeat)
        latency(scratch, args.objects, args.million)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


def opening(scratch: Path, repeat: int) -> None:
    from workbench.services.workspace import create_workspace, open_workspace

    path = scratch / "open.db"
    create_workspace(path, PASSPHRASE, "Benchmark CERT").close()
    timings = []
    for _ in range(max(repeat, 3)):
        started = time.perf_counter()
        open_workspace(path, PASSPHRASE).close()
        timings.append(time.perf_counter() - started)
    print(
        f"\nopen a workspace (key derivation included): median {statistics.median(timings):.3f} s,"
        f" min {min(timings):.3f} s"
    )


def insert_rates(scratch: Path, count: int, repeat: int) -> None:
    import sqlcipher3

    from workbench.storage import bulk, migrations
    from workbench.storage.database import Database
    from workbench.storage.objects import ObjectStore

    generator = Generator(seed=7)
    prepared = [bulk.prepare(obj) for obj in generator.header() + [generator.next() for _ in range(count - 1)]]

    def encrypted(path: Path) -> sqlcipher3.Connection:
        return Database.create(path, PASSPHRASE).conn

    def plain(path: Path) -> sqlcipher3.Connection:
        conn = sqlcipher3.connect(str(path), isolation_level=None)
        for pragma in (
            "temp_store = MEMORY",
            "cache_size = -65536",
            "foreign_keys = ON",
            "journal_mode = WAL",
            "synchronous = NORMAL",
        ):
            conn.execute(f"PRAGMA {pragma}")
        migrations.upgrade(conn)
        return conn

    def load(conn: sqlcipher3.Connection) -> float:
        conn.execute("PRAGMA cache_size = -262144")  # what Database.bulk_cache sets for an import
        conn.execute("PRAGMA wal_autocheckpoint = 0")
        started = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        writer = bulk.BulkWriter(conn, ObjectStore(conn).add_source("file", "benchmark.json"))
        for start in range(0, len(prepared), 2_000):
            writer.write(prepared[start : start + 2_000])
        writer.finish()
        conn.execute("COMMIT")
        return time.perf_counter() - started

    rates: dict[str, list[float]] = {"encrypted": [], "plain": []}
    for run in range(repeat):
        for name, opener in (("encrypted", encrypted), ("plain", plain)):
            path = scratch / f"{name}-{run}.db"
            conn = opener(path)
            seconds = load(conn)
            conn.close()
            rates[name].append(count / seconds)
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
    best = {name: max(values) for name, values in rates.items()}
    middle = {name: statistics.median(values) for name, values in rates.items()}
    print(f"\nbulk insert of {count:,} object versions (versions, objects, full-text, references, one transaction):")
    for name in ("encrypted", "plain"):
        print(f"  {name:9} best {best[name]:,.0f} versions/s, median {middle[name]:,.0f} versions/s")
    print(
        f"  encrypted/plain: {best['encrypted'] / best['plain']:.2f} (best), "
        f"{middle['encrypted'] / middle['plain']:.2f} (median); target at least 0.8"
    )


def latency(scratch: Path, count: int, million: Path | None) -> None:
    from workbench.services.importing.importer import import_file
    from workbench.services.workspace import create_workspace, open_workspace

    bundle = scratch / "bundle.json"
    write_bundle(bundle, count)
    folder = scratch / "latency"
    folder.mkdir()
    ws = create_workspace(folder / "workspace.db", PASSPHRASE, "Benchmark CERT")
    import_file(ws, bundle)
    ws.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    measure(ws, f"{count:,}")
    ws.close()
    if million is not None:
        ws = open_workspace(million / "workspace.db", PASSPHRASE)
        stored = ws.objects.count()
        measure(ws, f"{stored:,}")
        ws.close()


def measure(ws, label: str) -> None:  # type: ignore[no-untyped-def]
    from workbench.services import library

    print(f"\nfull-text search with {label} objects stored, first 50 hits:")
    worst = 0.0
    for query in QUERIES:
        timings = []
        for _ in range(5):
            started = time.perf_counter()
            page = library.search(ws, library.LibraryFilter(search=query), limit=50)
            timings.append((time.perf_counter() - started) * 1000)
        worst = max(worst, statistics.median(timings))
        order = "ranked" if page.ranked else "newest first"
        print(
            f"  {query!r:24} median {statistics.median(timings):6.1f} ms, max {max(timings):6.1f} ms,"
            f" {len(page.rows):3d} hits, {order}"
        )
    print(f"  slowest median {worst:.1f} ms (target at most 50 ms)")


if __name__ == "__main__":
    raise SystemExit(main())
