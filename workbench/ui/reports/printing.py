"""Printing a rendered report through ``QPrinter``: each PDF page drawn as an image at the printer's resolution.

QtPdf renders each page (``QPdfDocument.render``) at the printer's resolution, capped at ``MAX_DPI`` (an A4 page
at 1,200 dpi would be a 560 MB image; 300 dpi is what a laser printer resolves for text and the TLP labels), and
the image is drawn over the whole sheet, keeping its proportions, band by band (so that no single call into Qt
keeps the window waiting). The printer is set to the report's own page size
first, so an A4 report prints 1:1 on A4. It runs in a worker thread: ``QPdfDocument`` is created there from the
bytes, and a ``QPainter`` on a ``QPrinter`` may be used outside the GUI thread. Cancelling between pages aborts the
print job; a PDF file the printer had started is removed, so nothing half-written is left.

Copies: a printer driver that makes copies itself (CUPS) is asked for them; otherwise (PDF output) the pages are
drawn once per copy, collated.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QCoreApplication,
    QEventLoop,
    QIODevice,
    QMarginsF,
    QRectF,
    QSize,
    QSizeF,
    Qt,
    QThread,
    QTimer,
)
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument, QPdfPageRenderer
from PySide6.QtPrintSupport import QPrinter

from workbench.domain.errors import InvalidInput

logger = logging.getLogger(__name__)

MAX_DPI = 300
#: How long a page may take to render before printing gives up with a message.
RENDER_TIMEOUT_MS = 60_000
#: Rows of a page's image drawn in one call (see ``_draw_page``): at 300 dpi an A4 page is 14 bands.
BAND_ROWS = 256


@dataclass(frozen=True)
class PrintResult:
    """What was printed: the printer as the audit log names it, copies, and the pages (1-based, in order)."""

    printer: str
    copies: int
    pages: tuple[int, ...]
    total_pages: int

    @property
    def page_range(self) -> str | None:
        """``"2-3"`` or ``"1, 4"`` when not every page was printed; None for the whole report."""
        if len(self.pages) == self.total_pages:
            return None
        parts: list[str] = []
        start = previous = self.pages[0]
        for number in (*self.pages[1:], None):
            if number is not None and number == previous + 1:
                previous = number
                continue
            parts.append(str(start) if start == previous else f"{start}-{previous}")
            if number is not None:
                start = previous = number
        return ", ".join(parts)


def printer_name(printer: QPrinter) -> str:
    """The printer as the audit log names it: the queue name, or "PDF file NAME" for PDF output."""
    if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat or not printer.printerName():
        return f"PDF file {Path(printer.outputFileName()).name}" if printer.outputFileName() else "PDF file"
    return printer.printerName()


def prepare_printer(printer: QPrinter, page_count: int, page_size: QSizeF) -> None:
    """Before the print dialog: the report's page size, portrait, no margins (the report has its own), pages."""
    printer.setPageSize(QPageSize(page_size, QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.FuzzyMatch))
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    printer.setPageMargins(QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Point)
    printer.setFullPage(True)
    printer.setFromTo(1, max(1, page_count))
    printer.setPrintRange(QPrinter.PrintRange.AllPages)
    printer.setDocName("workbench report")


def chosen_pages(printer: QPrinter, page_count: int, current_page: int) -> list[int]:
    """The pages (1-based) the print dialog asked for: all, a range, or the page shown in the preview."""
    every = list(range(1, page_count + 1))
    mode = printer.printRange()
    if mode == QPrinter.PrintRange.CurrentPage:
        return [min(max(current_page, 1), page_count)]
    if mode == QPrinter.PrintRange.PageRange:
        ranges = printer.pageRanges()
        if not ranges.isEmpty():
            return [number for number in every if ranges.contains(number)]
        first, last = printer.fromPage(), printer.toPage()
        if first > 0:
            return [number for number in every if first <= number <= (last or page_count)]
    return every


def print_pdf(
    pdf: bytes,
    printer: QPrinter,
    *,
    current_page: int = 1,
    check: Callable[[], None] = lambda: None,
    progress: Callable[[int, int], None] = lambda _done, _total: None,
) -> PrintResult:
    """Print the PDF's pages the printer's settings choose; ``check`` may raise ``Cancelled`` between pages.

    Raises ``InvalidInput`` when the PDF cannot be read back or the printer cannot be started.
    """
    data = QByteArray(pdf)
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    try:
        document.load(buffer)
        if document.status() != QPdfDocument.Status.Ready or document.pageCount() < 1:
            raise InvalidInput("the report could not be read back for printing")
        pages = chosen_pages(printer, document.pageCount(), current_page)
        if not pages:
            raise InvalidInput("the chosen page range holds no page of this report")
        copies = max(1, printer.copyCount())
        runs = 1 if printer.supportsMultipleCopies() else copies
        _draw(document, printer, pages, runs, check, progress)
        return PrintResult(printer_name(printer), copies, tuple(pages), document.pageCount())
    finally:
        document.close()
        document.deleteLater()
        buffer.close()


