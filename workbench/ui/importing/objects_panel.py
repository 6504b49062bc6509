"""The objects a preview would import, one row each: state (new, updated, unchanged, older, conflict, refused with
its reason), type, name and TLP, filtered by state and by words; below, side by side, the properties an update or
a conflict changes (stored version left, incoming right).

Rows come from dry runs (``ImportSummary.objects``, bounded by the importer); several files previewed together
are listed in one table with a File column. Text from the files is untrusted: cells are plain text, tool tips
escaped (``ListTableModel``).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workbench.domain.tlp import Tlp
from workbench.services.importing.summary import ImportSummary, ObjectOutcome, PropertyChange
from workbench.ui.common.list_model import ItemRole, ListTableModel
from workbench.ui.common.text import plain_label
from workbench.ui.common.views import read_only_rows

Index = QModelIndex | QPersistentModelIndex

REFUSED_COLOUR = QColor("#b3261e")
CHANGED_COLOUR = QColor("#0b57d0")


def _t(text: str) -> str:
    return QCoreApplication.translate("ObjectsPanel", text)


def state_names() -> dict[str, str]:
    """The importer's states as the previews name them (a state added later shows as it is named)."""
    return {
        "new": _t("New"),
        "new_version": _t("Updated"),
        "unchanged": _t("Unchanged"),
        "older": _t("Older"),
        "conflict": _t("Conflict"),
        "refused": _t("Refused"),
        "foreign": _t("Foreign version (kept aside)"),
    }


def state_text(state: str) -> str:
    return state_names().get(state, state.replace("_", " ").capitalize())


@dataclass(frozen=True, slots=True)
class ListedObject:
    """One row: the file it is in and what importing it would do."""

    file: str
    entry: ObjectOutcome


def listed_objects(file: str, summary: ImportSummary) -> list[ListedObject]:
    return [ListedObject(file, entry) for entry in summary.objects]


def _tlp_label(level: int | None) -> str:
    try:
        return Tlp(level).label if level is not None else ""
    except ValueError:
        return ""


def note_text(entry: ObjectOutcome) -> str:
    """What the Note column says: a refusal's reason, or the properties an update changes."""
    if entry.reason:
        return entry.reason
    names = [change.name for change in entry.changes if change.name != "modified"]
    if names:
        more = _t(", and more") if entry.changes_left_out else ""
        return _t("changes {0}").format(", ".join(names)) + more
    return ""


class ObjectsModel(ListTableModel[ListedObject]):
    """The listed objects, of which the rows shown are those matching the filter (``set_filter``)."""

    class Columns(enum.IntEnum):
        STATE = 0
        TYPE = 1
        NAME = 2
        TLP = 3
        NOTE = 4
        FILE = 5

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.state: str | None = None

    def set_state(self, state: str | None) -> None:
        """Show only the objects of ``state`` (None: all), with the words of ``set_filter``."""
        self.state = state
        self.set_items(self.all_items)

    def filtering(self) -> bool:
        return self.state is not None or super().filtering()

    def matches(self, item: ListedObject, words: list[str]) -> bool:
        return matches(item, self.state, words)

    def headers(self) -> Sequence[str]:
        return (_t("State"), _t("Type"), _t("Name"), _t("TLP"), _t("Reason or change"), _t("File"))

    def cell(self, item: ListedObject, column: int) -> str:
        entry = item.entry
        if column == self.Columns.STATE:
            return state_text(entry.state)
        if column == self.Columns.TYPE:
            return entry.type
        if column == self.Columns.NAME:
            return entry.name or entry.object_id or _t("(object {0})").format((entry.index or 0) + 1)
        if column == self.Columns.TLP:
            return _tlp_label(entry.tlp)
        if column == self.Columns.NOTE:
            return note_text(entry)
        return item.file

    def tooltip(self, item: ListedObject, column: int) -> str | None:
        if column == self.Columns.NAME:
            return "\n".join(part for part in (item.entry.name, item.entry.object_id or "") if part) or None
        text = self.cell(item, column)
        return text or None

    def foreground(self, item: ListedObject, column: int) -> Any:
        if column == self.Columns.STATE:
            if item.entry.state == "refused":
                return REFUSED_COLOUR
            if item.entry.state in ("new_version", "conflict"):
                return CHANGED_COLOUR
        return None


def matches(item: ListedObject, state: str | None, words: list[str]) -> bool:
    """Whether a row is of ``state`` (None: any) and its type, name, id, reason or file holds every word."""
    entry = item.entry
    if state is not None and entry.state != state:
        return False
    if not words:
        return True
    haystack = " ".join((entry.type, entry.name, entry.object_id or "", entry.reason, item.file)).casefold()
    return all(word in haystack for word in words)


class ChangesModel(ListTableModel[PropertyChange]):
    class Columns(enum.IntEnum):
        PROPERTY = 0
        BEFORE = 1
        AFTER = 2

    tooltip_limit = 2000

    def headers(self) -> Sequence[str]:
        return (_t("Property"), _t("Stored now"), _t("In the file"))

    def cell(self, item: PropertyChange, column: int) -> str:
        if column == self.Columns.PROPERTY:
            return item.name
        value = item.before if column == self.Columns.BEFORE else item.after
        return _t("(absent)") if value is None else value

    def tooltip(self, item: PropertyChange, column: int) -> str | None:
        return self.cell(item, column)


