"""The window and every screen (and the main dialogs) at 1280x720, and at 1366x768 with 125 % scaling: nothing
beyond the screen, nothing out of its parent, no two widgets of a layout overlapping, no tab out of its bar, no
wrapped text cut. Each size runs in a process of its own (Qt takes the screen and the scale when it starts); the
screenshots it renders are kept beside the test for looking at."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

SIZES = [pytest.param(1280, 720, "1", id="1280x720"), pytest.param(1366, 768, "1.25", id="1366x768-125%")]


def probe(width: int, height: int, scale: str, shots: Path) -> dict:
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("QT_", "WORKBENCH_"))}
    environment.update({"QT_SCALE_FACTOR": scale, "PYTHONPATH": str(REPO)})
    done = subprocess.run(
        [sys.executable, "-m", "tests.ui.fit_probe", str(width), str(height), "--shots", str(shots)],
        capture_output=True,
        text=True,
        env=environment,
        cwd=REPO,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(("width", "height", "scale"), SIZES)
def test_every_screen_fits(width: int, height: int, scale: str, tmp_path: Path) -> None:
    result = probe(width, height, scale, tmp_path)
    logical = (round(width / float(scale)), round(height / float(scale)))
    assert tuple(result["screen"][2:]) == logical  # the screen the window was given
    looked_at = result["problems"]
    screens = {"library", "cases-incident", "cases-exercise", "exchange", "partners", "reports", "audit"}
    assert screens | {"exercise", "exercise-evaluator", "exercise-hot-wash"} <= set(looked_at)
    assert {name: found for name, found in looked_at.items() if found} == {}
    assert all((tmp_path / f"{name}.png").stat().st_size > 1000 for name in looked_at)


def test_the_probe_sees_a_window_beyond_the_screen(qapp) -> None:
    """The check itself can fail: a window wider than the screen and a label that cuts its text are reported."""
    from PySide6.QtCore import QRect
    from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

    from tests.ui.fit_probe import problems

    window = QWidget()
    label = QLabel("a long text " * 40, window)
    label.setWordWrap(True)
    label.setFixedHeight(10)
    QVBoxLayout(window).addWidget(label)
    window.resize(900, 300)
    window.show()
    found = problems(window, QRect(0, 0, 640, 480))
    assert any("beyond the screen" in item for item in found)
    assert any("cuts its text" in item for item in found)
    window.close()


def test_the_selected_navigation_icon_is_drawn_in_the_highlighted_texts_colour(window) -> None:
    from PySide6.QtGui import QIcon, QPalette

    size = window.navigation.iconSize()
    highlighted = window.navigation.palette().color(QPalette.ColorRole.HighlightedText)
    for row in range(window.navigation.count()):
        item_icon = window.navigation.item(row).icon()
        selected = item_icon.pixmap(size, QIcon.Mode.Selected).toImage()
        opaque = {
            selected.pixelColor(x, y).name()
            for x in range(selected.width())
            for y in range(selected.height())
            if selected.pixelColor(x, y).alpha() >= 160
        }
        assert opaque == {highlighted.name()}, window.navigation.item(row).text()


def test_tables_have_a_context_menu_and_cut_cells_show_their_whole_text(qtbot, open_window) -> None:
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QApplication, QToolTip

    from workbench.ui.library.library_model import Columns

    library = open_window.screens["library"]
    table = library.table
    menu = table._table_menu
    row = next(row for row in range(library.model.rowCount()) if library.model.object_id(row).startswith("malware--"))
    index = library.model.index(row, Columns.NAME)
    texts = [action.text().replace("&", "") for action in menu.actions_at(index)]
    assert texts == ["Copy value", "Copy row", "Copy STIX id", "Show in library", "Link to case…", "Export selected…"]
    copy_id = menu.actions_at(index)[2]
    copy_id.trigger()
    assert QApplication.clipboard().text() == library.model.object_id(row)

    audit = open_window.show_screen("audit")
    qtbot.waitUntil(lambda: audit.model.rowCount() > 0)
    view = audit.table
    view.setColumnWidth(2, 12)  # the action column cut to a letter or two
    cell = audit.model.index(0, 2)
    assert view._table_menu.elided(cell)
    rect = view.visualRect(cell)
    event = QHelpEvent(QEvent.Type.ToolTip, rect.center(), view.viewport().mapToGlobal(rect.center()))
    assert view._table_menu.eventFilter(view.viewport(), event) or cell.data(3)  # ours, or the model's own tip
    QToolTip.hideText()
