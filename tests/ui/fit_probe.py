"""Renders the window on the demo workspace on a screen of a given size and scale, and reports every geometry
problem as JSON: the window or a dialog beyond the screen, a widget outside its parent, two widgets of one layout
overlapping, a tab out of its tab bar, wrapped text cut short.

Run in a process of its own, because Qt takes the screen and the scale factor when the application starts:
``QT_SCALE_FACTOR=1.25 python -m tests.ui.fit_probe 1366 768 [--shots FOLDER]`` (the screen in device pixels;
the offscreen platform is given a screen of that size). ``tests/ui/test_fit_screens.py`` runs it for each size the
issue names and ``scripts/screenshots.py`` uses the same screens.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path


def offscreen_screen(width: int, height: int, folder: Path) -> str:
    """The ``QT_QPA_PLATFORM`` value of an offscreen screen of ``width`` x ``height`` device pixels."""
    config = folder / f"screen-{width}x{height}.json"
    config.write_text(
        json.dumps(
            {
                "synchronousWindowSystemEvents": False,
                "windowFrameMargins": False,
                "screens": [
                    {"name": "probe", "x": 0, "y": 0, "width": width, "height": height, "logicalDpi": 96, "dpr": 1}
                ],
            }
        )
    )
    return f"offscreen:configfile={config}"


def problems(root, area) -> list[str]:
    """Every geometry problem of the visible ``root`` window on the screen area ``area``."""
    from PySide6.QtWidgets import QLabel, QTabBar, QWidget

    found: list[str] = []
    if not area.contains(root.frameGeometry()):
        found.append(f"{_name(root)} {root.frameGeometry().getRect()} is beyond the screen {area.getRect()}")
    for parent in [root, *root.findChildren(QWidget)]:
        if not parent.isVisible():
            continue
        layout = parent.layout()
        kids = [widget for widget in _layout_widgets(layout) if widget.isVisible()] if layout is not None else []
        for widget in kids:
            if not parent.rect().contains(widget.geometry()):
                found.append(f"{_name(widget)} {widget.geometry().getRect()} sticks out of {_name(parent)}")
        for number, first in enumerate(kids):
            for second in kids[number + 1 :]:
                if first.geometry().intersects(second.geometry()):
                    found.append(f"{_name(first)} overlaps {_name(second)} in {_name(parent)}")
        if isinstance(parent, QTabBar) and not parent.usesScrollButtons():
            for index in range(parent.count()):
                if not parent.rect().contains(parent.tabRect(index)):
                    found.append(f"tab {parent.tabText(index)!r} of {_name(parent)} is out of its bar")
        cut = isinstance(parent, QLabel) and parent.wordWrap() and parent.text()
        if cut and parent.height() + 1 < parent.heightForWidth(parent.width()):
            found.append(f"{_name(parent)} cuts its text ({parent.height()} < {parent.heightForWidth(parent.width())})")
    return found


def _layout_widgets(layout) -> Iterator:
    for index in range(layout.count()):
        item = layout.itemAt(index)
        if item.widget() is not None and not item.widget().isWindow():
            yield item.widget()
        elif item.layout() is not None:
            yield from _layout_widgets(item.layout())


def _name(widget) -> str:
    text = widget.text() if hasattr(widget, "text") and callable(widget.text) else ""
    label = f" {text[:30]!r}" if isinstance(text, str) and text else ""
    return f"{type(widget).__name__}#{widget.objectName()}{label}"


def main(argv: list[str]) -> int:
    width, height = int(argv[0]), int(argv[1])
    shots = Path(argv[argv.index("--shots") + 1]) if "--shots" in argv else None
    folder = Path(tempfile.mkdtemp(prefix="workbench-fit-"))
    os.environ["QT_QPA_PLATFORM"] = offscreen_screen(width, height, folder)
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication, QWidget

    from workbench.app.application import create_application
    from workbench.app.session import Session
    from workbench.app.settings import Settings
    from workbench.app.tasks import SyncTaskRunner
    from workbench.domain.cases.vocab import CaseKind
    from workbench.services.demo import create_demo_workspace
    from workbench.ui.main_window import MainWindow

    app = create_application()
    area = app.primaryScreen().availableGeometry()
    report: dict[str, list[str]] = {}

    def settle(rounds: int = 40) -> None:
        for _ in range(rounds):
            QApplication.processEvents()

    def look(widget: QWidget, name: str) -> None:
        settle()
        report[name] = problems(widget, area)
        if shots is not None:
            shots.mkdir(parents=True, exist_ok=True)
            widget.grab().save(str(shots / f"{name}.png"))

    def dialog(name: str, make: Callable[[], QWidget]) -> None:
        shown = make()
        look(shown, name)
        shown.close()

    settings = Settings(QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat))
    window = MainWindow(session := Session(SyncTaskRunner()), settings)
    window.show()
    look(window, "first-run")
    dialog("create-workspace", window.access.show_create)
    session.attach(create_demo_workspace(folder))
    settle(200)
    for key in window.screens:
        screen = window.show_screen(key)
        look(window, key)
        if key == "cases":
            for kind in (CaseKind.INCIDENT, CaseKind.EXERCISE):
                row = next(row for row in range(screen.model.rowCount()) if screen.model.summary(row).kind is kind)
                screen.table.selectRow(row)
                settle(100)
                look(window, f"cases-{kind.value}")
            dialog("new-incident", lambda screen=screen: screen.new_case(CaseKind.INCIDENT))
        if key == "exercise":
            settle(100)
            for page, name in ((screen.evaluator, "evaluator"), (screen.hot_wash, "hot-wash")):
                screen.tabs.setCurrentWidget(page)
                look(window, f"exercise-{name}")
            screen.tabs.setCurrentWidget(screen.evaluator)
            dialog("exercise-add-critical-task", screen.evaluator.add_task)
            screen.tabs.setCurrentWidget(screen.controller)
            dialog("exercise-add-inject", screen.controller.add)
        if key == "partners":
            dialog("export-key", screen.export_key)
            dialog("add-partner", screen.add_partner)
            if screen.model.rowCount():
                screen.table.selectRow(0)
                settle()
                dialog("revoke-key", screen.revoke_key)
        if key == "exchange":
            dialog("export-wizard", screen.outbox.start_export)
        if key == "reports":
            screen.form.kind_box.setCurrentIndex(screen.form.kind_box.findData("briefing"))
            screen.tabs.setCurrentIndex(1)
            look(window, "reports-briefing")
            dialog("report-drafts", screen.drafts.open_list)
    dialog("preferences", window.show_preferences)
    window.lock_now()
    settle()
    dialog("unlock", lambda: window.access.dialog)
    look(window, "locked")
    print(json.dumps({"screen": area.getRect(), "problems": report}))
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
