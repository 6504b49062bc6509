"""The export wizard: recipient, selection, options, the marking check, the destination, then writing with progress
and Cancel, ending in a "written and verified" message that names the package.

The wizard only gathers the analyst's choices into an ``ExportChoices``; ``exchange.preview_export`` computes what
leaves and what is held back, and ``exchange.export_package`` writes, reads back and verifies (both in tasks). A
cancelled or failed write leaves nothing on the medium and uses up no sequence number (the service's guarantee).

The choices are unsaved work (``work_keeper``): ``kept()`` gives them as JSON values, with the page the analyst was
on, when they differ from how the wizard opened and no package was written. Locking closes the wizard, and stops a
write under way as Cancel does; ``put_back`` reopens it with the choices at unlocking, on the page the analyst was
on or, from the marking check on, at the marking check, which is computed again: a write is never started again by
itself, and a package being written at locking that was finished in time is in the Outbox (the wizard is then not
reopened at all, see ``OutboxPanel.put_back``). A choice that no longer fits (a partner gone or without a valid
key, a ceiling above theirs now, a case gone, a destination folder gone) is dropped and said, never replaced by
another.
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
    choices_put_back = Signal(list)
    """The choices kept at locking are back (``put_back``); the list says, for people, what was dropped."""

    class Pages:
        RECIPIENT, SELECTION, OPTIONS, CHECK, DESTINATION, WRITE = range(6)

    PAGE_NAMES = ("recipient", "selection", "options", "check", "destination", "write")
    """The pages as ``kept`` names them."""

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
        self.opened_with: dict[str, Any] | None = None
        """``state()`` once the partners were read, before the analyst chose anything."""
        self._putting_back: dict[str, Any] | None = None
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

    # -- the choices as unsaved work (``work_keeper``) -------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        """The choices made, as JSON values (the page the analyst is on is not one)."""
        recipient, selection, options = self.recipient_page, self.selection_page, self.options_page
        kind = selection.kind()
        ceiling = recipient.ceiling()
        return {
            "partner": recipient.partner_name(),
            "ceiling": ceiling.name if ceiling is not None else None,
            "selection": kind,
            "query": selection.query.text(),
            "objects": list(self.library_selection) if kind == "library" else [],
            "case": selection.case_ref() if kind == "case" else None,
            "unmarked_as": options.unmarked_as().name,
            "history": options.history.isChecked(),
            "sanitize": options.sanitize.isChecked(),
            "tar": options.tar.isChecked(),
            "validity_days": options.validity.value(),
            "folder": self.destination_page.picker.folder.text().strip(),
        }

    def kept(self) -> dict[str, Any] | None:
        """What to keep at locking: the choices, the page and whether a package was being written; None when
        nothing was chosen that differs from how the wizard opened, or the package is written already."""
        if self.opened_with is None or self.written_package is not None or not self.isVisible():
            return None
        state = self.state()
        if state == self.opened_with:
            return None
        page = self.currentId()
        return {
            "page": self.PAGE_NAMES[page] if 0 <= page < len(self.PAGE_NAMES) else "recipient",
            "writing": self.write_page.running,
            "started": self.write_page.started if self.write_page.running else None,
            "choices": state,
        }

    @staticmethod
    def kept_objects(kept: dict[str, Any]) -> list[str]:
        """The objects chosen in the library before locking (to open the wizard with them again)."""
        choices = kept.get("choices")
        if not isinstance(choices, dict) or choices.get("selection") != "library":
            return []
        objects = choices.get("objects")
        return [stix_id for stix_id in objects if isinstance(stix_id, str)] if isinstance(objects, list) else []

    @property
    def putting_back(self) -> dict[str, Any] | None:
        """The choices given to ``put_back`` while the partners are still being read (not made yet)."""
        return self._putting_back

    def put_back(self, kept: dict[str, Any]) -> None:
        """Make the choices ``kept`` returned before the workspace locked again, once the partners are read."""
        self._putting_back = kept
        if self.recipient_page.loaded:
            self._put_back()

    def partners_read(self) -> None:
        """Called by the recipient page once the partners and cases are read."""
        if self.opened_with is None:
            self.opened_with = self.state()
        if self._putting_back is not None:
            self._put_back()

    def _put_back(self) -> None:
        kept, self._putting_back = self._putting_back, None
        if kept is None:
            return
        choices = kept.get("choices")
        choices = choices if isinstance(choices, dict) else {}
        dropped = self.recipient_page.put_back(str(choices.get("partner") or ""), _level(choices.get("ceiling")))
        dropped += self.selection_page.put_back(
            choices.get("selection"), str(choices.get("query") or ""), choices.get("case")
        )
        options = self.options_page
        unmarked = _level(choices.get("unmarked_as"))
        if unmarked is not None:
            options.unmarked.set_level(unmarked)
        for box, name in ((options.history, "history"), (options.sanitize, "sanitize"), (options.tar, "tar")):
            if isinstance(choices.get(name), bool):
                box.setChecked(choices[name])
        days = choices.get("validity_days")
        if isinstance(days, int) and not isinstance(days, bool):
            options.validity.setValue(days)
        folder = str(choices.get("folder") or "")
        picker = self.destination_page.picker
        if folder and not Path(folder).expanduser().is_dir():
            picker.folder.clear()  # not the folder the wizard opens with either: where it goes is chosen again
            dropped.append(
                self.tr(
                    "The destination {0} chosen before locking is not there any more (a stick removed?); "
                    "choose it again."
                ).format(folder)
            )
        elif folder:
            picker.folder.setText(folder)
        if kept.get("writing"):
            dropped.append(
                self.tr(
                    "The package being written when the workspace locked is not in the Outbox: it was stopped, and "
                    "is not written again by itself."
                )
            )
        self._go_to(kept.get("page"))
        self.choices_put_back.emit(dropped)

    def _go_to(self, page: object) -> None:
        """Go forward to the page kept, or to the marking check from there on (it is computed again), or to the
        first page on the way whose choice is not made (one dropped)."""
        wanted = self.PAGE_NAMES.index(page) if page in self.PAGE_NAMES else self.Pages.RECIPIENT
        wanted = min(wanted, self.Pages.CHECK)
        while 0 <= self.currentId() < wanted:
            current, before = self.currentPage(), self.currentId()
            if current is None or not current.isComplete():
                return
            self.next()
            if self.currentId() == before:
                return

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


def _level(name: object) -> Tlp | None:
    """A TLP level kept at locking by its name (None when there is none, or it is not one)."""
    return Tlp[name] if isinstance(name, str) and name in Tlp.__members__ else None
