"""Change how fast scenario time runs: scenario minutes for each real minute."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDoubleSpinBox, QFormLayout, QLineEdit, QWidget

from workbench.domain.cases.conduct import MAX_SPEED, MIN_SPEED
from workbench.ui.exercise.change_dialog import ChangeDialog


class SpeedDialog(ChangeDialog):
    submitted = Signal(float, str)
    """The new speed factor and the reason."""

    def __init__(self, current: float, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Scenario speed"), "speedDialog", parent)
        self.speed = QDoubleSpinBox(self)
        self.speed.setObjectName("speedFactor")
        self.speed.setRange(MIN_SPEED, MAX_SPEED)
        self.speed.setDecimals(1)
        self.speed.setValue(current)
        self.speed.setSuffix(self.tr(" × real time"))
        self.speed.setAccessibleName(self.tr("Scenario minutes a real minute"))
        self.reason = QLineEdit(self)
        self.reason.setPlaceholderText(self.tr("optional"))
        self.reason.setAccessibleName(self.tr("Reason"))
        form = QFormLayout()
        form.addRow(self.tr("&Speed"), self.speed)
        form.addRow(self.tr("&Reason"), self.reason)
        self.arrange(form)
        self.speed.setFocus()
        self.speed.selectAll()
        self.opened_with = self.state()

    def state(self) -> dict[str, object]:
        """What the dialog shows, as JSON values (kept at locking when it differs from ``opened_with``)."""
        return {"speed": self.speed.value(), "reason": self.reason.text()}

    def put_back(self, kept: dict[str, object]) -> None:
        """Show what ``state`` returned before the workspace locked."""
        speed, reason = kept.get("speed"), kept.get("reason")
        if isinstance(speed, (int, float)):
            self.speed.setValue(float(speed))
        self.reason.setText(reason if isinstance(reason, str) else "")

    def accept(self) -> None:
        self.submitting()
        self.submitted.emit(self.speed.value(), self.reason.text().strip())
