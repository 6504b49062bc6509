"""The case list's filters: kind, status, open only, sector, Member State, and words from the case's text."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPushButton, QWidget

from workbench.domain.cases.nis2 import MemberState, Sector
from workbench.domain.cases.vocab import CaseKind, ExerciseStatus, IncidentStatus
from workbench.ui.cases.case_list_model import CaseFilter
from workbench.ui.common.flow_layout import FlowLayout

SEARCH_DELAY_MS = 350


class CaseFilterBar(QWidget):
    filter_changed = Signal(object)
    """The whole new ``CaseFilter``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("caseFilters")
        self.search = QLineEdit(self)
        self.search.setObjectName("caseSearch")
        self.search.setPlaceholderText(self.tr("Search titles, fields and records…"))
        self.search.setAccessibleName(self.tr("Search cases"))
        self.search.setToolTip(self.tr("Every word must match, as a prefix"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(160)
        self.search.setMinimumSize(self.search.minimumSizeHint())
        self.kind_box = self._combo(self.tr("Kind"), self.tr("Incidents or exercises only"))
        self.kind_box.addItem(self.tr("All kinds"), None)
        for kind in CaseKind:
            self.kind_box.addItem(kind.label + "s", kind.value)
        self.status_box = self._combo(self.tr("Status"), self.tr("One status only"))
        self.open_check = QCheckBox(self.tr("&Open only"), self)
        self.open_check.setObjectName("openOnly")
        self.open_check.setToolTip(self.tr("Leave out closed cases"))
        self.sector_box = self._combo(self.tr("Sector"), self.tr("Incidents of one NIS2 sector only"))
        self.sector_box.addItem(self.tr("All sectors"), None)
        for sector in Sector:
            self.sector_box.addItem(sector.label, sector.value)
        self.state_box = self._combo(self.tr("Member State"), self.tr("Incidents in one Member State only"))
        self.state_box.setMinimumContentsLength(13)
        self.state_box.addItem(self.tr("All Member States"), None)
        for state in MemberState:
            self.state_box.addItem(f"{state.value} {state.label}", state.value)
        self.reset_button = QPushButton(self.tr("Reset"), self)
        self.reset_button.setToolTip(self.tr("Clear the search and every filter"))
        self.reset_button.clicked.connect(self.reset)
        self._fill_statuses()
        self._delay = QTimer(self)
        self._delay.setSingleShot(True)
        self._delay.setInterval(SEARCH_DELAY_MS)
        self._delay.timeout.connect(self._emit)
        self.search.textChanged.connect(lambda _text: self._delay.start())
        self.search.returnPressed.connect(self._emit)
        self.kind_box.activated.connect(self._kind_changed)
        for box in (self.status_box, self.sector_box, self.state_box):
            box.activated.connect(lambda _index: self._emit())
        self.open_check.toggled.connect(lambda _on: self._emit())
        # The bar wraps onto a second row when the window is narrow, instead of pushing its width out.
        layout = FlowLayout(self)
        layout.add_widget(self.search, stretch=True)
        for widget in (
            self.kind_box,
            self.status_box,
            self.open_check,
            self.sector_box,
            self.state_box,
            self.reset_button,
        ):
            layout.add_widget(widget)

    def _combo(self, name: str, tip: str) -> QComboBox:
        box = QComboBox(self)
        box.setAccessibleName(name)
        box.setToolTip(tip)
        box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        box.setMinimumContentsLength(9)
        return box

    def _fill_statuses(self) -> None:
        kind = self.kind_box.currentData()
        kept = self.status_box.currentData()
        self.status_box.clear()
        self.status_box.addItem(self.tr("Any status"), None)
        seen: set[str] = set()
        groups = {"incident": (IncidentStatus,), "exercise": (ExerciseStatus,)}.get(
            kind, (IncidentStatus, ExerciseStatus)
        )
        for vocab in groups:
            for status in vocab:
                if status.value not in seen:
                    seen.add(status.value)
                    self.status_box.addItem(status.label, status.value)
        self.status_box.setCurrentIndex(max(self.status_box.findData(kept), 0) if kept else 0)

    def _kind_changed(self, _index: int) -> None:
        self._fill_statuses()
        self._emit()

    def current(self) -> CaseFilter:
        return CaseFilter(
            kind=self.kind_box.currentData(),
            status=self.status_box.currentData(),
            open_only=self.open_check.isChecked(),
            sector=self.sector_box.currentData(),
            member_state=self.state_box.currentData(),
            text=self.search.text(),
        )

    def _emit(self) -> None:
        self._delay.stop()
        self.filter_changed.emit(self.current())

    def reset(self) -> None:
        self.blockSignals(True)
        self.search.clear()
        for box in (self.kind_box, self.sector_box, self.state_box):
            box.setCurrentIndex(0)
        self._fill_statuses()
        self.status_box.setCurrentIndex(0)
        self.open_check.setChecked(False)
        self.blockSignals(False)
        self._emit()
