"""Fixtures for the window's tests: a configured application, throw-away settings, a session, the main window.

Most tests use the synchronous task runner (work runs at once, outcomes arrive on the next event-loop turn);
the ones about threads and cancelling use the real one.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox

from tests.conftest import Template
from workbench.app.application import configure
from workbench.app.session import Session
from workbench.app.settings import Settings
from workbench.app.tasks import SyncTaskRunner, TaskRunner
from workbench.services.demo import fill
from workbench.services.workspace import Workspace
from workbench.storage.database import Database, WorkspaceKey
from workbench.storage.meta import get_meta
from workbench.ui.main_window import MainWindow


@pytest.fixture
def app(qapp: QApplication) -> QApplication:
    configure(qapp)
    return qapp


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


def own_copy(template: Template, folder: Path) -> Workspace:
    """A copy of the template workspace with its own key object: locking wipes that key, and the template's must
    survive for the next test."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "workspace.db"
    shutil.copyfile(template.path, target)
    target.chmod(0o600)
    key = WorkspaceKey(bytes(template.key._key), template.key._salt)
    db = Database.open_with_key(target, key)
    return Workspace(db, get_meta(db.conn, "org_name") or "", get_meta(db.conn, "identity_ref") or "")


@pytest.fixture
def ui_workspace(template_eu: Template, tmp_path: Path) -> Iterator[Workspace]:
    """A fresh workspace the window may lock (and so close) itself."""
    ws = own_copy(template_eu, tmp_path / "ws")
    yield ws
    ws.close()


@pytest.fixture
def demo_workspace(ui_workspace: Workspace) -> Workspace:
    """The workspace filled with the demo's sample objects."""
    fill(ui_workspace)
    return ui_workspace


@pytest.fixture
def session(app: QApplication) -> Iterator[Session]:
    runner = SyncTaskRunner(app)
    session = Session(runner)
    yield session
    session.lock()
    runner.shutdown()


@pytest.fixture
def threaded_session(app: QApplication) -> Iterator[Session]:
    runner = TaskRunner(app)
    session = Session(runner)
    yield session
    session.lock()
    runner.shutdown()


@pytest.fixture(autouse=True)
def _no_message_box_left() -> Iterator[None]:
    """A message box a test left open (a refusal after Save at quitting, say) is closed when it ends: its window
    is deleted only once the event loop runs again, and the next test would find the box still shown."""
    yield
    app = QApplication.instance()
    if app is not None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QMessageBox) and widget.isVisible():
                widget.close()


def make_window(qtbot, session: Session, settings: Settings) -> MainWindow:
    window = MainWindow(session, settings)
    qtbot.addWidget(window)
    window.resize(1200, 760)
    window.show()
    return window


@pytest.fixture
def window(qtbot, session: Session, settings: Settings) -> MainWindow:
    return make_window(qtbot, session, settings)


@pytest.fixture
def open_window(qtbot, window: MainWindow, demo_workspace: Workspace) -> MainWindow:
    """The main window with the demo data open and the library's first page shown."""
    window.session.attach(demo_workspace)
    library = window.screens["library"]
    qtbot.waitUntil(lambda: library.model.rowCount() > 0 and not library.model.loading)
    return window
