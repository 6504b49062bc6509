"""The Cases screen: filters and the case list with the deadline panel below it, the selected case's editor beside.

New incident (Ctrl+Shift+N) and New exercise create a case and open it; selecting a row (or double-clicking a
row of the deadline panel) opens that case, after asking about unsaved changes. Every stored change refreshes the
list, the panel and the other screens (``Session.notify_changed``).
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from workbench.app.session import StoreChange
from workbench.domain.cases.case import Case
from workbench.domain.cases.vocab import CaseKind
from workbench.domain.errors import WorkbenchError
from workbench.services import cases
from workbench.ui.cases.case_editor import CaseEditor
from workbench.ui.cases.case_filters import CaseFilterBar
from workbench.ui.cases.case_list_model import SORT_KEYS, CaseFilter, CaseListModel, Columns, Roles
from workbench.ui.cases.deadline_panel import DeadlinePanel
from workbench.ui.cases.new_case_dialog import NewCase, NewCaseDialog
from workbench.ui.common.screen import AppContext, SaveDone, Screen, UnsavedWork
from workbench.ui.common.text import plain_label
from workbench.ui.common.views import read_only_rows

logger = logging.getLogger(__name__)

#: The store-change action this screen announces; it does not reload itself for its own announcements.
CHANGE_ACTION = "case"


class CasesScreen(Screen):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.setObjectName("casesScreen")
        session = context.session
        self.model = CaseListModel(session, self)
        self.filters = CaseFilterBar(self)
        self.filters.filter_changed.connect(self._filter_changed)
        self.new_incident_button = QPushButton(self.tr("New &incident…"), self)
        self.new_incident_button.setObjectName("newIncident")
        self.new_incident_button.setToolTip(
            self.tr("Open an incident case; its reporting clocks start at the time of awareness (Ctrl+Shift+N)")
        )
        self.new_incident_button.clicked.connect(lambda: self.new_case(CaseKind.INCIDENT))
        self.new_exercise_button = QPushButton(self.tr("New e&xercise…"), self)
        self.new_exercise_button.setObjectName("newExercise")
        self.new_exercise_button.setToolTip(self.tr("Open an exercise case for its after-action report"))
        self.new_exercise_button.clicked.connect(lambda: self.new_case(CaseKind.EXERCISE))
        shortcut = QShortcut(QKeySequence("Ctrl+Shift+N"), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(lambda: self.new_case(CaseKind.INCIDENT))

        self.table = QTableView(self)
        self.table.setObjectName("caseTable")
        self.table.setAccessibleName(self.tr("Cases"))
        self.table.setToolTip(self.tr("Select a case to open it; click a header to sort"))
        self.table.setModel(self.model)
        read_only_rows(self.table)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        vertical = self.table.verticalHeader()
        vertical.hide()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setStretchLastSection(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(Columns.MODIFIED, Qt.SortOrder.DescendingOrder)
        for column, width in (
            (Columns.REF, 112),
            (Columns.TITLE, 165),
            (Columns.STATUS, 100),
            (Columns.NEXT_DUE, 230),
            (Columns.KIND, 75),
            (Columns.TLP, 95),
            (Columns.SECTOR, 120),
            (Columns.MEMBER_STATE, 110),
            (Columns.STARTS, 150),
        ):
            header.resizeSection(column, width)
        self.table.setSortingEnabled(True)
        header.sortIndicatorChanged.connect(self._sort_indicator_changed)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.status = plain_label("", self)
        self.status.setObjectName("caseStatus")
        self.status.setAccessibleName(self.tr("Case list status"))

        self.deadlines = DeadlinePanel(session, self)
        self.deadlines.case_opened.connect(self.open_case)
        self.deadlines.clock_moved.connect(self.model.tick)
        self.editor = CaseEditor(session, self)
        self.editor.case_saved.connect(self._case_saved)
        self.editor.object_shown.connect(context.show_object)
        self.editor.kept_lost.connect(context.status)

        left = QSplitter(Qt.Orientation.Vertical, self)
        left.setObjectName("casesLeftSplitter")
        list_box = QWidget(left)
        list_layout = QVBoxLayout(list_box)
        list_layout.setContentsMargins(0, 0, 0, 0)
        list_layout.addWidget(self.table, 1)
        list_layout.addWidget(self.status)
        left.addWidget(list_box)
        left.addWidget(self.deadlines)
        left.setStretchFactor(0, 3)
        left.setStretchFactor(1, 2)
        left.setChildrenCollapsible(False)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("casesSplitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.editor)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.left_splitter = left

        top = QHBoxLayout()
        top.addWidget(self.new_incident_button)
        top.addWidget(self.new_exercise_button)
        top.addSpacing(12)
        top.addWidget(self.filters, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)

        self.model.rows_loaded.connect(self._rows_loaded)
        self.model.load_failed.connect(self.status.setText)
        self.model.modelAboutToBeReset.connect(self._remember_selection)
        self._reselect: str | None = None
        self.dialog: NewCaseDialog | None = None
        session.opened.connect(self._opened)
        session.locking.connect(self._locking)
        session.store_changed.connect(self._store_changed)
        self._restore_layout()

    # -- session -----------------------------------------------------------------------------------------------

    def _opened(self, _info: object) -> None:
        self.model.set_case_filter(self.filters.current())
        self.deadlines.reload()

    def _locking(self) -> None:
        if self.dialog is not None and isValid(self.dialog):  # a dialog deletes itself when closed
            self.dialog.close()
        self.dialog = None
        self.model.clear()
        self.deadlines.clear()
        self.editor.clear()
        self.filters.blockSignals(True)
        self.filters.reset()  # search words can be sensitive too
        self.filters.blockSignals(False)
        self.status.setText("")

    def _store_changed(self, change: StoreChange) -> None:
        if change.action == CHANGE_ACTION:
            return  # this screen refreshed itself already
        self.model.reload()
        self.deadlines.reload()
        self.editor.reload()

    def _case_saved(self, ref: str) -> None:
        self._reselect = ref
        self.model.reload()
        self.deadlines.reload()
        self.context.session.notify_changed(StoreChange(CHANGE_ACTION, self.tr("Case {0} saved").format(ref)))

    # -- the list ----------------------------------------------------------------------------------------------

    def _filter_changed(self, case_filter: CaseFilter) -> None:
        if self.context.session.is_open:
            self.model.set_case_filter(case_filter)

    def _sort_indicator_changed(self, column: int, _order: Qt.SortOrder) -> None:
        """A computed column cannot be sorted in SQL: the indicator goes back to the order the list is in."""
        if 0 <= column < len(Columns) and Columns(column) not in SORT_KEYS:
            header = self.table.horizontalHeader()
            header.blockSignals(True)
            header.setSortIndicator(*self.model.sort_order)
            header.blockSignals(False)
            header.viewport().update()

    def _remember_selection(self) -> None:
        if self._reselect is None:
            self._reselect = self.editor.ref

    def _rows_loaded(self, count: int) -> None:
        if count == 0:
            self.status.setText(
                self.tr("No cases match these filters.")
                if self.model.case_filter != CaseFilter()
                else self.tr("No cases yet: create one with New incident or New exercise.")
            )
        elif self.model.canFetchMore(QModelIndex()):
            self.status.setText(self.tr("{0:,} cases loaded; scroll for more.").format(count))
        else:
            self.status.setText(self.tr("{0:,} case(s).").format(count))
        if self._reselect is not None:
            row = self.model.row_of(self._reselect)
            if row is not None:
                self._select_row(row)
                self._reselect = None

    def _select_row(self, row: int) -> None:
        selection = self.table.selectionModel()
        selection.blockSignals(True)
        index = self.model.index(row, Columns.REF)
        selection.setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        selection.blockSignals(False)
        self.table.scrollTo(index)
        self.table.viewport().update()

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        ref = self.model.data(current, Roles.REF) if current.isValid() else None
        if ref and ref != self.editor.ref:
            self.open_case(str(ref))

    def open_case(self, ref: str) -> None:
        """Open a case in the editor (asking about unsaved changes first) and select it when the list shows it."""

        def proceed() -> None:
            self.editor.open_case(ref)
            row = self.model.row_of(ref)
            if row is not None:
                self._select_row(row)

        def keep_current() -> None:
            current = self.model.row_of(self.editor.ref) if self.editor.ref else None
            if current is not None:
                self._select_row(current)

        keep_current()
        # A click selects its row after this signal returned: the open case is highlighted again after it too.
        QTimer.singleShot(0, lambda: None if self.editor.ref == ref else keep_current())
        self.editor.confirm_leave(proceed)

    # -- new cases ---------------------------------------------------------------------------------------------

    def new_case(self, kind: CaseKind) -> NewCaseDialog | None:
        if not self.context.session.is_open:
            return None
        dialog = NewCaseDialog(kind, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.submitted.connect(lambda new: self._create(dialog, new))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _create(self, dialog: NewCaseDialog, new: NewCase) -> None:
        task = self.context.session.run(
            "create case",
            lambda ws, _control: cases.create_case(ws, new.kind, new.title, fields=new.fields, tlp=new.tlp),
        )

        def created(case: Case) -> None:
            dialog.saved()
            self.context.status(self.tr("Created {0}.").format(case.ref))
            self.editor.confirm_leave(lambda: self.editor.open_case(case.ref))
            self._case_saved(case.ref)

        task.succeeded.connect(created)
        task.failed.connect(lambda failure: dialog.refused(failure.message))

    # -- unsaved work -------------------------------------------------------------------------------------------

    def unsaved_work(self) -> list[UnsavedWork]:
        work = [self.editor.unsaved()]
        typed = self._new_case_typed()
        if typed is not None:
            title = typed["title"].strip()
            kind = CaseKind.parse(typed["kind"])
            what = (
                self.tr("A new incident being written ({0})")
                if kind is CaseKind.INCIDENT
                else self.tr("A new exercise being written ({0})")
            ).format(title or self.tr("no title yet"))
            work.append(UnsavedWork(what, f"new {kind.value}", {"new_case": typed}))
        return [item for item in work if item is not None]

    def pending_work(self) -> UnsavedWork | None:
        return self.editor.pending()

    def _new_case_typed(self) -> dict[str, Any] | None:
        dialog = self.dialog
        if dialog is None or not isValid(dialog) or not dialog.isVisible():
            return None
        return dialog.typed()

    def save_work(self, done: SaveDone) -> None:
        if self._new_case_typed() is not None:
            assert self.dialog is not None
            message = self.tr("Finish or cancel the new case in its dialog first.")
            self.dialog.refused(message)
            done(message)
            return
        self.editor.save_then(done)

    def discard_work(self) -> None:
        if self.dialog is not None and isValid(self.dialog):
            self.dialog.reject()
        self.editor.revert()

    def restore_work(self, content: dict[str, Any]) -> bool:
        typed = content.get("new_case")
        if isinstance(typed, dict):
            try:
                kind = CaseKind.parse(typed.get("kind"))
            except WorkbenchError:
                return False
            dialog = self.new_case(kind)
            if dialog is None:
                return False
            dialog.put_back(typed)
            return True
        ref = content.get("ref")
        if not isinstance(ref, str) or not self.editor.restore(content):
            return False
        row = self.model.row_of(ref)
        if row is not None:
            self._select_row(row)
        else:
            self._reselect = ref  # selected once the list shows it
        return True

    # -- focus and layout --------------------------------------------------------------------------------------

    def focus_first(self) -> None:
        self.table.setFocus()

    def _restore_layout(self) -> None:
        settings = self.context.settings
        for key, splitter, sizes in (
            ("cases/splitter", self.splitter, [500, 700]),
            ("cases/left", self.left_splitter, [420, 260]),
        ):
            state = settings.layout(key)
            if state is None or not splitter.restoreState(state):
                splitter.setSizes(sizes)
        header = settings.layout("cases/header")
        if header is not None:
            self.table.horizontalHeader().restoreState(header)

    def save_layout(self) -> None:
        settings = self.context.settings
        settings.save_layout("cases/splitter", self.splitter.saveState())
        settings.save_layout("cases/left", self.left_splitter.saveState())
        settings.save_layout("cases/header", self.table.horizontalHeader().saveState())
