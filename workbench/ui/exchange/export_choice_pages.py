"""The export wizard's first pages: the recipient and the package's ceiling, what to export, and the options."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QLineEdit,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWizardPage,
)

from workbench.app.tasks import TaskFailure
from workbench.domain.tlp import Tlp
from workbench.services import cases, exchange
from workbench.services.cases import CaseSummary
from workbench.services.cases.exchange import CaseSelection
from workbench.services.exchange import Partner, Selection
from workbench.ui.common.text import one_line, plain_label
from workbench.ui.common.tlp_box import TlpBox

if TYPE_CHECKING:
    from workbench.ui.exchange.export_wizard import ExportWizard


class RecipientPage(QWizardPage):
    """A pinned partner with a valid key, and the highest marking this package may hold (at most theirs)."""

    def __init__(self, wizard: ExportWizard) -> None:
        super().__init__(wizard)
        self._wizard = wizard
        self.setTitle(self.tr("Recipient"))
        self.setSubTitle(self.tr("Who the package is for. Nothing marked above what they may receive leaves."))
        self.partner_box = QComboBox(self)
        self.partner_box.setObjectName("recipientBox")
        self.partner_box.setAccessibleName(self.tr("Recipient"))
        self.partner_box.setToolTip(self.tr("Partners from the trust store, with what they may receive"))
        self.partner_box.currentIndexChanged.connect(self._partner_changed)
        self.ceiling_box = TlpBox(self)
        self.ceiling_box.setObjectName("ceilingBox")
        self.ceiling_box.setAccessibleName(self.tr("Highest marking in this package"))
        self.ceiling_box.setToolTip(self.tr("A lower ceiling than the partner's keeps more back for this package"))
        self.key_label = plain_label("", self, wrap=True, selectable=True)
        self.key_label.setObjectName("recipientKey")
        self.status = plain_label(self.tr("Reading the trust store…"), self, wrap=True)
        form = QFormLayout()
        form.addRow(self.tr("&Partner:"), self.partner_box)
        form.addRow(self.tr("&Highest marking:"), self.ceiling_box)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.key_label)
        layout.addWidget(self.status)
        layout.addStretch(1)
        self._loaded = False

    def initializePage(self) -> None:
        if self._loaded:
            return
        task = self._wizard.session.run(
            "export partners", lambda ws, _control: (exchange.list_partners(ws), cases.list_cases(ws, limit=500))
        )
        task.succeeded.connect(self._loaded_partners)
        task.failed.connect(self._not_read)  # a method, not a lambda: not called once the dialog is gone

    def _not_read(self, failure: TaskFailure) -> None:
        self.status.setText(failure.message)

    def _loaded_partners(self, loaded: tuple[list[Partner], list[CaseSummary]]) -> None:
        self._loaded = True
        partners, case_list = loaded
        self._wizard.partners = partners
        self._wizard.cases = case_list
        self._wizard.selection_page.set_cases(case_list)
        self.partner_box.blockSignals(True)
        self.partner_box.clear()
        first_valid = -1
        for index, partner in enumerate(partners):
            if partner.current_key() is None:
                text = self.tr("{0} — no valid key (revoked or outside its validity)").format(partner.name)
            else:
                text = self.tr("{0} — may receive up to {1}").format(partner.name, partner.tlp_send.label)
                first_valid = index if first_valid < 0 else first_valid
            self.partner_box.addItem(one_line(text, 160), index)
            # A QComboBox's own model is a QStandardItemModel: an item can be disabled.
            items = cast(QStandardItemModel, self.partner_box.model())
            items.item(index).setEnabled(partner.current_key() is not None)
        self.partner_box.setCurrentIndex(first_valid)
        self.partner_box.blockSignals(False)
        if not partners:
            self.status.setText(self.tr("No partner is pinned yet. Add one on the Partners screen first."))
        elif first_valid < 0:
            self.status.setText(self.tr("No partner has a valid key. Pin a new key on the Partners screen."))
        else:
            self.status.setText("")
        self._partner_changed()
        self._wizard.partners_read()

    @property
    def loaded(self) -> bool:
        """The partners (and cases) were read: the choices can be made, or put back."""
        return self._loaded

    def put_back(self, name: str, ceiling: Tlp | None) -> list[str]:
        """Choose the partner ``name`` and the lower ``ceiling`` kept at locking; say what no longer fits.

        A partner gone or without a valid key leaves no partner chosen (never another one in its place), and a
        ceiling above what the partner may receive now leaves the partner's own.
        """
        if not name:
            return []
        found = next((n for n, partner in enumerate(self._wizard.partners) if partner.name == name), None)
        problem = None
        if found is None:
            problem = self.tr("The recipient {0} chosen before locking is no longer a partner; choose again.")
        elif self._wizard.partners[found].current_key() is None:
            problem = self.tr(
                "The recipient {0} chosen before locking has no valid key any more (revoked or outside its "
                "validity); choose again."
            )
        if problem is not None:
            self.partner_box.setCurrentIndex(-1)
            message = problem.format(name)
            self.status.setText(message)
            return [message]
        self.partner_box.setCurrentIndex(self.partner_box.findData(found))
        partner = self._wizard.partners[cast(int, found)]
        if ceiling is None:
            return []
        if ceiling > partner.tlp_send:
            return [
                self.tr(
                    "The highest marking {0} chosen before locking is above what {1} may receive now; "
                    "the package's ceiling is theirs, {2}."
                ).format(ceiling.label, partner.name, partner.tlp_send.label)
            ]
        self.ceiling_box.set_level(ceiling)
        return []

    def partner(self) -> Partner | None:
        index = self.partner_box.currentData()
        if index is None or not 0 <= index < len(self._wizard.partners):
            return None
        partner = self._wizard.partners[index]
        return partner if partner.current_key() is not None else None

    def partner_name(self) -> str:
        partner = self.partner()
        return partner.name if partner is not None else ""

    def ceiling(self) -> Tlp | None:
        """The package's ceiling when lower than the partner's (None: the partner's own)."""
        partner, level = self.partner(), self.ceiling_box.level()
        return level if partner is not None and level is not None and level < partner.tlp_send else None

    def _partner_changed(self, _index: int = -1) -> None:
        partner = self.partner()
        if partner is None:
            self.key_label.setText("")
            self.ceiling_box.set_levels([])
        else:
            key = partner.current_key()
            assert key is not None
            self.ceiling_box.set_levels([level for level in Tlp if level <= partner.tlp_send], partner.tlp_send)
            self.key_label.setText(self.tr("Addressed to their key {0}").format(key.fingerprint))
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.partner() is not None


KINDS = ("all", "query", "library", "case")
"""The selection page's choices in the order of its buttons' ids, as kept at locking."""


class SelectionPage(QWizardPage):
    """Everything, a search, the objects selected in the library, or a case; none is preselected."""

    def __init__(self, wizard: ExportWizard) -> None:
        super().__init__(wizard)
        self._wizard = wizard
        self.setTitle(self.tr("What to export"))
        self.setSubTitle(
            self.tr(
                "The objects chosen, with what they reference and the relationships between them. "
                "The marking check comes next."
            )
        )
        count = len(wizard.library_selection)
        self.all_button = QRadioButton(self.tr("&Everything in the library"), self)
        self.query_button = QRadioButton(self.tr("Objects found by a &search:"), self)
        self.library_button = QRadioButton(self.tr("The {0} se&lected object(s)").format(count), self)
        self.case_button = QRadioButton(self.tr("A &case and its linked objects:"), self)
        self.group = QButtonGroup(self)
        for number, button in enumerate((self.all_button, self.query_button, self.library_button, self.case_button)):
            self.group.addButton(button, number)
        self.library_button.setEnabled(count > 0)
        self.library_button.setToolTip(self.tr("Select rows in the library first (Ctrl+1)") if not count else "")
        self.query = QLineEdit(self)
        self.query.setObjectName("exportQuery")
        self.query.setAccessibleName(self.tr("Search query"))
        self.query.setPlaceholderText(self.tr("e.g. GreyLantern"))
        self.query.textChanged.connect(lambda _text: self._choose(self.query_button))
        self.case_box = QComboBox(self)
        self.case_box.setAccessibleName(self.tr("Case"))
        self.case_box.setEnabled(False)
        self.case_box.currentIndexChanged.connect(lambda _index: self._choose(self.case_button))
        self.case_button.setEnabled(False)
        grid = QGridLayout(self)
        grid.addWidget(self.all_button, 0, 0, 1, 2)
        grid.addWidget(self.query_button, 1, 0)
        grid.addWidget(self.query, 1, 1)
        grid.addWidget(self.library_button, 2, 0, 1, 2)
        grid.addWidget(self.case_button, 3, 0)
        grid.addWidget(self.case_box, 3, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(4, 1)
        # Nothing is chosen for the analyst: what leaves is always a decision, never a default.
        self.group.idToggled.connect(lambda _id, _on: self.completeChanged.emit())

    def set_cases(self, case_list: list[CaseSummary]) -> None:
        self.case_box.blockSignals(True)
        self.case_box.clear()
        for case in case_list:
            marking = case.tlp.label if case.tlp is not None else self.tr("unmarked")
            self.case_box.addItem(one_line(f"{case.ref} · {case.title} · {marking}", 120), case.ref)
        self.case_box.blockSignals(False)
        self.case_box.setEnabled(bool(case_list))
        self.case_button.setEnabled(bool(case_list))
        self.case_button.setToolTip("" if case_list else self.tr("There is no case in this workspace yet"))

    def _choose(self, button: QRadioButton) -> None:
        if button.isEnabled():
            button.setChecked(True)
        self.completeChanged.emit()

    def kind(self) -> str | None:
        """Which of the four is chosen, as kept at locking: all, query, library or case (None: none yet)."""
        button = self.group.checkedButton()
        return KINDS[self.group.id(button)] if button is not None else None

    def put_back(self, kind: object, query: str, case_ref: object) -> list[str]:
        """Choose again what was chosen before locking; say what no longer fits (a case gone)."""
        self.query.blockSignals(True)  # typing a search chooses it: putting the text back must not
        self.query.setText(query)
        self.query.blockSignals(False)
        problem: list[str] = []
        if kind == "case":
            index = self.case_box.findData(case_ref) if isinstance(case_ref, str) else -1
            if index < 0 or not self.case_button.isEnabled():
                problem.append(
                    self.tr(
                        "The case {0} chosen before locking is not in this workspace any more; choose again."
                    ).format(case_ref)
                )
            else:
                self.case_box.blockSignals(True)
                self.case_box.setCurrentIndex(index)
                self.case_box.blockSignals(False)
                self.case_button.setChecked(True)
        elif kind in KINDS:
            button = self.group.button(KINDS.index(str(kind)))
            if button.isEnabled():
                button.setChecked(True)
        self.completeChanged.emit()
        return problem

    def case_ref(self) -> str | None:
        ref = self.case_box.currentData()
        return str(ref) if self.case_button.isChecked() and ref is not None else None

    def selection(self) -> Selection:
        if self.query_button.isChecked():
            return exchange.QuerySelection(self.query.text().strip())
        if self.library_button.isChecked():
            return exchange.IdSelection(tuple(self._wizard.library_selection))
        if self.case_button.isChecked():
            return CaseSelection(str(self.case_box.currentData()))
        return exchange.AllObjects()

    def isComplete(self) -> bool:
        if self.query_button.isChecked():
            return bool(self.query.text().strip())
        if self.case_button.isChecked():
            return self.case_box.currentData() is not None
        return self.group.checkedButton() is not None


class OptionsPage(QWizardPage):
    """History, sanitising, how unmarked objects count, a single .tar file, and how long the package is valid."""

    def __init__(self, wizard: ExportWizard) -> None:
        super().__init__(wizard)
        self.setTitle(self.tr("Options"))
        self.setSubTitle(self.tr("They change what the marking check lets leave, and how the package is written."))
        self.history = QCheckBox(self.tr("Include older &versions (the objects' history)"), self)
        # Off unless asked for (Preferences): a later version may have removed what an older one said.
        self.history.setChecked(wizard.settings.export_default("history"))
        self.sanitize = QCheckBox(
            self.tr("&Sanitise: drop internal notes, custom x_ properties and local-only labels"), self
        )
        self.sanitize.setChecked(wizard.settings.export_default("sanitize"))
        self.tar = QCheckBox(self.tr("Write one .&tar file instead of a folder"), self)
        self.tar.setToolTip(self.tr("An uncompressed tar of the package folder, easier to carry on some media"))
        self.unmarked = TlpBox(self, selected=Tlp.AMBER)
        self.unmarked.setAccessibleName(self.tr("Unmarked objects count as"))
        self.unmarked.setToolTip(self.tr("Unmarked objects leave unchanged, but are judged as this level"))
        self.validity = QSpinBox(self)
        self.validity.setRange(1, 366)
        self.validity.setValue(30)
        self.validity.setSuffix(self.tr(" days"))
        self.validity.setAccessibleName(self.tr("Valid for"))
        self.validity.setToolTip(self.tr("The recipient refuses the package after this"))
        form = QFormLayout()
        form.addRow(self.tr("&Unmarked objects count as:"), self.unmarked)
        form.addRow(self.tr("Package valid &for:"), self.validity)
        layout = QVBoxLayout(self)
        for box in (self.history, self.sanitize, self.tar):
            layout.addWidget(box)
        layout.addLayout(form)
        layout.addStretch(1)

    def unmarked_as(self) -> Tlp:
        return self.unmarked.level() or Tlp.AMBER
