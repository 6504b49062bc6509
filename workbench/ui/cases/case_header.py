"""The fields every case has besides those of its kind: title, status, TLP and description."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLineEdit, QPlainTextEdit, QWidget

from workbench.domain.cases.case import Case
from workbench.domain.cases.fields import MAX_TEXT
from workbench.domain.cases.vocab import CaseKind, ExerciseStatus, IncidentStatus
from workbench.domain.tlp import Tlp


class CaseHeader(QGroupBox):
    edited = Signal()
    """The analyst changed one of the header fields."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Case"), parent)
        self.setAccessibleName(self.tr("Case"))
        self.title = QLineEdit(self)
        self.title.setObjectName("caseTitle")
        self.title.setAccessibleName(self.tr("Title"))
        self.title.setMaxLength(MAX_TEXT)
        self.status = QComboBox(self)
        self.status.setObjectName("caseStatus")
        self.status.setAccessibleName(self.tr("Status"))
        self.status.setToolTip(self.tr("Every status but Closed counts as open: its reporting clocks run"))
        self.tlp = QComboBox(self)
        self.tlp.setObjectName("caseTlp")
        self.tlp.setAccessibleName(self.tr("TLP"))
        self.tlp.setToolTip(self.tr("The marking of the case and of the objects created inside it"))
        for level in Tlp:
            self.tlp.addItem(level.label, int(level))
        self.description = QPlainTextEdit(self)
        self.description.setObjectName("caseDescription")
        self.description.setAccessibleName(self.tr("Description"))
        self.description.setTabChangesFocus(True)
        self.description.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        form = QFormLayout(self)
        form.addRow(self.tr("&Title *"), self.title)
        form.addRow(self.tr("&Status"), self.status)
        form.addRow(self.tr("TL&P"), self.tlp)
        form.addRow(self.tr("&Description"), self.description)
        self.title.textEdited.connect(lambda _text: self.edited.emit())
        self.status.activated.connect(lambda _index: self.edited.emit())
        self.tlp.activated.connect(lambda _index: self.edited.emit())
        self.description.textChanged.connect(self._description_changed)
        self._loading = False
        self._initial: dict[str, Any] = {}

    def _description_changed(self) -> None:
        if not self._loading:
            self.edited.emit()

    def set_case(self, case: Case) -> None:
        self._loading = True
        self.status.clear()
        statuses = IncidentStatus if case.kind is CaseKind.INCIDENT else ExerciseStatus
        for status in statuses:
            self.status.addItem(status.label, status.value)
        self.status.setCurrentIndex(max(self.status.findData(case.status.value), 0))
        no_marking = self.tlp.findData(None)
        if no_marking >= 0:
            self.tlp.removeItem(no_marking)
        if case.tlp is None:
            self.tlp.insertItem(0, self.tr("No marking"), None)
        self.tlp.setCurrentIndex(max(self.tlp.findData(int(case.tlp) if case.tlp is not None else None), 0))
        self.title.setText(case.title)
        self.description.setPlainText(case.description)
        self._initial = self.values()
        self._loading = False

    def values(self) -> dict[str, Any]:
        return {
            "title": self.title.text(),
            "status": self.status.currentData(),
            "tlp": self.tlp.currentData(),
            "description": self.description.toPlainText(),
        }

    def changed_values(self) -> dict[str, Any]:
        """What differs from the case shown, as the plain values ``apply_values`` takes (JSON: a draft)."""
        return {key: value for key, value in self.values().items() if value != self._initial.get(key)}

    def apply_values(self, values: dict[str, Any]) -> None:
        """Show ``changed_values`` kept earlier over the case shown (an unknown status or marking is left)."""
        self._loading = True
        if isinstance(values.get("title"), str):
            self.title.setText(values["title"])
        if isinstance(values.get("description"), str):
            self.description.setPlainText(values["description"])
        for box, key in ((self.status, "status"), (self.tlp, "tlp")):
            if key in values and box.findData(values[key]) >= 0:
                box.setCurrentIndex(box.findData(values[key]))
        self._loading = False

    def changes(self) -> dict[str, Any]:
        """What differs from the case shown, as ``services.cases.update_case`` keywords."""
        changed = self.changed_values()
        if "tlp" in changed:
            changed["tlp"] = Tlp(changed["tlp"]) if changed["tlp"] is not None else None
            if changed["tlp"] is None:
                del changed["tlp"]
        return changed

    def clear(self) -> None:
        self._loading = True
        self.title.clear()
        self.description.clear()
        self.status.clear()
        self._initial = {}
        self._loading = False
