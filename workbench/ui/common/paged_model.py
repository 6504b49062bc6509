"""A ``ListTableModel`` filled page by page by tasks as the view scrolls (``canFetchMore``/``fetchMore``).

Subclasses say how to read the page that follows the rows held (``page_work``). A reload or a change of what is
listed starts over; an answer to an older request is dropped; a failure stops fetching and says why.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Signal

from workbench.app.session import Session
from workbench.app.tasks import TaskFailure, TaskHandle
from workbench.ui.common.list_model import ListTableModel

Index = QModelIndex | QPersistentModelIndex
T = TypeVar("T")


class PagedListModel(ListTableModel[T]):
    rows_loaded = Signal(int)
    """The number of rows held after a page arrived."""
    load_failed = Signal(str)
    """Why the next page could not be read (a message for people)."""

    #: The task's name, for logs.
    task_name = "page"

    def __init__(self, session: Session, parent: Any = None, *, page_size: int) -> None:
        super().__init__(parent)
        self._session = session
        self._page_size = page_size
        self._has_more = False
        self._task: TaskHandle | None = None
        self._generation = 0

    def page_work(self, size: int) -> Callable[[Any, Any], list[T]]:
        """The work that reads the ``size`` rows after those held (run by the session, off the GUI thread)."""
        raise NotImplementedError

    @property
    def loading(self) -> bool:
        return self._task is not None

    def reload(self) -> None:
        self._reset(fetch=True)

    def clear(self) -> None:
        self._reset(fetch=False)

    def _reset(self, *, fetch: bool) -> None:
        self._generation += 1
        if self._task is not None:
            self._task.cancel()
            self._task = None
        self.beginResetModel()
        self._items = []
        self._has_more = fetch and self._session.is_open
        self.endResetModel()
        if self._has_more:
            self.fetchMore(QModelIndex())

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._has_more and self._task is None

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent) or not self._session.is_open:
            return
        generation = self._generation
        task = self._session.run(self.task_name, self.page_work(self._page_size))
        self._task = task
        task.succeeded.connect(lambda rows: self._fetched(generation, rows))
        task.failed.connect(lambda failure: self._failed(generation, failure))
        task.finished.connect(lambda: self._fetch_ended(generation))

    def _fetch_ended(self, generation: int) -> None:
        if generation == self._generation:
            self._task = None

    def _failed(self, generation: int, failure: TaskFailure) -> None:
        if generation == self._generation:
            self._task = None
            self._has_more = False
            self.load_failed.emit(failure.message)

    def _fetched(self, generation: int, rows: list[T]) -> None:
        if generation != self._generation:
            return
        self._task = None
        self._has_more = len(rows) == self._page_size
        self.page_arrived()
        if rows:
            first = len(self._items)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self._items.extend(rows)
            self.endInsertRows()
        self.rows_loaded.emit(len(self._items))

    def page_arrived(self) -> None:
        """Called before a page's rows are added (the case list moves its clock then)."""
