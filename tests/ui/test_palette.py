"""The palettes keep every control visible: a check box, checked or not, in a list, a table or on its own, a radio
button, and the icon of the selected screen in the navigation, each with at least 3:1 contrast to what is behind it
(WCAG's figure for the parts of a control)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
)

from workbench.app.application import apply_palette


def luminance(colour: QColor) -> float:
    """WCAG 2 relative luminance."""

    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF()) + 0.0722 * channel(colour.blueF())


def contrast(one: QColor, other: QColor) -> float:
    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def best_contrast(image: QImage, area: QRect, background: QColor) -> float:
    """The strongest contrast to ``background`` of any pixel in ``area`` of ``image`` (device pixels)."""
    ratio = image.devicePixelRatio()
    best = 1.0
    for y in range(int(area.top() * ratio), int((area.bottom() + 1) * ratio)):
        for x in range(int(area.left() * ratio), int((area.right() + 1) * ratio)):
            best = max(best, contrast(image.pixelColor(x, y), background))
    return best


@pytest.fixture
def dark(app: QApplication) -> Iterator[QApplication]:
    apply_palette(app, dark=True)
    try:
        yield app
    finally:
        apply_palette(app, dark=False)


@pytest.mark.parametrize("state", [Qt.CheckState.Unchecked, Qt.CheckState.Checked], ids=["unchecked", "checked"])
def test_a_check_box_in_a_list_shows_on_the_dark_base(qtbot, dark, state) -> None:  # type: ignore[no-untyped-def]
    view = QListWidget()
    qtbot.addWidget(view)
    item = QListWidgetItem("")  # no text: whatever contrasts in the row is the box
    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
    item.setCheckState(state)
    view.addItem(item)
    view.resize(200, 80)
    view.show()
    qtbot.waitExposed(view)
    image = view.viewport().grab().toImage()
    base = view.palette().color(view.viewport().backgroundRole())
    assert base.lightness() < 128
    assert best_contrast(image, view.visualItemRect(item), base) >= 3.0


def test_a_check_box_in_a_table_shows_on_the_dark_base(qtbot, dark) -> None:  # type: ignore[no-untyped-def]
    table = QTableWidget(1, 1)
    qtbot.addWidget(table)
    item = QTableWidgetItem("")
    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
    item.setCheckState(Qt.CheckState.Unchecked)
    table.setItem(0, 0, item)
    table.setShowGrid(False)
    table.resize(200, 80)
    table.show()
    qtbot.waitExposed(table)
    image = table.viewport().grab().toImage()
    base = table.palette().color(table.viewport().backgroundRole())
    assert best_contrast(image, table.visualItemRect(item).adjusted(1, 1, -1, -1), base) >= 3.0


def test_a_lone_check_box_shows_on_the_dark_window(qtbot, dark) -> None:  # type: ignore[no-untyped-def]
    box = QCheckBox("")
    qtbot.addWidget(box)
    box.show()
    qtbot.waitExposed(box)
    image = box.grab().toImage()
    window = box.palette().color(box.backgroundRole())
    assert best_contrast(image, box.rect(), window) >= 3.0


def test_a_check_box_shows_on_the_light_base_too(qtbot, app) -> None:  # type: ignore[no-untyped-def]
    apply_palette(app, dark=False)
    view = QListWidget()
    qtbot.addWidget(view)
    item = QListWidgetItem("")
    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
    item.setCheckState(Qt.CheckState.Unchecked)
    view.addItem(item)
    view.show()
    qtbot.waitExposed(view)
    base = view.palette().color(view.viewport().backgroundRole())
    assert base.lightness() >= 128
    assert best_contrast(view.viewport().grab().toImage(), view.visualItemRect(item), base) >= 3.0


@pytest.mark.parametrize("dark_palette", [True, False], ids=["dark", "light"])
def test_a_radio_button_shows_on_the_window(qtbot, app, dark_palette) -> None:  # type: ignore[no-untyped-def]
    apply_palette(app, dark=dark_palette)
    try:
        button = QRadioButton("")
        qtbot.addWidget(button)
        button.show()
        qtbot.waitExposed(button)
        image = button.grab().toImage()
        window = button.palette().color(button.backgroundRole())
        assert (window.lightness() < 128) is dark_palette
        assert best_contrast(image, button.rect(), window) >= 3.0
    finally:
        apply_palette(app, dark=False)


def test_the_selected_screen_keeps_its_icon_in_the_dark_palette(qtbot, window, ui_workspace, dark) -> None:  # type: ignore[no-untyped-def]
    navigation = window.navigation
    window.session.attach(ui_workspace)  # the navigation shows once a workspace is open
    window.show()
    qtbot.waitExposed(window)
    navigation.setCurrentRow(1)
    navigation.setFocus()
    image = navigation.viewport().grab().toImage()
    rect = navigation.visualRect(navigation.model().index(1, 0))
    row = image.pixelColor(rect.right() - 2, rect.center().y())  # Fusion shades the highlight a little
    assert contrast(row, navigation.palette().color(QPalette.ColorRole.Highlight)) < 1.2  # the row is drawn selected
    icon_area = QRect(rect.left(), rect.top(), navigation.iconSize().width() + 8, rect.height())
    assert best_contrast(image, icon_area, row) >= 3.0
