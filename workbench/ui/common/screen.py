"""The contract between the main window and its screens.

A screen is one ``ui/<feature>/`` package exposing a ``ScreenSpec``; ``ui/screens.py`` lists them, and that list
is the one place a screen is registered. The window builds each screen with the ``AppContext`` (no global state)
and tells it when the workspace opens and locks through the session's signals, which the screen connects itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtWidgets import QWidget

from workbench.app.session import Session
from workbench.app.settings import Settings


@dataclass
class AppContext:
    """What a screen may use: the session (data, tasks), the settings, and requests to the window."""

    session: Session
    settings: Settings
    show_object: Callable[[str], None] = field(default=lambda _id: None)
    """Show one object in the library (switches screen)."""
    import_files: Callable[[list[str]], None] = field(default=lambda _paths: None)
    """Import files through the preview flow."""
    status: Callable[[str], None] = field(default=lambda _text: None)
    """A transient message in the status bar."""
    selected_objects: Callable[[], list[str]] = field(default=lambda: [])
    """The STIX ids of the objects selected in the library (what an export of "the selection" takes)."""


@dataclass(frozen=True)
class UnsavedWork:
    """Something typed on a screen and not stored yet.

    ``what`` says it for people ("Case INC-2026-0001: 2 fields changed"); ``name`` and ``content`` are how it is
    kept as a draft inside the workspace when the workspace locks (``services.drafts.keep``, kind: the screen's key),
    and what ``Screen.restore_work`` gets back at unlocking.
    """

    what: str
    name: str
    content: dict[str, Any]


#: Called once saving finished: None when everything was stored, else the message saying why not.
SaveDone = Callable[[str | None], None]


class Screen(QWidget):
    """A page of the main window. Subclasses load their data on ``session.opened`` and drop it on ``locking``.

    A screen where the analyst types (cases, reports) answers the four questions of unsaved work, so that quitting
    asks Save / Discard / Cancel and locking keeps the work as drafts: ``unsaved_work``, ``save_work``,
    ``discard_work`` and ``restore_work``.
    """

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context

    def focus_first(self) -> None:
        """Put the keyboard focus where the analyst starts on this screen."""
        self.setFocus()

    def save_layout(self) -> None:
        """Remember splitter and header layout in the settings (called when the window closes)."""

    def unsaved_work(self) -> list[UnsavedWork]:
        """What was typed here and is not stored yet (nothing by default)."""
        return []

    def pending_work(self) -> UnsavedWork | None:
        """Work given to ``restore_work`` and not put back yet (what it needs is still being read). The keeper
        keeps it again if the workspace locks first, and quitting waits for it (``work_keeper``)."""
        return None

    def save_work(self, done: SaveDone) -> None:
        """Store the unsaved work (a case is saved, a report form becomes a named draft), then call ``done``."""
        done(None)

    def discard_work(self) -> None:
        """Forget the unsaved work: the analyst chose Discard."""

    def restore_work(self, content: dict[str, Any]) -> bool:
        """Put work kept at locking back into the screen (unsaved again); False when it no longer fits."""
        return False


@dataclass(frozen=True)
class ScreenSpec:
    """One screen of the navigation: key, title and tool tip (translated when built), icon, factory."""

    key: str
    title: Callable[[], str]
    tooltip: Callable[[], str]
    icon: str
    factory: Callable[[AppContext], Screen]
