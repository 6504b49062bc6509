"""The base of the window's table models: every role a view asks of a cell answered in one call from Qt.

To paint one cell, Qt 6's item delegate asks for seven roles at once (``multiData``: display, font, colours,
alignment, decoration, check state). ``QAbstractItemModel``'s own ``multiData`` asks ``data()`` once for each,
and each of those is a call from C++ into Python that takes the interpreter lock again. While a worker thread
runs Python (a page of the case list, a deadline panel), every such call waits for the lock to be handed back, up
to the switch interval: a table of 30 rows and 10 columns took 200 ms to paint instead of 50 ms, and whole seconds
with three busy workers. Answering ``multiData`` in Python makes it one call a cell; ``data()`` stays the one
definition of what a cell holds (views and tests still call it, and ``qtmodeltester`` checks it).

Read-only models here keep Qt's own ``flags`` (enabled, selectable, no children), which a view also asks for each
cell it paints: overriding it in Python, even to return the same, costs another call a cell.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import cast

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QModelRoleData, QModelRoleDataSpan, QPersistentModelIndex

logger = logging.getLogger(__name__)

Index = QModelIndex | QPersistentModelIndex


class TableModel(QAbstractTableModel):
    """``QAbstractTableModel`` whose ``multiData`` answers every asked role through ``data()`` in one call."""

    def multiData(self, index: Index, roleDataSpan: QModelRoleDataSpan | QModelRoleData) -> None:
        # Qt always passes a span; PySide's type stubs do not say that it is iterable.
        for entry in cast(Iterable[QModelRoleData], roleDataSpan):
            entry.setData(self.data(index, entry.role()))
