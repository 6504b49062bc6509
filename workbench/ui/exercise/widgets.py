"""What the Exercise screen's pages share: their tables of rows, and asking for the folder of a removable medium."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtWidgets import QFileDialog, QHeaderView, QTableView, QWidget

from workbench.ui.common.views import read_only_rows


def row_table(parent: QWidget, name: str, accessible: str) -> QTableView:
    """A table of read-only rows of one line each, without row numbers, its last column taking the rest."""
    view = QTableView(parent)
    view.setObjectName(name)
    view.setAccessibleName(accessible)
    read_only_rows(view)
    view.verticalHeader().hide()
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    view.horizontalHeader().setStretchLastSection(True)
    return view


def size_columns(view: QTableView, widths: Iterable[tuple[int, int]]) -> None:
    """Give the listed columns (number, width in pixels) their width."""
    header = view.horizontalHeader()
    for column, width in widths:
        header.resizeSection(column, width)


def choose_medium(parent: QWidget, title: str, name: str, chosen: Callable[[str], None]) -> QFileDialog:
    """Open (not wait for) a folder chooser for the medium a package is written to; ``chosen`` gets the folder."""
    dialog = QFileDialog(parent, title)
    dialog.setObjectName(name)
    dialog.setFileMode(QFileDialog.FileMode.Directory)
    dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
    dialog.fileSelected.connect(chosen)
    dialog.open()
    return dialog
