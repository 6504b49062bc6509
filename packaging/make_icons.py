"""Render resources/icons/workbench.svg into the PNG sizes desktops look for.

The PNGs are committed (resources/icons/hicolor/NxN/apps/workbench.png, the freedesktop icon-theme layout, so the
installers copy the tree as it is); run this again after changing the SVG:

    QT_QPA_PLATFORM=offscreen python packaging/make_icons.py

Qt's own SVG renderer (PySide6.QtSvg, already a dependency) draws them, so no other tool is needed.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

logger = logging.getLogger(__name__)

SIZES = (16, 24, 32, 48, 64, 128, 256)
ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"


def render(svg: Path, out_root: Path, sizes: tuple[int, ...] = SIZES) -> list[Path]:
    """Write ``out_root/NxN/apps/workbench.png`` for each size; returns the files written."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"make_icons: {svg} is not a valid SVG")
    written = []
    for size in sizes:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        target = out_root / f"{size}x{size}" / "apps" / "workbench.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(target), "PNG"):
            raise SystemExit(f"make_icons: could not write {target}")
        written.append(target)
    return written


if __name__ == "__main__":
    for path in render(ICONS / "workbench.svg", ICONS / "hicolor"):
        print(path.relative_to(ICONS.parent.parent))
