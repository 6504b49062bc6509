"""The Reports screen's own costs on a large briefing: building the preview, showing it and printing it, with the
GUI thread's longest stall during each (target: under 100 ms).

A briefing with 5,000 indicators and 300 techniques (the size the briefing is built for) is rendered once straight in
this process (the reference). Then, as the Reports screen does it: rendering it again as a task in the long-work lane
with a progress dialog open; loading its PDF from memory into ``QPdfDocument`` and drawing the first page as the preview
does (in the GUI thread); and printing every page to a PDF ``QPrinter`` at 300 dpi as a task, as the Print button does.
A 5 ms timer on the GUI thread notes the longest gap between two ticks (the idle window is the reference for that).
Times are also given as ratios to the rendering time, so a loaded machine can be compared.

    QT_QPA_PLATFORM=offscreen PYTHONPATH=. python benchmarks/bench_report_window.py [--pages N] [--trace-stalls PATH]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, QSizeF
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QWidget

from benchmarks.bench_gui_stall import StallMeter, run_until, trace_file
from benchmarks.bench_reports import INDICATORS, TECHNIQUES, techniques
from workbench.app.application import create_application, settle_heap
from workbench.app.tasks import Lane, TaskRunner
from workbench.services.reports import render, samples
from workbench.ui.common.progress import TaskProgressDialog
from workbench.ui.reports.printing import prepare_printer, print_pdf


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=0, help="print only the first N pages (default: all)")
    parser.add_argument(
        "--trace-stalls", metavar="PATH", help="write every thread's stack to PATH at each GUI stall over 60 ms"
    )
    args = parser.parse_args()
    app = create_application()
    window = QWidget()
    window.resize(900, 700)
    window.show()
    runner = TaskRunner(app)
    settle_heap()  # as run_gui does
    meter = StallMeter(trace_file(args.trace_stalls))
    meter.start()
    idle_until = time.monotonic() + 2
    run_until(lambda: time.monotonic() > idle_until, 10)
    idle = meter.stop()

    large = samples.briefing(indicator_count=INDICATORS, techniques=techniques(TECHNIQUES))
    generated = samples.T0 + timedelta(days=5)
    start = time.perf_counter()
    rendered = render(large, report_id="RPT-BENCH", generated_at=generated)
    reference = time.perf_counter() - start
    print(
        f"reference: render {INDICATORS:,} indicators, {TECHNIQUES} techniques: {reference:.2f} s, "
        f"{rendered.pages} pages, {len(rendered.pdf) / 1e6:.1f} MB; GUI thread idle: longest stall {idle} ms"
    )

    def as_task(name: str, work) -> tuple[float, int]:
        meter.start()
        started = time.perf_counter()
        task = runner.run(name, work, lane=Lane.LONG)
        dialog = TaskProgressDialog(task, name, window)
        dialog.open()
        run_until(lambda: task.done, 3600)
        seconds = time.perf_counter() - started
        if task.outcome != "succeeded":
            raise SystemExit(f"{name}: {task.outcome} {task.result}")
        return seconds, meter.stop()

    seconds, stall = as_task(
        "Building the preview",
        lambda control: render(
            large, report_id="RPT-BENCH", generated_at=generated, progress=lambda page: control.progress(page)
        ),
    )
    print(
        f"preview built as a task: {seconds:.2f} s ({seconds / reference:.2f}x the rendering), longest stall {stall} ms"
    )

    meter.start()
    start = time.perf_counter()
    data = QByteArray(rendered.pdf)
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    size = document.pagePointSize(0)
    document.render(0, QSize(round(size.width() * 96 / 72), round(size.height() * 96 / 72)))
    shown = time.perf_counter() - start
    stall = meter.stop()
    print(
        f"preview: load from memory and draw page 1 at 96 dpi: {shown * 1000:.0f} ms "
        f"({shown / reference:.2f}x the rendering), longest stall {stall} ms"
    )

    with tempfile.TemporaryDirectory() as folder:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(Path(folder) / "printed.pdf"))
        prepare_printer(printer, rendered.pages, QSizeF(size))
        if args.pages:
            printer.setPrintRange(QPrinter.PrintRange.PageRange)
            printer.setFromTo(1, min(args.pages, rendered.pages))
        pages = printer.toPage() - printer.fromPage() + 1 if args.pages else rendered.pages
        printed, stall = as_task(
            "Printing",
            lambda control: print_pdf(
                rendered.pdf, printer, check=control.check, progress=lambda done, total: control.progress(done, total)
            ),
        )
    print(
        f"print: {pages} pages at 300 dpi to a PDF printer: {printed:.2f} s, "
        f"{printed / pages * 1000:.0f} ms a page ({printed / reference:.2f}x the rendering), "
        f"longest stall {stall} ms"
    )
    document.close()
    runner.shutdown()
    window.close()
    app.processEvents()


if __name__ == "__main__":
    main()
