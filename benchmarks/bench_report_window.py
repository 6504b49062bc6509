"""The Reports screen's own costs on a large briefing: showing the preview and printing, beside rendering it.

A briefing with 5,000 indicators and 300 techniques (the size issue 6 sets) is rendered once (the reference, in
this process), then: loading its PDF from memory into ``QPdfDocument`` and drawing the first page as the preview
does; and printing every page to a PDF ``QPrinter`` at 300 dpi as the Print button does. Figures are ratios to
the rendering time, so a loaded machine can still be compared.

    QT_QPA_PLATFORM=offscreen PYTHONPATH=. python benchmarks/bench_report_window.py
"""

from __future__ import annotations

import os
import tempfile
import time
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, QSizeF
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication

from benchmarks.bench_reports import INDICATORS, TECHNIQUES, techniques
from workbench.services.reports import render, samples
from workbench.ui.reports.printing import prepare_printer, print_pdf


def main() -> None:
    app = QApplication.instance() or QApplication([])
    large = samples.briefing(indicator_count=INDICATORS, techniques=techniques(TECHNIQUES))
    start = time.perf_counter()
    rendered = render(large, report_id="RPT-BENCH", generated_at=samples.T0 + timedelta(days=5))
    reference = time.perf_counter() - start
    print(f"reference: render {INDICATORS:,} indicators, {TECHNIQUES} techniques: {reference:.2f} s, "
          f"{rendered.pages} pages, {len(rendered.pdf) / 1e6:.1f} MB")

    start = time.perf_counter()
    data = QByteArray(rendered.pdf)
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    size = document.pagePointSize(0)
    document.render(0, QSize(round(size.width() * 96 / 72), round(size.height() * 96 / 72)))
    shown = time.perf_counter() - start
    print(f"preview: load from memory and draw page 1 at 96 dpi: {shown * 1000:.0f} ms "
          f"({shown / reference:.2f}x the rendering)")

    with tempfile.TemporaryDirectory() as folder:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(Path(folder) / "printed.pdf"))
        prepare_printer(printer, rendered.pages, QSizeF(size))
        start = time.perf_counter()
        result = print_pdf(rendered.pdf, printer)
        printed = time.perf_counter() - start
    print(f"print: {len(result.pages)} pages at 300 dpi to a PDF printer: {printed:.2f} s, "
          f"{printed / len(result.pages) * 1000:.0f} ms a page ({printed / reference:.2f}x the rendering)")
    document.close()
    app.processEvents()


if __name__ == "__main__":
    main()
