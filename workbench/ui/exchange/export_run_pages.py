"""The export wizard's last pages: the marking check (what leaves, what is held back and why), the destination
with its free space, and the writing with progress, Cancel and the verified result."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QHeaderView,
    QLineEdit,
    QProgressBar,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from workbench.app.tasks import TaskFailure, TaskHandle, TaskProgress
from workbench.domain.timestamps import now_stix
from workbench.services.exchange import ExportPreview, ExportResult
from workbench.services.exchange.export import DEFAULT_RESERVE
from workbench.services.jobs import catalogue
from workbench.ui.common.dialogs import show_error
from workbench.ui.common.list_model import ListTableModel, size_text, when_text
from workbench.ui.common.text import plain_label
from workbench.ui.common.views import read_only_rows
from workbench.ui.exchange.destination_picker import DestinationPicker
from workbench.ui.exchange.models import GOOD_COLOUR, REFUSED_COLOUR, HeldBackModel, LeavingModel
from workbench.ui.exchange.stages import stage_text

if TYPE_CHECKING:
    from workbench.ui.exchange.export_wizard import ExportWizard

_STEPS = 1000


def _style(colour: str) -> str:
    return f"QLabel {{ color: {colour}; font-weight: bold; }}"


def _table(parent: QWidget, model: ListTableModel, name: str, accessible: str, stretch: int) -> QTableView:
    table = QTableView(parent)
    table.setObjectName(name)
    table.setAccessibleName(accessible)
    table.setModel(model)
    read_only_rows(table, stored_objects=False)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setResizeContentsPrecision(50)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


class CheckPage(QWizardPage):
    """Runs ``preview_export`` with the choices made and shows its plan; complete when something leaves."""

    def __init__(self, wizard: ExportWizard) -> None:
        super().__init__(wizard)
        self._wizard = wizard
        self.setTitle(self.tr("Marking check"))
        self.setSubTitle(self.tr("What leaves for the recipient, and what is held back and why."))
        self.summary = plain_label("", self, wrap=True)
        self.summary.setObjectName("checkSummary")
        self.summary.setAccessibleName(self.tr("Marking check result"))
        self.busy = QProgressBar(self)
        self.busy.setRange(0, 0)
        self.busy.setAccessibleName(self.tr("Checking"))
        self.model = HeldBackModel(self)
        self.table = _table(self, self.model, "heldBackTable", self.tr("Held back"), HeldBackModel.Columns.REASON)
        self.leaving = LeavingModel(self)
        self.leaving_table = _table(self, self.leaving, "leavingTable", self.tr("Leaves"), LeavingModel.Columns.OBJECT)
        self.search = QLineEdit(self)
        self.search.setObjectName("checkSearch")
        self.search.setAccessibleName(self.tr("Search what leaves and what is held back"))
        self.search.setPlaceholderText(self.tr("Search names, types, markings, reasons…"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._search)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("checkTabs")
        self.tabs.addTab(self.leaving_table, "")
        self.tabs.addTab(self.table, "")
        self.unlisted = plain_label("", self, wrap=True)
        self.unlisted.setObjectName("leavingUnlisted")
        self.unlisted.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.busy)
        layout.addWidget(self.search)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.unlisted)
        self._count_tabs()
        self.preview: ExportPreview | None = None
        self._task: TaskHandle | None = None

    def initializePage(self) -> None:
        self.cancel()
        self.preview = None
        self.model.clear()
        self.leaving.clear()
        self._count_tabs()
        self.unlisted.hide()
        self.summary.setStyleSheet("")
        self.summary.setText(self.tr("Checking what may leave…"))
        self.busy.show()
        self.completeChanged.emit()
        choices = self._wizard.choices()
        task = self._wizard.session.run_job("export preview", catalogue.preview_export, **choices.plan())
        self._task = task
        task.succeeded.connect(lambda preview: self._checked(task, preview))
        task.failed.connect(lambda failure: self._failed(task, failure))
        task.finished.connect(lambda: self._ended(task))

    def cleanupPage(self) -> None:
        self.cancel()

    def cancel(self) -> None:
        if self._task is not None:
            task, self._task = self._task, None
            task.cancel()

    def _ended(self, task: TaskHandle) -> None:
        if task is self._task:
            self._task = None
            self.busy.hide()

    def _checked(self, task: TaskHandle, preview: ExportPreview) -> None:
        if task is not self._task:
            return
        self.preview = preview
        self.model.set_items(preview.held_back)
        self.leaving.set_items(preview.leaving)
        self._count_tabs()
        self.tabs.setCurrentIndex(1 if preview.held_back else 0)
        if preview.leaving_unlisted:
            self.unlisted.setText(
                self.tr("{0:,} further objects leave too; only the first {1:,} are listed.").format(
                    preview.leaving_unlisted, len(preview.leaving)
                )
            )
        self.unlisted.setVisible(bool(preview.leaving_unlisted))
        highest = preview.highest.label if preview.highest is not None else self.tr("nothing")
        text = self.tr(
            "{0:,} object version(s) of {1} leave for {2} (ceiling {3}, highest marking in the package {4}), about {5}."
        ).format(
            preview.object_count,
            preview.selection,
            preview.recipient,
            preview.ceiling.label,
            highest,
            size_text(preview.estimated_size),
        )
        if preview.held_back:
            text += "\n" + self.tr("{0:,} held back, listed with the reason.").format(len(preview.held_back))
        else:
            text += "\n" + self.tr("Nothing is held back.")
        if preview.object_count == 0:
            self.summary.setStyleSheet(_style(REFUSED_COLOUR.name()))
            text = self.tr("Nothing may leave for {0}: everything chosen is held back.").format(preview.recipient)
        self.summary.setText(text)
        self.completeChanged.emit()

    def _search(self, text: str) -> None:
        self.leaving.set_filter(text)
        self.model.set_filter(text)
        self._count_tabs()

    def _count_tabs(self) -> None:
        tabs: tuple[tuple[ListTableModel[Any], str], ...] = (
            (self.leaving, self.tr("Leaves")),
            (self.model, self.tr("Held back")),
        )
        for index, (model, name) in enumerate(tabs):
            shown, total = model.rowCount(), len(model.all_items)
            count = f"{shown:,}" if shown == total else self.tr("{0:,} of {1:,}").format(shown, total)
            self.tabs.setTabText(index, f"{name} ({count})")

    def _failed(self, task: TaskHandle, failure: TaskFailure) -> None:
        if task is not self._task:
            return
        self.summary.setStyleSheet(_style(REFUSED_COLOUR.name()))
        self.summary.setText(failure.message)

    def isComplete(self) -> bool:
        return self.preview is not None and self.preview.object_count > 0


class DestinationPage(QWizardPage):
    """A removable volume or a folder with room for the package."""

    def __init__(self, wizard: ExportWizard, folder: str) -> None:
        super().__init__(wizard)
        self._wizard = wizard
        self.setTitle(self.tr("Destination"))
        self.setSubTitle(
            self.tr(
                "The package is written under a temporary name, read back and verified, and only "
                "then named; a failure leaves nothing that verifies."
            )
        )
        self.picker = DestinationPicker(wizard.media, self, folder=folder)
        self.picker.destination_changed.connect(self.completeChanged)
        layout = QVBoxLayout(self)
        layout.addWidget(self.picker)
        layout.addStretch(1)
        self.setButtonText(QWizard.WizardButton.NextButton, self.tr("&Write package"))

    def initializePage(self) -> None:
        preview = self._wizard.check_page.preview
        self.picker.set_needed((preview.estimated_size if preview else 0) + DEFAULT_RESERVE)
        self.picker.refresh_volumes()

    def isComplete(self) -> bool:
        return self.picker.problem() is None


class WritePage(QWizardPage):
    """Writes the package (``export_package``) with progress; Cancel stops it and nothing stays on the medium."""

    def __init__(self, wizard: ExportWizard) -> None:
        super().__init__(wizard)
        self._wizard = wizard
        self.setTitle(self.tr("Writing the package"))
        self.setSubTitle(self.tr("It counts as written only once it has been read back from the medium and verified."))
        self.label = plain_label("", self, wrap=True, selectable=True)
        self.label.setObjectName("writeResult")
        self.label.setAccessibleName(self.tr("Export result"))
        self.body = plain_label("", self, wrap=True, selectable=True)
        self.body.setObjectName("writeDetails")
        self.bar = QProgressBar(self)
        self.bar.setAccessibleName(self.tr("Progress"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.body)
        layout.addWidget(self.bar)
        layout.addStretch(1)
        self._task: TaskHandle | None = None
        self.written_package: ExportResult | None = None
        self.started: str | None = None
        """When the write under way started (a STIX timestamp, as the Outbox's are)."""

    @property
    def running(self) -> bool:
        return self._task is not None

    def initializePage(self) -> None:
        wizard = self._wizard
        wizard.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setTitle(self.tr("Writing the package"))
        self.written_package = None
        self.body.setText("")
        self.label.setStyleSheet("")
        self.bar.setRange(0, 0)
        self.bar.show()
        dest = wizard.destination()
        if dest is None:  # the destination page is complete only with one chosen
            return
        choices = wizard.choices()
        self.label.setText(self.tr("Writing the package for {0} into {1}…").format(choices.recipient, dest))
        self.started = now_stix()
        task = wizard.session.run_job(
            "export",
            catalogue.export_package,
            describe=lambda progress: stage_text(progress.message),
            dest=dest,
            **choices.plan(),
            tar=choices.tar,
            validity_days=choices.validity_days,
        )
        self._task = task
        task.progressed.connect(self._progressed)
        task.succeeded.connect(self._written)
        task.failed.connect(self._failed)
        task.cancelled.connect(self._cancelled)
        self.completeChanged.emit()

    def cancel(self) -> None:
        if self._task is not None:
            self.label.setText(self.tr("Cancelling… nothing will be left on the medium."))
            self._task.cancel()

    def _progressed(self, progress: TaskProgress) -> None:
        if progress.total > 0:
            self.bar.setRange(0, _STEPS)
            self.bar.setValue(int(_STEPS * min(1.0, progress.done / progress.total)))
        if progress.message and self._task is not None and not self._task.control.cancelled():
            self.label.setText(progress.message)

    def _written(self, result: ExportResult) -> None:
        self._task = None
        self.written_package = result
        self.bar.hide()
        self._wizard.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setTitle(self.tr("Package written"))
        self.label.setStyleSheet(_style(GOOD_COLOUR.name()))
        self.label.setText(self.tr("✔ Written and verified: {0}").format(result.path.name))
        held = self.tr("; {0:,} held back").format(len(result.held_back)) if result.held_back else ""
        cleaned = self.tr("; {0:,} sanitised").format(result.sanitized) if result.sanitized else ""
        self.body.setText(
            self.tr(
                "In {0}\n\nPackage {1} for {2}: {3:,} object version(s), {4}, ceiling {5}, expires {6} UTC{7}{8}.\n\n"
                "Carry it to {2}; their receipt, recorded from the Inbox, marks it delivered in the Outbox."
            ).format(
                result.path.parent,
                result.sequence,
                result.recipient,
                result.object_count,
                size_text(result.size),
                result.tlp_ceiling.label,
                when_text(result.expires),
                held,
                cleaned,
            )
        )
        self._wizard.written(result)
        self.completeChanged.emit()

    def _failed(self, failure: TaskFailure) -> None:
        self._task = None
        self.bar.hide()
        self._wizard.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, False)
        self.label.setStyleSheet(_style(REFUSED_COLOUR.name()))
        self.label.setText(
            self.tr(
                "The package was not written: {0}\nNothing that verifies is on the medium. Go "
                "back to choose another destination."
            ).format(failure.message)
        )
        show_error(
            self,
            failure.message,
            title=self.tr("Export failed"),
            detail=self.tr("Nothing that verifies was left on the medium."),
        )
        self._wizard.write_ended(cancelled=False)
        self.completeChanged.emit()

    def _cancelled(self) -> None:
        self._task = None
        self.bar.hide()
        self.label.setText(self.tr("Cancelled; nothing was written."))
        self._wizard.write_ended(cancelled=True)

    def isComplete(self) -> bool:
        return self.written_package is not None
