"""How the window's tables behave: rows chosen whole, read-only cells, Tab moving on to the next control."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QTableView

from workbench.ui.common import table_menu


def read_only_rows(view: QTableView, *, stored_objects: bool = True) -> None:
    """A table of read-only rows: selected whole, never edited in place, one line each (cells are ``one_line``
    text), Tab leaving the table for the next control (arrow keys move inside it), a context menu and the whole
    text of a cut cell as its tool tip (``table_menu``). ``stored_objects=False`` for rows naming objects that
    are not (or not yet) in the library, as in a preview: their menu offers no Link to case… or Export selected…."""
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)
    view.setWordWrap(False)
    menu = table_menu.install(view)  # Copy value, Copy row, Copy STIX id, Show in library; cut cells' whole text
    menu.acts_on_objects = stored_objects
