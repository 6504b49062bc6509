"""Message boxes that show their text literally (messages name files and objects that came from outside)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QMessageBox, QWidget


def _box(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str, detail: str = "") -> QMessageBox:
    box = QMessageBox(icon, title, "", QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(text)
    if detail:
        box.setInformativeText(detail)
    box.setObjectName("messageBox")
    box.setAccessibleName(title)
    return box


def show_error(parent: QWidget | None, text: str, *, title: str | None = None, detail: str = "") -> QMessageBox:
    """A modal error box (opened, not waited for: the caller goes on, the analyst closes it)."""
    box = _box(
        parent, QMessageBox.Icon.Warning, title or QCoreApplication.translate("Dialogs", "Workbench"), text, detail
    )
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def ask(parent: QWidget | None, title: str, text: str, name: str, yes: Callable[[], None]) -> QMessageBox:
    """A Yes / Cancel question shown literally (opened, not waited for); ``yes`` runs when Yes is chosen."""
    box = QMessageBox(
        QMessageBox.Icon.Question, title, "", QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, parent
    )
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(text)
    box.setObjectName(name)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.accepted.connect(yes)
    box.open()
    return box


def show_info(parent: QWidget | None, text: str, *, title: str | None = None, detail: str = "") -> QMessageBox:
    box = _box(
        parent, QMessageBox.Icon.Information, title or QCoreApplication.translate("Dialogs", "Workbench"), text, detail
    )
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
