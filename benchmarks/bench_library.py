"""The library on a large workspace: first page, scrolling to the end with fetchMore, sort changes, search.

Builds (or reuses, with --db) a workspace of N objects (default 1,000,000), opens the library model with the real
task runner and times what an analyst waits for. The reference, in the same process, is the same first page read
straight from the service with no model and no thread. Run: python benchmarks/bench_library.py [--objects N]
[--db PATH]
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

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QApplication

from workbench.app.application import create_application
from workbench.app.session import Session
from workbench.app.tasks import TaskRunner
from workbench.domain.tlp import Tlp
from workbench.services import library
from workbench.services.library import LibraryFilter, SortKey
from workbench.services.workspace import create_workspace, open_workspace
from workbench.storage.objects import ObjectStore
from workbench.ui.library.library_model import Columns, LibraryModel

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
            obj = {"type": kind, "spec_version": "2.1", "id": f"{kind}--{uuid.uuid4()}",
                   "created": "2026-01-01T00:00:00.000Z",
                   "modified": f"2026-{1 + n % 12:02d}-{1 + n % 28:02d}T{n % 24:02d}:{n % 60:02d}:00.000Z",
                   "name": f"{WORDS[n % 10]} {WORDS[n // 10 % 10]} {n}"}
            level = levels[n % len(levels)]
            if level is not None:
                obj["object_marking_refs"] = [level.marking_id]
            store.put(obj, source)
            if n % 100_000 == 0 and n:
                print(f"  built {n:,} objects ({time.monotonic() - started:.0f} s)", flush=True)
    ws.close()


def wait(condition, timeout: float = 600) -> float:
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise TimeoutError
        QApplication.processEvents()
        time.sleep(0.0005)
    return time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--objects", type=int, default=1_000_000)
    parser.add_argument("--db", help="reuse (or create) this workspace file")
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
    library.fetch_page(ws.conn, LibraryFilter(), SortKey.MODIFIED, descending=True)
    reference = time.monotonic() - started
    session = Session(TaskRunner(app))
    session.attach(ws)
    model = LibraryModel(session)

    def first_page(action) -> float:
        started = time.monotonic()
        action()
        wait(lambda: model.rowCount() > 0 and not model.loading)
        return time.monotonic() - started

    print(f"workspace: {total:,} objects; reference (first page from the service, no model): "
          f"{reference * 1000:.1f} ms")
    seconds = first_page(model.reload)
    print(f"first page in the model: {seconds * 1000:.0f} ms (x{seconds / reference:.1f})")
    started, pages = time.monotonic(), 1
    while model.canFetchMore(QModelIndex()) or model.loading:
        model.fetchMore(QModelIndex())
        wait(lambda: not model.loading)
        pages += 1
    seconds = time.monotonic() - started
    print(f"scroll to the end: {model.rowCount():,} rows in {pages:,} pages, {seconds:.1f} s "
          f"({seconds / pages * 1000:.1f} ms a page)")
    for column, order in ((Columns.NAME, 0), (Columns.TYPE, 1), (Columns.TLP, 0), (Columns.SOURCE, 1),
                          (Columns.MODIFIED, 0)):
        seconds = first_page(lambda c=column, o=order: model.sort(c, o))
        print(f"sort by {column.name.lower()} ({'desc' if order else 'asc'}): first page {seconds * 1000:.0f} ms "
              f"(x{seconds / reference:.1f})")
    for label, flt in (("type filter, by date", LibraryFilter(object_type="malware")),
                       ("TLP filter, by date", LibraryFilter(tlp=int(Tlp.AMBER))),
                       ("search 'owl heron'", LibraryFilter(search="owl heron")),
                       ("search 'lantern' (common)", LibraryFilter(search="lantern"))):
        seconds = first_page(lambda f=flt: model.set_filter(f))
        print(f"{label}: first rows {seconds * 1000:.0f} ms (x{seconds / reference:.1f}), {model.rowCount():,} rows")
    model.set_filter(LibraryFilter(object_type="malware"))
    seconds = first_page(lambda: model.sort(Columns.NAME, 0))
    print(f"type filter sorted by name (no index serves both): {seconds * 1000:.0f} ms (x{seconds / reference:.1f})")
    session.lock()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
