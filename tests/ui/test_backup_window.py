"""Backups from the window: File > Back up…, the reminder, and restoring from the unlock and create dialogs."""

from __future__ import annotations

import resource
import signal
from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from tests.conftest import PASSPHRASE
from workbench.domain.timestamps import utc_now
from workbench.services.backup import back_up, backup_status, inspect_backup
from workbench.services.workspace import create_workspace
from workbench.storage import audit
from workbench.ui.backup.restore_dialog import RestoreDialog
from workbench.ui.unlock.create_dialog import CreateWorkspaceDialog
from workbench.ui.unlock.unlock_dialog import UnlockDialog


def message_boxes() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


def test_back_up_from_the_file_menu_writes_a_verified_backup(qtbot, open_window, tmp_path: Path) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()
    assert open_window.backup_action.isEnabled()
    assert open_window.backup_action.shortcut().toString() == "Ctrl+Shift+B"
    open_window.backup_action.trigger()
    dialog = open_window.backups.dialog
    assert dialog is not None and dialog.isVisible()
    assert "not been backed up yet" in dialog.last.text()
    dialog.picker.folder.setText(str(stick))
    assert dialog.backup_button.isEnabled() and "Free space there" in dialog.picker.space.text()
    with qtbot.waitSignal(dialog.backup_written) as written:
        qtbot.mouseClick(dialog.backup_button, Qt.MouseButton.LeftButton)
    result = written.args[0]
    assert result.path.parent == stick and inspect_backup(result.path).manifest == result.manifest
    qtbot.waitUntil(lambda: bool(message_boxes()))
    box = message_boxes()[0]
    assert "written, read back and verified" in box.text() and result.manifest.file_sha256 in box.text()
    box.close()
    assert open_window.backups.dialog is None
    ws = open_window.session.workspace
    assert [entry.details["backup_id"] for entry in audit.entries(ws.conn, action="workspace.backup")] == [
        result.manifest.backup_id
    ]
    assert open_window.settings.value("backup/folder") == str(stick)


def test_a_separate_passphrase_must_be_typed_twice(qtbot, open_window, tmp_path: Path) -> None:
    dialog = open_window.backups.show_dialog()
    assert dialog is not None
    dialog.picker.folder.setText(str(tmp_path))
    assert not dialog.secret.isEnabled()
    dialog.separate.setChecked(True)
    assert dialog.secret.isEnabled() and not dialog.backup_button.isEnabled()
    qtbot.keyClicks(dialog.secret, "backup secret one")
    qtbot.keyClicks(dialog.repeat, "backup secret two")
    assert not dialog.backup_button.isEnabled() and dialog.message.text() == "The two backup passphrases differ."
    dialog.repeat.clear()
    qtbot.keyClicks(dialog.repeat, "backup secret one")
    assert dialog.backup_button.isEnabled()
    with qtbot.waitSignal(dialog.backup_written) as written:
        dialog.start()
    assert written.args[0].manifest.encryption == "backup-passphrase"
    assert not dialog.secret.text()  # not kept in memory once used
    for box in message_boxes():
        box.close()


def test_a_failed_backup_is_said_in_the_dialog_which_stays_open(qtbot, open_window, tmp_path: Path) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()
    dialog = open_window.backups.show_dialog()
    assert dialog is not None
    dialog.picker.folder.setText(str(stick))
    # The medium fails half-way: the kernel's file-size limit makes every write past 64 KiB fail. The synchronous
    # runner runs the backup inside start(), so the limit holds for exactly that.
    ignored = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    limit = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, limit[1]))
    try:
        dialog.start()
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, limit)
        signal.signal(signal.SIGXFSZ, ignored)
    qtbot.waitUntil(lambda: "No backup was made" in dialog.message.text())
    assert dialog.isVisible() and dialog.written is None and dialog.backup_button.isEnabled()
    assert list(stick.iterdir()) == []
    assert not list(audit.entries(open_window.session.workspace.conn, action="workspace.backup"))
    dialog.reject()


def test_the_reminder_shows_when_the_last_backup_is_older_than_the_period(qtbot, open_window, tmp_path: Path) -> None:
    controller = open_window.backups
    reminder = controller.reminder
    with qtbot.waitSignal(controller.status_read):
        controller.check()
    assert reminder.isHidden()  # a workspace made today
    controller.clock = lambda: utc_now() + timedelta(days=8)
    with qtbot.waitSignal(controller.status_read):
        controller.check()
    assert reminder.isVisible() and "never been backed up" in reminder.text.text()
    open_window.settings.backup_reminder_days = 10
    with qtbot.waitSignal(controller.status_read):
        controller.check()
    assert reminder.isHidden()
    open_window.settings.backup_reminder_days = 0  # never
    controller.clock = lambda: utc_now() + timedelta(days=4000)
    with qtbot.waitSignal(controller.status_read):
        controller.check()
    assert reminder.isHidden()

    open_window.settings.backup_reminder_days = 7
    with qtbot.waitSignal(controller.status_read):
        controller.check()
    assert reminder.isVisible()
    qtbot.mouseClick(reminder.back_up_button, Qt.MouseButton.LeftButton)
    dialog = controller.dialog
    assert dialog is not None and dialog.isVisible()
    dialog.reject()
    # A backup written now: the period counts from it.
    back_up(open_window.session.workspace, tmp_path)
    controller.clock = lambda: utc_now() + timedelta(days=6)
    with qtbot.waitSignal(controller.status_read):
        controller.check()
    assert reminder.isHidden()
    controller.clock = lambda: utc_now() + timedelta(days=8)
    with qtbot.waitSignal(controller.status_read):
        controller.check()
    assert reminder.isVisible() and "8 day(s) old" in reminder.text.text()
    reminder.findChildren(type(reminder.back_up_button))[-1].click()  # Later
    assert reminder.isHidden()
    with qtbot.waitSignal(controller.status_read):
        controller.check()
    assert reminder.isHidden(), "Later hides it until the next unlock"
    open_window.lock_now()
    assert reminder.isHidden() and controller.status is None


