"""The report's pages inside the window: ``QPdfDocument`` read from memory (a ``QBuffer``), shown by ``QPdfView``.

Nothing is written to disk to preview: the PDF bytes stay in this process until the analyst saves or prints.
Page navigation (buttons, a page box, Page Up/Down) and zoom (in, out, fit width, whole page) sit above the pages;
their keys work while the focus is in the preview.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, Qt, Signal
from PySide6.QtGui import QKeySequence, QResizeEvent, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QHBoxLayout,
    QSpinBox,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workbench.ui.common.text import plain_label

logger = logging.getLogger(__name__)

ZOOM_STEPS = (0.25, 0.33, 0.5, 0.67, 0.75, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 3.0, 4.0)


class PreviewPane(QWidget):
    """Shows one PDF from bytes; ``show_pdf`` replaces it, ``clear`` drops it from memory."""

    page_changed = Signal(int)
    """The page shown at the top of the view changed (1-based number)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reportPreview")
        self.document = QPdfDocument(self)
        self._data = QByteArray()
        self._buffer: QBuffer | None = None
        self.view = QPdfView(self)
        self.view.setObjectName("reportPages")
        self.view.setAccessibleName(self.tr("Report pages"))
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setDocument(self.document)
        self.view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.view.zoomFactorChanged.connect(lambda _factor: self._show_zoom())
        self.view.zoomModeChanged.connect(lambda _mode: self._show_zoom())
        self.view.pageNavigator().currentPageChanged.connect(self._page_moved)

        self.previous_button = self._button(
            "go-previous",
            self.tr("Previous page"),
            self.tr("Previous page (Page Up)"),
            QKeySequence(QKeySequence.StandardKey.MoveToPreviousPage),
            self.previous_page,
        )
        self.next_button = self._button(
            "go-next",
            self.tr("Next page"),
            self.tr("Next page (Page Down)"),
            QKeySequence(QKeySequence.StandardKey.MoveToNextPage),
            self.next_page,
        )
        self.page_box = QSpinBox(self)
        self.page_box.setObjectName("previewPage")
        self.page_box.setAccessibleName(self.tr("Page number"))
        self.page_box.setToolTip(self.tr("Type a page number and press Enter to go there"))
        self.page_box.setKeyboardTracking(False)
        self.page_box.setRange(1, 1)
        self.page_box.valueChanged.connect(lambda value: self.go_to_page(value))
        self.page_total = plain_label("", self)
        self.page_total.setObjectName("previewPageTotal")
        self.zoom_out_button = self._button(
            "zoom-out",
            self.tr("Zoom out"),
            self.tr("Zoom out (Ctrl+-)"),
            QKeySequence(QKeySequence.StandardKey.ZoomOut),
            self.zoom_out,
        )
        self.zoom_label = plain_label("", self)
        self.zoom_label.setObjectName("previewZoom")
        self.zoom_label.setMinimumWidth(self.fontMetrics().horizontalAdvance("400%") + 12)
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.zoom_label.setAccessibleName(self.tr("Zoom"))
        self.zoom_in_button = self._button(
            "zoom-in",
            self.tr("Zoom in"),
            self.tr("Zoom in (Ctrl++)"),
            QKeySequence(QKeySequence.StandardKey.ZoomIn),
            self.zoom_in,
        )
        self.fit_width_button = self._button(
            "", self.tr("Fit width"), self.tr("Fit the page width (Ctrl+0)"), QKeySequence("Ctrl+0"), self.fit_width
        )
        self.fit_page_button = self._button(
            "", self.tr("Whole page"), self.tr("Show whole pages (Ctrl+9)"), QKeySequence("Ctrl+9"), self.fit_page
        )
        for button in (self.fit_width_button, self.fit_page_button):
            button.setCheckable(True)

        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        for widget in (self.previous_button, self.page_box, self.page_total, self.next_button):
            bar.addWidget(widget)
        bar.addStretch(1)
        for widget in (
            self.zoom_out_button,
            self.zoom_label,
            self.zoom_in_button,
            self.fit_width_button,
            self.fit_page_button,
        ):
            bar.addWidget(widget)
        self.toolbar = QWidget(self)
        self.toolbar.setLayout(bar)

        self.empty = plain_label(
            self.tr(
                "No preview yet.\n\nChoose the report on the left, then press Preview "
                "(Ctrl+Return). The pages appear here; nothing is written to disk until "
                "you save or print."
            ),
            self,
            wrap=True,
        )
        self.empty.setObjectName("previewEmpty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setEnabled(False)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.view)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.stack, 1)
        self._set_enabled(False)
        self._show_zoom()

    def _button(self, icon_name: str, text: str, tip: str, shortcut: QKeySequence, slot) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setAccessibleName(text)
        button.setToolTip(tip)
        # The keys work while the focus is in the preview (Page Up/Down keep their meaning in the form's editors).
        key = QShortcut(shortcut, self)
        key.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        key.activated.connect(slot)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.clicked.connect(slot)
        if icon_name in ("go-previous", "go-next"):
            button.setArrowType(Qt.ArrowType.LeftArrow if icon_name == "go-previous" else Qt.ArrowType.RightArrow)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        elif icon_name in ("zoom-in", "zoom-out"):
            button.setText("+" if icon_name == "zoom-in" else "−")
        return button

    # -- the document ------------------------------------------------------------------------------------------

    @property
    def page_count(self) -> int:
        return self.document.pageCount() if self.document.status() == QPdfDocument.Status.Ready else 0

    @property
    def current_page(self) -> int:
        """The page at the top of the view, 1-based (0 when nothing is shown)."""
        return self.view.pageNavigator().currentPage() + 1 if self.page_count else 0

    def show_pdf(self, pdf: bytes) -> bool:
        """Show a PDF held in memory; False (and the empty page) when QtPdf cannot read it."""
        self._release()
        self._data = QByteArray(pdf)
        self._buffer = QBuffer(self._data, self)
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self._buffer)
        if self.document.status() != QPdfDocument.Status.Ready or self.document.pageCount() < 1:
            logger.warning("the preview could not read the rendered PDF: %s", self.document.error())
            self.clear()
            return False
        count = self.document.pageCount()
        self.page_box.blockSignals(True)
        self.page_box.setRange(1, count)
        self.page_box.setValue(1)
        self.page_box.blockSignals(False)
        self.page_total.setText(self.tr("of {0}").format(count))
        self.stack.setCurrentWidget(self.view)
        self._set_enabled(True)
        self.view.pageNavigator().jump(0, QPointF(), 0)
        self._page_moved(0)
        self._show_zoom()
        return True

    def clear(self) -> None:
        """Drop the PDF from memory and show the empty page."""
        self._release()
        self.page_box.blockSignals(True)
        self.page_box.setRange(1, 1)
        self.page_box.blockSignals(False)
        self.page_total.setText("")
        self.stack.setCurrentWidget(self.empty)
        self._set_enabled(False)

    def _release(self) -> None:
        self.document.close()
        if self._buffer is not None:
            self._buffer.close()
            self._buffer.deleteLater()
            self._buffer = None
        self._data = QByteArray()

    def _set_enabled(self, enabled: bool) -> None:
        for widget in (
            self.previous_button,
            self.next_button,
            self.page_box,
            self.zoom_out_button,
            self.zoom_in_button,
            self.fit_width_button,
            self.fit_page_button,
        ):
            widget.setEnabled(enabled)

    # -- navigation --------------------------------------------------------------------------------------------

    def go_to_page(self, number: int) -> None:
        """Show page ``number`` (1-based, clamped to the document)."""
        if not self.page_count:
            return
        number = min(max(number, 1), self.page_count)
        navigator = self.view.pageNavigator()
        navigator.jump(number - 1, QPointF(), navigator.currentZoom())
        self._page_moved(number - 1)

    def previous_page(self) -> None:
        self.go_to_page(self.current_page - 1)

    def next_page(self) -> None:
        self.go_to_page(self.current_page + 1)

    def _page_moved(self, index: int) -> None:
        count = self.page_count
        if not count:
            return
        self.page_box.blockSignals(True)
        self.page_box.setValue(index + 1)
        self.page_box.blockSignals(False)
        self.previous_button.setEnabled(index > 0)
        self.next_button.setEnabled(index < count - 1)
        self.page_changed.emit(index + 1)

    # -- zoom --------------------------------------------------------------------------------------------------

    def effective_zoom(self) -> float:
        """The zoom the pages are shown at (1.0: actual size), also in the fit modes, where QPdfView keeps its
        ``zoomFactor`` unchanged."""
        mode = self.view.zoomMode()
        if mode == QPdfView.ZoomMode.Custom or not self.page_count:
            return self.view.zoomFactor()
        page = self.document.pagePointSize(max(self.current_page - 1, 0))
        scale = self.view.logicalDpiX() / 72
        margins = self.view.documentMargins()
        viewport = self.view.viewport().size()
        by_width = (viewport.width() - margins.left() - margins.right()) / max(page.width() * scale, 1)
        if mode == QPdfView.ZoomMode.FitToWidth:
            return max(by_width, 0.01)
        by_height = (viewport.height() - margins.top() - margins.bottom()) / max(page.height() * scale, 1)
        return max(min(by_width, by_height), 0.01)

    def zoom_in(self) -> None:
        current = self.effective_zoom()
        self._zoom_to(next((step for step in ZOOM_STEPS if step > current + 0.001), ZOOM_STEPS[-1]))

    def zoom_out(self) -> None:
        current = self.effective_zoom()
        self._zoom_to(next((step for step in reversed(ZOOM_STEPS) if step < current - 0.001), ZOOM_STEPS[0]))

    def _zoom_to(self, factor: float) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(factor)

    def fit_width(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self._show_zoom()

    def fit_page(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitInView)
        self._show_zoom()

    def _show_zoom(self) -> None:
        mode = self.view.zoomMode()
        self.fit_width_button.setChecked(mode == QPdfView.ZoomMode.FitToWidth)
        self.fit_page_button.setChecked(mode == QPdfView.ZoomMode.FitInView)
        self.zoom_label.setText(f"{self.effective_zoom():.0%}" if self.page_count else "")

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._show_zoom()  # a fit mode's zoom follows the size of the view
