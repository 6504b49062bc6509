"""Link to case… from any table naming STIX objects: pick one of the open cases, and the objects are linked to it.

The inverse of ``LinkObjectsDialog`` (a case picking objects): here the objects are chosen already and the case is
picked. The open cases load and the link is written off the GUI thread, through ``case_links.link_objects`` (one
transaction, one audit entry, all or nothing); a refusal stays in the dialog, in words.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workbench.app.session import Session, StoreChange
from workbench.app.tasks import TaskFailure
from workbench.domain.cases.fields import format_local
from workbench.services import cases
from workbench.services.cases import CaseSummary
from workbench.services.cases import links as case_links
from workbench.ui.cases.field_form import ErrorBanner
from workbench.ui.common.list_model import ListTableModel
from workbench.ui.common.text import one_line, plain_label
from workbench.ui.common.views import read_only_rows

#: Open cases listed at most (the newest changed first); the filter box narrows them.
CASES = 2_000


class Columns(enum.IntEnum):
    REF = 0
    TITLE = 1
    KIND = 2
    TLP = 3
    MODIFIED = 4


class OpenCasesModel(ListTableModel[CaseSummary]):
    """The open cases a selection may be linked to."""

    Columns = Columns

    def headers(self) -> Sequence[str]:
        return (self.tr("Case"), self.tr("Title"), self.tr("Kind"), self.tr("TLP"), self.tr("Changed"))

    def cell(self, item: CaseSummary, column: int) -> str:
        if column == Columns.REF:
            return item.ref
        if column == Columns.TITLE:
            return one_line(item.title)
        if column == Columns.KIND:
            return item.kind.value
        if column == Columns.TLP:
            return item.tlp.label if item.tlp is not None else ""
        return format_local(item.modified)


class LinkToCaseDialog(QDialog):
    linked = Signal(str)
    """What was linked to which case, in words (for the status bar); the dialog then closes."""

    def __init__(self, session: Session, object_ids: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("linkToCaseDialog")
        self.setWindowTitle(self.tr("Link to a case"))
        self.setAccessibleName(self.windowTitle())
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.session = session
        self.object_ids = list(dict.fromkeys(object_ids))
        self.error = ErrorBanner(self)
        what = plain_label(
            self.tr("Link {0} selected object(s) to one of the open cases:").format(len(self.object_ids)),
            self,
            wrap=True,
        )
        what.setObjectName("linkToCaseWhat")
        self.filter = QLineEdit(self)
        self.filter.setObjectName("linkToCaseFilter")
        self.filter.setPlaceholderText(self.tr("Filter by reference or title…"))
        self.filter.setAccessibleName(self.tr("Filter the cases"))
        self.filter.setClearButtonEnabled(True)
        self.model = OpenCasesModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("linkToCaseTable")
        self.table.setAccessibleName(self.tr("Open cases"))
        self.table.setModel(self.model)
        read_only_rows(self.table)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        for column, width in ((Columns.REF, 130), (Columns.TITLE, 250), (Columns.KIND, 80), (Columns.TLP, 90)):
            header.resizeSection(column, width)
        self.table.activated.connect(lambda _index: self.accept())
        self.status = plain_label(self.tr("Reading the open cases…"), self, wrap=True)
        self.status.setObjectName("linkToCaseStatus")
        self.status.setAccessibleName(self.tr("Status"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.ok_button: QPushButton = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("&Link"))
        self.ok_button.setToolTip(self.tr("Link the objects to the selected case"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.error)
        layout.addWidget(what)
        layout.addWidget(self.filter)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.resize(720, 440)
        self.filter.textChanged.connect(self._filter_changed)
        self.table.selectionModel().selectionChanged.connect(lambda *_args: self._update_ok())
        self._busy = False
        self._update_ok()
        task = session.run(
            "open cases",
            lambda ws, _control: cases.list_cases(ws, open_only=True, limit=CASES, with_next_due=False),
        )
        task.succeeded.connect(self._loaded)
        task.failed.connect(lambda failure: self.status.setText(failure.message))
        session.locking.connect(self.reject)

    def _loaded(self, found: list[CaseSummary]) -> None:
        self.model.set_items(found)
        if not found:
            self.status.setText(self.tr("There is no open case. Create one on the Cases screen first."))
        else:
            self.status.setText(self.tr("{0} open case(s).").format(len(found)))
            self.table.selectRow(0)
        self.table.setFocus()
        self._update_ok()

    def _filter_changed(self, text: str) -> None:
        self.model.set_filter(text)
        if self.model.rowCount():
            self.table.selectRow(0)
        self._update_ok()

    def chosen_case(self) -> CaseSummary | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.item(rows[0].row()) if rows else None

    def _update_ok(self) -> None:
        self.ok_button.setEnabled(not self._busy and self.chosen_case() is not None)

    def accept(self) -> None:  # Link: written in a task; the dialog closes when it is stored
        case = self.chosen_case()
        if case is None or self._busy:
            return
        self.error.clear()
        self._busy = True
        self._update_ok()
        ref, ids = case.ref, self.object_ids
        self.status.setText(self.tr("Linking…"))
        task = self.session.run("link to case", lambda ws, _control: case_links.link_objects(ws, ref, ids))
        task.succeeded.connect(lambda added: self._done(ref, added))
        task.failed.connect(self._refused)

    def _done(self, ref: str, added: int) -> None:
        self._busy = False
        already = len(self.object_ids) - added
        text = self.tr("Linked {0} object(s) to case {1}").format(added, ref)
        if already:
            text += self.tr(" ({0} linked already)").format(already)
        self.session.notify_changed(StoreChange("case", text))
        self.linked.emit(text)
        self.done(QDialog.DialogCode.Accepted)

    def _refused(self, failure: TaskFailure) -> None:
        self._busy = False
        self.status.setText("")
        self.error.show_message(failure.message)
        self._update_ok()

    def keyPressEvent(self, event: Any) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.filter.hasFocus():
            self.accept()
            return
        super().keyPressEvent(event)
