"""Creating, locking and unlocking a workspace through the dialogs, with clicks and keys."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from tests.conftest import PASSPHRASE
from workbench.services import keys
from workbench.services.workspace import create_workspace
from workbench.ui.unlock.create_dialog import CreateWorkspaceDialog
from workbench.ui.unlock.unlock_dialog import UnlockDialog


def test_first_run_creates_a_workspace_and_shows_its_fingerprint(qtbot, window, tmp_path: Path) -> None:
    target = tmp_path / "new" / "agency.db"
    window.start()  # no workspace remembered: the create dialog opens
    dialog = window.access.dialog
    assert isinstance(dialog, CreateWorkspaceDialog)
    dialog.path_edit.clear()
    qtbot.keyClicks(dialog.path_edit, str(target))
    qtbot.keyClicks(dialog.org, "Nordic CSIRT")
    qtbot.keyClicks(dialog.secret, "abc")
    assert "weak" in dialog.strength_label.text()
    assert not dialog.create_button.isEnabled()
    dialog.secret.clear()
    qtbot.keyClicks(dialog.secret, PASSPHRASE)
    qtbot.keyClicks(dialog.repeat, PASSPHRASE + "x")
    assert dialog.match_label.text() == "The two passphrases differ."
    assert not dialog.create_button.isEnabled()
    qtbot.keyClick(dialog.repeat, Qt.Key.Key_Backspace)
    assert dialog.create_button.isEnabled()
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1)
    shown = dialog.fingerprint_label.text().replace(" ", "")
    assert len(shown) == 64 and shown == dialog.fingerprint
    # The public key for partners, from the first-run page: written to a folder and read back.
    stick = tmp_path / "stick"
    stick.mkdir()
    exporter = dialog.export_key()
    exporter.picker.folder.setText(str(stick))
    with qtbot.waitSignal(exporter.key_exported, timeout=10_000):
        qtbot.mouseClick(exporter.export_button, Qt.MouseButton.LeftButton)
    pem = (stick / "nordic-csirt.pub.pem").read_bytes()
    assert keys.fingerprint(keys.load_public_pem(pem)) == dialog.fingerprint
    exporter.reject()
    with qtbot.waitSignal(window.session.opened):
        qtbot.mouseClick(dialog.continue_button, Qt.MouseButton.LeftButton)
    assert target.exists() and oct(target.stat().st_mode & 0o777) == "0o600"
    assert window.session.info.org_name == "Nordic CSIRT"
    assert window.settings.last_workspace == target
    assert window.central.currentIndex() == 1
    assert "Nordic CSIRT" in window.windowTitle()


def test_an_existing_file_is_refused_with_a_message(qtbot, window, tmp_path: Path) -> None:
    taken = tmp_path / "taken.db"
    taken.write_bytes(b"x")
    dialog = window.access.show_create()
    dialog.path_edit.setText(str(taken))
    dialog.org.setText("Org")
    dialog.secret.setText(PASSPHRASE)
    dialog.repeat.setText(PASSPHRASE)
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert dialog.error.isVisible() and "already exists" in dialog.error.text()
    assert taken.read_bytes() == b"x"


def _workspace_on_disk(tmp_path: Path) -> Path:
    path = tmp_path / "disk.db"
    create_workspace(path, PASSPHRASE, "Disk Org").close(lock=True)
    return path


def _type_into_focus(dialog, text: str) -> None:
    """Type as the window system delivers keys: to whichever widget of the dialog has the focus."""
    for char in text:
        QTest.keyClick(dialog.windowHandle(), char)


def test_wrong_passphrase_is_a_message_then_the_right_one_typed_and_enter_unlocks(
    qtbot, window, tmp_path: Path
) -> None:
    path = _workspace_on_disk(tmp_path)
    window.start(path)
    dialog = window.access.dialog
    assert isinstance(dialog, UnlockDialog)
    assert str(path) in dialog.path_label.text()
    qtbot.waitUntil(lambda: dialog.windowHandle() is not None and dialog.windowHandle().isActive())
    for attempt in ("not the passphrase", "still not it"):
        _type_into_focus(dialog, attempt)
        QTest.keyClick(dialog.windowHandle(), Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: dialog.error.isVisible() and dialog.passphrase.isEnabled())
        assert dialog.error.text() == "Wrong passphrase. Check Caps Lock and try again."
        assert dialog.isVisible() and not window.session.is_open
        # The field keeps the focus with its text selected: typing replaces it, a space is a space.
        assert QApplication.focusWidget() is dialog.passphrase
        assert dialog.passphrase.selectedText() == attempt
    _type_into_focus(dialog, PASSPHRASE)  # holds spaces: they must not press Cancel
    assert dialog.passphrase.text() == PASSPHRASE and dialog.isVisible()
    with qtbot.waitSignal(window.session.opened, timeout=10_000):
        QTest.keyClick(dialog.windowHandle(), Qt.Key.Key_Return)
    assert window.session.info.org_name == "Disk Org"
    assert window.settings.last_workspace == path


def test_enter_means_unlock_even_with_a_button_focused(qtbot, window, tmp_path: Path) -> None:
    path = _workspace_on_disk(tmp_path)
    dialog = window.access.show_unlock(path)
    dialog.passphrase.setText(PASSPHRASE)
    dialog.cancel_button.setFocus()
    with qtbot.waitSignal(window.session.opened, timeout=10_000):
        qtbot.keyClick(dialog.cancel_button, Qt.Key.Key_Return)


def test_a_file_that_is_not_a_workspace_is_a_message(qtbot, window, tmp_path: Path) -> None:
    bogus = tmp_path / "notes.txt"
    bogus.write_text("hello")
    dialog = window.access.show_unlock(bogus)
    qtbot.keyClicks(dialog.passphrase, PASSPHRASE)
    qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.error.isVisible())
    assert "not a workspace" in dialog.error.text()


def test_lock_now_drops_the_data_and_the_key(qtbot, open_window) -> None:
    window = open_window
    library = window.screens["library"]
    library.show_object(library.model.object_id(0))
    qtbot.waitUntil(lambda: library.detail.current is not None)
    workspace = window.session.workspace
    key = workspace.db.key
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert not window.session.is_open
    assert library.model.rowCount() == 0 and library.detail.current is None
    assert library.detail.properties.toPlainText() == ""
    assert window.screens["audit"].model.rowCount() == 0
    assert not any(key._key)  # the raw key is wiped
    assert window.central.currentIndex() == 0
    assert isinstance(window.access.dialog, UnlockDialog)
    assert window.windowTitle() == "Workbench (locked)"


def test_unlocking_after_lock_shows_the_data_again(qtbot, window, tmp_path: Path) -> None:
    path = _workspace_on_disk(tmp_path)
    window.start(path)
    dialog = window.access.dialog
    qtbot.keyClicks(dialog.passphrase, PASSPHRASE)
    with qtbot.waitSignal(window.session.opened, timeout=10_000):
        qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    window.lock_now()
    dialog = window.access.dialog
    assert isinstance(dialog, UnlockDialog) and dialog.path == path
    qtbot.keyClicks(dialog.passphrase, PASSPHRASE)
    with qtbot.waitSignal(window.session.opened, timeout=10_000):
        qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    library = window.screens["library"]
    qtbot.waitUntil(lambda: library.model.rowCount() > 0)


def test_idle_time_locks_the_workspace(qtbot, open_window) -> None:
    window = open_window
    window.idle.set_interval_ms(150)
    window.idle.arm()
    with qtbot.waitSignal(window.session.locked, timeout=5000):
        pass
    assert window.screens["library"].model.rowCount() == 0
    assert isinstance(window.access.dialog, UnlockDialog)


def test_input_postpones_auto_lock(qtbot, open_window) -> None:
    window = open_window
    timer = window.idle._timer
    window.idle.set_interval_ms(600)
    window.idle.arm()
    qtbot.waitUntil(lambda: 0 <= timer.remainingTime() < 300)
    # Through the top-level window, as the window system delivers a key press (qtbot.keyClick on a widget would
    # hand the event to the widget directly).
    window.activateWindow()
    table = window.screens["library"].table
    table.setFocus()
    QTest.keyClick(window.windowHandle(), Qt.Key.Key_Down)
    assert timer.remainingTime() > 450  # the key press started the count again
    assert table.currentIndex().row() >= 0  # and it reached the table
    qtbot.waitUntil(lambda: 0 <= timer.remainingTime() < 300)
    QTest.mouseMove(window.windowHandle(), QPoint(40, 40))
    QTest.mouseMove(window.windowHandle(), QPoint(60, 50))
    assert timer.remainingTime() > 450  # so did moving the mouse
    dialog = window.show_preferences()  # a window of its own, watched once it has the focus
    qtbot.waitUntil(lambda: dialog.windowHandle() is not None and dialog.windowHandle().isActive())
    qtbot.waitUntil(lambda: 0 <= timer.remainingTime() < 300)
    QTest.keyClick(dialog.windowHandle(), Qt.Key.Key_Tab)
    assert timer.remainingTime() > 450
    dialog.reject()
    assert window.session.is_open
    with qtbot.waitSignal(window.session.locked, timeout=5000):
        pass


def test_auto_lock_minutes_come_from_the_preferences(qtbot, window) -> None:
    dialog = window.show_preferences()
    dialog.auto_lock.setValue(7)
    dialog.accept()
    assert window.settings.auto_lock_minutes == 7
    assert window.idle.interval_ms == 7 * 60_000


def test_a_weak_passphrase_needs_an_explicit_yes_and_its_hint_is_shown_whole(qtbot, window, tmp_path: Path) -> None:
    dialog = window.access.show_create()
    qtbot.waitUntil(dialog.isVisible)
    dialog.path_edit.setText(str(tmp_path / "weak.db"))
    qtbot.keyClicks(dialog.org, "Nordic CSIRT")
    qtbot.keyClicks(dialog.secret, "hunter22hunter22")
    qtbot.keyClicks(dialog.repeat, "hunter22hunter22")
    assert dialog.match_label.text() == "The passphrases match."
    assert dialog.weak_check.isVisible() and not dialog.weak_check.isChecked()
    assert not dialog.create_button.isEnabled()  # matching is not enough for a weak one
    qtbot.waitUntil(lambda: not _cut(dialog.strength_label))
    hint = dialog.strength_label
    assert "weak" in hint.text() and len(hint.text()) > 150  # zxcvbn's advice runs over several lines
    below = dialog.weak_check.geometry()
    assert hint.geometry().bottom() < below.top()  # nothing drawn over the advice
    dialog.weak_check.click()
    assert dialog.create_button.isEnabled()
    qtbot.keyClick(dialog.secret, Qt.Key.Key_Backspace)  # another passphrase: the yes was for the old one
    assert not dialog.weak_check.isChecked()
    dialog.secret.setText(PASSPHRASE)
    dialog.repeat.setText(PASSPHRASE)
    assert not dialog.weak_check.isVisible() and dialog.create_button.isEnabled()


def _cut(label) -> bool:
    return label.height() < label.heightForWidth(label.width())


def test_the_default_workspace_path_names_the_program_once() -> None:
    from workbench.ui.unlock.create_dialog import default_workspace_path

    path = default_workspace_path()
    assert path.name == "workspace.db" and path.parent.name == "workbench"
    assert path.parent.parent.name != "workbench"


def test_before_any_workspace_exists_the_window_does_not_say_locked(qtbot, window, tmp_path: Path) -> None:
    assert window.settings.last_workspace is None
    assert window.locked_heading.text() == "No workspace yet"
    assert "locked" not in window.windowTitle().lower()
    assert window.unlock_button.text().replace("&", "") == "Open a workspace…"
    path = _workspace_on_disk(tmp_path)
    window.settings.last_workspace = path
    window._show_locked()
    assert window.locked_heading.text() == "Workspace locked"


def test_preferences_choose_the_palette_and_the_export_defaults(qtbot, window, app) -> None:
    from workbench.app.application import choose_palette
    from workbench.ui.exchange.export_wizard import ExportWizard

    dialog = window.show_preferences()
    assert dialog.palette_box.currentData() == "system"
    assert not dialog.export_history.isChecked() and not dialog.export_sanitize.isChecked()
    dialog.palette_box.setCurrentIndex(dialog.palette_box.findData("dark"))
    dialog.export_sanitize.setChecked(True)
    try:
        dialog.accept()
        assert window.settings.palette == "dark" and app.property("workbench_dark") is True
        assert window.settings.export_default("sanitize") and not window.settings.export_default("history")
        wizard = ExportWizard(window.session, window.settings, window.screens["exchange"].media, parent=window)
        assert wizard.options_page.sanitize.isChecked() and not wizard.options_page.history.isChecked()
        wizard.deleteLater()
    finally:
        choose_palette(app, "system")
    assert app.property("workbench_palette") == "system"
