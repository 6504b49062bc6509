"""Change how fast scenario time runs: scenario minutes for each real minute."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout, QLineEdit, QVBoxLayout, QWidget

from workbench.domain.cases.conduct import MAX_SPEED, MIN_SPEED
from workbench.ui.cases.field_form import ErrorBanner


class SpeedDialog(QDialog):
    submitted = Signal(float, str)
    """The new speed factor and the reason."""

    def __init__(self, current: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("speedDialog")
        self.setWindowTitle(self.tr("Scenario speed"))
        self.setAccessibleName(self.windowTitle())
        self.error = ErrorBanner(self)
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
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.error)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.speed.setFocus()
        self.speed.selectAll()

    def accept(self) -> None:
        self.error.clear()
        self.ok_button.setEnabled(False)
        self.submitted.emit(self.speed.value(), self.reason.text().strip())

    def refused(self, message: str) -> None:
        self.ok_button.setEnabled(True)
        self.error.show_message(message)

    def saved(self) -> None:
        self.done(QDialog.DialogCode.Accepted)
