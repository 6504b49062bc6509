"""A clear placeholder page for a screen whose services arrive in the next version."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QVBoxLayout, QWidget

from workbench.ui.common.screen import AppContext, Screen, ScreenSpec
from workbench.ui.common.text import plain_label


class PlaceholderScreen(Screen):
    """Names what the screen will do, and that it is not built yet."""

    def __init__(self, context: AppContext, title: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 48, 48, 48)
        heading = plain_label(title, self)
        font = QFont(heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        heading.setFont(font)
        body = plain_label(text, self, wrap=True)
        body.setMaximumWidth(720)
        note = plain_label(self.tr("This screen arrives in the next version of the workbench. Until then, the "
                                   "workbench command does the same work: see workbench --help."), self, wrap=True)
        note.setEnabled(False)
        note.setMaximumWidth(720)
        for widget in (heading, body, note):
            layout.addWidget(widget)
        layout.addStretch(1)
        layout.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.setAccessibleName(title)
        self.heading = heading


def placeholder(key: str, title: Callable[[], str], text: Callable[[], str], icon: str) -> ScreenSpec:
    """A ``ScreenSpec`` for a screen still to come; replaced by the feature's own spec when it lands."""
    return ScreenSpec(key, title, text, icon, lambda context: PlaceholderScreen(context, title(), text()))
