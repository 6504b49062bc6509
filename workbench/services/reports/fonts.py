"""The Unicode fonts reports print with, registered with ReportLab once per process.

DejaVu Sans ships in ``resources/fonts`` (with its licence) so that accented Latin, Greek, Cyrillic, Hebrew and
Arabic print as written; ReportLab's built-in fonts know only Latin-1. The files are found through
``importlib.resources`` so that the wheel and the PyInstaller bundle work as the checkout does.
"""

from __future__ import annotations

import logging
import threading
from importlib import resources

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

logger = logging.getLogger(__name__)

SANS = "WorkbenchSans"
SANS_BOLD = "WorkbenchSans-Bold"
SANS_ITALIC = "WorkbenchSans-Oblique"
MONO = "WorkbenchMono"

_FILES = {
    SANS: "DejaVuSans.ttf",
    SANS_BOLD: "DejaVuSans-Bold.ttf",
    SANS_ITALIC: "DejaVuSans-Oblique.ttf",
    MONO: "DejaVuSansMono.ttf",
}
_lock = threading.Lock()
_registered = False


def register_fonts() -> None:
    """Register the fonts and the bold/italic family mapping; safe to call from any thread, any number of times."""
    global _registered
    with _lock:
        if _registered:
            return
        folder = resources.files("workbench") / "resources" / "fonts"
        for name, filename in _FILES.items():
            with resources.as_file(folder / filename) as path:
                pdfmetrics.registerFont(TTFont(name, str(path)))
        # Paragraph markup that we write ourselves (<b>, <i>) picks the right face through this mapping.
        addMapping(SANS, 0, 0, SANS)
        addMapping(SANS, 1, 0, SANS_BOLD)
        addMapping(SANS, 0, 1, SANS_ITALIC)
        addMapping(SANS, 1, 1, SANS_BOLD)
        _registered = True
        logger.debug("report fonts registered")
