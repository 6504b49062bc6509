"""The Cases screen over many incidents: time to the first page of the list and to the whole list scrolled through,
the deadline panel, opening a case, and the GUI thread's longest stall meanwhile (target: under 100 ms).

A 5 ms timer on the GUI thread notes the longest gap between two ticks: first while the window is idle (the
reference, same process), then while the screen lists every case page by page, fills the deadline panel and opens
a case, all through the real task runner. Prints the figures and the ratio of the stalls.

Run: python benchmarks/bench_cases_window.py [--cases N]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_gui_stall import StallMeter, run_until, trace_file
from PySide6.QtCore import QModelIndex, QSettings

from workbench.app.application import create_application, settle_heap
from workbench.app.session import Session
from workbench.app.settings import Settings
from workbench.app.tasks import TaskRunner
from workbench.services import cases
from workbench.services.cases import records as case_records
from workbench.services.workspace import create_workspace
from workbench.ui.main_window import MainWindow


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument(
        "--trace-stalls", metavar="PATH", help="write every thread's stack to PATH at each GUI stall over 60 ms"
    )
    args = parser.parse_args()
    app = create_application()
    folder = Path(tempfile.mkdtemp(prefix="bench-cases-window-"))
    ws = create_workspace(folder / "ws.db", "benchmark passphrase", "Bench Agency")
    started = time.perf_counter()
    refs = []
    for number in range(args.cases):
        refs.append(
            cases.create_case(
                ws,
                "incident",
                f"Incident {number}",
                fields={"sector": "energy", "member_state": "BE", "awareness_at": "2026-03-02T08:00:00Z"},
            ).ref
        )
    for ref in refs[::10]:
        case_records.record_stage(ws, ref, "early-warning", "2026-03-02T18:00:00Z")
    print(f"{args.cases} incident cases written in {time.perf_counter() - started:.1f} s (setup)")

    settings = Settings(QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat))
    runner = TaskRunner(app)
    session = Session(runner)
    window = MainWindow(session, settings)
    window.resize(1400, 860)
    window.show()
    settle_heap()  # as run_gui does
    meter = StallMeter(trace_file(args.trace_stalls))
    meter.start()
    deadline = time.monotonic() + 1.0
    run_until(lambda: time.monotonic() > deadline, 5)
    idle = meter.stop()

    session.attach(ws.connect_again())
    screen = window.show_screen("cases")
    model = screen.model
    meter.start()
    clock = time.perf_counter()
    run_until(lambda: model.rowCount() > 0, 120)
    first_page = time.perf_counter() - clock
    while model.canFetchMore(QModelIndex()) or model.loading:
        if model.canFetchMore(QModelIndex()):
            screen.table.scrollToBottom()
            model.fetchMore(QModelIndex())
        run_until(lambda: not model.loading, 120)
    whole = time.perf_counter() - clock
    run_until(lambda: screen.deadlines.model.rowCount() == args.cases, 120)
    panel = time.perf_counter() - clock
    stall = meter.stop()
    meter.start()
    opened = time.perf_counter()
    screen.open_case(refs[len(refs) // 2])
    run_until(lambda: screen.editor.view is not None, 60)
    open_case = time.perf_counter() - opened
    open_stall = meter.stop()
    meter.start()
    screen.open_case(refs[len(refs) // 3])
    run_until(lambda: screen.editor.ref == refs[len(refs) // 3], 60)
    second_stall = meter.stop()
    print(f"first page of the case list (500 cases)        {first_page * 1000:8.0f} ms")
    print(f"all {model.rowCount():,} cases listed, page by page        {whole * 1000:8.0f} ms")
    print(f"deadline panel filled ({screen.deadlines.model.rowCount():,} rows), from the start {panel * 1000:8.0f} ms")
    print(f"a case opened in the editor                    {open_case * 1000:8.0f} ms")
    print(f"longest GUI stall: idle {idle} ms, while listing {stall} ms ({stall / max(idle, 1):.1f}x)")
    print(
        f"longest GUI stall opening the first incident (builds its editor) {open_stall} ms, "
        f"the next one {second_stall} ms"
    )
    session.lock()
    runner.shutdown()
    window.close()
    ws.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
