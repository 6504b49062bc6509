"""The library screen: filters and search over a table of the store, and the detail pane of the selection.

It also opens the Link to case dialog of every table's Link to case… (``link_to_case``): a filter typed or a case
chosen there is this screen's unsaved work, kept at locking and offered back at unlocking for the same objects.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QSplitter, QTableView, QVBoxLayout, QWidget
from shiboken6 import isValid

from workbench.app.session import StoreChange
from workbench.app.tasks import TaskFailure
from workbench.services import library
from workbench.ui.cases.link_to_case_dialog import LinkToCaseDialog
from workbench.ui.common.screen import AppContext, SaveDone, Screen, UnsavedWork
from workbench.ui.common.text import plain_label
from workbench.ui.common.views import read_only_rows
from workbench.ui.library.detail_pane import DetailPane
from workbench.ui.library.filter_bar import FilterBar
from workbench.ui.library.library_model import Columns, LibraryModel, LoadState, Roles

logger = logging.getLogger(__name__)


class LibraryScreen(Screen):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.setObjectName("libraryScreen")
        session = context.session
        self.model = LibraryModel(session, self)
        self.filters = FilterBar(self)
        self.filters.filter_changed.connect(self._filter_changed)

        self.table = QTableView(self)
        self.table.setObjectName("libraryTable")
        self.table.setAccessibleName(self.tr("Library objects"))
        self.table.setToolTip(self.tr("Select an object to see its detail; click a header to sort"))
        self.table.setModel(self.model)
        read_only_rows(self.table)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        vertical = self.table.verticalHeader()
        vertical.hide()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setStretchLastSection(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(Columns.MODIFIED, Qt.SortOrder.DescendingOrder)
        for column, width in ((Columns.NAME, 320), (Columns.TYPE, 130), (Columns.TLP, 120), (Columns.MODIFIED, 140)):
            header.resizeSection(column, width)
        self.table.setSortingEnabled(True)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)

        self.detail = DetailPane(session, self)
        self.detail.object_followed.connect(self._select_loaded)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("librarySplitter")
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        self.status = plain_label("", self)
        self.status.setObjectName("libraryStatus")
        self.status.setAccessibleName(self.tr("Library status"))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addWidget(self.filters)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.status)

        copy = QShortcut(QKeySequence(QKeySequence.StandardKey.Copy), self.table)
        copy.setContext(Qt.ShortcutContext.WidgetShortcut)
        copy.activated.connect(self.copy_ids)

        self.model.fetch_started.connect(self._fetch_started)
        self.model.rows_loaded.connect(self._rows_loaded)
        self.model.counted.connect(self._counted)
        self.model.load_failed.connect(lambda message: self.status.setText(message))
        self._total: int | None = None
        self.link_dialog: LinkToCaseDialog | None = None
        self._restoring: dict[str, Any] | None = None  # a link to a case kept at locking, its objects being read
        session.opened.connect(self._opened)
        session.locking.connect(self._locking)
        session.store_changed.connect(self._store_changed)
        self._restore_layout()

    # -- session -----------------------------------------------------------------------------------------------

    def _opened(self, _info: object) -> None:
        self.model.set_filter(self.filters.current())
        self._load_facets()

    def _locking(self) -> None:
        self._restoring = None
        if self.link_dialog is not None and isValid(self.link_dialog):  # the dialog deletes itself when closed
            self.link_dialog.close()
        self.link_dialog = None
        self.model.clear()
        self.detail.clear()
        self.filters.blockSignals(True)
        self.filters.reset()  # search words can be sensitive too
        self.filters.set_facets([], [])
        self.filters.blockSignals(False)
        self.status.setText("")

    def _store_changed(self, _change: StoreChange) -> None:
        self.model.reload()
        self._load_facets()
        if self.detail.current is not None:
            self.detail.show_object(self.detail.current.row.id, record=False)

    def _load_facets(self) -> None:
        task = self.context.session.run(
            "library facets", lambda ws, _control: (library.object_types(ws), library.sources(ws))
        )
        task.succeeded.connect(lambda facets: self.filters.set_facets(*facets))

    # -- filtering and loading ---------------------------------------------------------------------------------

    def _filter_changed(self, flt: library.LibraryFilter) -> None:
        if not self.context.session.is_open:
            return
        self.model.set_filter(flt)
        header = self.table.horizontalHeader()
        header.blockSignals(True)
        order = Qt.SortOrder.DescendingOrder if self.model.query[2] else Qt.SortOrder.AscendingOrder
        header.setSortIndicator(self.model.sort_column(), order)
        header.blockSignals(False)
        header.viewport().update()

    def _fetch_started(self) -> None:
        if self.model.rowCount() == 0:
            self.status.setText(self.tr("Searching…") if self.model.query[0].searching else self.tr("Loading…"))

    def _rows_loaded(self, state: LoadState) -> None:
        self._show_status(state)
        if state.loaded and not self.table.selectionModel().hasSelection() and self.detail.current is None:
            self.table.selectRow(0)

    def _counted(self, total: int) -> None:
        self._total = total
        self._show_status(LoadState(self.model.rowCount(), not self.model.canFetchMore(QModelIndex())))

    def _show_status(self, state: LoadState) -> None:
        if self.model.query[0].searching:
            if state.more_than is not None and state.capped:
                self.status.setText(
                    self.tr(
                        "More than {0:,} matches: the newest {1:,} are shown; add words to narrow the search."
                    ).format(state.more_than, state.loaded)
                )
            elif state.more_than is not None:
                self.status.setText(
                    self.tr(
                        "{0:,} matches, the newest first: too many to rank; add words to narrow the search."
                    ).format(state.loaded)
                )
            elif state.capped:
                self.status.setText(
                    self.tr("The best {0:,} matches are shown; refine the search to narrow them.").format(state.loaded)
                )
            elif state.loaded == 0:
                self.status.setText(self.tr("No matches."))
            else:
                self.status.setText(self.tr("{0:,} matches.").format(state.loaded))
            return
        if self.model.rowCount() == 0 and state.complete:
            self.status.setText(self.tr("No objects match these filters."))
        elif self.model.loading:
            return
        elif self._count_known():
            self.status.setText(self.tr("{0:,} objects ({1:,} loaded).").format(self._total, state.loaded))
        else:
            self.status.setText(self.tr("{0:,} objects loaded.").format(state.loaded))

    def _count_known(self) -> bool:
        return self._total is not None

    # -- selection and navigation ------------------------------------------------------------------------------

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        stix_id = self.model.data(current, Roles.ID) if current.isValid() else None
        if stix_id and (self.detail.current is None or self.detail.current.row.id != stix_id):
            self.detail.show_object(stix_id)

    def _select_loaded(self, stix_id: str) -> None:
        """Select the followed object's row when the table has it loaded (it may be filtered out)."""
        row = self.model.row_of(stix_id)
        selection = self.table.selectionModel()
        selection.blockSignals(True)
        if row is None:
            selection.clearSelection()
        else:
            index = self.model.index(row, Columns.NAME)
            selection.setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
            )
            self.table.scrollTo(index)
        selection.blockSignals(False)
        self.table.viewport().update()

    def show_object(self, stix_id: str) -> None:
        self._select_loaded(stix_id)
        self.detail.show_object(stix_id)

    def selected_ids(self) -> list[str]:
        """The STIX ids of the selected rows, in table order."""
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [value for value in (self.model.object_id(row) for row in rows) if value]

    def copy_ids(self) -> None:
        ids = self.selected_ids()
        QGuiApplication.clipboard().setText("\n".join(ids))
        self.context.status(self.tr("Copied {0} id(s).").format(len(ids)))

    def focus_first(self) -> None:
        self.table.setFocus()

    def focus_search(self) -> None:
        self.filters.focus_search()

    # -- linking objects to a case ------------------------------------------------------------------------------

    def link_to_case(self, object_ids: list[str]) -> LinkToCaseDialog | None:
        """Pick a case and link these objects to it (any table's Link to case…)."""
        if not self.context.session.is_open or not object_ids:
            return None
        dialog = LinkToCaseDialog(self.context.session, object_ids, self.window())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.linked.connect(lambda text: self.context.status(text))
        self.link_dialog = dialog
        dialog.open()
        return dialog

    def _link_typed(self) -> dict[str, Any] | None:
        dialog = self.link_dialog
        if dialog is None or not isValid(dialog) or not dialog.isVisible():
            return None
        return dialog.typed()

    # -- unsaved work -------------------------------------------------------------------------------------------

    def unsaved_work(self) -> list[UnsavedWork]:
        typed = self._link_typed()
        return [self._work(typed)] if typed is not None else []

    def pending_work(self) -> UnsavedWork | None:
        # Kept at the last locking and still waiting for its objects to be read.
        return self._work(self._restoring) if self._restoring is not None else None

    def _work(self, typed: dict[str, Any]) -> UnsavedWork:
        what = self.tr("Library: {0} object(s) being linked to a case").format(len(typed["objects"]))
        return UnsavedWork(what, "link to case", {"link_to_case": typed})

    def save_work(self, done: SaveDone) -> None:
        if self._link_typed() is not None:
            assert self.link_dialog is not None
            message = self.tr("Finish or cancel the linking to a case in its dialog first.")
            self.link_dialog.status.setText(message)
            self.context.status(message)
            done(message)
            return
        done(None)

    def discard_work(self) -> None:
        self._restoring = None
        if self.link_dialog is not None and isValid(self.link_dialog):
            self.link_dialog.reject()
        self.link_dialog = None

    def restore_work(self, content: dict[str, Any]) -> bool:
        kept = content.get("link_to_case")
        objects = kept.get("objects") if isinstance(kept, dict) else None
        ids = [item for item in objects if isinstance(item, str)] if isinstance(objects, list) else []
        if not isinstance(kept, dict) or not ids:
            return False
        self._restoring = kept
        task = self.context.session.run(
            "objects to link again", lambda ws, _control: [item for item in ids if library.row(ws, item) is not None]
        )
        task.succeeded.connect(lambda found: self._reopen_link(kept, len(ids), found))
        task.failed.connect(self._link_not_read)
        return True

    def _link_not_read(self, failure: TaskFailure) -> None:
        if self._restoring is None:  # the workspace locked meanwhile: kept again
            return
        self._restoring = None
        self.context.status(
            self.tr("The objects being linked to a case at locking could not be read ({0}); that work is lost.").format(
                failure.message
            )
        )

    def _reopen_link(self, kept: dict[str, Any], count: int, found: list[str]) -> None:
        """Open the Link to case dialog kept at locking again, for its objects still stored."""
        if self._restoring is not kept:  # the workspace locked meanwhile: kept again, put back at the next unlock
            return
        self._restoring = None
        if not found:
            self.context.status(
                self.tr(
                    "The {0} object(s) being linked to a case at locking are gone; the case chosen for them is lost."
                ).format(count)
            )
            return
        dialog = self.link_to_case(found)
        if dialog is None:
            return
        dialog.put_back(kept)
        if len(found) < count:
            self.context.status(
                self.tr(
                    "{0} of the {1} object(s) being linked to a case at locking are gone; the others are offered again."
                ).format(count - len(found), count)
            )

    # -- layout ------------------------------------------------------------------------------------------------

    def _restore_layout(self) -> None:
        settings = self.context.settings
        state = settings.layout("library/splitter")
        if state is not None:
            self.splitter.restoreState(state)
        else:
            self.splitter.setSizes([700, 500])
        header = settings.layout("library/header")
        if header is not None:
            restored = self.table.horizontalHeader()
            restored.restoreState(header)
            if restored.sortIndicatorSection() < 0 or restored.sortIndicatorSection() >= len(Columns):
                restored.setSortIndicator(Columns.MODIFIED, Qt.SortOrder.DescendingOrder)

    def save_layout(self) -> None:
        self.context.settings.save_layout("library/splitter", self.splitter.saveState())
        self.context.settings.save_layout("library/header", self.table.horizontalHeader().saveState())
