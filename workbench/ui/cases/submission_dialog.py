"""Record a report submission, with the stage as it will be sent printed or saved from the same dialog.

"Save PDF…" and "Print…" render the stage as it will be recorded (``stages.prepare_submission``: final, under its
own report id, stamped with the submission's time, sequence number and version), off the GUI thread, then save it
through the reports service (``report.generated``) or print it (``report.printed``). "Record" then records the
submission with that very rendering as its snapshot (``stages.record_submission(prepared=...)``), so the PDF the
entity sent is the one the workspace keeps. Changing the stage or the time afterwards drops the rendering: what is
recorded is always what the form says. Without printing or saving first, "Record" renders the stage itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSizeF, Qt, Signal
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QFileDialog, QPushButton, QWidget

from workbench.app.session import Session
from workbench.app.tasks import Lane, TaskControl, TaskHandle
from workbench.domain.cases.case import RecordKind
from workbench.domain.errors import InvalidInput
from workbench.services.workspace import Workspace
from workbench.ui.cases.record_dialog import RecordDialog
from workbench.ui.common.text import plain_label
from workbench.ui.reports.printing import PrintResult, prepare_printer, print_pdf

logger = logging.getLogger(__name__)

#: A4 in points: the page size stage documents are printed on.
A4_POINTS = QSizeF(595.28, 841.89)


class SubmissionDialog(RecordDialog):
    """The Record submission dialog of an incident's reporting tab."""

    pdf_saved = Signal(str)
    """The path the stage's PDF was saved to (``report.generated`` recorded)."""
    stage_printed = Signal(object)
    """A ``PrintResult``: the stage went to the printer (``report.printed`` recorded)."""

    def __init__(self, session: Session, case_ref: str, parent: QWidget | None = None) -> None:
        super().__init__(
            RecordKind.STAGE,
            parent,
            exclude=("version",),
            title=self.tr("Record a report submission"),
            ok_text=self.tr("Record"),
        )
        self.setObjectName("submissionDialog")
        self.session = session
        self.case_ref = case_ref
        #: The rendering printed or saved for the stage and time now in the form (None: none, or out of date).
        self.prepared: Any = None
        self._prepared_for: tuple[Any, Any, bool] | None = None
        self._task: TaskHandle | None = None
        self.save_dialog: QFileDialog | None = None
        self.print_dialog: QPrintDialog | None = None
        self.amend = QCheckBox(self.tr("&Amend: replaces the submission of this stage recorded at the same time"), self)
        self.amend.setObjectName("amendSubmission")
        self.amend.toggled.connect(lambda _on: self._forget())
        self.save_button = QPushButton(self.tr("&Save PDF…"), self)
        self.save_button.setToolTip(self.tr("Save the stage as it will be sent, as a PDF (recorded in the audit log)"))
        self.print_button = QPushButton(self.tr("&Print…"), self)
        self.print_button.setToolTip(self.tr("Print the stage as it will be sent (recorded in the audit log)"))
        for button in (self.save_button, self.print_button):
            self.buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button.clicked.connect(self.save_pdf)
        self.print_button.clicked.connect(self.print_stage)
        self.state = plain_label("", self, wrap=True)
        self.state.setObjectName("submissionState")
        layout = self.layout()
        layout.insertWidget(layout.count() - 2, self.amend)
        layout.insertWidget(layout.count() - 1, self.state)
        for name in ("stage", "submitted_at"):
            self.form.editor(name).edited.connect(self._forget)
        # A time being typed changes the form before the field is left: the rendering is out of date at once.
        self.form.editor("submitted_at").edit.dateTimeChanged.connect(lambda _moment: self._forget())

    # -- what is recorded ----------------------------------------------------------------------------------------

    def _key(self) -> tuple[Any, Any, bool]:
        values = self.form.values()
        return values.get("stage"), values.get("submitted_at"), self.amend.isChecked()

    def _forget(self) -> None:
        if self.prepared is not None and self._key() != self._prepared_for:
            self.prepared = None
            self._prepared_for = None
            self.state.setText(self.tr("The stage or time changed: save or print it again before sending it."))

    def prepared_for_form(self) -> Any:
        """The rendering to record with the submission: the one printed or saved, if the form still matches it."""
        return self.prepared if self._prepared_for == self._key() else None

    def submission(self) -> dict[str, Any]:
        """What "Record" records: the form's values and whether it amends an earlier record."""
        return {**self.values(), "amend": self.amend.isChecked()}

    # -- rendering, then saving or printing ----------------------------------------------------------------------

    def _prepare(self, then: Any) -> None:
        """Render the stage as it will be sent (off the GUI thread), then call ``then`` with the rendering."""
        if self._task is not None:
            return
        key = stage, at, amend = self._key()
        if not stage or not at:
            self.refused("choose the stage and the time it is submitted")
            return
        if self.prepared is not None and self._prepared_for == key:
            then(self.prepared)
            return
        from workbench.services.cases.stages import prepare_submission  # ReportLab, on first use

        ref = self.case_ref
        self.state.setText(self.tr("Laying out the stage as it will be sent…"))
        task = self._start(
            "prepare submission", lambda ws, _control: prepare_submission(ws, ref, stage, at, amend=amend)
        )

        def done(prepared: Any) -> None:
            self.prepared, self._prepared_for = prepared, key
            then(prepared)

        task.succeeded.connect(done)

    def _start(self, name: str, work: Any) -> TaskHandle:
        task = self.session.run(name, work, lane=Lane.LONG)
        self._task = task
        for button in (self.save_button, self.print_button, self.ok_button):
            button.setEnabled(False)
        task.failed.connect(lambda failure: self.refused(failure.message))
        task.finished.connect(self._ended)
        return task

    def _ended(self) -> None:
        self._task = None
        for button in (self.save_button, self.print_button, self.ok_button):
            button.setEnabled(True)

    def save_pdf(self) -> None:
        """Save PDF…: the stage rendered as it will be sent, then a file dialog, then the save."""
        self.error.clear()
        self._prepare(self._ask_where)

    def _ask_where(self, prepared: Any) -> None:
        name = f"{prepared.rendered.report_id}-{prepared.document.stage.value}.pdf"
        dialog = QFileDialog(self, self.tr("Save the stage as PDF"), str(Path.home()), self.tr("PDF files (*.pdf)"))
        dialog.setObjectName("saveStageDialog")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        dialog.setDefaultSuffix("pdf")
        dialog.selectFile(str(Path.home() / name))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(lambda path: self.save_to(prepared, path))
        dialog.finished.connect(lambda _result: setattr(self, "save_dialog", None))
        self.save_dialog = dialog
        dialog.open()

    def save_to(self, prepared: Any, path: str) -> None:
        from workbench.services.reports import save

        source = {"case": self.case_ref, "stage": prepared.document.stage.value, "submission": "to be recorded"}
        task = self._start("save stage", lambda ws, _control: save(ws, prepared.rendered, path, source=source))

        def saved(_rendered: Any) -> None:
            self.state.setText(
                self.tr("Saved {0} to {1}. Record the submission once it is sent.").format(
                    prepared.rendered.report_id, path
                )
            )
            self.pdf_saved.emit(path)

        task.succeeded.connect(saved)

    def print_stage(self) -> None:
        """Print…: the stage rendered as it will be sent, then Qt's print dialog, then the print."""
        self.error.clear()
        self._prepare(self._ask_printer)

    def _ask_printer(self, prepared: Any) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        prepare_printer(printer, prepared.rendered.pages, A4_POINTS)
        if not QPrinterInfo.availablePrinterNames():  # only "Print to File (PDF)": propose a name
            printer.setOutputFileName(str(Path.home() / f"{prepared.rendered.report_id}-print.pdf"))
        dialog = QPrintDialog(printer, self)
        dialog.setObjectName("printStageDialog")
        dialog.setWindowTitle(self.tr("Print {0}").format(prepared.rendered.report_id))
        option = QAbstractPrintDialog.PrintDialogOption
        dialog.setOptions(option.PrintToFile | option.PrintPageRange | option.PrintCollateCopies)
        dialog.setMinMax(1, prepared.rendered.pages)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.print_to(prepared, printer))
        dialog.finished.connect(lambda _result: setattr(self, "print_dialog", None))
        self.print_dialog = dialog
        self._printer = printer  # the dialog holds only a pointer to it
        QDialog.open(dialog)  # PySide6 binds only QPrintDialog.open(receiver, member)

    def print_to(self, prepared: Any, printer: QPrinter) -> None:
        from workbench.services.reports import record_print

        def work(ws: Workspace, control: TaskControl) -> PrintResult:
            result = print_pdf(prepared.rendered.pdf, printer, current_page=1, check=control.check)
            record_print(
                ws, prepared.rendered, printer=result.printer, copies=result.copies, page_range=result.page_range
            )
            return result

        self._printer = printer
        task = self._start("print stage", work)

        def printed(result: PrintResult) -> None:
            self.state.setText(
                self.tr("Printed {0} on {1}. Record the submission once it is sent.").format(
                    prepared.rendered.report_id, result.printer
                )
            )
            self.stage_printed.emit(result)

        task.succeeded.connect(printed)

    def refused(self, message: str) -> None:
        super().refused(message)
        self.state.setText("")

    def recording(self) -> Callable[[Workspace], Any]:
        """The work that records the submission the form describes, read now on the GUI thread and run in a worker
        thread: with the rendering printed or saved when the form still matches it."""
        values, prepared, ref = self.submission(), self.prepared_for_form(), self.case_ref

        def work(ws: Workspace) -> Any:
            from workbench.services.cases.stages import record_submission  # ReportLab, on first use

            stage, at = values.get("stage"), values.get("submitted_at")
            if not stage or not at:
                raise InvalidInput("a stage submission needs a stage and the time it was submitted")
            submission, _prepared = record_submission(
                ws,
                ref,
                stage,
                at,
                reference=values.get("reference"),
                note=values.get("note"),
                amend=bool(values.get("amend")),
                prepared=prepared,
            )
            return submission

        return work
