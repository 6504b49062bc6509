"""One editor widget per kind of case field, each speaking the field's JSON form.

Every editor has ``value()`` (the JSON value the case services accept: text, a vocabulary key, a list of keys, a
whole number, yes/no, a STIX timestamp in UTC, an ISO date, or None when empty) and ``set_value(json_value)``, and
emits ``edited`` when the analyst changes it. Closed vocabularies are offered as lists (nothing outside them can be
chosen); times are edited and shown in this computer's local time and handed on in UTC.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from PySide6.QtCore import QDate, QDateTime, QRegularExpression, Qt, QTime, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QWidget,
)

from workbench.domain.cases.fields import (
    MAX_NOTE,
    MAX_TEXT,
    UNKNOWN,
    FieldInfo,
    FieldKind,
    parse_date,
    parse_time,
)
from workbench.domain.cases.nis2 import Sector
from workbench.domain.cases.rsit import RSIT_TYPES
from workbench.domain.errors import InvalidInput
from workbench.domain.timestamps import format_stix_timestamp
from workbench.ui.common.text import plain_label

logger = logging.getLogger(__name__)

#: What an empty choice reads in a list.
NOT_SET = "—"


def to_qdatetime(moment: datetime) -> QDateTime:
    """The instant as a local-time ``QDateTime``."""
    return QDateTime.fromMSecsSinceEpoch(int(moment.timestamp() * 1000))


def from_qdatetime(value: QDateTime) -> datetime:
    """The instant in UTC, whole seconds (the editor shows minutes; seconds come only from a stored value)."""
    return datetime.fromtimestamp(value.toMSecsSinceEpoch() / 1000, UTC)


def now_minute() -> datetime:
    """Now, in UTC, to the minute: what a new time field starts at."""
    return datetime.now(UTC).replace(second=0, microsecond=0)


class FieldEditor(QWidget):
    """The common interface; subclasses hold the actual input widget in ``input``."""

    edited = Signal()
    """The analyst changed the value."""

    def __init__(self, info: FieldInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.info = info
        self.input: QWidget = self
        self.setAccessibleName(info.label)
        if info.help:
            self.setToolTip(info.help)

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError

    def _finish(self, widget: QWidget) -> None:
        self.input = widget
        widget.setAccessibleName(self.info.label)
        widget.setToolTip(self.info.help)
        self.setFocusProxy(widget)


class TextEditor(FieldEditor):
    def __init__(self, info: FieldInfo, parent: QWidget | None = None) -> None:
        super().__init__(info, parent)
        self.line = QLineEdit(self)
        self.line.setMaxLength(MAX_TEXT)
        self.line.textEdited.connect(lambda _text: self.edited.emit())
        _single(self, self.line)

    def value(self) -> str | None:
        return self.line.text().strip() or None

    def set_value(self, value: Any) -> None:
        self.line.setText("" if value is None else str(value))


class NoteEditor(FieldEditor):
    """Several lines; Tab moves on to the next field rather than typing a tab."""

    def __init__(self, info: FieldInfo, parent: QWidget | None = None) -> None:
        super().__init__(info, parent)
        self.text = QPlainTextEdit(self)
        self.text.setTabChangesFocus(True)
        self.text.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.text.textChanged.connect(self._changed)
        self._loading = False
        _single(self, self.text)

    def _changed(self) -> None:
        if not self._loading:
            self.edited.emit()

    def value(self) -> str | None:
        text = self.text.toPlainText().strip()
        return text[: MAX_NOTE + 1] or None  # one over the limit, so that the service names the limit

    def set_value(self, value: Any) -> None:
        self._loading = True
        self.text.setPlainText("" if value is None else str(value))
        self._loading = False


class ChoiceEditor(FieldEditor):
    """A closed list: ``options`` are (key, label), the key a string (a flag's a bool); an optional field starts
    with an empty entry."""

    def __init__(self, info: FieldInfo, options: Iterable[tuple[Any, str]], parent: QWidget | None = None) -> None:
        super().__init__(info, parent)
        self.combo = QComboBox(self)
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(18)
        self.combo.activated.connect(lambda _index: self.edited.emit())
        self.set_options(options)
        _single(self, self.combo)

    def set_options(self, options: Iterable[tuple[Any, str]]) -> None:
        kept = self.combo.currentData()
        self.combo.clear()
        if not self.info.required:
            self.combo.addItem(NOT_SET, None)
        for key, label in options:
            self.combo.addItem(label, key)
            self.combo.setItemData(self.combo.count() - 1, label, Qt.ItemDataRole.ToolTipRole)
        self.set_value(kept)

    def options(self) -> list[str]:
        """The keys offered (the empty entry left out)."""
        return [self.combo.itemData(row) for row in range(self.combo.count()) if self.combo.itemData(row) is not None]

    def value(self) -> str | None:
        data = self.combo.currentData()
        return str(data) if data is not None else None

    def set_value(self, value: Any) -> None:
        key = getattr(value, "value", value)
        found = self.combo.findData(key) if key is not None else -1
        if found < 0 and key is None and self.info.default is not None:
            found = self.combo.findData(getattr(self.info.default, "value", self.info.default))
        self.combo.setCurrentIndex(max(found, 0))


class FlagEditor(ChoiceEditor):
    """Yes, no, or not stated (an early warning may not know yet whether the act was malicious)."""

    def __init__(self, info: FieldInfo, parent: QWidget | None = None) -> None:
        super().__init__(info, ((True, self.tr("Yes")), (False, self.tr("No"))), parent)

    def value(self) -> bool | None:  # type: ignore[override]
        data = self.combo.currentData()
        return bool(data) if data is not None else None


class ChoicesEditor(FieldEditor):
    """Several entries of a closed list, ticked in a short scrolling list."""

    def __init__(self, info: FieldInfo, options: Iterable[tuple[Any, str]], parent: QWidget | None = None) -> None:
        super().__init__(info, parent)
        # A fixed vocabulary of at most a few dozen entries, not data: a list widget is the plain tool for it.
        self.list = QListWidget(self)
        for key, label in options:
            item = QListWidgetItem(label, self.list)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable)
            item.setCheckState(Qt.CheckState.Unchecked)
        rows = min(5, max(2, self.list.count()))
        self.list.setFixedHeight(self.list.sizeHintForRow(0) * rows + 2 * self.list.frameWidth() + 4)
        self.list.itemChanged.connect(lambda _item: self.edited.emit())
        _single(self, self.list)

    def value(self) -> list[str] | None:
        keys = [
            self.list.item(row).data(Qt.ItemDataRole.UserRole)
            for row in range(self.list.count())
            if self.list.item(row).checkState() == Qt.CheckState.Checked
        ]
        return keys or None

    def set_value(self, value: Any) -> None:
        wanted = {getattr(item, "value", item) for item in (value or [])}
        self.list.blockSignals(True)
        for row in range(self.list.count()):
            item = self.list.item(row)
            checked = item.data(Qt.ItemDataRole.UserRole) in wanted
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.list.blockSignals(False)


class CountEditor(FieldEditor):
    """A whole number from 0; empty means not entered. Digits only can be typed. A field that accepts "unknown"
    (systems, records, users affected) has an Unknown box beside it: the analyst says the figure is not known."""

    def __init__(self, info: FieldInfo, parent: QWidget | None = None) -> None:
        super().__init__(info, parent)
        self.line = QLineEdit(self)
        self.line.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,13}"), self.line))
        self.line.setPlaceholderText(self.tr("not entered"))
        self.line.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.line.setMaximumWidth(180)
        self.line.textEdited.connect(lambda _text: self.edited.emit())
        self.unknown: QCheckBox | None = None
        if info.kind is not FieldKind.COUNT_OR_UNKNOWN:
            _single(self, self.line)
            return
        self.unknown = QCheckBox(self.tr("Unknown"), self)
        self.unknown.setAccessibleName(self.tr("{0} unknown").format(info.label))
        self.unknown.setToolTip(self.tr("The figure is not known yet (the report says so)"))
        self.unknown.toggled.connect(self.line.setDisabled)
        self.unknown.clicked.connect(lambda _checked: self.edited.emit())
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.line)
        layout.addWidget(self.unknown)
        layout.addStretch(1)
        self._finish(self.line)

    def value(self) -> int | str | None:
        if self.unknown is not None and self.unknown.isChecked():
            return UNKNOWN
        text = self.line.text().strip()
        return int(text) if text else None

    def set_value(self, value: Any) -> None:
        unknown = value == UNKNOWN
        if self.unknown is not None:
            self.unknown.setChecked(unknown)
        self.line.setText("" if value is None or unknown else str(value))


class _MomentEditor(FieldEditor):
    """A date (and time) with, for optional fields, a box that says whether one is given at all."""

    def __init__(self, info: FieldInfo, edit: QDateTimeEdit, parent: QWidget | None = None) -> None:
        super().__init__(info, parent)
        edit.setParent(self)
        edit.setCalendarPopup(True)
        self.edit = edit
        self.check: QCheckBox | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        if not info.required:
            self.check = QCheckBox(self)
            self.check.setAccessibleName(self.tr("{0} given").format(info.label))
            self.check.setToolTip(self.tr("Tick to give a value; untick to leave the field empty"))
            self.check.toggled.connect(self._toggled)
            self.check.clicked.connect(lambda _checked: self.edited.emit())
            layout.addWidget(self.check)
        layout.addWidget(edit)
        self.zone = plain_label("", self)
        self.zone.setEnabled(False)
        layout.addWidget(self.zone)
        layout.addStretch(1)
        self._finish(edit)
        edit.editingFinished.connect(self._maybe_edited)
        edit.dateTimeChanged.connect(self._update_zone)
        self._last: Any = None
        self._toggled(self.check is None)

    def _toggled(self, on: bool) -> None:
        self.edit.setEnabled(on)
        self.zone.setVisible(on)

    def _maybe_edited(self) -> None:
        if self.value() != self._last:
            self._last = self.value()
            self.edited.emit()

    def _update_zone(self, *_args: Any) -> None:
        pass

    def given(self) -> bool:
        return self.check is None or self.check.isChecked()

    def _set_given(self, given: bool) -> None:
        if self.check is not None:
            self.check.setChecked(given)
        self._toggled(self.given())


class TimeEditor(_MomentEditor):
    """An instant, edited in local time (the zone is shown beside it), given on as a UTC STIX timestamp."""

    def __init__(self, info: FieldInfo, parent: QWidget | None = None) -> None:
        edit = QDateTimeEdit()
        edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        edit.setMinimumDateTime(QDateTime(QDate(1990, 1, 1), QTime(0, 0)))
        super().__init__(info, edit, parent)
        self.set_value(None)

    def _update_zone(self, *_args: Any) -> None:
        self.zone.setText(self.edit.dateTime().timeZoneAbbreviation())

    def value(self) -> str | None:
        if not self.given():
            return None
        return format_stix_timestamp(from_qdatetime(self.edit.dateTime()))

    def moment(self) -> datetime | None:
        """The instant shown, in UTC (None when not given)."""
        return from_qdatetime(self.edit.dateTime()) if self.given() else None

    def set_value(self, value: Any) -> None:
        moment: datetime | None
        try:
            moment = parse_time(value) if value not in (None, "") else None
        except InvalidInput:
            logger.debug("unreadable stored time left empty")
            moment = None
        self.edit.setDateTime(to_qdatetime(moment or now_minute()))
        self._set_given(moment is not None)
        self._update_zone()
        self._last = self.value()

    def set_moment(self, moment: datetime) -> None:
        """Show ``moment`` (and tick the box): what a test or a default does instead of typing."""
        self.set_value(format_stix_timestamp(moment))


class DateEditor(_MomentEditor):
    def __init__(self, info: FieldInfo, parent: QWidget | None = None) -> None:
        edit = QDateEdit()
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setMinimumDate(QDate(1990, 1, 1))
        super().__init__(info, edit, parent)
        self.zone.hide()
        self.set_value(None)

    def _toggled(self, on: bool) -> None:
        self.edit.setEnabled(on)

    def value(self) -> str | None:
        if not self.given():
            return None
        return self.edit.date().toString("yyyy-MM-dd")

    def set_value(self, value: Any) -> None:
        day: date | None
        try:
            day = parse_date(value) if value not in (None, "") else None
        except InvalidInput:
            day = None
        shown = day or date.today()
        self.edit.setDate(QDate(shown.year, shown.month, shown.day))
        self._set_given(day is not None)
        self._last = self.value()


class SubsectorEditor(ChoiceEditor):
    """The sub-sectors of the sector chosen beside it (none offered until a sector with sub-sectors is)."""

    def __init__(self, info: FieldInfo, parent: QWidget | None = None) -> None:
        super().__init__(info, (), parent)
        self.combo.setEnabled(False)

    def set_sector(self, key: str | None) -> None:
        try:
            sector = Sector.parse(key) if key else None
        except InvalidInput:
            sector = None
        options = list(sector.subsectors.items()) if sector is not None else []
        self.set_options(options)
        self.combo.setEnabled(bool(options))


def _single(editor: FieldEditor, widget: QWidget) -> None:
    layout = QHBoxLayout(editor)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(widget)
    editor._finish(widget)


def make_editor(info: FieldInfo, parent: QWidget | None = None) -> FieldEditor:
    """The editor for a declared field."""
    kind = info.kind
    if kind is FieldKind.TEXT:
        return TextEditor(info, parent)
    if kind is FieldKind.NOTE:
        return NoteEditor(info, parent)
    if kind is FieldKind.CHOICE:
        assert info.vocab is not None
        # Short codes (ratings P/S/M/U, country codes) are what people say: show them before the words.
        coded = all(len(member.value) <= 2 for member in info.vocab)
        return ChoiceEditor(
            info,
            ((member.value, f"{member.value}: {member.label}" if coded else member.label) for member in info.vocab),
            parent,
        )
    if kind is FieldKind.CHOICES:
        assert info.vocab is not None
        return ChoicesEditor(info, ((member.value, member.label) for member in info.vocab), parent)
    if kind in (FieldKind.COUNT, FieldKind.COUNT_OR_UNKNOWN):
        return CountEditor(info, parent)
    if kind is FieldKind.FLAG:
        return FlagEditor(info, parent)
    if kind is FieldKind.TIME:
        return TimeEditor(info, parent)
    if kind is FieldKind.DATE:
        return DateEditor(info, parent)
    if kind is FieldKind.RSIT:
        return ChoiceEditor(info, ((entry.key, entry.label) for entry in RSIT_TYPES), parent)
    if kind is FieldKind.SUBSECTOR:
        return SubsectorEditor(info, parent)
    if kind is FieldKind.NUMBER:
        return TextEditor(info, parent)  # the case model reads and checks the number
    raise AssertionError(f"no editor for {kind}")
