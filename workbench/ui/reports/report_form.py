"""The left side of the Reports screen: which report, from what, at which marking, draft or final.

An incident or exercise report is built from a case of that kind; a briefing from a case of either kind (its linked
objects) or from a library search. The marking is a ceiling, as ``--tlp`` on the command line: objects marked
above it are left out, and the printed label is still raised to the highest marking of what is inside.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QRadioButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workbench.domain.deadlines import Stage
from workbench.domain.tlp import Tlp
from workbench.services.reports.analyst_input import AnalystBriefing
from workbench.ui.common.text import plain_label
from workbench.ui.common.views import read_only_rows
from workbench.ui.reports.cases_model import CasesModel, Columns, Roles
from workbench.ui.reports.report_job import ReportRequest

logger = logging.getLogger(__name__)

FILTER_DELAY_MS = 300


class ReportForm(QWidget):
    """Emits ``changed`` whenever anything that goes into the report changes."""

    changed = Signal()
    """The kind, the source, the marking or draft/final changed."""
    case_filter_changed = Signal(str, str)
    """The case list must be read again: the kind it needs (``""`` for any) and the words typed in its filter."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reportForm")
        self.kind_box = QComboBox(self)
        self.kind_box.setObjectName("reportKind")
        self.kind_box.setAccessibleName(self.tr("Report kind"))
        self.kind_box.setToolTip(
            self.tr(
                "Incident report (NIS2 stages, CISA fields), exercise after-action report (HSEEP), or threat briefing"
            )
        )
        for kind, text in (
            ("incident", self.tr("Incident report")),
            ("exercise", self.tr("Exercise after-action report")),
            ("briefing", self.tr("Threat briefing")),
        ):
            self.kind_box.addItem(text, kind)
        self.kind_box.currentIndexChanged.connect(self._kind_changed)

        self.from_case = QRadioButton(self.tr("From a &case"), self)
        self.from_case.setToolTip(self.tr("The case's fields and records and the objects linked to it"))
        self.from_search = QRadioButton(self.tr("From a library &search"), self)
        self.from_search.setToolTip(self.tr("The objects a full-text search finds (briefings only)"))
        self.from_case.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.from_case)
        group.addButton(self.from_search)
        group.buttonToggled.connect(lambda _button, checked: self._source_changed() if checked else None)

        self.case_filter = QLineEdit(self)
        self.case_filter.setObjectName("caseFilter")
        self.case_filter.setAccessibleName(self.tr("Filter cases"))
        self.case_filter.setPlaceholderText(self.tr("Filter cases by words in them…"))
        self.case_filter.setToolTip(self.tr("Every word must match, as a prefix"))
        self.case_filter.setClearButtonEnabled(True)
        self._filter_delay = QTimer(self)
        self._filter_delay.setSingleShot(True)
        self._filter_delay.setInterval(FILTER_DELAY_MS)
        self._filter_delay.timeout.connect(self.ask_for_cases)
        self.case_filter.textChanged.connect(lambda _text: self._filter_delay.start())
        self.case_filter.returnPressed.connect(self.ask_for_cases)

        self.cases = CasesModel(self)
        self.case_table = QTableView(self)
        self.case_table.setObjectName("reportCases")
        self.case_table.setAccessibleName(self.tr("Cases"))
        self.case_table.setToolTip(self.tr("The case the report is about"))
        self.case_table.setModel(self.cases)
        read_only_rows(self.case_table)
        self.case_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.case_table.setAlternatingRowColors(True)
        self.case_table.verticalHeader().hide()
        header = self.case_table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(60)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # Sized from the first 20 rows: over the default 1,000, each refill asked the model for thousands of cells,
        # calls into Python that froze the window for up to a second while workers ran. (0, "the rows in view",
        # was as slow while the screen is hidden, which is when the list is filled at unlocking.)
        header.setResizeContentsPrecision(20)
        header.setSectionResizeMode(Columns.TITLE, QHeaderView.ResizeMode.Stretch)
        self._refilling = False
        self._wanted_case: str | None = None  # a draft's case, selected once the list shows it
        self.case_table.selectionModel().currentRowChanged.connect(self._case_moved)
        self.no_cases = plain_label("", self, wrap=True)
        self.no_cases.setObjectName("noCases")
        self.no_cases.setEnabled(False)
        self.no_cases.hide()

        self.query = QLineEdit(self)
        self.query.setObjectName("reportQuery")
        self.query.setAccessibleName(self.tr("Library search"))
        self.query.setPlaceholderText(self.tr("Search words, e.g. sandstorm owl"))
        self.query.setToolTip(self.tr("The briefing covers what this search finds in the library"))
        self.query.setClearButtonEnabled(True)
        self.query.textChanged.connect(lambda _text: self.changed.emit())
        self.related = QCheckBox(self.tr("Add objects one &relationship away"), self)
        self.related.setToolTip(
            self.tr(
                "The techniques an actor uses, the indicators that indicate it, the actor a campaign is attributed to"
            )
        )
        self.related.setChecked(True)
        self.related.toggled.connect(lambda _on: self.changed.emit())

        self.tlp_box = QComboBox(self)
        self.tlp_box.setObjectName("reportTlp")
        self.tlp_box.setAccessibleName(self.tr("Marking"))
        self.tlp_box.setToolTip(
            self.tr(
                "The report's level: objects marked above it are left out. The label "
                "printed is raised to the highest marking of anything inside."
            )
        )
        self.tlp_box.addItem(self.tr("As the case (a search: TLP:AMBER)"), None)
        for level in Tlp:
            self.tlp_box.addItem(level.label, int(level))
        self.tlp_box.currentIndexChanged.connect(lambda _index: self.changed.emit())
        self.stage_box = QComboBox(self)
        self.stage_box.setObjectName("reportStage")
        self.stage_box.setAccessibleName(self.tr("Stage"))
        self.stage_box.setToolTip(
            self.tr(
                "Every stage in one dossier, or one stage as the entity sends it: as submitted once its "
                "submission was recorded, else drafted from the case"
            )
        )
        self.stage_box.addItem(self.tr("All stages (dossier)"), None)
        for stage in Stage:
            self.stage_box.addItem(self.tr(stage.label), stage.value)
        self.stage_box.currentIndexChanged.connect(lambda _index: self.changed.emit())
        self.final = QCheckBox(self.tr("&Final (no DRAFT watermark)"), self)
        self.final.setObjectName("reportFinal")
        self.final.setToolTip(self.tr("A final briefing needs its bottom line and at least one key judgement"))
        self.final.toggled.connect(lambda _on: self.changed.emit())

        sources = QHBoxLayout()
        sources.addWidget(self.from_case)
        sources.addWidget(self.from_search)
        sources.addStretch(1)
        search_row = QHBoxLayout()
        search_row.addWidget(self.query, 1)
        search_row.addWidget(self.related)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        kind_label = plain_label(self.tr("&Report:"), self)
        kind_label.setBuddy(self.kind_box)
        form.addRow(kind_label, self.kind_box)
        self.stage_label = plain_label(self.tr("S&tage:"), self)
        self.stage_label.setBuddy(self.stage_box)
        form.addRow(self.stage_label, self.stage_box)
        tlp_label = plain_label(self.tr("&Marking:"), self)
        tlp_label.setBuddy(self.tlp_box)
        form.addRow(tlp_label, self.tlp_box)
        form.addRow(self.final)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addLayout(sources)
        layout.addWidget(self.case_filter)
        layout.addWidget(self.case_table, 1)
        layout.addWidget(self.no_cases)
        layout.addLayout(search_row)
        self._kind_changed()

    # -- state -------------------------------------------------------------------------------------------------

    @property
    def kind(self) -> str:
        return str(self.kind_box.currentData())

    @property
    def using_case(self) -> bool:
        return self.from_case.isChecked() or self.kind != "briefing"

    def selected_case(self) -> str | None:
        index = self.case_table.selectionModel().currentIndex()
        if not index.isValid() or not self.case_table.selectionModel().isRowSelected(index.row(), QModelIndex()):
            return None
        return self.cases.data(self.cases.index(index.row(), 0), Roles.REF)

    def stage(self) -> str | None:
        """The stage picked for an incident report (None: the dossier of all stages)."""
        value = self.stage_box.currentData()
        return str(value) if value is not None and self.kind == "incident" else None

    def tlp(self) -> Tlp | None:
        value = self.tlp_box.currentData()
        return Tlp(value) if value is not None else None

    def request(self, analyst: AnalystBriefing | None = None) -> ReportRequest:
        """The report as the form stands (``ReportRequest.check`` says what is missing)."""
        analyst = analyst if analyst is not None and self.kind == "briefing" else AnalystBriefing()
        if self.using_case:
            return ReportRequest(
                self.kind,
                case=self.selected_case() or "",
                tlp=self.tlp(),
                final=self.final.isChecked(),
                analyst=analyst,
                stage=self.stage(),
            )
        return ReportRequest(
            self.kind,
            query=self.query.text(),
            tlp=self.tlp(),
            final=self.final.isChecked(),
            related=self.related.isChecked(),
            analyst=analyst,
        )

    def state(self) -> dict[str, Any]:
        """The form as JSON, for a draft: ``set_state`` shows it again."""
        return {
            "kind": self.kind,
            "from_search": not self.using_case,
            "case": self.selected_case(),
            "query": self.query.text(),
            "related": self.related.isChecked(),
            "tlp": self.tlp_box.currentData(),
            "final": self.final.isChecked(),
        }

    def set_state(self, state: dict[str, Any]) -> None:
        """Show a form kept in a draft; its case is selected once the list of cases shows it."""
        index = self.kind_box.findData(state.get("kind"))
        if index >= 0:
            self.kind_box.setCurrentIndex(index)
        (self.from_search if state.get("from_search") and self.kind == "briefing" else self.from_case).setChecked(True)
        query = state.get("query")
        self.query.setText(query if isinstance(query, str) else "")
        self.related.setChecked(state.get("related") is not False)
        tlp = self.tlp_box.findData(state.get("tlp"))
        self.tlp_box.setCurrentIndex(max(tlp, 0))
        self.final.setChecked(state.get("final") is True)
        case = state.get("case")
        self._wanted_case = case if isinstance(case, str) else None
        if self._wanted_case and not self.select_case(self._wanted_case):
            self.ask_for_cases()
        elif self._wanted_case:
            self._wanted_case = None

    # -- cases -------------------------------------------------------------------------------------------------

    def needed_case_kind(self) -> str:
        return "" if self.kind == "briefing" else self.kind

    def ask_for_cases(self) -> None:
        self._filter_delay.stop()
        self.case_filter_changed.emit(self.needed_case_kind(), self.case_filter.text().strip())

    def show_cases(self, kind: str, cases: list) -> None:
        """Show the cases read for ``kind``, keeping the selected one when it is still listed."""
        if kind != self.needed_case_kind():
            return  # an answer for a kind no longer chosen
        kept = self._wanted_case or self.selected_case()
        self._wanted_case = None
        self._refilling = True  # a refresh that keeps the same case selected changes nothing in the report
        try:
            self.cases.set_cases(cases)
            row = self.cases.row_of(kept) if kept else None
            if row is None and self.cases.rowCount():
                row = 0
            if row is not None:
                self.case_table.selectionModel().setCurrentIndex(
                    self.cases.index(row, 0),
                    QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
                )
        finally:
            self._refilling = False
        if not cases:
            words = self.case_filter.text().strip()
            what = {"incident": self.tr("incident cases"), "exercise": self.tr("exercise cases")}.get(
                kind, self.tr("cases")
            )
            self.no_cases.setText(
                self.tr("No {0} match “{1}”.").format(what, words)
                if words
                else self.tr("No {0} in this workspace yet: create one on the Cases screen.").format(what)
            )
        self.no_cases.setVisible(not cases and self.using_case)
        if self.selected_case() != kept:
            self.changed.emit()

    def _case_moved(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        if not self._refilling:
            self.changed.emit()

    def select_case(self, ref: str) -> bool:
        row = self.cases.row_of(ref)
        if row is None:
            return False
        self.case_table.selectRow(row)
        return True

    def clear(self) -> None:
        """Forget the cases and the words typed (the workspace is locking)."""
        self._filter_delay.stop()
        self._wanted_case = None
        self.cases.clear()
        for edit in (self.case_filter, self.query):
            edit.blockSignals(True)
            edit.clear()
            edit.blockSignals(False)
        self.no_cases.hide()

    # -- reacting ----------------------------------------------------------------------------------------------

    def _kind_changed(self) -> None:
        briefing = self.kind == "briefing"
        for widget in (self.stage_label, self.stage_box):
            widget.setVisible(self.kind == "incident")
        self.from_search.setEnabled(briefing)
        if not briefing:
            self.from_case.setChecked(True)
        self.final.setToolTip(
            self.tr("A final briefing needs its bottom line and at least one key judgement")
            if briefing
            else self.tr("Print the report without the DRAFT watermark")
        )
        self._source_changed()
        self.ask_for_cases()

    def _source_changed(self) -> None:
        case = self.using_case
        # The kind column says something only when cases of both kinds are listed (a briefing).
        self.case_table.setColumnHidden(Columns.KIND, self.kind != "briefing")
        for widget in (self.case_filter, self.case_table):
            widget.setVisible(case)
        self.no_cases.setVisible(case and self.cases.rowCount() == 0 and bool(self.no_cases.text()))
        for widget in (self.query, self.related):
            widget.setVisible(not case)
        self.changed.emit()

    def focus_first(self) -> None:
        self.kind_box.setFocus(Qt.FocusReason.OtherFocusReason)
