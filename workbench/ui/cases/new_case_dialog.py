"""Create a case: its title, TLP, and the first fields of its kind (the first section of the declarations and
every required field: an incident's reporting entity and time of awareness, an exercise's dates and sponsor).

The rest is filled in the case editor afterwards. OK emits ``submitted``; the dialog stays open, showing the
refusal, until the case screen reports the case created. What was typed and not created yet is unsaved work
(``typed``): the case screen keeps it when the workspace locks and opens the dialog again with it (``put_back``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workbench.domain.cases.exercise import ExerciseOverview
from workbench.domain.cases.fields import MAX_TEXT, field_infos
from workbench.domain.cases.incident import IncidentDetails
from workbench.domain.cases.vocab import CaseKind
from workbench.domain.tlp import Tlp
from workbench.services.cases import DEFAULT_TLP
from workbench.ui.cases.field_editors import now_minute
from workbench.ui.cases.field_form import ErrorBanner, FieldForm
from workbench.ui.common.text import plain_label


@dataclass(frozen=True)
class NewCase:
    """What ``services.cases.create_case`` needs."""

    kind: CaseKind
    title: str
    tlp: Tlp
    fields: dict[str, Any]


def first_fields(details: type) -> set[str]:
    """The fields asked for at creation: the first section's and the required ones."""
    infos = field_infos(details)
    first = infos[0].section if infos else ""
    return {info.name for info in infos if info.section == first or info.required}


class NewCaseDialog(QDialog):
    submitted = Signal(object)
    """A ``NewCase``; the dialog stays open until ``saved`` or ``refused``."""

    def __init__(self, kind: CaseKind, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.setObjectName("newCaseDialog")
        self.setWindowTitle(self.tr("New incident") if kind is CaseKind.INCIDENT else self.tr("New exercise"))
        self.setAccessibleName(self.windowTitle())
        self.setWindowModality(Qt.WindowModality.WindowModal)
        details: type = IncidentDetails if kind is CaseKind.INCIDENT else ExerciseOverview
        wanted = first_fields(details)
        self.error = ErrorBanner(self)
        self.title = QLineEdit(self)
        self.title.setObjectName("newCaseTitle")
        self.title.setMaxLength(MAX_TEXT)
        self.title.setAccessibleName(self.tr("Title"))
        self.title.setPlaceholderText(
            self.tr("What happened, in a few words") if kind is CaseKind.INCIDENT else self.tr("The exercise's name")
        )
        self.tlp = QComboBox(self)
        self.tlp.setObjectName("newCaseTlp")
        self.tlp.setAccessibleName(self.tr("TLP"))
        for level in Tlp:
            self.tlp.addItem(level.label, int(level))
        self.tlp.setCurrentIndex(self.tlp.findData(int(DEFAULT_TLP)))
        self.form = FieldForm(
            details, self, exclude=[info.name for info in field_infos(details) if info.name not in wanted]
        )
        if kind is CaseKind.INCIDENT:
            self.form.editor("awareness_at").set_value(now_minute())
        top = QFormLayout()
        top.addRow(self.tr("&Title *"), self.title)
        top.addRow(self.tr("TL&P"), self.tlp)
        hint = plain_label(
            self.tr("Fields marked * are required; times are local. Everything else is filled in the case afterwards."),
            self,
            wrap=True,
        )
        hint.setEnabled(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.ok_button: QPushButton = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Create"))
        self.ok_button.setObjectName("createCase")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.error)
        layout.addLayout(top)
        layout.addWidget(self.form)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        self.resize(600, self.sizeHint().height())
        self.title.setFocus()
        self.opened_values: dict[str, Any] | None = None  # the form as first shown, prefilled: what was not typed

    def showEvent(self, event: QShowEvent) -> None:
        if self.opened_values is None:
            self.opened_values = self._shown()
        super().showEvent(event)

    def _shown(self) -> dict[str, Any]:
        return {"title": self.title.text(), "tlp": self.tlp.currentData(), "fields": self.form.values()}

    def typed(self) -> dict[str, Any] | None:
        """What the analyst typed or chose since the dialog opened, as JSON values to keep (None when nothing)."""
        shown = self._shown()
        if self.opened_values is None or shown == self.opened_values:
            return None
        return {"kind": self.kind.value, **shown}

    def put_back(self, typed: dict[str, Any]) -> None:
        """Show what ``typed`` returned before the workspace locked."""
        title = typed.get("title")
        self.title.setText(title if isinstance(title, str) else "")
        level = self.tlp.findData(typed.get("tlp"))
        if level >= 0:
            self.tlp.setCurrentIndex(level)
        fields = typed.get("fields")
        if isinstance(fields, dict):
            self.form.apply_values(fields)

    def new_case(self) -> NewCase:
        fields = {key: value for key, value in self.form.values().items() if value is not None}
        return NewCase(self.kind, self.title.text(), Tlp(self.tlp.currentData()), fields)

    def accept(self) -> None:  # Create: hand the case on; the dialog closes once it is created
        self.error.clear()
        self.form.clear_marks()
        self.ok_button.setEnabled(False)
        self.submitted.emit(self.new_case())

    def refused(self, message: str) -> None:
        self.ok_button.setEnabled(True)
        self.error.show_message(message)
        if self.form.mark_error(message) is None and "title" in message.lower():
            self.title.setFocus()

    def saved(self) -> None:
        self.done(QDialog.DialogCode.Accepted)
