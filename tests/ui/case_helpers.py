"""Helpers of the Cases screen's tests: open the screen on a workspace, find dialogs, type times as a user does."""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDateTimeEdit, QWidget

from workbench.services.workspace import Workspace
from workbench.ui.cases.cases_screen import CasesScreen
from workbench.ui.cases.field_editors import TimeEditor

W = TypeVar("W", bound=QWidget)


def open_cases(qtbot, window, ws: Workspace) -> CasesScreen:
    """Attach the workspace, switch to the Cases screen with Ctrl+2 and wait for the list."""
    window.session.attach(ws)
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    screen = window.screens["cases"]
    assert window.pages.currentWidget() is screen
    qtbot.waitUntil(lambda: not screen.model.loading)
    return screen


def shown(kind: type[W]) -> list[W]:
    return [widget for widget in QApplication.topLevelWidgets() if isinstance(widget, kind) and widget.isVisible()]


def wait_dialog(qtbot, kind: type[W]) -> W:
    qtbot.waitUntil(lambda: bool(shown(kind)))
    return shown(kind)[0]


def type_time(qtbot, editor: TimeEditor, moment: datetime) -> None:
    """Type a local date and time into a time field, digit by digit (ticking its box first when it has one)."""
    if editor.check is not None and not editor.check.isChecked():
        qtbot.mouseClick(editor.check, Qt.MouseButton.LeftButton)
    edit = editor.edit
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_Home)
    edit.setSelectedSection(QDateTimeEdit.Section.YearSection)
    qtbot.keyClicks(edit, moment.astimezone().strftime("%Y%m%d%H%M"))
    qtbot.keyClick(edit, Qt.Key.Key_Tab)  # leaving the field finishes the edit


def click(qtbot, button: QWidget) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def choose(qtbot, combo, text: str) -> None:
    """Pick an entry of a combo box with the keyboard: focus it and type the start of the entry."""
    combo.setFocus()
    index = combo.findText(text, Qt.MatchFlag.MatchStartsWith)
    assert index >= 0, f"{text!r} is not offered"
    combo.setCurrentIndex(0)
    steps = index - combo.currentIndex()
    for _ in range(steps):
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentText().startswith(text)


def lock_and_restore(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    """Lock the window now, unlock it with the passphrase and press Restore on the offer of the kept work."""
    with qtbot.waitSignal(window.session.locked, timeout=10_000):
        window.lock_now()
    unlock_and_restore(qtbot, window)


def unlock_and_restore(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    """Unlock the locked window with the passphrase and press Restore on the offer of the kept work."""
    from tests.conftest import PASSPHRASE

    qtbot.keyClicks(window.access.dialog.passphrase, PASSPHRASE)
    with qtbot.waitSignal(window.keeper.kept_offered, timeout=10_000) as offered:
        qtbot.keyClick(window.access.dialog.passphrase, Qt.Key.Key_Return)
    box = offered.args[0]
    with qtbot.waitSignal(window.keeper.work_restored):
        click(qtbot, box.findChild(type(box.buttons()[0]), "restoreKept"))


def lock_again_while_restoring(qtbot, window, still_pending) -> None:  # type: ignore[no-untyped-def]
    """Lock, unlock and Restore, then lock again at once, before the screen has put the kept work back
    (``still_pending()`` says it has not); then unlock and Restore once more. The work must come back then too."""
    seen: list[bool] = []

    def lock_again(_count: int) -> None:
        seen.append(still_pending())
        window.lock_now()

    window.keeper.work_restored.connect(lock_again)
    try:
        lock_and_restore(qtbot, window)
    finally:
        window.keeper.work_restored.disconnect(lock_again)
    qtbot.waitUntil(lambda: not window.session.is_open and not window.keeper.keeping, timeout=20_000)
    assert seen == [True], seen  # the work was still on its way back when the workspace locked again
    unlock_and_restore(qtbot, window)
