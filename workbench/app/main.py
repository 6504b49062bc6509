"""Starting the desktop application: ``workbench``, ``workbench gui [--db PATH] [--demo] [--smoke-test]``."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

logger = logging.getLogger(__name__)

SMOKE_TIMEOUT_MS = 120_000


def has_display() -> bool:
    """Whether Qt can open a window here: a display server, or a platform chosen explicitly (offscreen)."""
    if not sys.platform.startswith("linux"):
        return True
    return any(os.environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))


def run_gui(db: str | None = None, demo: bool = False, smoke_test: bool = False) -> int:
    """Open the main window and run until it closes; the exit code of the program.

    ``smoke_test`` opens the window on a temporary demo workspace, renders it once, opens the user guide with its
    pictures, prints "smoke test ok" and exits 0 (1 with the reason otherwise). With no display it falls back to
    Qt's offscreen platform, so that a frozen build can be checked on a headless machine.
    """
    if not has_display():
        if not smoke_test:
            print(
                "workbench: no display (neither DISPLAY nor WAYLAND_DISPLAY is set): the desktop window cannot "
                "open here; use the sub-commands (workbench --help)",
                file=sys.stderr,
            )
            return 1
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    # Imported here: the command line must not pay for Qt.
    from PySide6.QtCore import QTimer

    from workbench.app.application import create_application, settle_heap
    from workbench.app.session import Session
    from workbench.app.settings import Settings
    from workbench.app.tasks import TaskRunner
    from workbench.ui.main_window import MainWindow

    app = create_application()
    runner = TaskRunner()
    session = Session(runner)
    if smoke_test:
        # A throw-away settings file: the smoke test must not change the analyst's remembered layout.
        import tempfile

        from PySide6.QtCore import QSettings

        settings_dir = tempfile.mkdtemp(prefix="workbench-smoke-")
        settings = Settings(QSettings(os.path.join(settings_dir, "settings.ini"), QSettings.Format.IniFormat))
    else:
        settings = Settings()
    from workbench.app.application import choose_palette

    choose_palette(app, settings.palette)
    window = MainWindow(session, settings)
    window.show()
    settle_heap()
    outcome = {"code": 0}
    if smoke_test:
        _arm_smoke_test(app, window, outcome)
    QTimer.singleShot(0, lambda: window.start(Path(db) if db else None, demo=demo or smoke_test))
    code = app.exec()
    runner.shutdown()
    session.lock()
    window.access.cleanup()
    if smoke_test:
        import shutil

        shutil.rmtree(settings_dir, ignore_errors=True)
        return int(outcome["code"])
    return int(code)


def _guide_problem(window) -> str:
    """Why Help > User guide would not show the guide with its pictures, or an empty string."""
    from workbench.ui.help.guide_window import Guide

    guide = window.show_guide(Guide.USER)
    try:
        if guide.guide is not Guide.USER or not guide.headings():
            return f"the user guide is not installed ({Guide.USER.path})"
        missing = guide.missing_images()
        if missing:
            return f"the user guide's picture {missing[0]} is not installed"
        return ""
    finally:
        guide.close()


def _arm_smoke_test(app, window, outcome: dict[str, int]) -> None:
    """Quit once the library shows the demo's rows, after rendering the window and opening the user guide with its
    pictures; fail after a timeout."""
    from PySide6.QtCore import QTimer

    library = window.screens["library"]

    def rendered(state: object) -> None:
        if getattr(state, "loaded", 0) <= 0:
            return
        library.model.rows_loaded.disconnect(rendered)
        image = window.grab()
        problem = _guide_problem(window)
        if image.isNull() or image.width() < 200:
            print("workbench: smoke test failed: the window did not render", file=sys.stderr)
            outcome["code"] = 1
        elif problem:
            print(f"workbench: smoke test failed: {problem}", file=sys.stderr)
            outcome["code"] = 1
        else:
            print("smoke test ok")
        window.close()
        app.quit()

    def failed(message: str) -> None:
        print(f"workbench: smoke test failed: {message}", file=sys.stderr)
        outcome["code"] = 1
        app.quit()

    def timed_out() -> None:
        failed("the demo workspace did not open in time")

    library.model.rows_loaded.connect(rendered)
    window.access.demo_failed.connect(failed)
    QTimer.singleShot(SMOKE_TIMEOUT_MS, timed_out)
