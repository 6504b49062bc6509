"""The case list shows what matters: the "next report due" column counts down with the deadline panel, and the
highlighted row is always the case open in the editor (after Cancel on the unsaved-changes question, after
unlocking)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from tests.ui.case_helpers import click, open_cases, wait_dialog
from workbench.services import cases
from workbench.services.demo.cases import fill_cases
from workbench.ui.cases.case_list_model import Columns


def test_next_report_due_counts_down_with_the_deadline_panel(qtbot, window, demo_workspace) -> None:
    fill_cases(demo_workspace)
    screen = open_cases(qtbot, window, demo_workspace)
    qtbot.waitUntil(lambda: screen.model.rowCount() > 0)
    row = next(
        row
        for row in range(screen.model.rowCount())
        if screen.model.index(row, Columns.NEXT_DUE).data()
        and "OVERDUE" not in screen.model.index(row, Columns.NEXT_DUE).data()
    )
    before = screen.model.index(row, Columns.NEXT_DUE).data()
    later = datetime.now(UTC) + timedelta(hours=5)
    screen.deadlines.clock = lambda: later
    screen.deadlines.tick()
    after = screen.model.index(row, Columns.NEXT_DUE).data()
    assert after != before and after.split(":")[0] == before.split(":")[0]  # same report, less time left


def test_after_cancel_the_highlighted_case_is_the_one_open(qtbot, window, ui_workspace) -> None:
    first = cases.create_case(ui_workspace, "incident", "First").ref
    second = cases.create_case(ui_workspace, "incident", "Second").ref
    screen = open_cases(qtbot, window, ui_workspace)
    screen.open_case(first)
    qtbot.waitUntil(lambda: screen.editor.ref == first)
    qtbot.keyClicks(screen.editor.header.title, " (edited)")
    rect = screen.table.visualRect(screen.model.index(screen.model.row_of(second), Columns.TITLE))
    qtbot.mouseClick(screen.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    box = wait_dialog(qtbot, QMessageBox)
    click(qtbot, box.button(QMessageBox.StandardButton.Cancel))
    qtbot.wait(50)
    assert screen.editor.ref == first and screen.editor.dirty
    selected = screen.table.selectionModel().selectedRows()
    assert [index.row() for index in selected] == [screen.model.row_of(first)]
    assert screen.table.selectionModel().currentIndex().row() == screen.model.row_of(first)