def _draw(
    document: QPdfDocument,
    printer: QPrinter,
    pages: list[int],
    runs: int,
    check: Callable[[], None],
    progress: Callable[[int, int], None],
) -> None:
    dpi = min(printer.resolution(), MAX_DPI)
    output = printer.outputFileName() if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat else ""
    existed = bool(output) and os.path.exists(output)
    if output and not existed:
        # The printed PDF is as private as a saved report: made 0600 before Qt writes a byte into it.
        with contextlib.suppress(OSError):
            os.close(os.open(output, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    painter = QPainter()
    if not painter.begin(printer):
        raise InvalidInput(f"the printer {printer_name(printer)} could not be started")
    total, done = len(pages) * runs, 0
    images = _PageImages(document)
    try:
        for _run in range(runs):
            for number in pages:
                check()
                if done:
                    printer.newPage()
                _draw_page(images, document, painter, printer, number - 1, dpi)
                done += 1
                progress(done, total)
    except BaseException:
        printer.abort()
        painter.end()
        if output and not existed:  # a half-written PDF of ours: never leave it behind
            with contextlib.suppress(OSError):
                os.unlink(output)
        raise
    finally:
        images.close()
    if not painter.end():
        raise InvalidInput(f"the printer {printer_name(printer)} did not finish the job")
    if output and not existed:
        with contextlib.suppress(OSError):
            os.chmod(output, 0o600)
    logger.info("printed %d pages", done)


class _PageImages:
    """Pages of a document rendered as images at a given size.

    In a worker thread they are rendered by ``QPdfPageRenderer`` in Qt's own thread while this one waits in an
    event loop, without the interpreter lock: ``QPdfDocument.render`` is one call into Qt that keeps the lock for
    its whole run (55 ms for an A4 page at 300 dpi), and the window waits that long. In the GUI thread (the tests'
    synchronous task runner) a nested event loop would let the window's events in mid-print, so they are rendered
    there directly.
    """

    def __init__(self, document: QPdfDocument) -> None:
        self._document = document
        self._renderer: QPdfPageRenderer | None = None
        app = QCoreApplication.instance()
        if app is not None and QThread.currentThread() is not app.thread():
            self._renderer = QPdfPageRenderer()
            self._renderer.setRenderMode(QPdfPageRenderer.RenderMode.MultiThreaded)
            self._renderer.setDocument(document)

    def render(self, index: int, size: QSize) -> QImage:
        if self._renderer is None:
            return self._document.render(index, size)
        images: list[QImage] = []
        loop = QEventLoop()
        timeout = QTimer()
        timeout.setSingleShot(True)
        timeout.timeout.connect(loop.quit)
        self._renderer.pageRendered.connect(
            lambda _page, _size, image, _options, _request: (images.append(image), loop.quit())
        )
        self._renderer.requestPage(index, size)
        timeout.start(RENDER_TIMEOUT_MS)
        loop.exec()  # the page arrives as a queued signal: only this thread's events are handled meanwhile
        timeout.stop()
        self._renderer.pageRendered.disconnect()
        return images[0] if images else QImage()

    def close(self) -> None:
        if self._renderer is not None:
            self._renderer.setDocument(None)
            self._renderer.deleteLater()
            self._renderer = None


def _draw_page(
    images: _PageImages, document: QPdfDocument, painter: QPainter, printer: QPrinter, index: int, dpi: int
) -> None:
    """Draw one page over the sheet, its image in bands of ``BAND_ROWS`` rows drawn one after the other.

    PySide keeps the interpreter lock through a call into Qt, in a worker thread too, and the window waits that
    long: drawing a whole A4 page at 300 dpi on the printer (Qt's PDF engine compresses the image there) held it
    for 225 ms, a band takes 5 to 20 ms. The bands tile the page exactly. (The page is rendered whole: QtPdf's
    clipped rendering does not give the same pixels band by band.)
    """
    points = document.pagePointSize(index)
    image = images.render(
        index, QSize(max(1, round(points.width() * dpi / 72)), max(1, round(points.height() * dpi / 72)))
    )
    if image.isNull():
        raise InvalidInput(f"page {index + 1} of the report could not be drawn")
    sheet = printer.paperRect(QPrinter.Unit.DevicePixel)
    scale = min(sheet.width() / image.width(), sheet.height() / image.height())
    left = sheet.x() + (sheet.width() - image.width() * scale) / 2
    top = sheet.y() + (sheet.height() - image.height() * scale) / 2
    for first in range(0, image.height(), BAND_ROWS):
        rows = min(BAND_ROWS, image.height() - first)
        band = image.copy(0, first, image.width(), rows)
        if band.hasAlphaChannel():
            # QtPdf leaves the paper transparent; on white and without an alpha channel, Qt's PDF engine (which
            # also feeds CUPS) has no soft mask to compress: a quarter faster and smaller.
            opaque = QImage(band.size(), QImage.Format.Format_RGB32)
            opaque.fill(Qt.GlobalColor.white)
            onto = QPainter(opaque)
            onto.drawImage(0, 0, band)
            onto.end()
            band = opaque
        painter.drawImage(QRectF(left, top + first * scale, image.width() * scale, rows * scale), band)