def test_the_backup_period_is_set_in_the_preferences(qtbot, open_window) -> None:
    dialog = open_window.show_preferences()
    assert dialog.backup_days.value() == 7
    dialog.backup_days.setValue(0)
    assert dialog.backup_days.text() == "Never"
    dialog.backup_days.setValue(14)
    with qtbot.waitSignal(open_window.backups.status_read):
        dialog.accept()
    assert open_window.settings.backup_reminder_days == 14


def _backup_on_disk(tmp_path: Path) -> Path:
    ws = create_workspace(tmp_path / "old-computer.db", PASSPHRASE, "Nordic CSIRT")
    try:
        (tmp_path / "stick").mkdir()
        return back_up(ws, tmp_path / "stick").path
    finally:
        ws.close(lock=True)


def test_restore_from_the_unlock_dialog_opens_the_restored_workspace(qtbot, window, tmp_path: Path) -> None:
    folder = _backup_on_disk(tmp_path)
    window.start(tmp_path / "old-computer.db")
    unlock = window.access.dialog
    assert isinstance(unlock, UnlockDialog)
    qtbot.mouseClick(unlock.restore_button, Qt.MouseButton.LeftButton)
    dialog = window.access.dialog
    assert isinstance(dialog, RestoreDialog) and dialog.isVisible() and not unlock.isVisible()
    assert not dialog.restore_button.isEnabled()
    dialog.set_source(folder)
    qtbot.waitUntil(lambda: dialog.info is not None)
    assert "Signature verified" in dialog.about.text() and "Nordic CSIRT" in dialog.about.text()
    key_id = dialog.info.manifest.key_id
    assert " ".join(key_id[i : i + 4] for i in range(0, 64, 4)) in dialog.about.text()
    assert dialog.secret_label.text() == "Workspace &passphrase:"
    taken = tmp_path / "old-computer.db"
    dialog.target.setText(str(taken))
    qtbot.keyClicks(dialog.secret, PASSPHRASE)
    assert not dialog.restore_button.isEnabled() and "never overwrites" in dialog.message.text()
    target = tmp_path / "new-computer" / "agency.db"  # its folder is made by the restore
    dialog.target.setText(str(target))
    assert dialog.restore_button.isEnabled()
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1)
    assert "partner channels may have moved on" in dialog.warning.text().lower()
    assert "Outbox: 0 package(s)" in dialog.mailboxes.text() and dialog.channels.rowCount() == 0
    with qtbot.waitSignal(window.session.opened):
        qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    assert window.session.info.path == target and window.settings.last_workspace == target
    assert backup_status(window.session.workspace.conn).last_backup is not None


def test_a_wrong_passphrase_or_a_changed_backup_is_said_and_nothing_is_written(qtbot, window, tmp_path: Path) -> None:
    folder = _backup_on_disk(tmp_path)
    dialog = window.access.show_restore()
    target = tmp_path / "restored.db"
    dialog.target.setText(str(target))
    dialog.set_source(folder)
    qtbot.waitUntil(lambda: dialog.info is not None)
    qtbot.keyClicks(dialog.secret, "not the passphrase")
    dialog.restore()
    qtbot.waitUntil(lambda: "Nothing was restored" in dialog.message.text())
    assert "wrong passphrase" in dialog.message.text() and dialog.isVisible() and dialog.pages.currentIndex() == 0
    assert not target.exists() and not list(tmp_path.glob(".restored.db*"))

    data = folder / "workspace.backup"
    content = bytearray(data.read_bytes())
    content[5000] ^= 0xFF
    data.write_bytes(bytes(content))
    dialog.secret.setText(PASSPHRASE)
    dialog.restore()
    qtbot.waitUntil(lambda: "SHA-256" in dialog.message.text())
    assert not target.exists() and not window.session.is_open

    (folder / "manifest.json.sig").write_bytes(b"\0" * 64)
    dialog.set_source(folder)  # chosen again
    qtbot.waitUntil(lambda: "cannot be restored" in dialog.message.text())
    assert dialog.info is None and not dialog.restore_button.isEnabled()
    dialog.reject()


def test_a_new_computer_restores_from_the_create_dialog(qtbot, window, tmp_path: Path) -> None:
    window.start()  # nothing remembered: the first-run dialog
    create = window.access.dialog
    assert isinstance(create, CreateWorkspaceDialog)
    qtbot.mouseClick(create.restore_button, Qt.MouseButton.LeftButton)
    assert isinstance(window.access.dialog, RestoreDialog) and not create.isVisible()
    window.access.dialog.reject()
