"""A layout that places its widgets in a row and wraps them onto further rows when the width runs out (a filter
bar on a narrow window), after the Flow Layout of Qt's examples; Qt has no such layout of its own.

Items keep their size hints (one marked with ``stretch`` also takes the row's spare width); the layout's height
follows its width (``heightForWidth``), so the widgets below move down instead of being overlapped.
"""

from __future__ import annotations

from PySide6.QtCore import QMargins, QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QWidget, QWidgetItem


class FlowLayout(QLayout):
    def __init__(self, parent: QWidget | None = None, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._stretch: set[int] = set()  # ids of items that take a row's spare width
        self._spacing = spacing
        self.setContentsMargins(QMargins(0, 0, 0, 0))

    def add_widget(self, widget: QWidget, *, stretch: bool = False) -> None:
        self.addChildWidget(widget)
        item = QWidgetItem(widget)
        self._items.append(item)
        if stretch:
            self._stretch.add(id(item))
        self.invalidate()

    # -- QLayout -----------------------------------------------------------------------------------------------

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        if not 0 <= index < len(self._items):
            return None
        item = self._items.pop(index)
        self._stretch.discard(id(item))
        return item

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation.Horizontal

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:
        width = sum(item.sizeHint().width() for item in self._visible()) + self._spacing * max(
            0, len(self._visible()) - 1
        )
        height = max((item.sizeHint().height() for item in self._visible()), default=0)
        margins = self.contentsMargins()
        return QSize(width + margins.left() + margins.right(), height + margins.top() + margins.bottom())

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._visible():
            size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    # -- placing -----------------------------------------------------------------------------------------------

    def _visible(self) -> list[QLayoutItem]:
        return [item for item in self._items if not item.isEmpty()]

    def _gap(self, _item: QLayoutItem) -> int:
        return self._spacing

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        """Lay the items out in rows within ``rect`` (only measuring unless ``move``); returns the height used."""
        margins = self.contentsMargins()
        area = rect.marginsRemoved(margins)
        rows: list[list[QLayoutItem]] = [[]]
        used = 0
        for item in self._visible():
            width = min(item.sizeHint().width(), area.width())
            gap = self._gap(item) if rows[-1] else 0
            if rows[-1] and used + gap + width > area.width():
                rows.append([])
                used, gap = 0, 0
            rows[-1].append(item)
            used += gap + width
        y = area.y()
        for row in rows:
            if not row:
                continue
            widths = [min(item.sizeHint().width(), area.width()) for item in row]
            gaps = [self._gap(item) for item in row[1:]]
            spare = area.width() - sum(widths) - sum(gaps)
            growing = [index for index, item in enumerate(row) if id(item) in self._stretch]
            if spare > 0 and growing:
                for index in growing:
                    widths[index] += spare // len(growing)
            height = max(item.sizeHint().height() for item in row)
            x = area.x()
            for index, item in enumerate(row):
                if move:
                    item.setGeometry(QRect(QPoint(x, y), QSize(widths[index], height)))
                x += widths[index] + (gaps[index] if index < len(gaps) else 0)
            y += height + self._spacing
        return y - self._spacing - rect.y() + margins.bottom() if y > area.y() else margins.top() + margins.bottom()
