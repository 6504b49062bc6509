"""The dark palette keeps what the analyst must see visible: the box of an unchecked check-list item, and the icon of
the selected screen in the navigation. Both are rendered offscreen and measured: some pixel of the indicator (of the
icon) must differ from what is around it by a contrast ratio of at least 3:1 (WCAG 2.1, 1.4.11 non-text contrast)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
)

from workbench.app.application import choose_palette

NON_TEXT_CONTRAST = 3.0


def luminance(colour: QColor) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(colour.red()) + 0.7152 * channel(colour.green()) + 0.0722 * channel(colour.blue())


def contrast(first: QColor, second: QColor) -> float:
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def best_contrast(image: QImage, region: QRect, background: QColor) -> float:
    """The highest contrast of a pixel of ``region`` against ``background``."""
    region = region.intersected(image.rect())
    assert not region.isEmpty()
    return max(
        contrast(image.pixelColor(x, y), background)
        for x in range(region.left(), region.right() + 1)
        for y in range(region.top(), region.bottom() + 1)
    )


@pytest.fixture
def dark(app: QApplication) -> Iterator[QPalette]:
    choose_palette(app, "dark")
    try:
        yield app.palette()
    finally:
        choose_palette(app, "system")


def indicator_rect(view, index) -> QRect:
    option = QStyleOptionViewItem()
    view.initViewItemOption(option)
    option.rect = view.visualRect(index)
    option.features |= QStyleOptionViewItem.ViewItemFeature.HasCheckIndicator
    option.checkState = Qt.CheckState.Unchecked
    option.state |= QStyle.StateFlag.State_Enabled
    return view.style().subElementRect(QStyle.SubElement.SE_ItemViewItemCheckIndicator, option, view)


@pytest.mark.parametrize("kind", [QListWidget, QTableWidget])
def test_an_unchecked_item_shows_its_box_in_the_dark_palette(qtbot, dark: QPalette, kind) -> None:
    if kind is QListWidget:
        view = QListWidget()
        item = QListWidgetItem("indicator", view)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Unchecked)
        index = view.model().index(0, 0)
    else:
        view = QTableWidget(1, 1)
        cell = QTableWidgetItem("indicator")
        cell.setFlags(cell.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        cell.setCheckState(Qt.CheckState.Unchecked)
        view.setItem(0, 0, cell)
        index = view.model().index(0, 0)
    qtbot.addWidget(view)
    view.resize(240, 120)
    view.show()
    qtbot.waitExposed(view)
    view.clearSelection()
    image = view.viewport().grab().toImage()
    box = indicator_rect(view, index)
    background = dark.color(QPalette.ColorRole.Base)
    assert image.pixelColor(image.width() - 4, box.center().y()) == background  # measured against the row's own colour
    assert best_contrast(image, box, background) >= NON_TEXT_CONTRAST


def test_the_selected_screen_keeps_its_icon_in_the_dark_palette(qtbot, window, ui_workspace, dark: QPalette) -> None:
    navigation = window.navigation
    window.session.attach(ui_workspace)
    window.show()
    qtbot.waitExposed(window)
    navigation.setCurrentRow(1)
    navigation.setFocus()
    index = navigation.model().index(1, 0)
    image = navigation.viewport().grab().toImage()
    rect = navigation.visualRect(index)
    size = navigation.iconSize()
    row = image.pixelColor(rect.right() - 2, rect.center().y())  # Fusion shades the highlight a little
    assert contrast(row, navigation.palette().color(QPalette.ColorRole.Highlight)) < 1.2  # the row is drawn selected
    icon_area = QRect(rect.left(), rect.top(), size.width() + 8, rect.height())
    assert best_contrast(image, icon_area, row) >= NON_TEXT_CONTRAST
