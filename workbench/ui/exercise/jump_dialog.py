"""Move scenario time forward: by a duration the controller types (``90m``, ``2h``, ``1d6h``), or to a time."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QDateTime, Signal
from PySide6.QtWidgets import QDateTimeEdit, QFormLayout, QLineEdit, QRadioButton, QWidget

from workbench.domain.cases.conduct import parse_duration
from workbench.domain.errors import InvalidInput
from workbench.ui.exercise.change_dialog import ChangeDialog


class JumpDialog(ChangeDialog):
    submitted = Signal(object, object, str)
    """``advance`` (a timedelta) or ``scenario`` (a UTC datetime), the other None; and the reason."""

    def __init__(self, scenario_now: datetime, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Jump scenario time"), "jumpDialog", parent, ok_text=self.tr("Jump"))
        self.by_duration = QRadioButton(self.tr("&Advance by"), self)
        self.by_duration.setChecked(True)
        self.duration = QLineEdit(self)
        self.duration.setObjectName("jumpDuration")
        self.duration.setPlaceholderText(self.tr("e.g. 90m, 2h, 1d6h"))
        self.duration.setAccessibleName(self.tr("Advance scenario time by"))
        self.to_time = QRadioButton(self.tr("Jump &to"), self)
        self.target = QDateTimeEdit(self)
        self.target.setObjectName("jumpTarget")
        self.target.setCalendarPopup(True)
        self.target.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.target.setAccessibleName(self.tr("Jump to scenario time (local time)"))
        self.target.setDateTime(QDateTime.fromSecsSinceEpoch(int(scenario_now.timestamp())))
        self.reason = QLineEdit(self)
        self.reason.setObjectName("jumpReason")
        self.reason.setPlaceholderText(self.tr("optional"))
        self.reason.setAccessibleName(self.tr("Reason"))
        self.duration.textEdited.connect(lambda _text: self.by_duration.setChecked(True))
        self.target.dateTimeChanged.connect(lambda _value: self.to_time.setChecked(True))
        form = QFormLayout()
        form.addRow(self.by_duration, self.duration)
        form.addRow(self.to_time, self.target)
        form.addRow(self.tr("&Reason"), self.reason)
        self.arrange(form)
        self.duration.setFocus()
        self.opened_with = self.state()

    def state(self) -> dict[str, object]:
        """What the dialog shows, as JSON values (kept at locking when it differs from ``opened_with``)."""
        return {
            "duration": self.duration.text(),
            "to_time": self.to_time.isChecked(),
            "target": self.target.dateTime().toSecsSinceEpoch(),
            "reason": self.reason.text(),
        }

    def put_back(self, kept: dict[str, object]) -> None:
        """Show what ``state`` returned before the workspace locked."""
        target = kept.get("target")
        if isinstance(target, int):
            self.target.setDateTime(QDateTime.fromSecsSinceEpoch(target))
        duration, reason = kept.get("duration"), kept.get("reason")
        self.duration.setText(duration if isinstance(duration, str) else "")
        self.reason.setText(reason if isinstance(reason, str) else "")
        (self.to_time if kept.get("to_time") is True else self.by_duration).setChecked(True)

    def accept(self) -> None:
        self.error.clear()
        reason = self.reason.text().strip()
        if self.by_duration.isChecked():
            try:
                advance = parse_duration(self.duration.text())
            except InvalidInput:
                self.error.show_message(self.tr("Write how far to advance, e.g. 90m, 2h or 1d6h."))
                return
            self.submitting()
            self.submitted.emit(advance, None, reason)
            return
        target = datetime.fromtimestamp(self.target.dateTime().toSecsSinceEpoch(), UTC)
        self.submitting()
        self.submitted.emit(None, target, reason)
