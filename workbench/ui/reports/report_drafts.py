"""The Reports screen's drafts: the form (which report, from what, marking, final) and the briefing text, saved in
the workspace by name, reopened, and kept when the workspace locks with the form unsaved.

A draft's content is ``{"report": ReportForm.state(), "briefing": BriefingEditor.document(), "briefing_kept":
BriefingEditor.kept_document()}``: the form as typed, complete or not (a draft need not pass the service's checks;
Preview and "Save to file…" do). Everything goes through ``services.drafts`` in tasks; nothing is written outside
the encrypted workspace.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMenu, QMessageBox, QToolButton, QWidget

from workbench.app.session import Session
from workbench.app.tasks import TaskFailure
from workbench.services import drafts
from workbench.services.drafts import Draft
from workbench.ui.common.dialogs import ask, show_error
from workbench.ui.common.screen import SaveDone, UnsavedWork
from workbench.ui.reports.briefing_editor import BriefingEditor
from workbench.ui.reports.drafts_dialog import DRAFT_KIND, DraftsDialog, draft_title
from workbench.ui.reports.report_form import ReportForm

logger = logging.getLogger(__name__)

#: The name work kept at locking goes under (one report form per workspace).
KEPT_NAME = "report form"


class ReportDrafts(QObject):
    """Saving and opening drafts of ``form`` and ``editor``; ``button`` is the Drafts menu for the screen."""

    draft_saved = Signal(object)
    """The ``Draft`` as stored."""
    draft_opened = Signal(object)
    """The ``Draft`` now shown in the form."""

    def __init__(self, session: Session, form: ReportForm, editor: BriefingEditor, parent: QWidget) -> None:
        super().__init__(parent)
        self._session = session
        self._form = form
        self._editor = editor
        self._parent = parent
        self.name: str | None = None  # the named draft the form came from or was saved as
        self._stored: dict[str, Any] | None = None  # the content at the last save or open
        self.dialog: DraftsDialog | None = None
        self.button = QToolButton(parent)
        self.button.setObjectName("draftsButton")
        self.button.setText(self.tr("&Drafts"))
        self.button.setToolTip(self.tr("Save the form in the workspace as a named draft, or open one"))
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.button)
        self.save_action = QAction(self.tr("&Save draft"), menu)
        self.save_action.setToolTip(self.tr("Save the form under its draft's name (asks for one the first time)"))
        self.save_action.triggered.connect(self.save)
        self.save_as_action = QAction(self.tr("Save draft &as…"), menu)
        self.save_as_action.triggered.connect(self.save_as)
        self.open_action = QAction(self.tr("&Open draft…"), menu)
        self.open_action.triggered.connect(self.open_list)
        for action in (self.save_action, self.save_as_action, self.open_action):
            menu.addAction(action)
        self.button.setMenu(menu)

    # -- the form as a draft -----------------------------------------------------------------------------------

    def content(self) -> dict[str, Any]:
        return {
            "report": self._form.state(),
            "briefing": self._editor.document(),
            "briefing_kept": self._editor.kept_document(),
        }

    def apply(self, content: dict[str, Any]) -> None:
        """Fill the form and the briefing text from a draft's content."""
        report, briefing, kept = content.get("report"), content.get("briefing"), content.get("briefing_kept")
        self._form.set_state(report if isinstance(report, dict) else {})
        self._editor.set_document(
            briefing if isinstance(briefing, dict) else {}, kept if isinstance(kept, dict) else {}
        )

    def unsaved(self) -> UnsavedWork | None:
        """The form when it holds typed text that no draft holds (None otherwise)."""
        content = self.content()
        typed = bool(content["briefing"]) or self.name is not None
        if not typed or content == self._stored:
            return None
        title = draft_title(content) or self.name or self.tr("untitled")
        what = self.tr("Report form: briefing “{0}”, not saved as a draft").format(title)
        return UnsavedWork(what, KEPT_NAME, content)

    def suggested_name(self) -> str:
        title = self._editor.title.text().strip()
        return self.name or title or self.tr("Briefing {0}").format(datetime.now().strftime("%Y-%m-%d %H:%M"))

    # -- saving ------------------------------------------------------------------------------------------------

    def save(self, *, done: SaveDone | None = None) -> None:
        """Save under the current draft's name, or ask for a name the first time."""
        if self.name is None and done is None:
            self.save_as()
            return
        self.save_named(self.name or self.suggested_name(), done=done)

    def save_as(self) -> None:
        name, chosen = QInputDialog.getText(
            self._parent,
            self.tr("Save draft"),
            self.tr("Name of the draft (a draft of the same name is replaced):"),
            QLineEdit.EchoMode.Normal,
            self.suggested_name(),
        )
        if chosen and name.strip():
            self.save_named(name)

    def save_named(self, name: str, *, done: SaveDone | None = None) -> None:
        """Store the form as the draft ``name`` in a task; ``done`` hears how it ended."""
        content = self.content()
        task = self._session.run("save draft", lambda ws, _control: drafts.save_named(ws, DRAFT_KIND, name, content))

        def saved(draft: Draft) -> None:
            self.name = draft.name
            self._stored = content
            self.draft_saved.emit(draft)
            if done is not None:
                done(None)

        def failed(failure: TaskFailure) -> None:
            if done is not None:
                done(failure.message)
            else:
                show_error(self._parent, failure.message, title=self.tr("Draft not saved"))

        task.succeeded.connect(saved)
        task.failed.connect(failed)

    # -- opening -----------------------------------------------------------------------------------------------

    def open_list(self) -> DraftsDialog:
        dialog = DraftsDialog(self._session, self._parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.draft_opened.connect(self.open_draft)
        self.dialog = dialog
        dialog.finished.connect(lambda _code: setattr(self, "dialog", None))
        dialog.open()
        return dialog

    def open_draft(self, draft: Draft) -> QMessageBox | None:
        """Show ``draft`` in the form, after asking when what is in the form now would be lost."""
        if self.unsaved() is None:
            self._show(draft)
            return None
        return ask(
            self._parent,
            self.tr("Open draft"),
            self.tr("Replace the form with the draft “{0}”? What it holds now is not saved and would be lost.").format(
                draft.name
            ),
            "replaceFormBox",
            lambda: self._show(draft),
        )

    def _show(self, draft: Draft) -> None:
        self.apply(draft.content)
        self.name = draft.name
        self._stored = self.content()
        self.draft_opened.emit(draft)

    def restore(self, content: dict[str, Any]) -> None:
        """Work kept at locking: back in the form, unsaved (no draft holds it)."""
        self.apply(content)
        self.name = None
        self._stored = None

    def forget(self) -> None:
        """The form was emptied (the workspace is locking, or the analyst discarded it)."""
        if self.dialog is not None:
            self.dialog.reject()
        self.name = None
        self._stored = None
