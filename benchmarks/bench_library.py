"""The library on a large workspace: first page, scrolling to the end with fetchMore, sort changes, search.

Builds (or reuses, with --db) a workspace of N objects (default 1,000,000), opens it in the main window (offscreen,
real task runner) and times what an analyst waits for on the Library screen, with the GUI thread's longest stall
during each step (a 5 ms timer; the idle window is the reference for that). The reference for times, in the same
process, is the same first page read straight from the service with no model and no thread.
Run: python benchmarks/bench_library.py [--objects N] [--db PATH] [--trace-stalls PATH]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QModelIndex, QSettings, Qt

from benchmarks.bench_gui_stall import StallMeter, run_until, trace_file
from workbench.app.application import create_application, settle_heap
from workbench.app.session import Session
from workbench.app.settings import Settings
from workbench.app.tasks import TaskRunner
from workbench.domain.tlp import Tlp
from workbench.services import library
from workbench.services.library import LibraryFilter, SortKey
from workbench.services.workspace import create_workspace, open_workspace
from workbench.storage.objects import ObjectStore
from workbench.ui.library.library_model import Columns
from workbench.ui.main_window import MainWindow

PASSPHRASE = "benchmark passphrase"
TYPES = ("indicator", "indicator", "indicator", "malware", "threat-actor", "attack-pattern", "relationship")
WORDS = ("lantern", "owl", "heron", "mantis", "tide", "nail", "fern", "moth", "ledger", "gateway")


def build(path: Path, count: int) -> None:
    ws = create_workspace(path, PASSPHRASE, "Bench")
    levels = [None, *Tlp]
    started = time.monotonic()
    with ws.db.bulk_cache(), ws.transaction() as conn:
        store = ObjectStore(conn)
        source = store.add_source("file", "bench.json")
        for n in range(count):
            kind = TYPES[n % len(TYPES)]
            obj = {
                "type": kind,
                "spec_version": "2.1",
                "id": f"{kind}--{uuid.uuid4()}",
                "created": "2026-01-01T00:00:00.000Z",
                "modified": f"2026-{1 + n % 12:02d}-{1 + n % 28:02d}T{n % 24:02d}:{n % 60:02d}:00.000Z",
                "name": f"{WORDS[n % 10]} {WORDS[n // 10 % 10]} {n}",
            }
            level = levels[n % len(levels)]
            if level is not None:
                obj["object_marking_refs"] = [level.marking_id]
            store.put(obj, source)
            if n % 100_000 == 0 and n:
                print(f"  built {n:,} objects ({time.monotonic() - started:.0f} s)", flush=True)
    ws.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--objects", type=int, default=1_000_000)
    parser.add_argument("--db", help="reuse (or create) this workspace file")
    parser.add_argument(
        "--trace-stalls", metavar="PATH", help="write every thread's stack to PATH at each GUI stall over 60 ms"
    )
    args = parser.parse_args()
    path = Path(args.db) if args.db else Path(tempfile.mkdtemp(prefix="bench-library-")) / "ws.db"
    if not path.exists():
        started = time.monotonic()
        build(path, args.objects)
        print(f"built {args.objects:,} objects in {time.monotonic() - started:.0f} s")
    app = create_application()
    ws = open_workspace(path, PASSPHRASE)
    total = ws.objects.count()
    started = time.monotonic()
    library.fetch_page(ws, LibraryFilter(), SortKey.MODIFIED, descending=True)
    reference = time.monotonic() - started

    folder = Path(tempfile.mkdtemp(prefix="bench-library-window-"))
    runner = TaskRunner(app)
    session = Session(runner)
    window = MainWindow(session, Settings(QSettings(str(folder / "s.ini"), QSettings.Format.IniFormat)))
    window.resize(1400, 860)
    window.show()
    settle_heap()  # as run_gui does
    screen = window.screens["library"]
    model = screen.model
    meter = StallMeter(trace_file(args.trace_stalls))
    meter.start()
    idle_until = time.monotonic() + 2
    run_until(lambda: time.monotonic() > idle_until, 10)
    idle = meter.stop()
    stalls: list[int] = []

    def measured(action) -> float:
        """Seconds until the first rows show after ``action``; the GUI thread's longest stall meanwhile."""
        meter.start()
        started = time.monotonic()
        action()
        run_until(lambda: model.rowCount() > 0 and not model.loading, 600)
        seconds = time.monotonic() - started
        run_until(lambda: time.monotonic() > started + seconds + 0.3, 10)  # what follows: count, detail, paint
        stalls.append(meter.stop())
        return seconds

    print(
        f"workspace: {total:,} objects; reference (first page from the service, no model): "
        f"{reference * 1000:.1f} ms; GUI thread idle: longest stall {idle} ms"
    )
    seconds = measured(lambda: session.attach(ws))
    print(
        f"unlocked, first page shown: {seconds * 1000:.0f} ms (x{seconds / reference:.1f}), "
        f"longest stall {stalls[-1]} ms"
    )
    meter.start()
    started, pages = time.monotonic(), 1
    while model.canFetchMore(QModelIndex()) or model.loading:
        if model.canFetchMore(QModelIndex()):
            screen.table.scrollToBottom()
            model.fetchMore(QModelIndex())
            pages += 1
        run_until(lambda: not model.loading, 600)
    seconds = time.monotonic() - started
    stalls.append(meter.stop())
    print(
        f"scroll to the end: {model.rowCount():,} rows in {pages:,} pages, {seconds:.1f} s "
        f"({seconds / pages * 1000:.1f} ms a page), longest stall {stalls[-1]} ms"
    )
    for column, order in (
        (Columns.NAME, Qt.SortOrder.AscendingOrder),
        (Columns.TYPE, Qt.SortOrder.DescendingOrder),
        (Columns.TLP, Qt.SortOrder.AscendingOrder),
        (Columns.SOURCE, Qt.SortOrder.DescendingOrder),
        (Columns.MODIFIED, Qt.SortOrder.AscendingOrder),
    ):
        seconds = measured(lambda c=column, o=order: screen.table.sortByColumn(c, o))
        descending = order == Qt.SortOrder.DescendingOrder
        print(
            f"sort by {column.name.lower()} ({'desc' if descending else 'asc'}): first page {seconds * 1000:.0f} ms "
            f"(x{seconds / reference:.1f}), longest stall {stalls[-1]} ms"
        )
    for label, flt in (
        ("type filter, by date", LibraryFilter(types=("malware",))),
        ("TLP filter, by date", LibraryFilter(tlp=int(Tlp.AMBER))),
        ("search 'owl heron'", LibraryFilter(search="owl heron")),
        ("search 'lantern' (common)", LibraryFilter(search="lantern")),
    ):
        seconds = measured(lambda f=flt: model.set_filter(f))
        print(
            f"{label}: first rows {seconds * 1000:.0f} ms (x{seconds / reference:.1f}), {model.rowCount():,} rows, "
            f"longest stall {stalls[-1]} ms"
        )
    model.set_filter(LibraryFilter(types=("malware",)))
    run_until(lambda: not model.loading, 600)
    seconds = measured(lambda: screen.table.sortByColumn(Columns.NAME, Qt.SortOrder.AscendingOrder))
    print(
        f"type filter sorted by name (no index serves both): {seconds * 1000:.0f} ms (x{seconds / reference:.1f}), "
        f"longest stall {stalls[-1]} ms"
    )
    print(
        f"longest GUI stall of all these: {max(stalls)} ms (idle {idle} ms, x{max(stalls) / max(idle, 1):.1f}; "
        "target < 100 ms)"
    )
    session.lock()
    runner.shutdown()
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
