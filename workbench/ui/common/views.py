"""How the window's tables behave: rows chosen whole, read-only cells, Tab moving on to the next control."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QTableView


def read_only_rows(view: QTableView) -> None:
    """A table of read-only rows: selected whole, never edited in place, one line each (cells are ``one_line``
    text), Tab leaving the table for the next control (arrow keys move inside it)."""
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)
    view.setWordWrap(False)
