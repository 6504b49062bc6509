"""The library's search box and filters (type, TLP, source, modified between two dates, exercise material)."""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QDateEdit, QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from workbench.domain.tlp import Tlp
from workbench.services.library import NO_TLP, LibraryFilter, SourceInfo
from workbench.ui.common.text import one_line

SEARCH_DELAY_MS = 350


class FilterBar(QWidget):
    """Emits ``filter_changed`` with the whole filter whenever any part of it changes."""

    filter_changed = Signal(object)
    """The new ``LibraryFilter``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ready = False  # filling the lists below must not emit half-built filters
        self.search = QLineEdit(self)
        self.search.setObjectName("librarySearch")
        self.search.setPlaceholderText(self.tr("Search names, descriptions, patterns, observables… (Ctrl+F)"))
        self.search.setAccessibleName(self.tr("Search the library"))
        self.search.setToolTip(
            self.tr(
                "Every word must match, as a prefix. An ATT&CK or CVE id finds its own object first; then the best "
                "matches, or the newest when there are too many to rank"
            )
        )
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(180)
        self._delay = QTimer(self)
        self._delay.setSingleShot(True)
        self._delay.setInterval(SEARCH_DELAY_MS)
        self._delay.timeout.connect(self._emit)
        self.search.textChanged.connect(lambda _text: self._delay.start())
        self.search.returnPressed.connect(self._emit)

        self.type_box = self._combo(self.tr("Object type"), self.tr("Show one STIX type only"))
        self.tlp_box = self._combo(self.tr("TLP"), self.tr("Show one TLP level only"))
        self.tlp_box.addItem(self.tr("Any TLP"), None)
        self.tlp_box.addItem(self.tr("No marking"), NO_TLP)
        for level in Tlp:
            self.tlp_box.addItem(level.label, int(level))
        self.source_box = self._combo(self.tr("Source"), self.tr("Show what the current version came from"))
        self.set_facets([], [])

        self.from_check, self.from_date = self._date(self.tr("From"), self.tr("Modified on or after this day"))
        self.to_check, self.to_date = self._date(self.tr("To"), self.tr("Modified on or before this day"))
        self.exercise_check = QCheckBox(self.tr("E&xercise material"), self)
        self.exercise_check.setObjectName("exerciseMaterial")
        self.exercise_check.setToolTip(
            self.tr(
                "List exercise material (objects marked EXERCISE) instead of real intelligence; the two are never "
                "listed together, and searches never find exercise material"
            )
        )
        self.exercise_check.toggled.connect(self._emit)
        self.reset_button = QPushButton(self.tr("Reset"), self)
        self.reset_button.setToolTip(self.tr("Clear the search and every filter"))
        self.reset_button.clicked.connect(self.reset)

        # Two rows, so that the window still fits a narrow (or 150 % scaled) screen.
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        first, second = QHBoxLayout(), QHBoxLayout()
        first.addWidget(self.search, 1)
        first.addWidget(self.reset_button)
        for widget in (self.type_box, self.tlp_box, self.source_box):
            second.addWidget(widget)
        second.addSpacing(12)
        for dated in (self.from_check, self.from_date, self.to_check, self.to_date):
            second.addWidget(dated)
        second.addSpacing(12)
        second.addWidget(self.exercise_check)
        second.addStretch(1)
        layout.addLayout(first)
        layout.addLayout(second)
        self._ready = True

    def _combo(self, name: str, tip: str) -> QComboBox:
        box = QComboBox(self)
        box.setAccessibleName(name)
        box.setToolTip(tip)
        # Short by default so that the window fits narrow screens; the popup list is as wide as it needs.
        box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        box.setMinimumContentsLength(9)
        box.currentIndexChanged.connect(self._emit)
        return box

    def _date(self, label: str, tip: str) -> tuple[QCheckBox, QDateEdit]:
        check = QCheckBox(label, self)
        check.setToolTip(tip)
        edit = QDateEdit(QDate.currentDate(), self)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setAccessibleName(label)
        edit.setToolTip(tip)
        edit.setEnabled(False)
        check.toggled.connect(edit.setEnabled)
        check.toggled.connect(self._emit)
        edit.dateChanged.connect(lambda _date: self._date_changed(check))
        return check, edit

    def _date_changed(self, check: QCheckBox) -> None:
        if check.isChecked():
            self._emit()

    def set_facets(self, types: list[str], sources: list[SourceInfo]) -> None:
        """Fill the type and source lists, keeping the current choice when it is still there."""
        kept_type, kept_source = self.type_box.currentData(), self.source_box.currentData()
        for box in (self.type_box, self.source_box):
            box.blockSignals(True)
            box.clear()
        self.type_box.addItem(self.tr("All types"), None)
        for kind in types:
            self.type_box.addItem(kind, kind)
        self.source_box.addItem(self.tr("All sources"), None)
        for source in sources:
            self.source_box.addItem(one_line(source.label, 80), source.id)
        for box, kept in ((self.type_box, kept_type), (self.source_box, kept_source)):
            found = box.findData(kept) if kept is not None else 0
            box.setCurrentIndex(max(found, 0))
            box.blockSignals(False)
        if (kept_type is not None and self.type_box.currentData() is None) or (
            kept_source is not None and self.source_box.currentData() is None
        ):
            self._emit()

    def current(self) -> LibraryFilter:
        kind = self.type_box.currentData()
        return LibraryFilter(
            types=(kind,) if kind else (),
            tlp=self.tlp_box.currentData(),
            source_id=self.source_box.currentData(),
            modified_from=self.from_date.date().toString("yyyy-MM-dd") if self.from_check.isChecked() else None,
            modified_to=self.to_date.date().toString("yyyy-MM-dd") if self.to_check.isChecked() else None,
            search=self.search.text().strip(),
            exercise=self.exercise_check.isChecked(),
        )

    def reset(self) -> None:
        widgets = (
            self.search,
            self.type_box,
            self.tlp_box,
            self.source_box,
            self.from_check,
            self.to_check,
            self.exercise_check,
        )
        for widget in widgets:
            widget.blockSignals(True)
        self.search.clear()
        for box in (self.type_box, self.tlp_box, self.source_box):
            box.setCurrentIndex(0)
        self.from_check.setChecked(False)
        self.to_check.setChecked(False)
        self.exercise_check.setChecked(False)
        self.from_date.setEnabled(False)
        self.to_date.setEnabled(False)
        for widget in widgets:
            widget.blockSignals(False)
        self._emit()

    def _emit(self) -> None:
        if not self._ready:
            return
        self._delay.stop()
        self.filter_changed.emit(self.current())

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()
