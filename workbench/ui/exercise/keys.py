"""Keys handled on the widget that has the focus (the observation text, a reason), so that Ctrl+Enter records and
Ctrl+Up/Down move between tasks wherever the window stands: also in a dialog, and before the window was activated,
when window-wide shortcuts do not fire yet."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QWidget

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class KeyActions(QObject):
    """Calls ``actions[(key, modifiers)]`` for a key pressed in ``widget`` and swallows the key."""

    def __init__(self, widget: QWidget, actions: Mapping[tuple[Qt.Key, Qt.KeyboardModifier], Callable[[], None]]):
        super().__init__(widget)
        self._actions = dict(actions)
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride) and isinstance(event, QKeyEvent):
            modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            action = self._actions.get((Qt.Key(event.key()), modifiers))
            if action is not None:
                if event.type() == QEvent.Type.KeyPress:
                    action()
                event.accept()
                return True
        return False


def ctrl_enter(widget: QWidget, action: Callable[[], None]) -> KeyActions:
    """Ctrl+Return and Ctrl+Enter (keypad) call ``action``."""
    control = Qt.KeyboardModifier.ControlModifier
    return KeyActions(widget, {(key, control): action for key in _ENTER})
