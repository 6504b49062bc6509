"""Auto-lock: event filters on the application's top-level windows that notice input, and a timer that fires after
none.

Only the analyst's own input counts (keys, mouse buttons, movement, wheel, touch); a running import does not
keep the workspace open. Input from the window system reaches the top-level window (``QWindow``) of the widget
it is for before the widget, so a filter on each top-level window sees all of it. The filters are not on the
application: an application-wide filter is called for every event of every object (each paint, timer and
queued signal), over a thousand calls into Python to repaint the main window once, and each call waits for the
interpreter lock while a worker thread runs Python (a third of the window's stall when it repainted beside
busy workers).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QWindow

logger = logging.getLogger(__name__)

_INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.KeyRelease,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
        QEvent.Type.TabletPress,
        QEvent.Type.ShortcutOverride,
    }
)


class IdleWatcher(QObject):
    """Emits ``idle_timed_out`` once after ``interval_ms`` without input, while armed."""

    idle_timed_out = Signal()
    """No input for the configured time."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._timed_out)
        self._armed = False
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.focusWindowChanged.connect(self._watch)
        self._watch_all()

    def set_minutes(self, minutes: int) -> None:
        """0 switches auto-lock off."""
        self.set_interval_ms(minutes * 60_000)

    def set_interval_ms(self, interval_ms: int) -> None:
        self._timer.setInterval(max(0, interval_ms))
        self._restart()

    @property
    def interval_ms(self) -> int:
        return self._timer.interval()

    def arm(self) -> None:
        """Start counting (the workspace was opened)."""
        self._armed = True
        self._watch_all()
        self._restart()

    def disarm(self) -> None:
        self._armed = False
        self._timer.stop()

    def _restart(self) -> None:
        if self._armed and self._timer.interval() > 0:
            self._timer.start()
        else:
            self._timer.stop()

    def _timed_out(self) -> None:
        logger.info("idle time reached")
        self._armed = False
        self.idle_timed_out.emit()

    def _watch_all(self) -> None:
        """Filter every top-level window there is (installing a filter twice keeps one)."""
        for window in QGuiApplication.topLevelWindows():
            window.installEventFilter(self)

    def _watch(self, window: QWindow | None) -> None:
        """A window took the focus: dialogs and pop-up menus are new top-level windows, watched from now on."""
        if window is not None:
            window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._armed and event.type() in _INPUT_EVENTS:
            self._timer.start()
        return False

    def detach(self) -> None:
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.focusWindowChanged.disconnect(self._watch)
        for window in QGuiApplication.topLevelWindows():
            window.removeEventFilter(self)
        self._timer.stop()
