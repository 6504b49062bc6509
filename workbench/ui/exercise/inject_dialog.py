"""Add an inject to the MSEL. During play the reason for adding it is required and recorded with it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from workbench.domain.cases.case import RecordKind
from workbench.ui.cases.record_dialog import RecordDialog
from workbench.ui.common.text import plain_label

#: Fields conduct mode fills itself: delivery, status and response.
CONDUCT_FIELDS = (
    "actual_at",
    "delivered_scenario_at",
    "delivered_by",
    "status",
    "status_reason",
    "added_in_play",
    "package_id",
    "observed_action",
    "responded_at",
    "responded_by",
)


class InjectDialog(RecordDialog):
    added = Signal(object, str)
    """The inject's field values and the reason for adding it (empty before play)."""

    def __init__(self, in_play: bool, parent: QWidget | None = None) -> None:
        super().__init__(RecordKind.INJECT, parent, exclude=CONDUCT_FIELDS, title=self.tr("Add inject"))
        self.in_play = in_play
        self.reason = QLineEdit(self)
        self.reason.setObjectName("injectReason")
        self.reason.setAccessibleName(self.tr("Reason for adding it during play"))
        if in_play:
            layout = self.layout()
            assert isinstance(layout, QVBoxLayout)
            label = plain_label(self.tr("Reason for adding it during play *"), self)
            label.setBuddy(self.reason)
            layout.insertWidget(layout.count() - 1, label)
            layout.insertWidget(layout.count() - 1, self.reason)
        else:
            self.reason.hide()
        self.submitted.connect(self._submitted)

    def _submitted(self, values: dict[str, Any]) -> None:
        self.added.emit(values, self.reason.text().strip())
