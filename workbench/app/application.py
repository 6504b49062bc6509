"""The ``QApplication`` as the workbench wants it: names, style, palette following the system, icon, translations.

Light and dark palettes follow the system's colour scheme (Qt 6.5+ reports it; where it is unknown the light one
is used) and switch while running. High-DPI scaling is Qt 6's default; fractional factors are passed through so
that 125 % and 150 % screens get crisp SVG icons instead of rounded scaling.
"""

from __future__ import annotations

import gc
import logging
import sys
from importlib import resources
from pathlib import Path

from PySide6.QtCore import (
    QCoreApplication,
    QLibraryInfo,
    QLocale,
    QMessageLogContext,
    QRectF,
    QSize,
    Qt,
    QtMsgType,
    QTranslator,
    qInstallMessageHandler,
)
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPainter, QPalette, QPen
from PySide6.QtWidgets import QApplication, QProxyStyle, QStyle, QStyleOption, QWidget

from workbench import __version__

logger = logging.getLogger(__name__)

APP_NAME = "workbench"
ORG_NAME = "workbench"


def resource_path(*parts: str) -> Path:
    """A file shipped under ``resources/`` (inside the wheel and the frozen bundle as ``workbench/resources``)."""
    return Path(str(resources.files("workbench").joinpath("resources", *parts)))


def icon(name: str) -> QIcon:
    """An SVG icon from ``resources/icons``; an empty icon when it is missing (never an error)."""
    path = resource_path("icons", f"{name}.svg")
    return QIcon(str(path)) if path.is_file() else QIcon()


def with_selected_look(source: QIcon, colour: QColor, largest: int = 64) -> QIcon:
    """``source`` with its Selected look drawn in ``colour`` (the highlighted text's): a monochrome icon drawn in
    the highlight's own blue vanished on a selected row. Pixmaps at every size up to ``largest``, since an icon
    only uses an added pixmap of the size asked for."""
    if source.isNull():
        return source
    result = QIcon()
    for size in range(16, largest + 1, 2):
        normal = source.pixmap(QSize(size, size), 1.0)
        selected = normal.copy()
        painter = QPainter(selected)
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
        painter.fillRect(selected.rect(), colour)
        painter.end()
        result.addPixmap(normal, QIcon.Mode.Normal)
        result.addPixmap(selected, QIcon.Mode.Selected)
    return result


def app_icon() -> QIcon:
    """The application icon: the packaging one (``workbench.svg``) when present, else the window's own."""
    for name in ("workbench", "workbench-app"):
        found = icon(name)
        if not found.isNull():
            return found
    return QIcon()


def dark_palette() -> QPalette:
    """A dark palette for the Fusion style, with enough contrast for long reading (WCAG AA for text)."""
    palette = QPalette()
    window, base, text = QColor("#2b2d31"), QColor("#1e1f22"), QColor("#e6e6e6")
    disabled = QColor("#8a8d93")
    for role, colour in (
        (QPalette.ColorRole.Window, window),
        (QPalette.ColorRole.WindowText, text),
        (QPalette.ColorRole.Base, base),
        (QPalette.ColorRole.AlternateBase, QColor("#26282c")),
        (QPalette.ColorRole.ToolTipBase, QColor("#3a3d42")),
        (QPalette.ColorRole.ToolTipText, text),
        (QPalette.ColorRole.PlaceholderText, disabled),
        (QPalette.ColorRole.Text, text),
        (QPalette.ColorRole.Button, QColor("#34373c")),
        (QPalette.ColorRole.ButtonText, text),
        (QPalette.ColorRole.BrightText, QColor("#ff6b6b")),
        (QPalette.ColorRole.Link, QColor("#6cb4ff")),
        (QPalette.ColorRole.Highlight, QColor("#3d7bd9")),
        (QPalette.ColorRole.HighlightedText, QColor("#ffffff")),
        (QPalette.ColorRole.Light, QColor("#45484e")),
        (QPalette.ColorRole.Midlight, QColor("#3a3d42")),
        (QPalette.ColorRole.Mid, QColor("#2f3136")),
        (QPalette.ColorRole.Dark, QColor("#17181a")),
        (QPalette.ColorRole.Shadow, QColor("#000000")),
    ):
        palette.setColor(role, colour)
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return palette


class _FusionWithVisibleBoxes(QProxyStyle):
    """Fusion, with the frame of a check box and the ring of a radio button drawn where Fusion's own would not show.

    Fusion outlines both in the window colour made darker: on the dark base an unchecked box in a list or table
    (the export wizard's types, a report's sections) vanished, a lone check box was barely there, a radio button's
    ring had 1.4:1 on the dark window and 2.1:1 on the light one, and on white a box's frame had 2.3:1. The frame
    is drawn again in a grey with at least 3:1 contrast to what is behind it (WCAG's figure for the parts of a
    control), a light grey on a dark base and a dark one on a light base.
    """

    _BOXES = (QStyle.PrimitiveElement.PE_IndicatorItemViewItemCheck, QStyle.PrimitiveElement.PE_IndicatorCheckBox)
    _RING = QStyle.PrimitiveElement.PE_IndicatorRadioButton

    def drawPrimitive(
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        super().drawPrimitive(element, option, painter, widget)
        if element not in self._BOXES and element != self._RING:
            return
        on_dark = option.palette.color(QPalette.ColorRole.Base).lightness() < 128
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, element == self._RING)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(BOX_FRAME_ON_DARK if on_dark else BOX_FRAME_ON_LIGHT, 1))
        if element == self._RING:
            painter.drawEllipse(QRectF(option.rect).adjusted(1.5, 1.5, -1.5, -1.5))
        else:
            painter.drawRect(option.rect.adjusted(0, 0, -1, -1))
        painter.restore()


