"""The export wizard: recipient, selection, options, the marking check, the destination, then writing with progress
and Cancel, ending in a "written and verified" message that names the package.

The wizard only gathers the analyst's choices into an ``ExportChoices``; ``exchange.preview_export`` computes what
leaves and what is held back, and ``exchange.export_package`` writes, reads back and verifies (both in tasks). A
cancelled or failed write leaves nothing on the medium and uses up no sequence number (the service's guarantee).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QWidget, QWizard

from workbench.app.session import Session
from workbench.app.settings import Settings
from workbench.domain.tlp import Tlp
from workbench.services.cases import CaseSummary
from workbench.services.exchange import ExportResult, Partner, Selection
from workbench.ui.common.fit import resize_within_screen
from workbench.ui.exchange.export_choice_pages import OptionsPage, RecipientPage, SelectionPage
from workbench.ui.exchange.export_run_pages import CheckPage, DestinationPage, WritePage
from workbench.ui.exchange.media_source import MediaSource

logger = logging.getLogger(__name__)

LAST_FOLDER_KEY = "exchange/last_export_folder"


@dataclass(frozen=True)
class ExportChoices:
    """What the analyst chose on the first pages: the arguments of ``preview_export`` and ``export_package``."""

    recipient: str
    tlp_max: Tlp | None
    selection: Selection
    unmarked_as: Tlp
    include_history: bool
    sanitize: bool
    tar: bool
    validity_days: int

    def plan(self) -> dict[str, Any]:
        """The keyword arguments that decide the sharing plan, for the marking check and the writing alike."""
        return {
            "recipient": self.recipient,
            "selection": self.selection,
            "tlp_max": self.tlp_max,
            "unmarked_as": self.unmarked_as,
            "include_history": self.include_history,
            "sanitize": self.sanitize,
        }


class ExportWizard(QWizard):
    """One export; see the module docstring."""

    package_written = Signal(object)
    """The ``ExportResult`` of a package written, read back and verified."""
    export_cancelled = Signal()
    """The analyst cancelled while the package was being written; nothing is on the medium."""

    class Pages:
        RECIPIENT, SELECTION, OPTIONS, CHECK, DESTINATION, WRITE = range(6)

    def __init__(
        self,
        session: Session,
        settings: Settings,
        media: MediaSource,
        *,
        library_selection: list[str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("exportWizard")
        self.setWindowTitle(self.tr("Export a package for a partner"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.HaveHelpButton, False)
        resize_within_screen(self, 920, 620)
        self.session = session
        self.settings = settings
        self.media = media
        self.library_selection = list(library_selection or [])
        self.partners: list[Partner] = []
        self.cases: list[CaseSummary] = []
        self.written_package: ExportResult | None = None
        self._closing = False
        self.recipient_page = RecipientPage(self)
        self.selection_page = SelectionPage(self)
        self.options_page = OptionsPage(self)
        self.check_page = CheckPage(self)
        self.destination_page = DestinationPage(self, settings.value(LAST_FOLDER_KEY, ""))
        self.write_page = WritePage(self)
        for number, page in enumerate(
            (
                self.recipient_page,
                self.selection_page,
                self.options_page,
                self.check_page,
                self.destination_page,
                self.write_page,
            )
        ):
            self.setPage(number, page)
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("&Close"))
        session.locking.connect(self._locking)

    # -- what the pages gathered -------------------------------------------------------------------------------

    def choices(self) -> ExportChoices:
        options = self.options_page
        return ExportChoices(
            recipient=self.recipient_page.partner_name(),
            tlp_max=self.recipient_page.ceiling(),
            selection=self.selection_page.selection(),
            unmarked_as=options.unmarked_as(),
            include_history=options.history.isChecked(),
            sanitize=options.sanitize.isChecked(),
            tar=options.tar.isChecked(),
            validity_days=options.validity.value(),
        )

    def destination(self) -> Path | None:
        return self.destination_page.picker.destination()

    # -- ending ------------------------------------------------------------------------------------------------

    def written(self, result: ExportResult) -> None:
        """Called by the write page when the package verified."""
        self.written_package = result
        self.settings.set_value(LAST_FOLDER_KEY, str(result.path.parent))
        self.package_written.emit(result)

    def reject(self) -> None:
        """Cancel and Escape: while writing, ask the task to stop and close when it has (nothing is kept)."""
        if self.write_page.running:
            self._closing = True
            self.write_page.cancel()
            return
        self.check_page.cancel()
        super().reject()

    def write_ended(self, cancelled: bool) -> None:
        """Called by the write page when its task ended; closes the wizard if Cancel was asked for."""
        if cancelled:
            self.export_cancelled.emit()
        if self._closing or cancelled:
            self._closing = False
            super().reject()

    def _locking(self) -> None:
        self._closing = True
        self.write_page.cancel()
        self.check_page.cancel()
        if not self.write_page.running:
            super().reject()

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.reject()
            return
        super().keyPressEvent(event)
