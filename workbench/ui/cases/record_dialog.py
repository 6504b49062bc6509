"""The dialog that adds or edits one case record, its form generated from the record's field declarations.

OK does not close the dialog: it emits ``submitted`` with the values, the case editor saves them through the
services, and either closes the dialog (saved) or shows the refusal above the form (nothing saved).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton, QScrollArea, QVBoxLayout, QWidget

from workbench.domain.cases.case import RecordKind
from workbench.ui.cases.field_form import ErrorBanner, FieldForm
from workbench.ui.common.text import plain_label


class RecordDialog(QDialog):
    submitted = Signal(object)
    """The form's values (field key to JSON value) when OK was pressed; the dialog stays open until ``saved``."""

    def __init__(
        self,
        kind: RecordKind,
        parent: QWidget | None = None,
        *,
        record: Mapping[str, Any] | None = None,
        exclude: Iterable[str] = (),
        title: str | None = None,
        ok_text: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("recordDialog")
        self.kind = kind
        self.uid: str | None = record.get("uid") if record else None
        self.initial: dict[str, Any] = dict(record or {})
        self.opened_values: dict[str, Any] | None = None  # the form as shown first, prefilled: what was not typed
        name = kind.label.lower()
        self.setWindowTitle(title or (self.tr("Edit {0}").format(name) if record else self.tr("Add {0}").format(name)))
        self.setAccessibleName(self.windowTitle())
        self.error = ErrorBanner(self)
        self.form = FieldForm(kind.record_class, self, exclude=exclude, sections=False)
        self.form.set_values(self.initial)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.form)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button: QPushButton = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_text or (self.tr("Save") if record else self.tr("Add")))
        self.ok_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        note = self.tr("Fields marked * are required. Times are in local time.")
        hint = plain_label(note, self)
        hint.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.error)
        layout.addWidget(scroll, 1)
        layout.addWidget(hint)
        layout.addWidget(self.buttons)
        self.resize(620, min(140 + 46 * len(self.form.infos), 720))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        first = next(iter(self.form.editors.values()), None)
        if first is not None:
            first.setFocus()

    def showEvent(self, event: QShowEvent) -> None:
        if self.opened_values is None:
            self.opened_values = self.form.values()
        super().showEvent(event)

    def typed(self) -> dict[str, Any] | None:
        """The form's values when the analyst typed or chose anything since it opened (None when not)."""
        values = self.form.values()
        return values if self.opened_values is not None and values != self.opened_values else None

    def values(self) -> dict[str, Any]:
        """New records: every field; edited ones: only what changed."""
        if self.uid is None:
            return {key: value for key, value in self.form.values().items() if value is not None}
        return self.form.changes(self.initial)

    def accept(self) -> None:  # OK: hand the values on; the dialog closes once they are saved
        self.error.clear()
        self.form.clear_marks()
        self.ok_button.setEnabled(False)
        self.submitted.emit(self.values())

    def refused(self, message: str) -> None:
        """The services refused the values: say why, mark the field named, keep everything typed."""
        self.ok_button.setEnabled(True)
        self.error.show_message(message)
        self.form.mark_error(message)

    def saved(self) -> None:
        self.done(QDialog.DialogCode.Accepted)