class ObjectsPanel(QWidget):
    """Filter bar, the objects table and the selected object's changes."""

    def __init__(self, objects: list[ListedObject], unlisted: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("objectsPanel")
        self.model = ObjectsModel(self)
        self.model.set_items(objects)
        self.state_box = QComboBox(self)
        self.state_box.setObjectName("stateFilter")
        self.state_box.setAccessibleName(_t("Show objects that are"))
        self.state_box.setToolTip(_t("Show only the objects of one state"))
        counts: dict[str, int] = {}
        for item in objects:
            counts[item.entry.state] = counts.get(item.entry.state, 0) + 1
        self.state_box.addItem(_t("All states ({0:,})").format(len(objects)), None)
        for state, name in state_names().items():
            if counts.get(state):
                self.state_box.addItem(f"{name} ({counts[state]:,})", state)
        for state in sorted(set(counts) - set(state_names())):
            self.state_box.addItem(f"{state_text(state)} ({counts[state]:,})", state)
        self.state_box.currentIndexChanged.connect(lambda _index: self._filter())
        self.search = QLineEdit(self)
        self.search.setObjectName("objectSearch")
        self.search.setAccessibleName(_t("Search the objects"))
        self.search.setPlaceholderText(_t("Search type, name, id, reason…"))
        self.search.setClearButtonEnabled(True)
        self._delay = QTimer(self)
        self._delay.setSingleShot(True)
        self._delay.setInterval(200)
        self._delay.timeout.connect(self._filter)
        self.search.textChanged.connect(lambda _text: self._delay.start())
        self.shown = plain_label("", self)
        self.shown.setObjectName("objectsShown")
        self.model.modelReset.connect(self._count)

        self.table = QTableView(self)
        self.table.setObjectName("objectsTable")
        self.table.setAccessibleName(_t("Objects"))
        self.table.setModel(self.model)
        read_only_rows(self.table, stored_objects=False)
        self.table.setSortingEnabled(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        columns = ObjectsModel.Columns
        for column, chars in ((columns.STATE, 11), (columns.TYPE, 16), (columns.TLP, 13), (columns.FILE, 18)):
            header.resizeSection(column, self.fontMetrics().averageCharWidth() * chars + 16)
        header.setSectionResizeMode(columns.NAME, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(columns.NOTE, self.fontMetrics().averageCharWidth() * 28)
        self.table.setColumnHidden(columns.FILE, len({item.file for item in objects}) < 2)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)

        self.detail = plain_label("", self, wrap=True, selectable=True)
        self.detail.setObjectName("objectDetail")
        self.changes = ChangesModel(self)
        self.changes_view = QTableView(self)
        self.changes_view.setObjectName("changesTable")
        self.changes_view.setAccessibleName(_t("What changes"))
        self.changes_view.setModel(self.changes)
        read_only_rows(self.changes_view, stored_objects=False)
        self.changes_view.setWordWrap(True)
        self.changes_view.verticalHeader().hide()
        changes_header = self.changes_view.horizontalHeader()
        changes_header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        changes_header.setSectionResizeMode(ChangesModel.Columns.PROPERTY, QHeaderView.ResizeMode.ResizeToContents)
        lower = QWidget(self)
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.detail)
        lower_layout.addWidget(self.changes_view, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("objectsSplitter")
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(lower)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)

        bar = QHBoxLayout()
        bar.addWidget(self.state_box)
        bar.addWidget(self.search, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.shown)
        layout.addWidget(self.splitter, 1)
        self._unlisted = unlisted
        self._count()
        self._show(None)
        if objects:
            self.table.selectRow(0)

    def _filter(self) -> None:
        self._delay.stop()
        self.model.state = self.state_box.currentData()
        self.model.set_filter(self.search.text())
        if self.model.rowCount():
            self.table.selectRow(0)
        else:
            self._show(None)

    def _count(self, *_args: Any) -> None:
        text = _t("{0:,} of {1:,} objects shown").format(self.model.rowCount(), len(self.model.all_items))
        if self._unlisted:
            text += _t("; {0:,} more are counted above but not listed (only the first are listed)").format(
                self._unlisted
            )
        self.shown.setText(text + ".")

    def set_state(self, state: str | None) -> None:
        """Show only the objects of ``state`` (None: all)."""
        index = self.state_box.findData(state)
        self.state_box.setCurrentIndex(max(index, 0))

    def set_search(self, text: str) -> None:
        self.search.setText(text)
        self._filter()

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        item = current.data(ItemRole) if current.isValid() else None
        self._show(item if isinstance(item, ListedObject) else None)

    def _show(self, item: ListedObject | None) -> None:
        if item is None:
            self.detail.setText(_t("Select an object to see what importing it changes."))
            self.changes.clear()
            self.changes_view.hide()
            return
        entry = item.entry
        what = {
            "new": _t("Not stored yet: it will be added."),
            "new_version": _t("A newer version of a stored object: it becomes current. What it changes:"),
            "unchanged": _t("Stored already exactly like this: nothing changes."),
            "older": _t("Older than the stored version: kept as history, it never becomes current."),
            "conflict": _t(
                "Same modified time as a stored version but other content: held aside, the current one is kept. "
                "Where they differ:"
            ),
            "refused": _t("Refused: {0}").format(entry.reason),
        }.get(entry.state, state_text(entry.state))
        heading = f"{entry.type} {entry.name}".strip() or (entry.object_id or "")
        self.detail.setText(f"{heading}\n{entry.object_id or ''}\n{what}".replace("\n\n", "\n"))
        self.changes.set_items(list(entry.changes))
        self.changes_view.setVisible(bool(entry.changes))
        self.changes_view.resizeRowsToContents()
        if entry.changes_left_out:
            self.detail.setText(self.detail.text() + _t(" (more properties differ than are listed)"))
