"""Text from imported objects is untrusted: it is shown as plain text everywhere, never as auto-detected rich text.

``QLabel``, ``QMessageBox`` and tool tips guess "rich text" from the first tag they see; a description holding
``<img src=...>`` would then fetch and draw an image. These helpers fix the format to plain text, and escape what
must go through a rich-text-only channel (tool tips).
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget


def plain_label(
    text: str = "", parent: QWidget | None = None, *, wrap: bool = False, selectable: bool = False
) -> QLabel:
    """A ``QLabel`` that shows its text literally."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    label.setWordWrap(wrap)
    if selectable:
        label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
    return label


def tooltip_text(text: str, limit: int = 600) -> str:
    """A tool tip showing ``text`` literally (tool tips are rich text when they look like it): escaped, shortened."""
    if len(text) > limit:
        text = text[:limit] + "…"
    return "<p style='white-space:pre-wrap'>" + html.escape(text) + "</p>"


def one_line(text: str, limit: int = 200) -> str:
    """The text on one line for a table cell: line breaks as spaces, shortened."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
