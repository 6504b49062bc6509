"""Fitting the window and its parts to the screen the analyst has.

- ``start_geometry``: the size a window opens at, from the screen's available area (never beyond it).
- ``fit_to_screen``: a restored or requested geometry brought back onto the screen.
- ``HeightForWidth``: a widget whose layout holds wrapped text keeps the height that text needs at its width.
  ``QFormLayout`` and ``QStackedWidget`` give a wrapped label the height of its unwrapped hint, so a long
  passphrase hint or a message was cut off; this asks the layout for the height at the actual width instead.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, QSize
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QWidget

#: The size the window prefers when the screen has room for it.
PREFERRED_SIZE = QSize(1280, 800)


def available_area(widget: QWidget | None = None) -> QRect:
    """The available geometry (without panels and docks) of the widget's screen, or of the primary screen."""
    screen: QScreen | None = widget.screen() if widget is not None else None
    screen = screen or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, PREFERRED_SIZE.width(), 720)


def start_geometry(area: QRect, preferred: QSize = PREFERRED_SIZE) -> QRect:
    """The preferred size where the screen has room; otherwise the whole available area. Centred."""
    width = min(preferred.width(), area.width())
    height = min(preferred.height(), area.height())
    rect = QRect(0, 0, width, height)
    rect.moveCenter(area.center())
    return rect


def fit_to_screen(geometry: QRect, area: QRect) -> QRect:
    """``geometry`` shrunk to the area and moved inside it (a layout saved on a larger screen)."""
    rect = QRect(geometry)
    rect.setWidth(min(rect.width(), area.width()))
    rect.setHeight(min(rect.height(), area.height()))
    rect.moveLeft(max(area.left(), min(rect.left(), area.right() - rect.width() + 1)))
    rect.moveTop(max(area.top(), min(rect.top(), area.bottom() - rect.height() + 1)))
    return rect


def resize_within_screen(widget: QWidget, width: int, height: int) -> None:
    """Resize a dialog to ``width`` x ``height``, or less where the available screen is smaller."""
    area = available_area(widget.parentWidget() or widget)
    widget.resize(min(width, area.width()), min(height, area.height()))


class HeightForWidth(QObject):
    """Keeps ``widget``'s minimum height at what its layout needs for its current width (wrapped text whole)."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self._widget = widget
        widget.installEventFilter(self)
        self.fit()

    def fit(self) -> None:
        layout = self._widget.layout()
        if layout is None or not layout.hasHeightForWidth():
            return
        width = max(self._widget.width(), layout.minimumSize().width())
        needed = layout.totalHeightForWidth(width)
        if needed > 0 and needed != self._widget.minimumHeight():
            self._widget.setMinimumHeight(needed)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._widget and event.type() in (QEvent.Type.Resize, QEvent.Type.LayoutRequest):
            self.fit()
        return False
