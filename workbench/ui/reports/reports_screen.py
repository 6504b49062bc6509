"""The Reports screen: set up a report on the left, see its pages on the right, then save it or print it.

Preview builds the report off the GUI thread (``report_job.prepare``: the same services as ``workbench report``)
with progress and Cancel, and shows the PDF from memory. Save writes exactly the previewed PDF through the service
(``reports.save``: atomic, ``report.generated`` with its SHA-256); Print sends its pages through Qt's print dialog
and records ``report.printed`` with the printer and copies. Once the form changes, the preview is out of date and
must be built again before it can be saved or printed, so what is saved is always what the form says.

The form and its briefing text are saved in the workspace as named drafts (Drafts menu, ``report_drafts``) and
kept there when the workspace locks with them unsaved; quitting asks about them.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSizeF, Qt, Signal
from PySide6.QtGui import QFont, QKeySequence
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from workbench.app.session import StoreChange
from workbench.app.tasks import Lane, TaskControl, TaskFailure, TaskHandle
from workbench.domain.errors import InvalidInput
from workbench.services import cases
from workbench.services.reports import record_print, save
from workbench.services.workspace import Workspace
from workbench.ui.common.dialogs import show_error
from workbench.ui.common.progress import TaskProgressDialog
from workbench.ui.common.screen import AppContext, SaveDone, Screen, UnsavedWork
from workbench.ui.common.text import plain_label
from workbench.ui.reports.briefing_editor import BriefingEditor
from workbench.ui.reports.preview_pane import PreviewPane
from workbench.ui.reports.printing import PrintResult, prepare_printer, print_pdf
from workbench.ui.reports.report_drafts import ReportDrafts
from workbench.ui.reports.report_form import ReportForm
from workbench.ui.reports.report_job import PreparedReport, ReportRequest, prepare

logger = logging.getLogger(__name__)

KIND_NAMES = {
    "incident": "Incident report",
    "stage": "Incident report stage",
    "exercise": "Exercise after-action report",
    "briefing": "Threat briefing",
}
_STALE_STYLE = "QLabel { background: #fff4ce; color: #5c4400; padding: 6px; border-radius: 4px; }"


class ReportsScreen(Screen):
    preview_shown = Signal(object)
    """A ``PreparedReport``: its pages are in the preview."""
    report_saved = Signal(str)
    """The path the previewed report was saved to."""
    report_printed = Signal(object)
    """A ``PrintResult``: the pages went to the printer and ``report.printed`` was recorded."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.setObjectName("reportsScreen")
        self.prepared: PreparedReport | None = None
        self.saved_to: Path | None = None
        self.stale = False
        self.progress: TaskProgressDialog | None = None
        self.save_dialog: QFileDialog | None = None
        self.print_dialog: QPrintDialog | None = None
        self._task: TaskHandle | None = None
        self._generation = 0

        self.form = ReportForm(self)
        self.form.changed.connect(self._form_changed)
        self.form.case_filter_changed.connect(self._load_cases)
        self.editor = BriefingEditor(self)
        self.editor.edited.connect(self._form_changed)
        self.drafts = ReportDrafts(context.session, self.form, self.editor, self)
        self.drafts.draft_saved.connect(
            lambda draft: context.status(self.tr("Draft “{0}” saved in the workspace.").format(draft.name))
        )
        self.drafts.draft_opened.connect(
            lambda draft: context.status(self.tr("Draft “{0}” opened.").format(draft.name))
        )
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.editor)
        scroll.setAccessibleName(self.tr("Briefing text"))
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("reportTabs")
        self.tabs.addTab(self.form, self.tr("Report"))
        self.tabs.addTab(scroll, self.tr("Briefing text"))
        self.tabs.setTabToolTip(
            1,
            self.tr(
                "The analyst's part of a briefing: bottom line, key judgements, "
                "recommendations, gaps, sources, distribution"
            ),
        )

        self.preview_button = self._button(
            self.tr("&Preview"),
            self.tr("Build the report and show its pages (Ctrl+Return); nothing is saved"),
            "Ctrl+Return",
            self.preview,
        )
        self.preview_button.setDefault(True)
        self.save_button = self._button(
            self.tr("&Save as PDF…"),
            self.tr("Save the previewed report as a PDF file (Ctrl+S); recorded in the audit log"),
            "Ctrl+S",
            self.save,
        )
        self.print_button = self._button(
            self.tr("P&rint…"),
            self.tr("Print the previewed report (Ctrl+P); recorded in the audit log"),
            "Ctrl+P",
            self.print_report,
        )

        self.summary = plain_label("", self, wrap=True)
        self.summary.setObjectName("reportSummary")
        self.summary.setAccessibleName(self.tr("Previewed report"))
        font = QFont(self.summary.font())
        font.setBold(True)
        self.summary.setFont(font)
        self.details = plain_label("", self, wrap=True, selectable=True)
        self.details.setObjectName("reportDetails")
        self.details.setAccessibleName(self.tr("What the report was built from"))
        self.stale_note = plain_label(
            self.tr(
                "The form has changed since this preview. Press Preview to build it again before saving or printing."
            ),
            self,
            wrap=True,
        )
        self.stale_note.setObjectName("staleNote")
        self.stale_note.setStyleSheet(_STALE_STYLE)
        self.preview_pane = PreviewPane(self)

        left = QWidget(self)
        buttons = QHBoxLayout()
        for button in (self.preview_button, self.save_button, self.print_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.drafts.button)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 4, 0)
        left_layout.addWidget(self.tabs, 1)
        left_layout.addLayout(buttons)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(4, 0, 0, 0)
        right_layout.addWidget(self.summary)
        right_layout.addWidget(self.details)
        right_layout.addWidget(self.stale_note)
        right_layout.addWidget(self.preview_pane, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("reportsSplitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addWidget(self.splitter)

        self._show_prepared()
        self._kind_shown()
        context.session.opened.connect(lambda _info: self.form.ask_for_cases())
        context.session.locking.connect(self._locking)
        context.session.store_changed.connect(lambda _change: self.form.ask_for_cases())
        self._restore_layout()

    def _button(self, text: str, tip: str, shortcut: str, slot) -> QPushButton:
        button = QPushButton(text, self)
        button.setToolTip(tip)
        button.setShortcut(QKeySequence(shortcut))
        button.clicked.connect(slot)
        return button

    # -- the form ----------------------------------------------------------------------------------------------

    def _load_cases(self, kind: str, words: str) -> None:
        if not self.context.session.is_open:
            return
        task = self.context.session.run(
            "report cases",
            lambda ws, _control: cases.list_cases(ws, kind=kind or None, text=words or None, with_next_due=False),
        )
        task.succeeded.connect(lambda rows: self.form.show_cases(kind, rows))
        task.failed.connect(lambda failure: self.form.no_cases.setText(failure.message))

    def _form_changed(self) -> None:
        self._kind_shown()
        if self.prepared is not None and not self.stale:
            self.stale = True
            self._show_prepared()

    def _kind_shown(self) -> None:
        briefing = self.form.kind == "briefing"
        self.tabs.setTabEnabled(1, briefing)

    # -- preview -----------------------------------------------------------------------------------------------

    def current_request(self) -> ReportRequest:
        """The report the form describes; ``InvalidInput`` with the service's message when it is refused."""
        analyst = self.editor.analyst(final=self.form.final.isChecked()) if self.form.kind == "briefing" else None
        request = self.form.request(analyst)
        request.check()
        return request

    def preview(self) -> None:
        """Build the report in a worker thread, with progress and Cancel, and show its pages."""
        if not self.context.session.is_open or self._task is not None:
            return
        try:
            request = self.current_request()
        except InvalidInput as exc:
            if self.form.kind == "briefing" and self.tabs.currentIndex() == 0 and "brief" in exc.message:
                self.tabs.setCurrentIndex(1)
            show_error(self, exc.message, title=self.tr("The report cannot be built"))
            return

        def work(ws: Workspace, control: TaskControl) -> PreparedReport:
            return prepare(
                ws,
                request,
                step=lambda what: self._step(control, what),
                page=lambda number: self._page(control, number),
            )

        generation = self._generation
        task = self._start(
            self.tr("Building the {0}…").format(KIND_NAMES[request.kind].lower()), "report preview", work
        )
        task.succeeded.connect(lambda prepared: self._previewed(generation, prepared))

    def _step(self, control: TaskControl, what: str) -> None:
        control.check()
        control.progress(
            0, 0, self.tr("Collecting the objects…") if what == "collecting" else self.tr("Laying out the pages…")
        )

    def _page(self, control: TaskControl, number: int) -> None:
        control.check()
        control.progress(number, 0, self.tr("Laying out page {0}…").format(number))

    def _previewed(self, generation: int, prepared: PreparedReport) -> None:
        if generation != self._generation:
            return
        if not self.preview_pane.show_pdf(prepared.rendered.pdf):
            show_error(self, self.tr("The report was built but its pages could not be shown."))
            return
        self.prepared = prepared
        self.stale = False
        self.saved_to = None
        self._show_prepared()
        self.preview_pane.view.setFocus()
        self.context.status(
            self.tr("Preview of {0}: {1} pages. Nothing is saved until you save or print it.").format(
                prepared.rendered.report_id, prepared.rendered.pages
            )
        )
        self.preview_shown.emit(prepared)

    def _show_prepared(self) -> None:
        prepared = self.prepared
        ready = prepared is not None and not self.stale
        self.save_button.setEnabled(ready)
        self.print_button.setEnabled(ready)
        self.stale_note.setVisible(prepared is not None and self.stale)
        if prepared is None:
            self.summary.setText(self.tr("No report previewed yet."))
            self.details.setText("")
            self.details.hide()
            return
        rendered = prepared.rendered
        state = self.tr("FINAL") if rendered.final else self.tr("DRAFT")
        self.summary.setText(
            self.tr("{0} · {1} · {2} · {3} · {4} pages").format(
                rendered.report_id, self.tr(KIND_NAMES[rendered.kind]), rendered.tlp.label, state, rendered.pages
            )
        )
        lines = [self.tr("Built from {0}.").format(prepared.found)]
        if prepared.held_back:
            counts = ", ".join(f"{count} {kind}" for kind, count in sorted(prepared.held_back.items()))
            lines.append(self.tr("Left out as marked above the report's level: {0}.").format(counts))
        if prepared.raised:
            lines.append(self.tr("Marked {0}: it contains objects marked so.").format(rendered.tlp.label))
        if self.saved_to is not None:
            lines.append(self.tr("Saved to {0}.").format(self.saved_to))
        self.details.setText("\n".join(lines))
        self.details.show()

    # -- saving ------------------------------------------------------------------------------------------------

    def save(self) -> None:
        """Ask where to save the previewed PDF (a file dialog), then save it."""
        if self.prepared is None or self.stale:
            return
        folder = self.context.settings.value("reports/folder", str(Path.home()))
        dialog = QFileDialog(self, self.tr("Save the report as PDF"), folder, self.tr("PDF files (*.pdf)"))
        dialog.setObjectName("saveReportDialog")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        dialog.setDefaultSuffix("pdf")
        dialog.selectFile(str(Path(folder) / self.prepared.suggested_name))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(self.save_to)
        dialog.finished.connect(lambda _result: setattr(self, "save_dialog", None))
        self.save_dialog = dialog
        dialog.open()

    def save_to(self, path: str) -> None:
        """Save the previewed PDF to ``path`` through the service (atomic write, ``report.generated``)."""
        prepared = self.prepared
        if prepared is None or self.stale or not path or self._task is not None:
            return
        target = Path(path)
        self.context.settings.set_value("reports/folder", str(target.parent))
        task = self._start(
            self.tr("Saving {0}…").format(target.name),
            "save report",
            lambda ws, _control: save(ws, prepared.rendered, target, source=prepared.source),
        )
        task.succeeded.connect(lambda _rendered: self._saved(prepared, target))

    def _saved(self, prepared: PreparedReport, target: Path) -> None:
        self.context.status(self.tr("Saved {0} to {1}.").format(prepared.rendered.report_id, target))
        self.saved_to = target
        self._show_prepared()
        # The audit log grew: the Audit screen shows the new entry (this screen keeps its preview).
        self.context.session.notify_changed(StoreChange("report", self.tr("report saved")))
        self.report_saved.emit(str(target))

    # -- printing ----------------------------------------------------------------------------------------------

    def print_report(self) -> None:
        """Qt's print dialog for the previewed report; printing starts when it is accepted."""
        if self.prepared is None or self.stale:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        document = self.preview_pane.document
        size = document.pagePointSize(0) if self.preview_pane.page_count else QSizeF(595.28, 841.89)
        prepare_printer(printer, self.prepared.rendered.pages, size)
        if not QPrinterInfo.availablePrinterNames():  # only "Print to File (PDF)": propose a name beside the saves
            folder = Path(self.context.settings.value("reports/folder", str(Path.home())))
            printer.setOutputFileName(str(folder / self.prepared.suggested_name.replace(".pdf", "-print.pdf")))
        dialog = QPrintDialog(printer, self)
        dialog.setObjectName("printReportDialog")
        dialog.setWindowTitle(self.tr("Print {0}").format(self.prepared.rendered.report_id))
        option = QAbstractPrintDialog.PrintDialogOption
        dialog.setOptions(
            option.PrintToFile
            | option.PrintPageRange
            | option.PrintCurrentPage
            | option.PrintCollateCopies
            | option.PrintShowPageSize
        )
        dialog.setMinMax(1, self.prepared.rendered.pages)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.print_to(printer))
        dialog.finished.connect(lambda _result: setattr(self, "print_dialog", None))
        self.print_dialog = dialog
        self._printer = printer  # the dialog holds only a pointer to it
        QDialog.open(dialog)  # PySide6 binds only QPrintDialog.open(receiver, member)

    def print_to(self, printer: QPrinter) -> None:
        """Print the previewed pages on ``printer`` in a worker thread, then record ``report.printed``."""
        prepared = self.prepared
        if prepared is None or self.stale or self._task is not None:
            return
        current = self.preview_pane.current_page or 1

        def work(ws: Workspace, control: TaskControl) -> PrintResult:
            result = print_pdf(
                prepared.rendered.pdf,
                printer,
                current_page=current,
                check=control.check,
                progress=lambda done, total: control.progress(
                    done, total, self.tr("Page {0} of {1}").format(done, total)
                ),
            )
            record_print(
                ws, prepared.rendered, printer=result.printer, copies=result.copies, page_range=result.page_range
            )
            return result

        self._printer = printer
        task = self._start(self.tr("Printing {0}…").format(prepared.rendered.report_id), "print report", work)
        task.succeeded.connect(self._printed)

    def _printed(self, result: PrintResult) -> None:
        pages = result.page_range or self.tr("all {0} pages").format(result.total_pages)
        self.context.status(
            self.tr("Printed {0} ({1}, {2} copies) on {3}.").format(
                self.prepared.rendered.report_id if self.prepared else "", pages, result.copies, result.printer
            )
        )
        self.context.session.notify_changed(StoreChange("report", self.tr("report printed")))
        self.report_printed.emit(result)

    # -- tasks -------------------------------------------------------------------------------------------------

    def _start(self, text: str, name: str, work) -> TaskHandle:
        task = self.context.session.run(name, work, lane=Lane.LONG)
        self._task = task
        for button in (self.preview_button, self.save_button, self.print_button):
            button.setEnabled(False)
        self.progress = TaskProgressDialog(task, text, self)
        self.progress.open()
        task.failed.connect(self._failed)
        task.cancelled.connect(lambda: self.context.status(self.tr("Cancelled; nothing was saved or printed.")))
        task.finished.connect(lambda: self._ended(task))
        return task

    def _ended(self, task: TaskHandle) -> None:
        if task is self._task:
            self._task = None
            self.progress = None
        self.preview_button.setEnabled(True)
        self._show_prepared()

    def _failed(self, failure: TaskFailure) -> None:
        show_error(self, failure.message, title=self.tr("Reports"))

    @property
    def busy(self) -> bool:
        return self._task is not None

    # -- session and layout ------------------------------------------------------------------------------------

    def _locking(self) -> None:
        """Drop the preview, the case list and everything typed: the workspace's data leaves memory."""
        self._generation += 1
        if self._task is not None:
            self._task.cancel()
        self.prepared = None
        self.saved_to = None
        self.stale = False
        self.preview_pane.clear()
        self.form.clear()
        self.editor.clear()
        self.drafts.forget()
        self._show_prepared()

    # -- unsaved work -------------------------------------------------------------------------------------------

    def unsaved_work(self) -> list[UnsavedWork]:
        work = self.drafts.unsaved()
        return [work] if work is not None else []

    def save_work(self, done: SaveDone) -> None:
        if self.drafts.unsaved() is None:
            done(None)
        else:
            self.drafts.save(done=done)

    def discard_work(self) -> None:
        self.drafts.forget()

    def restore_work(self, content: dict[str, Any]) -> bool:
        self.drafts.restore(content)
        self.tabs.setCurrentIndex(1 if self.form.kind == "briefing" else 0)
        return True

    def focus_first(self) -> None:
        self.form.focus_first()

    def _restore_layout(self) -> None:
        state = self.context.settings.layout("reports/splitter")
        if state is None or not self.splitter.restoreState(state):
            self.splitter.setSizes([580, 700])

    def save_layout(self) -> None:
        self.context.settings.save_layout("reports/splitter", self.splitter.saveState())
