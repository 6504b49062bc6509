"""Linking objects chosen in any table (the library, a preview) to a case: pick the case, then link, off the GUI
thread. The reverse of the case editor's "Link objects…", which picks objects for one case.

A filter typed or a case chosen and not linked yet are unsaved work (``typed``): the Library screen keeps them when
the workspace locks and opens the dialog again for the same objects with them (``put_back``)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workbench.app.session import Session, StoreChange
from workbench.app.tasks import TaskFailure, TaskHandle
from workbench.services import cases
from workbench.services.cases import CaseSummary
from workbench.services.cases import links as case_links
from workbench.ui.common.text import one_line, plain_label

#: The ``StoreChange`` action of a link made here: the Cases screen reads its list and open case again.
LINK_ACTION = "link"


class LinkToCaseDialog(QDialog):
    """Choose a case for ``object_ids``; Link links them (all or none) and closes."""

    linked = Signal(str)
    """What was linked to which case, in a line for the status bar."""

    def __init__(self, session: Session, object_ids: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("linkToCaseDialog")
        self.setWindowTitle(self.tr("Link to case"))
        self.resize(560, 420)
        self._session = session
        self.object_ids = list(dict.fromkeys(object_ids))
        self._task: TaskHandle | None = None
        self._read = False
        self._first_ref: str | None = None  # the case chosen by itself once the cases were read
        self._kept_ref: str | None = None  # the case chosen before the workspace locked, chosen again once read
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText(self.tr("Filter by reference or title"))
        self.filter.setAccessibleName(self.tr("Filter cases"))
        self.filter.textChanged.connect(self._filter)
        self.cases = QListWidget(self)
        self.cases.setAccessibleName(self.tr("Cases"))
        self.cases.itemDoubleClicked.connect(lambda _item: self._link())
        self.cases.currentItemChanged.connect(lambda _current, _previous: self._update_button())
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.link_button: QPushButton = buttons.addButton(self.tr("&Link"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.link_button.setEnabled(False)
        buttons.accepted.connect(self._link)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            plain_label(
                self.tr("Link {0} object(s) to the case chosen below.").format(len(self.object_ids)), self, wrap=True
            )
        )
        layout.addWidget(self.filter)
        layout.addWidget(self.cases, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        session.locking.connect(self.reject)
        self.status.setText(self.tr("Reading the cases…"))
        task = session.run("cases to link to", lambda ws, _control: cases.list_cases(ws, limit=500))
        task.succeeded.connect(self._loaded)
        task.failed.connect(self._not_read)  # a method, not a lambda: not called once the dialog is gone

    def _not_read(self, failure: TaskFailure) -> None:
        self.status.setText(failure.message)

    def _loaded(self, found: list[CaseSummary]) -> None:
        self.cases.clear()
        for case in found:
            marking = case.tlp.label if case.tlp is not None else self.tr("unmarked")
            text = one_line(f"{case.ref} · {case.title} · {case.status.value} · {marking}", 160)
            item = QListWidgetItem(text, self.cases)
            item.setData(Qt.ItemDataRole.UserRole, case.ref)
            item.setToolTip(text)
        self.status.setText("" if found else self.tr("There is no case in this workspace yet."))
        if found:
            self.cases.setCurrentRow(0)
        self._first_ref = found[0].ref if found else None
        self._read = True
        self._filter(self.filter.text())
        if self._kept_ref is not None:
            self._choose_again()

    def _filter(self, text: str) -> None:
        words = text.strip().casefold()
        for row in range(self.cases.count()):
            item = self.cases.item(row)
            item.setHidden(bool(words) and words not in item.text().casefold())
        current = self.cases.currentItem()
        if current is None or current.isHidden():
            visible = [self.cases.item(row) for row in range(self.cases.count()) if not self.cases.item(row).isHidden()]
            if visible:
                self.cases.setCurrentItem(visible[0])
            else:
                self.cases.setCurrentRow(-1)
        self._update_button()

    # -- unsaved work kept at locking ---------------------------------------------------------------------------

    def typed(self) -> dict[str, Any] | None:
        """The objects, the filter typed and the case chosen, as JSON values to keep; None when the dialog is as it
        opened (no filter, the first case chosen by itself)."""
        text = self.filter.text()
        ref = self.chosen_ref() if self._read else self._kept_ref
        if not text.strip() and ref == self._first_ref:
            return None
        return {"objects": list(self.object_ids), "filter": text, "case": ref}

    def put_back(self, typed: dict[str, Any]) -> None:
        """Show what ``typed`` returned before the workspace locked: the filter again, and the case chosen then
        when it is still listed."""
        text, ref = typed.get("filter"), typed.get("case")
        self.filter.setText(text if isinstance(text, str) else "")
        self._kept_ref = ref if isinstance(ref, str) and ref else None
        if self._read and self._kept_ref is not None:
            self._choose_again()

    def _choose_again(self) -> None:
        ref, self._kept_ref = self._kept_ref, None
        for row in range(self.cases.count()):
            item = self.cases.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == ref and not item.isHidden():
                self.cases.setCurrentItem(item)
                return
        self.status.setText(
            self.tr("The case {0}, chosen before the workspace locked, is not listed any more.").format(ref)
        )

    def chosen_ref(self) -> str | None:
        item = self.cases.currentItem()
        return None if item is None or item.isHidden() else str(item.data(Qt.ItemDataRole.UserRole))

    def _update_button(self) -> None:
        self.link_button.setEnabled(self.chosen_ref() is not None and self._task is None)

    def _link(self) -> None:
        ref = self.chosen_ref()
        if ref is None or self._task is not None:
            return
        ids = self.object_ids
        self._task = self._session.run("link to case", lambda ws, _control: case_links.link_objects(ws, ref, ids))
        self._update_button()
        self.status.setText(self.tr("Linking…"))
        self._task.succeeded.connect(lambda added: self._done(ref, int(added)))
        self._task.failed.connect(self._failed)

    def _done(self, ref: str, added: int) -> None:
        self._task = None
        text = self.tr("{0} object(s) linked to {1}; {2} were linked already.").format(
            added, ref, len(self.object_ids) - added
        )
        self._session.notify_changed(StoreChange(LINK_ACTION, text))
        self.linked.emit(text)
        self.accept()

    def _failed(self, failure: TaskFailure) -> None:
        self._task = None
        self.status.setText(failure.message)
        self._update_button()