#: The frame of a check box on the dark palette's base (#1e1f22): contrast 5.3:1; on white: 4.7:1.
BOX_FRAME_ON_DARK = QColor("#8f9298")
BOX_FRAME_ON_LIGHT = QColor("#737373")


def system_is_dark() -> bool:
    hints = QGuiApplication.styleHints()
    return hints is not None and hints.colorScheme() == Qt.ColorScheme.Dark


def apply_palette(app: QApplication, dark: bool | None = None) -> None:
    """Light or dark palette; ``None`` follows the system (unless the analyst chose one, ``choose_palette``)."""
    if dark is None and app.property("workbench_palette") in ("light", "dark"):
        dark = app.property("workbench_palette") == "dark"
    dark = system_is_dark() if dark is None else dark
    style = app.style()
    app.setPalette(dark_palette() if dark else style.standardPalette())
    app.setProperty("workbench_dark", dark)


def choose_palette(app: QApplication, choice: str) -> None:
    """The palette the analyst chose in Preferences: ``system``, ``light`` or ``dark``; applied at once."""
    app.setProperty("workbench_palette", choice)
    apply_palette(app, None if choice == "system" else choice == "dark")


def configure(app: QApplication) -> None:
    """Everything the window expects of the application object (also used by the tests' ``qapp``)."""
    QCoreApplication.setOrganizationName(ORG_NAME)
    QCoreApplication.setApplicationName(APP_NAME)
    QCoreApplication.setApplicationVersion(__version__)
    QGuiApplication.setApplicationDisplayName("Workbench")
    QGuiApplication.setDesktopFileName("workbench")
    if not isinstance(app.style(), _FusionWithVisibleBoxes):
        app.setStyle(_FusionWithVisibleBoxes("Fusion"))
    apply_palette(app)
    hints = QGuiApplication.styleHints()
    if hints is not None and not app.property("workbench_palette_hooked"):
        hints.colorSchemeChanged.connect(lambda _scheme: apply_palette(app))
        app.setProperty("workbench_palette_hooked", True)
    app.setWindowIcon(app_icon())
    _install_translations(app)


def _install_translations(app: QApplication) -> None:
    """Qt's own strings and the workbench's, for the system language, when a translation ships."""
    if app.property("workbench_translated"):
        return
    app.setProperty("workbench_translated", True)
    locale = QLocale.system()
    for name, folder in (
        ("qtbase", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
        ("workbench", str(resource_path("translations"))),
    ):
        translator = QTranslator(app)
        if translator.load(locale, name, "_", folder):
            app.installTranslator(translator)


# Qt messages that say nothing to an analyst (the offscreen platform cannot pass size hints to a window manager).
_QUIET_QT_MESSAGES = ("This plugin does not support propagateSizeHints()",)
_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def _qt_message(kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
    """Qt's own messages go to the ``qt`` logger (so ``-v`` shows them and nothing else clutters stderr)."""
    if message in _QUIET_QT_MESSAGES:
        return
    logging.getLogger("qt").log(_QT_LEVELS.get(kind, logging.WARNING), "%s", message)


def settle_heap() -> None:
    """Collect once, then leave every object alive now out of all later garbage collections (``gc.freeze``).

    Called once the window is built. A full collection walks every container object alive and holds the
    interpreter lock from start to end, in whichever thread it runs: with the libraries and the window loaded
    that is some 70,000 objects and 50 ms, and large results arriving from the worker process (an export plan's
    20,000 held-back objects) trigger full collections. Measured with the export wizard over 100,000 objects
    (bench_exchange_window.py), the window's longest stall was 93 to 126 ms without this and 27 to 46 ms with it.
    Frozen objects are still freed when their last reference goes; only a reference cycle among them would never
    be collected, and the modules, classes and widgets alive at start live as long as the program anyway.
    """
    gc.collect()
    gc.freeze()
    logger.debug("%d objects left out of garbage collection", gc.get_freeze_count())


def create_application(argv: list[str] | None = None) -> QApplication:
    """The one ``QApplication`` of the process, configured."""
    # The GUI thread takes the interpreter lock again at each of its calls into Python (a slot, a model's
    # multiData, an event filter), hundreds of them to repaint the window. While a task thread runs Python (a page
    # of the case list, a deadline panel), each such call waits until that thread is made to let go, which happens
    # after the switch interval. The heavy jobs run in the worker process and do not compete; the window's own
    # tasks do. Measured on the Cases screen over 2,000 incidents (bench_cases_window.py, three runs each,
    # alternated): longest stall 35 to 46 ms at 0.2 ms, 82 to 109 ms at the default 5 ms.
    sys.setswitchinterval(0.0002)
    qInstallMessageHandler(_qt_message)
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv or sys.argv[:1])
    configure(app)
    return app
