"""Pick objects from the library to link to a case: a search box over the full-text index and the matches.

The search runs off the GUI thread; an empty search lists the most recently changed objects. OK emits
``submitted`` with the chosen ids; the dialog closes once the case editor reports them linked. A search typed or
objects chosen and not linked yet are unsaved work (``typed``): the case editor keeps them when the workspace locks
and opens the dialog again with them (``put_back``), which runs the search again and chooses the objects still found.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workbench.app.session import Session
from workbench.app.tasks import TaskFailure, TaskHandle
from workbench.services import library
from workbench.services.library import LibraryFilter, ObjectRow
from workbench.ui.cases.field_form import ErrorBanner
from workbench.ui.common.list_model import ListTableModel, when_text
from workbench.ui.common.text import one_line, plain_label
from workbench.ui.common.views import read_only_rows

RESULTS = 500
SEARCH_DELAY_MS = 300


class Columns(enum.IntEnum):
    NAME = 0
    TYPE = 1
    TLP = 2
    MODIFIED = 3


class Roles(enum.IntEnum):
    ID = Qt.ItemDataRole.UserRole + 1


class PickModel(ListTableModel[ObjectRow]):
    """Library rows found by a search."""

    Columns = Columns
    Roles = Roles

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.linked: set[str] = set()

    def set_rows(self, rows: list[ObjectRow]) -> None:
        self.set_items(rows)

    def headers(self) -> Sequence[str]:
        return (self.tr("Name"), self.tr("Type"), self.tr("TLP"), self.tr("Modified (UTC)"))

    def cell(self, item: ObjectRow, column: int) -> str:
        if column == Columns.NAME:
            name = one_line(item.name or item.id)
            return self.tr("{0} (linked)").format(name) if item.id in self.linked else name
        if column == Columns.TYPE:
            return item.type
        if column == Columns.TLP:
            return item.tlp.label if item.tlp is not None else ""
        return when_text(item.modified)

    def tooltip(self, item: ObjectRow, column: int) -> str:
        return f"{item.name}\n{item.id}"

    def role_data(self, item: ObjectRow, role: int) -> Any:
        return item.id if role == Roles.ID else None


class LinkObjectsDialog(QDialog):
    submitted = Signal(list)
    """The ids of the objects chosen; the dialog stays open until ``saved`` or ``refused``."""

    def __init__(self, session: Session, linked: set[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("linkObjectsDialog")
        self.setWindowTitle(self.tr("Link objects from the library"))
        self.setAccessibleName(self.windowTitle())
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.session = session
        self.error = ErrorBanner(self)
        self.search = QLineEdit(self)
        self.search.setObjectName("linkSearch")
        self.search.setPlaceholderText(self.tr("Search names, descriptions, patterns, observables…"))
        self.search.setAccessibleName(self.tr("Search the library"))
        self.search.setClearButtonEnabled(True)
        self.type_box = QComboBox(self)
        self.type_box.setAccessibleName(self.tr("Object type"))
        self.type_box.setToolTip(self.tr("Show one STIX type only"))
        self.type_box.addItem(self.tr("All types"), None)
        self.model = PickModel(self)
        self.model.linked = set(linked)
        self.table = QTableView(self)
        self.table.setObjectName("linkResults")
        self.table.setAccessibleName(self.tr("Matching objects"))
        self.table.setModel(self.model)
        read_only_rows(self.table)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().resizeSection(Columns.NAME, 340)
        self.table.horizontalHeader().resizeSection(Columns.TYPE, 130)
        self.table.activated.connect(lambda _index: self.accept())
        self.status = plain_label("", self)
        self.status.setAccessibleName(self.tr("Search status"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.ok_button: QPushButton = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Link"))
        self.ok_button.setToolTip(self.tr("Link the selected objects to the case"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.type_box)
        layout = QVBoxLayout(self)
        layout.addWidget(self.error)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.resize(760, 520)
        self._delay = QTimer(self)
        self._delay.setSingleShot(True)
        self._delay.setInterval(SEARCH_DELAY_MS)
        self._delay.timeout.connect(self.run_search)
        self.search.textChanged.connect(lambda _text: self._delay.start())
        self.search.returnPressed.connect(self.run_search)
        self.type_box.activated.connect(lambda _index: self.run_search())
        self.table.selectionModel().selectionChanged.connect(lambda *_args: self._update_ok())
        self._task: TaskHandle | None = None
        self._generation = 0
        self.searched: tuple[str, str | None] | None = None
        self._types_read = False
        self._kept: dict[str, Any] | None = None  # put back, waiting for the types to be read
        self._rechoose: tuple[int, list[str]] | None = None  # the search put back, and the ids to choose again
        self._closed = False
        self.finished.connect(self._forget_tasks)
        self._update_ok()
        self.search.setFocus()
        types = session.run("library types", lambda ws, _control: library.object_types(ws))
        types.succeeded.connect(self._fill_types)
        types.failed.connect(lambda _failure: self._fill_types([]))
        self.run_search()

    def _forget_tasks(self, _result: int) -> None:
        """Closed (by the analyst, or by locking): a search still running is cancelled, and what it or the reading
        of the types answers later is ignored (the widgets are gone by then)."""
        self._closed = True
        self._generation += 1
        if self._task is not None:
            self._task.cancel()
            self._task = None

    def _fill_types(self, types: list[str]) -> None:
        if self._closed:
            return
        for kind in types:
            self.type_box.addItem(kind, kind)
        self._types_read = True
        if self._kept is not None:
            self._apply_kept()

    def run_search(self) -> None:
        self._delay.stop()
        words, kind = self.search.text().strip(), self.type_box.currentData()
        self._generation += 1
        generation = self._generation
        if self._task is not None:
            self._task.cancel()
        self.status.setText(self.tr("Searching…"))
        flt = LibraryFilter(types=(kind,) if kind else (), search=words)

        def work(ws: Any, _control: Any) -> list[ObjectRow]:
            if flt.searching:
                return library.search(ws, flt, limit=RESULTS).rows
            return library.fetch_page(ws, flt, limit=RESULTS).rows

        task = self.session.run("link search", work)
        self._task = task
        task.succeeded.connect(lambda rows: self._found(generation, words, kind, rows))
        task.failed.connect(lambda failure: self._search_failed(generation, failure))

    def _found(self, generation: int, words: str, kind: str | None, rows: list[ObjectRow]) -> None:
        if generation != self._generation:
            return
        self._task = None
        self.model.set_rows(rows)
        self.searched = (words, kind)
        if not rows:
            self.status.setText(self.tr("No matches."))
        elif len(rows) >= RESULTS:
            self.status.setText(self.tr("The first {0} matches are shown; refine the search.").format(len(rows)))
        else:
            self.status.setText(
                self.tr("{0} match(es). Select one or more (Ctrl or Shift) and press Link.").format(len(rows))
            )
        rechoose, self._rechoose = self._rechoose, None
        if rechoose is not None and rechoose[0] == generation:
            self._choose_again(rechoose[1], rows)
        self._update_ok()

    def _search_failed(self, generation: int, failure: TaskFailure) -> None:
        if generation == self._generation:
            self._task = None
            self._rechoose = None
            self.model.set_rows([])
            self.status.setText(failure.message)

    # -- unsaved work kept at locking ---------------------------------------------------------------------------

    def typed(self) -> dict[str, Any] | None:
        """The search typed and the objects chosen since the dialog opened, as JSON values to keep (None when the
        dialog is as it opened: no search, all types, nothing chosen)."""
        if self._kept is not None:  # put back and not shown yet: still the same work
            return dict(self._kept)
        kind = self.type_box.currentData()
        chosen = self._rechoose[1] if self._rechoose is not None else self.chosen_ids()
        search = self.search.text()
        if not search.strip() and kind is None and not chosen:
            return None
        return {"search": search, "type": kind, "chosen": list(chosen)}

    def put_back(self, typed: dict[str, Any]) -> None:
        """Show what ``typed`` returned before the workspace locked: the search is run again and the objects chosen
        then are chosen again where it still finds them."""
        search, kind, chosen = typed.get("search"), typed.get("type"), typed.get("chosen")
        self._kept = {
            "search": search if isinstance(search, str) else "",
            "type": kind if isinstance(kind, str) else None,
            "chosen": [item for item in chosen if isinstance(item, str)] if isinstance(chosen, list) else [],
        }
        if self._types_read:
            self._apply_kept()

    def _apply_kept(self) -> None:
        kept, self._kept = self._kept, None
        if kept is None:
            return
        found = self.type_box.findData(kept["type"]) if kept["type"] is not None else 0
        self.type_box.setCurrentIndex(max(found, 0))
        self.search.setText(kept["search"])
        self.run_search()
        self._rechoose = (self._generation, kept["chosen"])

    def _choose_again(self, ids: list[str], rows: list[ObjectRow]) -> None:
        rows_of = {row.id: number for number, row in enumerate(rows)}
        selection = self.table.selectionModel()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for stix_id in ids:
            if stix_id in rows_of:
                selection.select(self.model.index(rows_of[stix_id], Columns.NAME), flags)
        missing = sum(1 for stix_id in ids if stix_id not in rows_of)
        if missing:
            self.status.setText(
                self.tr("{0} {1} of the {2} object(s) chosen before the workspace locked are not found any more.")
                .format(self.status.text(), missing, len(ids))
                .strip()
            )

    def chosen_ids(self) -> list[str]:
        return [self.model.data(index, Roles.ID) for index in self.table.selectionModel().selectedRows()]

    def _update_ok(self) -> None:
        self.ok_button.setEnabled(bool(self.chosen_ids()))

    def accept(self) -> None:  # Link: hand the ids on; the dialog closes once they are linked
        ids = self.chosen_ids()
        if not ids:
            return
        self.error.clear()
        self.ok_button.setEnabled(False)
        self.submitted.emit(ids)

    def refused(self, message: str) -> None:
        self.error.show_message(message)
        self._update_ok()

    def saved(self) -> None:
        self.done(QDialog.DialogCode.Accepted)
