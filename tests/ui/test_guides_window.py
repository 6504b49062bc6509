"""Help > User guide and the other guides: shipped with the program, rendered by Qt, read offline."""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QKeySequence, QTextCursor

from workbench.ui.help.guide_window import Guide, GuideWindow


def test_help_menu_opens_each_guide_with_its_pictures(qtbot, window) -> None:
    titles = {action.text().replace("&", ""): action for action in window.menuBar().actions()[-1].menu().actions()}
    assert {"User guide", "Administrator's guide", "Command reference"} <= set(titles)
    assert window.guide_actions[Guide.USER].shortcut() in (
        QKeySequence(QKeySequence.StandardKey.HelpContents),
        QKeySequence("F1"),
    )
    titles["User guide"].trigger()  # works while the workspace is locked: the guides hold nothing of it
    guide = window.guide_window
    assert isinstance(guide, GuideWindow) and guide.isVisible() and guide.guide is Guide.USER
    headings = [text for level, text in guide.headings() if level == 2]
    assert headings[0] == "1. First run and the key fingerprint call"
    assert "9. Locking, backing up, restoring" in headings
    assert len(guide.images()) > 20 and guide.missing_images() == []
    assert guide.contents.count() > len(headings)
    for guide_kind, expected in (
        (Guide.ADMIN, "5. The key ceremony with a partner agency"),
        (Guide.COMMANDS, "workbench backup"),
    ):
        window.guide_actions[guide_kind].trigger()
        assert guide.guide is guide_kind and expected in [text for _level, text in guide.headings()]
        assert guide.missing_images() == []
        assert guide.guide_buttons[guide_kind].isChecked()
    guide.close()


def test_contents_jump_and_find(qtbot, window) -> None:
    guide = window.show_guide(Guide.USER)
    target = next(
        row for row in range(guide.contents.count()) if "Locking, backing up" in guide.contents.item(row).text()
    )
    item = guide.contents.item(target)
    guide.contents.itemClicked.emit(item)
    cursor = guide.browser.textCursor()
    assert cursor.block().text() == "9. Locking, backing up, restoring"
    assert guide.browser.verticalScrollBar().value() > 0
    guide.browser.moveCursor(QTextCursor.MoveOperation.Start)
    qtbot.keyClicks(guide.find, "Restore from backup")
    qtbot.keyClick(guide.find, Qt.Key.Key_Return)
    assert guide.browser.textCursor().selectedText() == "Restore from backup"
    guide.find.setText("no such words in the guide")
    assert not guide.find_next() and "is not in this guide" in guide.status.text()
    guide.close()


def test_links_to_guides_open_here_and_nothing_else_is_followed(qtbot, window) -> None:
    guide = window.show_guide(Guide.USER)
    guide.browser.anchorClicked.emit(QUrl("admin-guide.md"))
    assert guide.guide is Guide.ADMIN
    guide.browser.anchorClicked.emit(QUrl("https://example.org/anything"))
    assert guide.guide is Guide.ADMIN and "not opened here" in guide.status.text()
    assert "no network" in guide.status.text()
    guide.close()


def test_a_missing_guide_is_said_not_shown_empty(qtbot, tmp_path, monkeypatch) -> None:
    import workbench.ui.help.guide_window as module

    monkeypatch.setattr(module, "guides_folder", lambda: tmp_path)  # an installation without its guides
    guide = GuideWindow()
    qtbot.addWidget(guide)
    assert not guide.show_guide(Guide.USER)
    assert "not installed" in guide.status.text() and str(tmp_path) in guide.status.text()
    assert guide.headings() == []
