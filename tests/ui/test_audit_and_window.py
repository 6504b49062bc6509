"""The audit screen and what users expect of the main window: screens, shortcuts, names, layout, About."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QComboBox, QHeaderView, QLineEdit

from tests.conftest import REPO
from tests.ui.conftest import make_window
from workbench.storage.database import Database
from workbench.ui.about.about_dialog import COMPONENTS
from workbench.ui.main_window import MainWindow
from workbench.ui.unlock.create_dialog import CreateWorkspaceDialog
from workbench.ui.unlock.unlock_dialog import UnlockDialog


def test_verify_chain_reports_an_intact_log(qtbot, open_window) -> None:
    audit = open_window.show_screen("audit")
    qtbot.waitUntil(lambda: audit.model.rowCount() == 3)
    assert [audit.model.index(r, 2).data() for r in range(3)] == ["import", "import", "workspace.init"]
    qtbot.mouseClick(audit.verify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: audit.last_report is not None)
    assert audit.verdict.text() == "✔ Chain intact: all 3 entries verify."


def test_verify_chain_names_an_edited_entry(qtbot, open_window) -> None:
    ws = open_window.session.workspace
    other = Database.open_with_key(ws.path, ws.db.key)  # someone edits the file behind the program's back
    other.conn.execute("DROP TRIGGER audit_log_no_update")
    other.conn.execute('UPDATE audit_log SET details = \'{"source": "forged"}\' WHERE seq = 2')
    other.close()
    audit = open_window.show_screen("audit")
    audit.verify()
    qtbot.waitUntil(lambda: audit.last_report is not None)
    assert audit.verdict.text().startswith("✘ Chain broken at entry 2")
    row = audit.model.row_of_seq(2)
    assert audit.model.index(row, 0).data(Qt.ItemDataRole.BackgroundRole) is not None


def test_a_log_that_cannot_be_read_is_said_so(qtbot, open_window) -> None:
    ws = open_window.session.workspace
    other = Database.open_with_key(ws.path, ws.db.key)  # the table is damaged behind the program's back
    other.conn.execute("ALTER TABLE audit_log RENAME TO audit_log_gone")
    other.close()
    audit = open_window.show_screen("audit")
    audit.model.reload()
    qtbot.waitUntil(lambda: audit.verdict.isVisible() and "could not be read" in audit.verdict.text())
    assert audit.model.rowCount() == 0 and not audit.model.canFetchMore()


def test_audit_filter_by_action(qtbot, open_window) -> None:
    audit = open_window.show_screen("audit")
    qtbot.waitUntil(lambda: audit.action_box.count() == 3)
    audit.action_box.setCurrentIndex(audit.action_box.findData("workspace.init"))
    qtbot.waitUntil(lambda: audit.model.rowCount() == 1)
    assert audit.model.index(0, 2).data() == "workspace.init"


def test_every_screen_is_reachable_by_keyboard(qtbot, open_window) -> None:
    window = open_window
    titles = []
    for number in range(1, len(window._keys) + 1):
        qtbot.keyClick(window, Qt.Key(Qt.Key.Key_0 + number), Qt.KeyboardModifier.ControlModifier)
        titles.append(window.navigation.currentItem().text())
        assert window.pages.currentWidget() is window.screens[window._keys[number - 1]]
    assert titles == ["Library", "Cases", "Exercise", "Exchange", "Partners", "Reports", "Audit"]
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.pages.currentWidget() is window.screens["library"]
    assert window.screens["library"].filters.search.hasFocus() or not window.isActiveWindow()


def test_interactive_widgets_have_names_and_tips(open_window) -> None:
    missing = []
    widgets = [
        w for kind in (QAbstractButton, QLineEdit, QComboBox, QAbstractItemView) for w in open_window.findChildren(kind)
    ]
    for widget in widgets:
        if (
            not widget.isVisibleTo(open_window)
            or widget.objectName().startswith("qt_")
            or isinstance(widget, QHeaderView)
        ):  # Qt's own parts of a spin box or a table
            continue
        named = widget.accessibleName() or (isinstance(widget, QAbstractButton) and widget.text())
        if not named:
            missing.append(f"{type(widget).__name__} {widget.objectName()}")
    assert missing == []
    for action in open_window.actions():
        if action.text() and action.shortcut().toString():
            assert action.toolTip(), action.text()


def test_menus_carry_the_standard_shortcuts(open_window) -> None:
    shortcuts = {action.text().replace("&", ""): action.shortcut().toString() for action in open_window.actions()}
    assert shortcuts["Lock"] == "Ctrl+L"
    assert shortcuts["Quit"] == "Ctrl+Q"
    assert shortcuts["Find in library"] == "Ctrl+F"
    assert shortcuts["Import STIX files…"] == "Ctrl+I"


def test_about_box_names_the_version_and_licences(qtbot, window) -> None:
    from workbench import __version__

    about = window.show_about()
    assert about.findChild(type(window.identity_label), "aboutTitle").text() == f"Workbench {__version__}"
    model = about.licences.model()
    rows = {model.index(r, 0).data(): model.index(r, 3).data() for r in range(model.rowCount())}
    assert rows["PySide6"].startswith("LGPL-3.0")
    assert rows["sqlcipher3"] and rows["cryptography"] and rows["zxcvbn"] == "MIT"
    about.close()


def test_window_layout_is_remembered(qtbot, session, settings) -> None:
    first = make_window(qtbot, session, settings)
    first.resize(760, 560)  # within the offscreen screen (800 x 600), which restoreGeometry respects
    first.screens["library"].splitter.setSizes([300, 700])
    first.show_screen("audit")
    size = first.size()
    first.close()
    assert "workspace" not in str(settings.store.allKeys()).lower() or settings.last_workspace is None
    second = MainWindow(session, settings)
    qtbot.addWidget(second)
    second.show()
    assert second.navigation.currentItem().text() == "Audit"
    assert second.size() == size
    saved = settings.layout("library/splitter")
    assert saved is not None
    assert second.screens["library"].splitter.saveState() == saved


def test_settings_hold_nothing_secret(qtbot, window, settings, tmp_path: Path) -> None:
    """A passphrase typed to create a workspace and typed again to unlock it reaches no file, nor does the key
    derived from it; the settings do remember the workspace."""
    secret = "Quayside-heron 7 lantern moss"
    target = tmp_path / "agency.db"
    window.start()  # first run: the create dialog
    create = window.access.dialog
    assert isinstance(create, CreateWorkspaceDialog)
    create.path_edit.clear()
    qtbot.keyClicks(create.path_edit, str(target))
    qtbot.keyClicks(create.org, "Harbour CERT")
    qtbot.keyClicks(create.secret, secret)
    qtbot.keyClicks(create.repeat, secret)
    qtbot.mouseClick(create.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: create.pages.currentIndex() == 1, timeout=10_000)
    with qtbot.waitSignal(window.session.opened):
        qtbot.mouseClick(create.continue_button, Qt.MouseButton.LeftButton)
    key = window.session.workspace.db.key.material()[0]
    window.lock_now()
    unlock = window.access.dialog
    assert isinstance(unlock, UnlockDialog)
    qtbot.keyClicks(unlock.passphrase, secret)
    with qtbot.waitSignal(window.session.opened, timeout=10_000):
        qtbot.keyClick(unlock.passphrase, Qt.Key.Key_Return)
    window.close()
    settings.sync()
    stored = Path(settings.store.fileName())
    assert stored.is_file() and str(target) in stored.read_text()  # it did write what it should
    for path in (path for path in tmp_path.rglob("*") if path.is_file()):  # settings and the workspace's files
        data = path.read_bytes()
        for needle in (secret, secret.lower(), key.hex(), key.hex().upper()):
            assert needle.encode() not in data, path
        assert key not in data
    assert window.session.is_open is False


def test_the_about_box_credits_exactly_the_dependencies() -> None:
    """Each runtime dependency of pyproject.toml is credited with its licence, and nothing else is (but the
    fonts shipped in resources/)."""

    def canonical(name: str) -> str:
        return re.sub(r"[-_.]+", "-", name).lower()

    declared = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    required = {canonical(re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0]) for requirement in declared}
    credited = {canonical(name) for name, _, _ in COMPONENTS if name != "DejaVu fonts"}
    assert credited == required
