"""Create a STIX object inside a case: an indicator, an observable, malware, a threat actor, a vulnerability or an
attack pattern. The form shows the properties of the chosen type; ``case_links.create_object`` fills in ids,
times, the author and the case's TLP, and checks the object with the stix2 library (patterns included).

OK emits ``submitted`` with the object's properties; the dialog closes once the case editor reports it stored,
and shows the refusal (an invalid pattern, a missing name) otherwise. What was typed and not stored yet is unsaved
work (``typed``): the case editor keeps it when the workspace locks and opens the dialog again with it
(``put_back``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workbench.domain.timestamps import format_stix_timestamp
from workbench.ui.cases.field_form import ErrorBanner

#: What can be created, as (STIX type, label); observables have their own list.
OBJECT_TYPES = (
    ("indicator", "Indicator"),
    ("observable", "Observable"),
    ("malware", "Malware"),
    ("threat-actor", "Threat actor"),
    ("vulnerability", "Vulnerability"),
    ("attack-pattern", "Attack pattern"),
)
#: Observable types offered, with the property their value goes in.
OBSERVABLES = (
    ("ipv4-addr", "IPv4 address", "value"),
    ("ipv6-addr", "IPv6 address", "value"),
    ("domain-name", "Domain name", "value"),
    ("url", "URL", "value"),
    ("email-addr", "E-mail address", "value"),
    ("file", "File (SHA-256)", "hashes"),
    ("mutex", "Mutex", "name"),
    ("mac-addr", "MAC address", "value"),
)
_EXTERNAL_SOURCE = {"vulnerability": "cve", "attack-pattern": "mitre-attack"}


def build_object(kind: str, values: dict[str, Any]) -> dict[str, Any]:
    """The STIX properties the analyst gave for a new object of ``kind`` (an entry of ``OBJECT_TYPES``); empty
    values are left out, so that the stix2 check names what is missing."""
    if kind == "observable":
        sco = str(values.get("observable_type") or "")
        prop = next((prop for key, _label, prop in OBSERVABLES if key == sco), "value")
        value = str(values.get("value") or "").strip()
        obj: dict[str, Any] = {"type": sco}
        if value:
            obj[prop] = {"SHA-256": value.lower()} if prop == "hashes" else value
        return obj
    obj = {"type": kind}
    for key in ("name", "description", "pattern"):
        text = str(values.get(key) or "").strip()
        if text and (key != "pattern" or kind == "indicator"):
            obj[key] = text
    if kind == "indicator":
        obj["pattern_type"] = "stix"
        obj["valid_from"] = values.get("valid_from")
    if kind == "malware":
        obj["is_family"] = bool(values.get("is_family", True))
    types = str(values.get("types") or "").strip()
    if types and kind in ("indicator", "malware", "threat-actor"):
        obj[kind.replace("-", "_") + "_types"] = [types]
    external = str(values.get("external_id") or "").strip()
    if external and kind in _EXTERNAL_SOURCE:
        obj["external_references"] = [{"source_name": _EXTERNAL_SOURCE[kind], "external_id": external}]
    return {key: value for key, value in obj.items() if value is not None}


class CreateObjectDialog(QDialog):
    submitted = Signal(dict)
    """The new object's properties; the dialog stays open until ``saved`` or ``refused``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from stix2.v21 import vocab  # the open vocabularies of STIX 2.1; imported when first needed

        self.setObjectName("createObjectDialog")
        self.setWindowTitle(self.tr("Create an object in the case"))
        self.setAccessibleName(self.windowTitle())
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.error = ErrorBanner(self)
        self.type_box = self._combo(self.tr("Object type"), [(key, self.tr(label)) for key, label in OBJECT_TYPES])
        self.type_box.setObjectName("objectType")
        self.observable_box = self._combo(
            self.tr("Observable type"), [(key, self.tr(label)) for key, label, _prop in OBSERVABLES]
        )
        self.name = self._line(self.tr("Name"), self.tr("What analysts call it"))
        self.name.setObjectName("objectName")
        self.value = self._line(self.tr("Value"), self.tr("The address, domain, URL, hash or name observed"))
        self.value.setObjectName("objectValue")
        self.pattern = self._line(
            self.tr("Pattern"), self.tr("A STIX pattern, e.g. [ipv4-addr:value = '198.51.100.7']")
        )
        self.pattern.setObjectName("objectPattern")
        self.pattern.setPlaceholderText("[ipv4-addr:value = '198.51.100.7']")
        self.is_family = QCheckBox(self.tr("A malware family (not one sample)"), self)
        self.is_family.setChecked(True)
        self.types: dict[str, QComboBox] = {}
        for kind, words in (
            ("indicator", vocab.INDICATOR_TYPE),
            ("malware", vocab.MALWARE_TYPE),
            ("threat-actor", vocab.THREAT_ACTOR_TYPE),
        ):
            box = self._combo(self.tr("Type"), [("", "—"), *((word, word) for word in words)])
            box.setEditable(False)
            self.types[kind] = box
        self.external_id = self._line(self.tr("Identifier"), self.tr("CVE id or ATT&CK technique id"))
        self.description = QPlainTextEdit(self)
        self.description.setTabChangesFocus(True)
        self.description.setAccessibleName(self.tr("Description"))
        self.description.setFixedHeight(self.fontMetrics().lineSpacing() * 5 + 12)
        self.form = QFormLayout()
        self.form.addRow(self.tr("Object &type"), self.type_box)
        self.form.addRow(self.tr("Observable type"), self.observable_box)
        self.form.addRow(self.tr("&Name"), self.name)
        self.form.addRow(self.tr("&Value"), self.value)
        self.form.addRow(self.tr("&Pattern"), self.pattern)
        self.form.addRow("", self.is_family)
        for box in self.types.values():
            self.form.addRow(self.tr("Type"), box)
        self.form.addRow(self.tr("Identifier"), self.external_id)
        self.form.addRow(self.tr("&Description"), self.description)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.ok_button: QPushButton = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Create and link"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.error)
        layout.addLayout(self.form)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.type_box.currentIndexChanged.connect(lambda _index: self._show_rows())
        self._show_rows()
        self.resize(560, 380)
        self.type_box.setFocus()
        self.opened_values: dict[str, Any] | None = None  # the form as first shown: what was not typed

    def showEvent(self, event: QShowEvent) -> None:
        if self.opened_values is None:
            self.opened_values = self._shown()
        super().showEvent(event)

    def _shown(self) -> dict[str, Any]:
        shown = self.values()
        del shown["valid_from"]  # the time the form is read, not typed
        shown["kind"] = self.kind()
        return shown

    def typed(self) -> dict[str, Any] | None:
        """What was typed or chosen since the dialog opened, as JSON values to keep (None when nothing)."""
        shown = self._shown()
        return shown if self.opened_values is not None and shown != self.opened_values else None

    def put_back(self, typed: dict[str, Any]) -> None:
        """Show what ``typed`` returned before the workspace locked."""

        def choose(box: QComboBox, key: Any) -> None:
            found = box.findData(key)
            if found >= 0:
                box.setCurrentIndex(found)

        choose(self.type_box, typed.get("kind"))
        choose(self.observable_box, typed.get("observable_type"))
        box = self.types.get(self.kind())
        if box is not None:
            choose(box, typed.get("types"))
        for line, key in (
            (self.name, "name"),
            (self.value, "value"),
            (self.pattern, "pattern"),
            (self.external_id, "external_id"),
        ):
            text = typed.get(key)
            line.setText(text if isinstance(text, str) else "")
        description = typed.get("description")
        self.description.setPlainText(description if isinstance(description, str) else "")
        self.is_family.setChecked(typed.get("is_family") is not False)

    def _combo(self, name: str, items: list[tuple[str, str]]) -> QComboBox:
        box = QComboBox(self)
        box.setAccessibleName(name)
        for key, label in items:
            box.addItem(label, key)
        return box

    def _line(self, name: str, tip: str) -> QLineEdit:
        line = QLineEdit(self)
        line.setAccessibleName(name)
        line.setToolTip(tip)
        return line

    def kind(self) -> str:
        return str(self.type_box.currentData())

    def _show_rows(self) -> None:
        kind = self.kind()
        observable = kind == "observable"
        shown = {
            self.observable_box: observable,
            self.name: not observable,
            self.value: observable,
            self.pattern: kind == "indicator",
            self.is_family: kind == "malware",
            self.external_id: kind in _EXTERNAL_SOURCE,
            self.description: not observable,
        }
        shown.update({box: kind == key for key, box in self.types.items()})
        for widget, visible in shown.items():
            self.form.setRowVisible(widget, visible)
        self.external_id.setPlaceholderText("CVE-2026-0001" if kind == "vulnerability" else "T1566.001")

    def values(self) -> dict[str, Any]:
        kind = self.kind()
        box = self.types.get(kind)
        return {
            "observable_type": self.observable_box.currentData(),
            "value": self.value.text(),
            "name": self.name.text(),
            "pattern": self.pattern.text(),
            "description": self.description.toPlainText(),
            "is_family": self.is_family.isChecked(),
            "types": box.currentData() if box is not None else None,
            "external_id": self.external_id.text(),
            "valid_from": format_stix_timestamp(datetime.now(UTC)),
        }

    def accept(self) -> None:  # hand the object on; the dialog closes once it is stored
        self.error.clear()
        self.ok_button.setEnabled(False)
        self.submitted.emit(build_object(self.kind(), self.values()))

    def refused(self, message: str) -> None:
        self.ok_button.setEnabled(True)
        self.error.show_message(message)

    def saved(self) -> None:
        self.done(QDialog.DialogCode.Accepted)
