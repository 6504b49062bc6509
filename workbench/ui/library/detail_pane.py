"""The detail pane: one object's properties, relations (click to follow), graph, versions and raw JSON.

Loaded by a task (an object referred to by a million others must not freeze the window). Everything from the
object is shown as plain text. Back and Forward (Alt+Left, Alt+Right) walk the objects followed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from workbench.app.session import Session, StoreChange
from workbench.app.tasks import TaskFailure, TaskHandle
from workbench.services import intake, library
from workbench.services.library import Neighbourhood, ObjectDetail
from workbench.ui.common.dialogs import show_error
from workbench.ui.common.text import one_line, plain_label
from workbench.ui.common.views import read_only_rows
from workbench.ui.library.accept_foreign_dialog import AcceptForeignDialog
from workbench.ui.library.detail_models import LinksModel, VersionsModel
from workbench.ui.library.graph_view import RelationshipGraph
from workbench.ui.library.properties_text import properties_text

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Loaded:
    detail: ObjectDetail | None
    hood: Neighbourhood | None


def _load(ws, stix_id: str) -> _Loaded:
    detail = library.object_detail(ws, stix_id)
    hood = library.neighbourhood(ws, stix_id) if detail is not None else None
    return _Loaded(detail, hood)


def _read_only_text(parent: QWidget, name: str, mono: bool = False) -> QPlainTextEdit:
    edit = QPlainTextEdit(parent)
    edit.setReadOnly(True)
    edit.setAccessibleName(name)
    edit.setTabChangesFocus(True)
    edit.setTextInteractionFlags(
        Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
    )
    if mono:
        edit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
    return edit


def _table(parent: QWidget, model, name: str) -> QTableView:
    view = QTableView(parent)
    view.setModel(model)
    view.setAccessibleName(name)
    read_only_rows(view)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.verticalHeader().hide()
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    # Columns fitted to the first 50 rows, not 1,000 (up to 500 relations each way are listed): every row measured
    # is a call into Python, and each waits for the interpreter lock while a worker runs.
    view.horizontalHeader().setResizeContentsPrecision(50)
    view.setWordWrap(False)
    view.setAlternatingRowColors(True)
    return view


class DetailPane(QWidget):
    """Shows one object by id, whether or not the library table lists it."""

    object_shown = Signal(str)
    """The id of the object now shown (after it loaded)."""
    object_followed = Signal(str)
    """The analyst followed a relation to this id (the pane shows it next)."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detailPane")
        self._session = session
        self._task: TaskHandle | None = None
        self._history: list[str] = []
        self._position = -1
        self.current: ObjectDetail | None = None

        self.back_button = QToolButton(self)
        self.back_button.setText("◀")
        self.back_button.setAccessibleName(self.tr("Back"))
        self.back_button.setToolTip(self.tr("Back to the previous object (Alt+Left)"))
        self.back_button.setShortcut(QKeySequence(QKeySequence.StandardKey.Back))
        self.back_button.clicked.connect(self.back)
        self.forward_button = QToolButton(self)
        self.forward_button.setText("▶")
        self.forward_button.setAccessibleName(self.tr("Forward"))
        self.forward_button.setToolTip(self.tr("Forward again (Alt+Right)"))
        self.forward_button.setShortcut(QKeySequence(QKeySequence.StandardKey.Forward))
        self.forward_button.clicked.connect(self.forward)
        self.title = plain_label(self.tr("No object selected"), self, wrap=True, selectable=True)
        self.title.setObjectName("detailTitle")
        self.title.setAccessibleName(self.tr("Object name"))
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title.setFont(font)
        self.subtitle = plain_label("", self, wrap=True, selectable=True)
        self.subtitle.setAccessibleName(self.tr("Object type and id"))
        self.accept_foreign_button = QPushButton(self.tr("Accept foreign version…"), self)
        self.accept_foreign_button.setObjectName("acceptForeignButton")
        self.accept_foreign_button.setToolTip(
            self.tr("A partner sent a version of this object that it did not author; look at it and accept it")
        )
        self.accept_foreign_button.clicked.connect(self._ask_accept_foreign)
        self.accept_foreign_button.hide()
        header = QHBoxLayout()
        header.addWidget(self.back_button)
        header.addWidget(self.forward_button)
        header.addWidget(self.title, 1)
        header.addWidget(self.accept_foreign_button)

        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName(self.tr("Object detail"))
        self.properties = _read_only_text(self, self.tr("Properties"))
        self.links_model = LinksModel(self)
        self.links_view = _table(self, self.links_model, self.tr("Relationships"))
        self.links_view.setToolTip(self.tr("Double-click or press Enter to follow a relation"))
        self.links_view.activated.connect(self._link_activated)
        self.links_note = plain_label("", self, wrap=True)
        links_page = QWidget(self)
        links_layout = QVBoxLayout(links_page)
        links_layout.setContentsMargins(0, 0, 0, 0)
        links_layout.addWidget(self.links_view)
        links_layout.addWidget(self.links_note)
        self.graph = RelationshipGraph(self)
        self.graph.object_activated.connect(self.follow)
        self.versions_model = VersionsModel(self)
        self.versions_view = _table(self, self.versions_model, self.tr("Versions"))
        self.versions_view.setToolTip(self.tr("Select a version to see its JSON"))
        self.versions_view.selectionModel().currentRowChanged.connect(self._version_selected)
        self.json = _read_only_text(self, self.tr("Raw JSON"), mono=True)
        self.tabs.addTab(self.properties, self.tr("&Properties"))
        self.tabs.addTab(links_page, self.tr("&Relationships"))
        self.tabs.addTab(self.graph, self.tr("&Graph"))
        self.tabs.addTab(self.versions_view, self.tr("&Versions"))
        self.tabs.addTab(self.json, self.tr("&JSON"))
        for index, tip in enumerate(
            (
                self.tr("The current version's properties"),
                self.tr("Relationships and references, both ways"),
                self.tr("This object and its neighbours"),
                self.tr("Every stored version and where it came from"),
                self.tr("The raw STIX JSON of the selected version"),
            )
        ):
            self.tabs.setTabToolTip(index, tip)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(header)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.tabs, 1)
        self._update_buttons()

    # -- navigation --------------------------------------------------------------------------------------------

    def show_object(self, stix_id: str, *, record: bool = True) -> None:
        """Load and show ``stix_id``; ``record`` adds it to the back/forward history."""
        if record and (self._position < 0 or self._history[self._position] != stix_id):
            del self._history[self._position + 1 :]
            self._history.append(stix_id)
            self._position = len(self._history) - 1
        if self._task is not None:
            self._task.cancel()
        task = self._session.run("object detail", lambda ws, _control: _load(ws, stix_id))
        self._task = task
        task.succeeded.connect(lambda loaded: self._loaded(task, stix_id, loaded))
        task.failed.connect(lambda failure: self._failed(task, failure))
        self._update_buttons()

    def follow(self, stix_id: str) -> None:
        self.object_followed.emit(stix_id)
        self.show_object(stix_id)

    def back(self) -> None:
        if self._position > 0:
            self._position -= 1
            self.show_object(self._history[self._position], record=False)

    def forward(self) -> None:
        if self._position < len(self._history) - 1:
            self._position += 1
            self.show_object(self._history[self._position], record=False)

    def _update_buttons(self) -> None:
        self.back_button.setEnabled(self._position > 0)
        self.forward_button.setEnabled(0 <= self._position < len(self._history) - 1)

    def _link_activated(self, index: QModelIndex) -> None:
        target = self.links_model.data(index, LinksModel.ObjectIdRole)
        if target:
            self.follow(target)

    # -- loading -----------------------------------------------------------------------------------------------

    def _loaded(self, task: TaskHandle, stix_id: str, loaded: _Loaded) -> None:
        if task is not self._task:
            return
        self._task = None
        detail = loaded.detail
        if detail is None:
            self.clear(keep_history=True)
            self.title.setText(self.tr("Not stored here"))
            self.subtitle.setText(stix_id)
            return
        self.current = detail
        row = detail.row
        self.title.setText(one_line(row.name, 300) or row.id)
        facts = [row.type, row.tlp.label if row.tlp is not None else self.tr("no TLP marking"), row.id]
        if row.revoked:
            facts.insert(0, self.tr("REVOKED by its producer (left out of reports unless linked explicitly)"))
        elif row.deprecated:
            facts.insert(0, self.tr("DEPRECATED by its producer (left out of reports unless linked explicitly)"))
        if detail.conflicts:
            facts.append(self.tr("{0} conflicting version(s) held aside").format(detail.conflicts))
        if detail.foreign:
            facts.append(self.tr("{0} foreign version(s) waiting").format(len(detail.foreign)))
        self.accept_foreign_button.setVisible(bool(detail.foreign))
        self.subtitle.setText(" · ".join(facts))
        self.properties.setPlainText(properties_text(detail.obj))
        self.links_model.set_items(detail.links)
        self.links_view.resizeColumnsToContents()
        if detail.links_truncated:
            self.links_note.setText(
                self.tr("Only the first {0} relations of each kind are listed.").format(library.detail.MAX_LINKS)
            )
        else:
            self.links_note.setText(self.tr("{0} relation(s).").format(len(detail.links)))
        self.versions_model.set_items(detail.versions)
        self.versions_view.resizeColumnsToContents()
        self.json.setPlainText(library.pretty_json(detail.obj))
        self.graph.set_dark(bool(self.palette().window().color().lightness() < 128))
        if loaded.hood is not None:
            self.graph.show_neighbourhood(loaded.hood)
        self.object_shown.emit(stix_id)

    def _failed(self, task: TaskHandle, failure: TaskFailure) -> None:
        if task is self._task:
            self._task = None
            self.title.setText(self.tr("Cannot show this object"))
            self.subtitle.setText(failure.message)

    # -- foreign versions -----------------------------------------------------------------------------------------

    def _ask_accept_foreign(self) -> AcceptForeignDialog | None:
        """List the waiting versions with who sent them and why they were kept aside; accept those ticked."""
        detail = self.current
        if detail is None or not detail.foreign:
            return None
        dialog = AcceptForeignDialog(detail.row.name or detail.row.id, list(detail.foreign), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        stix_id = detail.row.id
        dialog.chosen.connect(lambda fids: self._accept_foreign(stix_id, fids))
        dialog.preview_wanted.connect(lambda fid: self._preview_foreign(dialog, fid))
        dialog.open()
        return dialog

    def _preview_foreign(self, dialog: AcceptForeignDialog, fid: int) -> None:
        task = self._session.run("foreign version", lambda ws, _control: library.foreign_version_json(ws, fid))
        task.succeeded.connect(lambda obj: dialog.show_json(fid, library.pretty_json(obj)) if isValid(dialog) else None)

    def _accept_foreign(self, stix_id: str, fids: list[int]) -> None:
        task = self._session.run(
            "accept foreign versions", lambda ws, _control: intake.accept_foreign_versions(ws, fids)
        )
        task.succeeded.connect(lambda _accepted: self._foreign_accepted(stix_id, len(fids)))
        task.failed.connect(lambda failure: show_error(self, failure.message))

    def _foreign_accepted(self, stix_id: str, count: int) -> None:
        self._session.notify_changed(
            StoreChange("accept-foreign", self.tr("{0} foreign version(s) accepted").format(count))
        )
        self.show_object(stix_id, record=False)

    def _version_selected(self, current: QModelIndex, _previous: QModelIndex) -> None:
        vid = self.versions_model.data(current, VersionsModel.VidRole) if current.isValid() else None
        if vid is None:
            return
        task = self._session.run("version json", lambda ws, _control: library.version_json(ws, vid))
        task.succeeded.connect(self._show_version_json)

    def _show_version_json(self, obj: dict | None) -> None:
        if obj is not None:
            self.json.setPlainText(library.pretty_json(obj))

    def clear(self, *, keep_history: bool = False) -> None:
        """Show nothing (the workspace is locking, or the object is gone)."""
        if self._task is not None:
            self._task.cancel()
            self._task = None
        self.current = None
        self.accept_foreign_button.hide()
        self.title.setText(self.tr("No object selected"))
        self.subtitle.setText("")
        self.properties.clear()
        self.links_model.clear()
        self.links_note.setText("")
        self.versions_model.clear()
        self.json.clear()
        self.graph.clear()
        if not keep_history:
            self._history, self._position = [], -1
        self._update_buttons()
