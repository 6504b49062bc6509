"""Auto-lock: an application-wide event filter that notices input and a timer that fires after none.

Only the analyst's own input counts (keys, mouse buttons, movement, wheel, touch); a running import does not
keep the workspace open.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal

logger = logging.getLogger(__name__)

_INPUT_EVENTS = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease,
    QEvent.Type.MouseButtonDblClick, QEvent.Type.MouseMove, QEvent.Type.Wheel, QEvent.Type.TouchBegin,
    QEvent.Type.TouchUpdate, QEvent.Type.TabletPress, QEvent.Type.ShortcutOverride,
})


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
        app = QCoreApplication.instance()
        if app is not None:
            app.installEventFilter(self)

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

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._armed and event.type() in _INPUT_EVENTS:
            self._timer.start()
        return False

    def detach(self) -> None:
        app = QCoreApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self._timer.stop()
