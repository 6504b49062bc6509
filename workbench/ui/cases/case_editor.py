"""The editor of one case: its fields (generated from the declarations of its kind), its records, its reporting
clocks, its timeline and its linked objects.

Everything is read and saved through the case services on worker connections (``Session.run``). A save that the
services refuse shows their message above the form and outlines the field it names; nothing is saved then and
what was typed stays. Every stored change reloads the case and emits ``case_saved``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from workbench.app.session import Session
from workbench.app.tasks import TaskFailure
from workbench.domain.cases.case import RecordKind
from workbench.domain.cases.fields import to_dict
from workbench.domain.cases.vocab import CaseKind
from workbench.domain.deadlines import next_due
from workbench.domain.errors import WorkbenchError
from workbench.services import cases
from workbench.services.cases import links as case_links
from workbench.services.cases import records as case_records
from workbench.services.workspace import Workspace
from workbench.ui.cases.case_header import CaseHeader
from workbench.ui.cases.case_page import CasePage
from workbench.ui.cases.case_timeline import TimelineTab, timeline_entries
from workbench.ui.cases.case_view import CaseView, load_case_view
from workbench.ui.cases.field_form import ErrorBanner, FieldForm
from workbench.ui.cases.link_dialog import LinkObjectsDialog
from workbench.ui.cases.linked_tab import LinkedTab
from workbench.ui.cases.object_dialog import CreateObjectDialog
from workbench.ui.cases.record_dialog import RecordDialog
from workbench.ui.cases.records_tab import RecordsTab
from workbench.ui.cases.stage_panel import ReportingTab
from workbench.ui.cases.submission_dialog import SubmissionDialog
from workbench.ui.common.screen import UnsavedWork
from workbench.ui.common.text import plain_label

logger = logging.getLogger(__name__)


class CaseEditor(QWidget):
    case_saved = Signal(str)
    """The reference of a case whose change was stored (the list, the panel and other screens refresh)."""
    save_refused = Signal(str)
    """The services refused to save the case's fields: their message (shown above the form too)."""
    object_shown = Signal(str)
    """The id of a linked object the analyst wants to see in the library."""
    kept_lost = Signal(str)
    """Work kept at locking could not be put back (its case is gone): what was lost, for the status bar."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("caseEditor")
        self.session = session
        self.view: CaseView | None = None
        self.kind: CaseKind | None = None
        self.dirty = False
        self.dialog: QWidget | None = None
        self._generation = 0
        self._restoring: dict[str, Any] | None = None  # work kept at locking, put back once its case is shown
        self.stack = QStackedWidget(self)
        empty = plain_label(
            self.tr("Select a case in the list, or create one with New incident or New exercise."), self, wrap=True
        )
        empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        empty.setEnabled(False)
        self.stack.addWidget(empty)
        page = QWidget(self)
        self.heading = plain_label("", page, wrap=True)
        self.heading.setObjectName("caseHeading")
        font = QFont(self.heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.heading.setFont(font)
        self.subheading = plain_label("", page, wrap=True, selectable=True)
        self.subheading.setEnabled(False)
        self.error = ErrorBanner(page)
        self.pages = QStackedWidget(page)
        self.pages.setObjectName("casePages")
        self._built: dict[CaseKind, CasePage] = {}
        self.save_button = QPushButton(self.tr("&Save"), page)
        self.save_button.setObjectName("saveCase")
        self.save_button.setToolTip(self.tr("Save the case's fields (Ctrl+S)"))
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton(self.tr("Re&vert"), page)
        self.revert_button.setToolTip(self.tr("Forget the changes not saved yet"))
        self.revert_button.clicked.connect(self.revert)
        self.dirty_label = plain_label("", page)
        self.dirty_label.setObjectName("dirtyLabel")
        save_row = QHBoxLayout()
        save_row.addWidget(self.dirty_label)
        save_row.addStretch(1)
        save_row.addWidget(self.revert_button)
        save_row.addWidget(self.save_button)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.heading)
        layout.addWidget(self.subheading)
        layout.addWidget(self.error)
        layout.addWidget(self.pages, 1)
        layout.addLayout(save_row)
        self.stack.addWidget(page)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.stack)
        save = QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self)
        save.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save.activated.connect(self.save)
        self.page: CasePage | None = None
        self._set_dirty(False)

    # -- the tabs of each kind, built once --------------------------------------------------------------------

    def _show_kind(self, kind: CaseKind) -> CasePage:
        """The page of ``kind``'s tabs, built (and connected) the first time a case of that kind opens."""
        page = self._built.get(kind)
        if page is None:
            page = CasePage(kind, self.pages)
            page.header.edited.connect(lambda: self._set_dirty(True))
            page.form.edited.connect(lambda: self._set_dirty(True))
            for tab in page.records.values():
                tab.add_requested.connect(self.add_record)
                tab.edit_requested.connect(self.edit_record)
                tab.remove_requested.connect(self.remove_record)
            page.timeline.view.entry_activated.connect(
                lambda kind_key, uid: self.edit_record(RecordKind.parse(kind_key), uid)
            )
            page.linked.link_requested.connect(self.link_from_library)
            page.linked.create_requested.connect(self.create_object)
            page.linked.unlink_requested.connect(self.unlink)
            page.linked.show_requested.connect(self.object_shown)
            self.pages.addWidget(page)
            self._built[kind] = page
        self.pages.setCurrentWidget(page)
        self.page = page
        self.kind = kind
        return page

    # The current page's parts, as the tests and the screen reach them.
    @property
    def tabs(self) -> QTabWidget:
        assert self.page is not None
        return self.page

    @property
    def header(self) -> CaseHeader | None:
        return self.page.header if self.page is not None else None

    @property
    def form(self) -> FieldForm | None:
        return self.page.form if self.page is not None else None

    @property
    def records(self) -> dict[RecordKind, RecordsTab]:
        return self.page.records if self.page is not None else {}

    @property
    def timeline(self) -> TimelineTab | None:
        return self.page.timeline if self.page is not None else None

    @property
    def reporting(self) -> ReportingTab | None:
        return self.page.reporting if self.page is not None else None

    @property
    def linked(self) -> LinkedTab | None:
        return self.page.linked if self.page is not None else None

    # -- loading -----------------------------------------------------------------------------------------------

    @property
    def ref(self) -> str | None:
        return self.view.case.ref if self.view is not None else None

    def open_case(self, ref: str) -> None:
        """Read the case and show it (the analyst was asked about unsaved changes before)."""
        self._generation += 1
        generation = self._generation
        task = self.session.run("open case", lambda ws, _control: load_case_view(ws, ref))
        task.succeeded.connect(lambda view: self._loaded(generation, view))
        task.failed.connect(lambda failure: self._load_failed(generation, failure))

    def _loaded(self, generation: int, view: CaseView) -> None:
        if generation == self._generation:
            self.show_view(view)

    def _load_failed(self, generation: int, failure: TaskFailure) -> None:
        if generation != self._generation:
            return
        self.error.show_message(failure.message)
        kept, self._restoring = self._restoring, None
        if kept is not None:
            self.kept_lost.emit(
                self.tr("The case {0} could not be opened again ({1}); {2} kept at locking is lost.").format(
                    kept.get("ref"), failure.message, self._kept_words(kept)
                )
            )

    def _kept_words(self, content: dict[str, Any]) -> str:
        """What work kept at locking held, in words."""
        parts = [self.tr("the changes to its fields")] if content.get("header") or content.get("fields") else []
        record = content.get("record")
        if isinstance(record, dict):
            try:
                label = RecordKind.parse(record.get("kind")).label.lower()
            except WorkbenchError:
                label = self.tr("record")
            parts.append(self.tr("the {0} being written").format(label))
        if isinstance(content.get("object"), dict):
            parts.append(self.tr("the object being created"))
        link = content.get("link")
        if isinstance(link, dict):
            chosen = link.get("chosen")
            parts.append(
                self.tr('the objects being linked (search "{0}", {1} chosen)').format(
                    link.get("search") or "", len(chosen) if isinstance(chosen, list) else 0
                )
            )
        return "; ".join(parts) or self.tr("the work")

    def show_view(self, view: CaseView, *, keep_edits: bool = True) -> None:
        """Show ``view``. Unsaved changes to the same case's fields survive (a record added meanwhile does not
        wipe them) unless ``keep_edits`` is False."""
        case = view.case
        same = self.view is not None and self.view.case.ref == case.ref
        page = self._show_kind(case.kind)
        keep_tab = page.currentIndex() if same else 0
        keep_fields = same and keep_edits and self.dirty
        self.view = view
        assert self.header is not None and self.form is not None and self.timeline is not None
        assert self.linked is not None
        self.heading.setText(f"{case.ref} · {case.kind.label}: {case.title}")
        origin = (
            self.tr("received from {0}, their reference {1}").format(case.origin, case.origin_ref or "-")
            if case.origin != "local"
            else self.tr("created here")
        )
        self.subheading.setText(self.tr("STIX id {0} · {1}").format(case.stix_id, origin))
        if not keep_fields:
            self.header.set_case(case)
            details = case.incident if case.kind is CaseKind.INCIDENT else case.exercise
            self.form.set_values(to_dict(details) if details is not None else {})
        in_time_order: dict[RecordKind, list[Any]] = {
            RecordKind.EVENT: case.events,
            RecordKind.STAGE: case.stages,
            RecordKind.INJECT: case.injects,
        }
        for kind, tab in self.records.items():
            tab.set_records(list(in_time_order.get(kind, case.of(kind))))
        if self.reporting is not None:
            self.reporting.set_deadlines(view.deadlines, view.now)
        self.timeline.view.set_entries(timeline_entries(case, view.deadlines), view.now)
        self.linked.model.set_objects(view.linked)
        self.error.clear()
        self._set_dirty(keep_fields)
        self.stack.setCurrentIndex(1)
        self.tabs.setCurrentIndex(min(keep_tab, self.tabs.count() - 1))
        if self._restoring is not None and self._restoring.get("ref") == case.ref:
            self._apply_kept(self._restoring, view)
            self._restoring = None

    # -- unsaved work kept at locking ---------------------------------------------------------------------------

    def unsaved(self) -> UnsavedWork | None:
        """The fields changed and not saved, and the record being typed in an open dialog, as work to keep at
        locking (None when there is none)."""
        if self.view is None or self.header is None or self.form is None:
            return None
        case = self.view.case
        header: dict[str, Any] = {}
        fields: dict[str, Any] = {}
        if self.dirty:
            details = case.incident if case.kind is CaseKind.INCIDENT else case.exercise
            header = self.header.changed_values()
            fields = self.form.changes(to_dict(details) if details is not None else {})
        record = self._record_typed()
        created = self._object_typed()
        linking = self._link_typed()
        if not header and not fields and record is None and created is None and linking is None:
            return None
        content = {
            "ref": case.ref,
            "modified": case.modified.isoformat(),
            "header": header,
            "fields": fields,
            "tab": self.tabs.currentIndex(),
        }
        parts = [self.tr("{0} field(s) changed").format(len(header) + len(fields))] if header or fields else []
        if record is not None:
            content["record"] = record
            label = RecordKind.parse(record["kind"]).label.lower()
            parts.append(self.tr("a {0} being written").format(label))
        if created is not None:
            content["object"] = created
            parts.append(self.tr("an object being created"))
        if linking is not None:
            content["link"] = linking
            parts.append(self.tr("objects being linked"))
        what = self.tr("Case {0} ({1}): {2}").format(case.ref, case.title, "; ".join(parts))
        return UnsavedWork(what, case.ref, content)

    def pending(self) -> UnsavedWork | None:
        """Work kept at the last locking and still on its way back (its case being read), as it came."""
        restoring = self._restoring
        if restoring is None:
            return None
        ref = str(restoring.get("ref"))
        return UnsavedWork(
            self.tr("Case {0}: the work kept at the last locking, being put back").format(ref), ref, restoring
        )

    def _record_typed(self) -> dict[str, Any] | None:
        """The record being added or edited in the open dialog, when anything was typed into it."""
        dialog = self.dialog
        if not isinstance(dialog, RecordDialog) or not isValid(dialog) or not dialog.isVisible():
            return None
        values = dialog.typed()
        return None if values is None else {"kind": dialog.kind.value, "uid": dialog.uid, "values": values}

    def _object_typed(self) -> dict[str, Any] | None:
        """The object being created in the open dialog, when anything was typed into it."""
        dialog = self.dialog
        if not isinstance(dialog, CreateObjectDialog) or not isValid(dialog) or not dialog.isVisible():
            return None
        return dialog.typed()

    def _link_typed(self) -> dict[str, Any] | None:
        """The search typed and the objects chosen in the open link picker, when it is not as it opened."""
        dialog = self.dialog
        if not isinstance(dialog, LinkObjectsDialog) or not isValid(dialog) or not dialog.isVisible():
            return None
        return dialog.typed()

    def restore(self, content: dict[str, Any]) -> bool:
        """Open the case of work kept at locking and put the kept changes back over it (unsaved again)."""
        ref = content.get("ref")
        if not isinstance(ref, str) or not ref:
            return False
        self._restoring = content
        self.open_case(ref)
        return True

    def _apply_kept(self, content: dict[str, Any], view: CaseView) -> None:
        assert self.header is not None and self.form is not None
        header, fields = content.get("header"), content.get("fields")
        tab = content.get("tab")
        if isinstance(tab, int) and 0 <= tab < self.tabs.count():
            self.tabs.setCurrentIndex(tab)
        if header or fields:
            self.header.apply_values(header if isinstance(header, dict) else {})
            self.form.apply_values(fields if isinstance(fields, dict) else {})
            self._set_dirty(True)
            if content.get("modified") != view.case.modified.isoformat():
                self.dirty_label.setText(
                    self.tr(
                        "● Changes kept at locking, not saved yet; the case changed since: check them before saving"
                    )
                )
            else:
                self.dirty_label.setText(self.tr("● Changes kept at locking, not saved yet"))
        record = content.get("record")
        if isinstance(record, dict):
            self._reopen_record(record)
        created = content.get("object")
        if isinstance(created, dict):
            dialog = self.create_object()
            if dialog is not None:
                dialog.put_back(created)
        linking = content.get("link")
        if isinstance(linking, dict):
            picker = self.link_from_library()
            if picker is not None:
                picker.put_back(linking)

    def _reopen_record(self, record: dict[str, Any]) -> None:
        """Open the record dialog kept at locking again, with what was typed in it (not saved yet)."""
        try:
            kind = RecordKind.parse(record.get("kind"))
        except WorkbenchError:
            return
        uid, values = record.get("uid"), record.get("values")
        dialog = self.edit_record(kind, uid) if isinstance(uid, str) else self.add_record(kind)
        if dialog is None:
            self.error.show_message(
                self.tr("The {0} being edited at locking was removed since; what was typed in it is lost.").format(
                    kind.label.lower()
                )
            )
            return
        dialog.form.apply_values(values if isinstance(values, dict) else {})

    def save_then(self, done: Callable[[str | None], None]) -> None:
        """Save the fields and call ``done(None)`` once stored, or ``done(message)`` when refused (also while a
        record dialog holds typed work: the analyst finishes or cancels it first)."""
        record = self._record_typed()
        if record is not None or self._object_typed() is not None or self._link_typed() is not None:
            if record is not None:
                message = self.tr("Finish or cancel the {0} being written in its dialog first.").format(
                    RecordKind.parse(record["kind"]).label.lower()
                )
            elif self._link_typed() is not None:
                message = self.tr("Finish or cancel the objects being linked in their dialog first.")
            else:
                message = self.tr("Finish or cancel the object being created in its dialog first.")
            self.error.show_message(message)
            done(message)
            return
        if not self.dirty:
            done(None)
            return

        def saved(_ref: str) -> None:
            self.save_refused.disconnect(refused)
            done(None)

        def refused(message: str) -> None:
            self.case_saved.disconnect(saved)
            done(message)

        self.case_saved.connect(saved, Qt.ConnectionType.SingleShotConnection)
        self.save_refused.connect(refused, Qt.ConnectionType.SingleShotConnection)
        self.save()

    def reload(self) -> None:
        """Read the shown case again unless it has unsaved changes."""
        if self.ref is not None and not self.dirty:
            self.open_case(self.ref)

    def clear(self) -> None:
        """Drop the case from memory (the workspace is locking, or the case is gone)."""
        self._generation += 1
        self.view = None
        self._restoring = None
        if self.dialog is not None and isValid(self.dialog):  # a dialog deletes itself when closed
            self.dialog.close()
        self.dialog = None
        for page in self._built.values():
            page.clear()
        self.heading.setText("")
        self.subheading.setText("")
        self.error.clear()
        self._set_dirty(False)
        self.stack.setCurrentIndex(0)

    # -- the case's own fields ---------------------------------------------------------------------------------

    def _set_dirty(self, dirty: bool) -> None:
        self.dirty = dirty
        self.save_button.setEnabled(dirty)
        self.revert_button.setEnabled(dirty)
        self.dirty_label.setText(self.tr("● Changes not saved yet") if dirty else "")

    def save(self) -> None:
        """Store what changed in the header and the fields; the services check it all."""
        if self.view is None or self.header is None or self.form is None or not self.dirty:
            return
        case = self.view.case
        details = case.incident if case.kind is CaseKind.INCIDENT else case.exercise
        header = self.header.changes()
        fields = self.form.changes(to_dict(details) if details is not None else {})
        if not header and not fields:
            self._set_dirty(False)
            return
        self.error.clear()
        self.form.clear_marks()
        self.save_button.setEnabled(False)
        ref = case.ref
        self._change(
            "save case",
            lambda ws: cases.update_case(ws, ref, fields=fields or None, **header),
            self._save_refused,
            keep_edits=False,
        )

    def _save_refused(self, message: str) -> None:
        self.save_button.setEnabled(True)
        self.error.show_message(message)
        self.save_refused.emit(message)
        if self.form is not None and self.form.mark_error(message) is not None:
            self.tabs.setCurrentIndex(0)

    def revert(self) -> None:
        self._restoring = None
        if self.view is not None:
            self.show_view(self.view, keep_edits=False)

    def confirm_leave(self, proceed: Callable[[], None]) -> None:
        """Run ``proceed`` now, or after asking what to do with unsaved changes (Save, Discard, Cancel)."""
        if not self.dirty:
            proceed()
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Unsaved changes"),
            self.tr("The case {0} has changes that are not saved.").format(self.ref),
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setObjectName("unsavedBox")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def answered(button: QPushButton) -> None:
            role = box.standardButton(button)
            if role == QMessageBox.StandardButton.Discard:
                self._set_dirty(False)
                proceed()
            elif role == QMessageBox.StandardButton.Save:
                self.case_saved.connect(lambda _ref: proceed(), Qt.ConnectionType.SingleShotConnection)
                self.save()

        box.buttonClicked.connect(answered)
        box.open()

    # -- records -----------------------------------------------------------------------------------------------

    def _record_dialog(self, kind: RecordKind, record: dict[str, Any] | None) -> RecordDialog:
        stage = kind is RecordKind.STAGE
        if stage and record is None and self.view is not None:
            dialog: RecordDialog = SubmissionDialog(self.session, self.view.case.ref, self)
        else:
            dialog = RecordDialog(kind, self, record=record, exclude=("version",) if stage else ())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        return dialog

    def add_record(self, kind: RecordKind) -> RecordDialog | None:
        if self.view is None:
            return None
        dialog = self._record_dialog(kind, None)
        case = self.view.case
        owed = next_due(self.view.deadlines) if kind is RecordKind.STAGE else None
        if owed is not None:
            dialog.form.editor("stage").set_value(owed.stage.value)
        if kind is RecordKind.INJECT and case.exercise is not None and case.exercise.starts_at is not None:
            dialog.form.editor("planned_at").set_value(case.exercise.starts_at)
        ref = case.ref
        if isinstance(dialog, SubmissionDialog):  # recorded with the stage it printed or saved
            dialog.submitted.connect(
                lambda _data: self._change("record submission", dialog.recording(), dialog.refused, dialog.saved)
            )
        else:
            dialog.submitted.connect(
                lambda data: self._change(
                    "add record", lambda ws: case_records.add_record(ws, ref, kind, data), dialog.refused, dialog.saved
                )
            )
        dialog.open()
        return dialog

    def edit_record(self, kind: RecordKind, uid: str) -> RecordDialog | None:
        if self.view is None:
            return None
        record = next((item for item in self.view.case.of(kind) if item.uid == uid), None)
        if record is None:
            return None
        dialog = self._record_dialog(kind, to_dict(record))
        ref = self.view.case.ref

        def submitted(changes: dict[str, Any]) -> None:
            if not changes:
                dialog.saved()
                return
            self._change(
                "edit record",
                lambda ws: case_records.update_record(ws, ref, kind, uid, changes),
                dialog.refused,
                dialog.saved,
            )

        dialog.submitted.connect(submitted)
        dialog.open()
        return dialog

    def remove_record(self, kind: RecordKind, uid: str) -> QMessageBox | None:
        if self.view is None:
            return None
        ref = self.view.case.ref
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Remove"),
            self.tr("Remove this {0} from the case? The audit log keeps that it was removed.").format(
                kind.label.lower()
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setObjectName("removeBox")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.accepted.connect(
            lambda: self._change(
                "remove record", lambda ws: case_records.remove_record(ws, ref, kind, uid), self.error.show_message
            )
        )
        box.open()
        return box

    # -- linked objects ----------------------------------------------------------------------------------------

    def link_from_library(self) -> LinkObjectsDialog | None:
        if self.view is None:
            return None
        dialog = LinkObjectsDialog(self.session, set(self.view.case.linked), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        ref = self.view.case.ref
        dialog.submitted.connect(
            lambda ids: self._change(
                "link objects", lambda ws: case_links.link_objects(ws, ref, ids), dialog.refused, dialog.saved
            )
        )
        dialog.open()
        return dialog

    def create_object(self) -> CreateObjectDialog | None:
        if self.view is None:
            return None
        dialog = CreateObjectDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        ref = self.view.case.ref
        dialog.submitted.connect(
            lambda obj: self._change(
                "create object", lambda ws: case_links.create_object(ws, ref, obj), dialog.refused, dialog.saved
            )
        )
        dialog.open()
        return dialog

    def unlink(self, ids: list[str]) -> None:
        if self.view is not None and ids:
            ref = self.view.case.ref
            self._change("unlink objects", lambda ws: case_links.unlink_objects(ws, ref, ids), self.error.show_message)

    # -- running a change --------------------------------------------------------------------------------------

    def _change(
        self,
        name: str,
        work: Callable[[Workspace], Any],
        refused: Callable[[str], None],
        done: Callable[[], None] | None = None,
        *,
        keep_edits: bool = True,
    ) -> None:
        """Run ``work`` (one service call, one transaction) then read the case again, off the GUI thread.

        ``keep_edits`` keeps unsaved changes to the fields on screen (a record was added meanwhile)."""
        assert self.view is not None
        ref = self.view.case.ref
        generation = self._generation

        def task(ws: Workspace, _control: Any) -> CaseView:
            work(ws)
            return load_case_view(ws, ref, datetime.now(UTC))

        handle = self.session.run(name, task)

        def succeeded(view: CaseView) -> None:
            if done is not None:
                done()
            if generation == self._generation:
                self.show_view(view, keep_edits=keep_edits)
            self.case_saved.emit(ref)

        handle.succeeded.connect(succeeded)
        handle.failed.connect(lambda failure: refused(failure.message))
