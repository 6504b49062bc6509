"""The GUI thread's longest stall while a large bundle is imported from the window (target: under 100 ms).

A 5 ms timer on the GUI thread notes the longest gap between two ticks: first while the window is idle (the
reference, same process), then while the import controller previews and imports a 100,000-object bundle off the
GUI thread. Prints both and their ratio. Run: python benchmarks/bench_gui_stall.py [--objects N]
"""

from __future__ import annotations

import argparse
import faulthandler
import gc
import os
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import orjson
from PySide6.QtCore import QElapsedTimer, QSettings, QTimer
from PySide6.QtWidgets import QApplication

from workbench.app.application import create_application, settle_heap
from workbench.app.session import Session
from workbench.app.settings import Settings
from workbench.app.tasks import TaskRunner
from workbench.services.workspace import create_workspace
from workbench.ui.main_window import MainWindow

TICK_MS = 5


class StallMeter:
    """The GUI thread's longest gap between two ticks of a 5 ms timer, less the interval.

    With ``trace`` (a file open for writing), every gap longer than ``trace_ms`` gets the Python stacks of all
    threads written to it at that moment by ``faulthandler``'s watchdog, a C thread that needs no interpreter
    lock: it shows what the GUI thread is busy with, or which worker holds the lock in which call. The
    watchdog reads the other threads' frames without the lock, so a traced run can crash now and then (it did on
    the Cases screen, where several workers run Python at once); a diagnostic, never part of the application.
    """

    def __init__(self, trace: Any = None, trace_ms: int = 60) -> None:
        self.timer = QTimer()
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.clock = QElapsedTimer()
        self.longest = 0
        self._trace = trace
        self._trace_after = (TICK_MS + trace_ms) / 1000

    def start(self) -> None:
        self.longest = 0
        self.clock.start()
        self.timer.start()
        self._arm()

    def _arm(self) -> None:
        if self._trace is not None:
            faulthandler.dump_traceback_later(self._trace_after, repeat=False, file=self._trace)

    def _tick(self) -> None:
        self.longest = max(self.longest, self.clock.restart() - TICK_MS)
        self._arm()

    def stop(self) -> int:
        self.timer.stop()
        if self._trace is not None:
            faulthandler.cancel_dump_traceback_later()
        return self.longest


def trace_file(path: str | None) -> Any:
    """The file stall traces go to (``--trace-stalls PATH``), or None.

    Garbage collections of 20 ms or more are written there too (a collection holds the interpreter lock
    throughout, whichever thread runs it, and a faulthandler stack does not show one).
    """
    if not path:
        return None
    trace = open(path, "w")  # noqa: SIM115 - kept open for the process's life
    started: list[float] = []

    def collected(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started[:] = [time.perf_counter()]
        elif started:
            took = (time.perf_counter() - started[0]) * 1000
            if took >= 20:
                trace.write(
                    f"GC generation {info['generation']}: {took:.0f} ms, {info['collected']} collected, "
                    f"in {threading.current_thread().name}\n"
                )
                trace.flush()

    gc.callbacks.append(collected)
    return trace


def run_until(condition, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError
        QApplication.processEvents()
        time.sleep(0.001)


def bundle_file(folder: Path, count: int) -> Path:
    objects = [
        {
            "type": "indicator",
            "spec_version": "2.1",
            "id": f"indicator--{uuid.uuid4()}",
            "created": "2026-01-10T08:00:00.000Z",
            "modified": "2026-01-10T08:00:00.000Z",
            "name": f"Indicator {n}",
            "pattern": f"[ipv4-addr:value = '10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}']",
            "pattern_type": "stix",
            "valid_from": "2026-01-10T08:00:00Z",
        }
        for n in range(count)
    ]
    path = folder / "bulk.json"
    path.write_bytes(orjson.dumps({"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": objects}))
    return path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--objects", type=int, default=100_000)
    parser.add_argument(
        "--trace-stalls", metavar="PATH", help="write every thread's stack to PATH at each GUI stall over 60 ms"
    )
    args = parser.parse_args()
    app = create_application()
    folder = Path(tempfile.mkdtemp(prefix="bench-stall-"))
    path = bundle_file(folder, args.objects)
    ws = create_workspace(folder / "ws.db", "benchmark passphrase", "Bench")
    session = Session(TaskRunner(app))
    window = MainWindow(session, Settings(QSettings(str(folder / "s.ini"), QSettings.Format.IniFormat)))
    window.show()
    settle_heap()  # as run_gui does
    session.attach(ws)
    library = window.screens["library"]
    run_until(lambda: library.model.rowCount() > 0, 30)

    meter = StallMeter(trace_file(args.trace_stalls))
    meter.start()
    idle_until = time.monotonic() + 2
    run_until(lambda: time.monotonic() > idle_until, 10)
    idle = meter.stop()

    shown: list = []
    done: list = []
    window.imports.preview_shown.connect(shown.append)
    window.imports.import_committed.connect(done.append)
    meter.start()
    started = time.monotonic()
    window.imports.import_paths([str(path)])
    run_until(lambda: bool(shown), 600)
    previewed = time.monotonic() - started
    shown[0].accept()
    run_until(lambda: bool(done), 600)
    total = time.monotonic() - started
    stall = meter.stop()
    print(f"objects imported: {done[0].summary.new:,} (preview {previewed:.1f} s, preview + import {total:.1f} s)")
    print(f"GUI thread longest stall: idle {idle} ms, during import {stall} ms (target < 100 ms)")
    print(f"ratio import/idle: {stall / max(idle, 1):.1f}")
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
