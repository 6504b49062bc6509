"""A form generated from a case dataclass's field declarations, and the banner that shows why a save was refused.

The form knows no field by name except the one rule the model states across two fields (a sub-sector's choices
depend on the sector): labels, sections, required marks, help, vocabularies and editors all come from
``domain.cases.fields.field_infos``. Re-mapping a template there re-shapes the window too.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QFrame, QGroupBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from workbench.domain.cases.fields import FieldInfo, FieldKind, field_infos
from workbench.ui.cases.field_editors import FieldEditor, SubsectorEditor, make_editor
from workbench.ui.common.text import plain_label

logger = logging.getLogger(__name__)

_ERROR_STYLE = (
    "QFrame#formError { background: #fce8e6; border: 1px solid #c5221f; border-radius: 4px; }"
    " QFrame#formError QLabel { color: #8c1d18; }"
)
_INVALID_STYLE = "border: 2px solid #c5221f; border-radius: 3px;"


class ErrorBanner(QFrame):
    """Why the last save was refused, in words, with a warning sign (not by colour alone); hidden when empty."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("formError")
        self.setStyleSheet(_ERROR_STYLE)
        self.setAccessibleName(self.tr("Problem"))
        sign = plain_label("⚠", self)
        sign.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.label = plain_label("", self, wrap=True, selectable=True)
        self.label.setObjectName("formErrorText")
        self.label.setAccessibleName(self.tr("Problem"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(sign)
        layout.addWidget(self.label, 1)
        self.hide()

    def show_message(self, text: str) -> None:
        self.label.setText(self.tr("Not saved: {0}").format(text))
        self.label.setAccessibleDescription(self.label.text())
        self.show()

    def clear(self) -> None:
        self.label.setText("")
        self.hide()

    def text(self) -> str:
        return self.label.text() if self.isVisible() else ""


class FieldForm(QWidget):
    """Editors for the declared fields of ``record_class``, grouped in their sections.

    ``values()`` gives every field's JSON value; ``changes(since)`` only those that differ from ``since`` (the
    record's ``fields.to_dict`` form), which is what an update sends so that the audit entry names what changed.
    """

    edited = Signal()
    """The analyst changed a field."""

    def __init__(
        self, record_class: type, parent: QWidget | None = None, *, exclude: Iterable[str] = (), sections: bool = True
    ) -> None:
        super().__init__(parent)
        self.record_class = record_class
        left_out = set(exclude)
        # Links between records (a finding's observations) are made where the records are listed, not typed.
        self.infos: list[FieldInfo] = [
            info
            for info in field_infos(record_class)
            if info.name not in left_out and info.kind not in (FieldKind.REF, FieldKind.REFS)
        ]
        self.editors: dict[str, FieldEditor] = {}
        self.labels: dict[str, QLabel] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        groups: dict[str, QFormLayout] = {}
        for info in self.infos:
            key = info.section if sections else ""
            form = groups.get(key)
            if form is None:
                form = self._group(key, layout)
                groups[key] = form
            editor = make_editor(info, self)
            editor.setObjectName(f"field_{info.name}")
            editor.edited.connect(self.edited)
            label = QLabel(self)
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setText(info.label + (" *" if info.required else ""))
            label.setBuddy(editor.input)
            if info.help:
                label.setToolTip(info.help)
            form.addRow(label, editor)
            self.editors[info.name] = editor
            self.labels[info.name] = label
        subsector = next((e for e in self.editors.values() if isinstance(e, SubsectorEditor)), None)
        sector = self.editors.get("sector")
        if subsector is not None and sector is not None:
            # The one rule across fields the form must know: sub-sectors belong to the chosen sector.
            sector.edited.connect(lambda: subsector.set_sector(sector.value()))
        self._subsector = subsector

    def _group(self, title: str, layout: QVBoxLayout) -> QFormLayout:
        if not title:
            form = QFormLayout()
            layout.addLayout(form)
        else:
            box = QGroupBox(title, self)
            box.setAccessibleName(title)
            form = QFormLayout(box)
            layout.addWidget(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        return form

    def editor(self, name: str) -> FieldEditor:
        return self.editors[name]

    def values(self) -> dict[str, Any]:
        return {name: editor.value() for name, editor in self.editors.items()}

    def set_values(self, values: Mapping[str, Any]) -> None:
        """Show a record (its ``to_dict`` form; absent keys are empty)."""
        if self._subsector is not None and "sector" in self.editors:
            self._subsector.set_sector(values.get("sector"))
        for name, editor in self.editors.items():
            editor.set_value(values.get(name))
        self.clear_marks()

    def apply_values(self, values: Mapping[str, Any]) -> None:
        """Show some fields' values (``changes`` kept earlier) over what is shown; unknown names are ignored."""
        if self._subsector is not None and "sector" in values:
            self._subsector.set_sector(values.get("sector"))
        for name, value in values.items():
            editor = self.editors.get(name)
            if editor is not None:
                editor.set_value(value)

    def changes(self, since: Mapping[str, Any]) -> dict[str, Any]:
        """The fields whose value differs from ``since``."""
        changed: dict[str, Any] = {}
        for name, value in self.values().items():
            before = since.get(name)
            if _same(self.editors[name].info, value, before):
                continue
            changed[name] = value
        return changed

    # -- showing a refusal -------------------------------------------------------------------------------------

    def mark_error(self, message: str) -> FieldEditor | None:
        """Outline the field a refusal names and put the focus there.

        The services' messages name a field by its label ("first detected is after the time of awareness") or, for
        the rules across records, by the verb of its key ("cannot be planned" for ``planned_at``): the label named
        first wins (the subject of the sentence), then a key's stem. None when the message names no field here."""
        self.clear_marks()
        lowered = message.lower()
        found = _first_named(lowered, [(info, info.label.lower()) for info in self.infos])
        if found is None:
            found = _first_named(lowered, [(info, _stem(info.name)) for info in self.infos])
        if found is None:
            return None
        info = found
        editor = self.editors[info.name]
        editor.input.setStyleSheet(_INVALID_STYLE)
        editor.input.setAccessibleDescription(message)
        self.labels[info.name].setText("⚠ " + info.label + (" *" if info.required else ""))
        editor.setFocus()
        return editor

    def clear_marks(self) -> None:
        for name, editor in self.editors.items():
            if editor.input.styleSheet():
                editor.input.setStyleSheet("")
                editor.input.setAccessibleDescription("")
                info = editor.info
                self.labels[name].setText(info.label + (" *" if info.required else ""))


def _first_named(message: str, names: list[tuple[FieldInfo, str]]) -> FieldInfo | None:
    """The field whose name occurs first in ``message`` as whole words (the longer name on a tie)."""
    hits = []
    for info, name in names:
        match = re.search(r"\b" + re.escape(name) + r"\b", message)
        if match is not None:
            hits.append((match.start(), -len(name), info))
    return min(hits, key=lambda hit: hit[:2])[2] if hits else None


def _stem(name: str) -> str:
    """``planned_at`` -> ``planned``; ``completion_date`` -> ``completion``."""
    return re.sub(r"_(at|date)$", "", name).replace("_", " ")


def _same(info: FieldInfo, value: Any, before: Any) -> bool:
    if info.kind is FieldKind.CHOICES:
        return sorted(value or []) == sorted(before or [])
    if info.kind is FieldKind.TIME and value and before:
        return str(value)[:16] == str(before)[:16]  # the editor shows minutes: unchanged seconds are not a change
    return (value if value not in ("", []) else None) == (before if before not in ("", []) else None)
