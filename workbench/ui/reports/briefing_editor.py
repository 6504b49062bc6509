"""The analyst's part of a briefing: what a library search cannot know.

Title, audience and reference; the bottom line up front (3 to 5 points for a final briefing); key judgements, each
with a likelihood term, a confidence and its basis; recommendations; intelligence gaps; sources with their
Admiralty grade; the distribution list. The form is turned into the same JSON document the command line reads
(``--input``) and validated by the same service (``analyst_input.parse_analyst`` and, for a final briefing,
``check_final``), so the window refuses exactly what the command refuses, with the same message.

A JSON file written for the command line can be loaded into the form; its fields the form does not show (sectors,
actor judgements, validity, originator, version, marking) are kept and used as they are. "Save to file…" writes
the form back as such a file (``analyst_input.save_analyst_file``: only a form the service accepts). Drafts keep
the form as typed, checked or not: ``document()`` with ``kept_document()``, put back by ``set_document``.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workbench.domain.errors import InvalidInput
from workbench.services.reports.analyst_input import (
    BLUF_MAX,
    BLUF_MIN,
    AnalystBriefing,
    analyst_document,
    check_final,
    load_analyst_file,
    parse_analyst,
    save_analyst_file,
)
from workbench.services.reports.vocabulary import Confidence, Credibility, Likelihood, Reliability
from workbench.ui.common.dialogs import show_error
from workbench.ui.common.text import plain_label
from workbench.ui.reports.entry_table import ChoiceDelegate, EntryTableMenu, EntryTableModel, Field

logger = logging.getLogger(__name__)


def _tr(text: str) -> str:
    from PySide6.QtCore import QCoreApplication

    return QCoreApplication.translate("BriefingEditor", text)


JUDGEMENT_FIELDS = (
    Field("statement", lambda: _tr("Judgement"), lambda: _tr("What you judge, in one sentence"), width=160),
    Field(
        "likelihood",
        lambda: _tr("Likelihood"),
        lambda: _tr("The probability term printed with its range"),
        tuple((term.value, f"{term.value} ({term.percent_range})") for term in Likelihood),
        135,
    ),
    Field(
        "confidence",
        lambda: _tr("Confidence"),
        lambda: _tr("Analytic confidence in the judgement"),
        tuple((level.value, level.value) for level in Confidence),
        80,
    ),
    Field(
        "basis",
        lambda: _tr("Basis"),
        lambda: _tr("What the confidence rests on: sources, gaps, assumptions"),
        width=110,
    ),
)
SOURCE_FIELDS = (
    Field("name", lambda: _tr("Source"), lambda: _tr("Who or what the information came from"), width=140),
    Field(
        "reliability",
        lambda: _tr("Reliability"),
        lambda: _tr("Admiralty scale: reliability of the source"),
        tuple((grade.value, f"{grade.value} – {grade.meaning}") for grade in Reliability),
        135,
    ),
    Field(
        "credibility",
        lambda: _tr("Credibility"),
        lambda: _tr("Admiralty scale: credibility of the information"),
        tuple((grade.value, f"{grade.value} – {grade.meaning}") for grade in Credibility),
        120,
    ),
    Field("description", lambda: _tr("Description"), lambda: _tr("What the source provided"), width=110),
)


def _lines(edit: QPlainTextEdit) -> list[str]:
    return [line.strip() for line in edit.toPlainText().splitlines() if line.strip()]


class BriefingEditor(QWidget):
    """The form; ``analyst(final=...)`` returns the validated ``AnalystBriefing`` or raises ``InvalidInput``."""

    edited = Signal()
    """Anything in the form changed (the preview is then out of date)."""
    file_saved = Signal(str)
    """The path the form was written to as an analyst input file."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("briefingEditor")
        self._kept = AnalystBriefing()  # fields of a loaded file that the form does not show
        self.title = self._line(self.tr("Title"), self.tr("Default: “Threat briefing:” and the search or case"))
        self.audience = self._line(self.tr("Audience"), self.tr("Who the briefing is written for"))
        self.reference = self._line(self.tr("Reference"), self.tr("Your own reference, printed in the header"))
        bluf_tip = self.tr("One point a line; a final briefing needs {0} to {1}.").format(BLUF_MIN, BLUF_MAX)
        self.bluf = self._text(self.tr("Bottom line up front"), bluf_tip)
        self.judgements, self.judgement_view = self._table(JUDGEMENT_FIELDS, self.tr("Key judgements"))
        self.recommendations = self._text(self.tr("Recommendations"), self.tr("One recommendation a line"))
        self.gaps = self._text(self.tr("Intelligence gaps"), self.tr("One gap a line"))
        self.sources, self.source_view = self._table(SOURCE_FIELDS, self.tr("Sources"))
        self.distribution = self._text(self.tr("Distribution"), self.tr("One recipient a line"), height=52)
        self.load_button = QPushButton(self.tr("&Load from file…"), self)
        self.load_button.setToolTip(
            self.tr(
                "Fill the form from an analyst input file (JSON, as the workbench report command reads with --input)"
            )
        )
        self.load_button.clicked.connect(self.choose_file)
        self.save_file_button = QPushButton(self.tr("Sa&ve to file…"), self)
        self.save_file_button.setObjectName("saveBriefingFile")
        self.save_file_button.setToolTip(
            self.tr("Write the form as an analyst input file (JSON) for the workbench report command's --input")
        )
        self.save_file_button.clicked.connect(self.choose_save_file)
        self.kept_note = plain_label("", self, wrap=True)
        self.kept_note.setObjectName("keptNote")
        self.kept_note.hide()

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for text, edit in (
            (self.tr("&Title:"), self.title),
            (self.tr("A&udience:"), self.audience),
            (self.tr("R&eference:"), self.reference),
        ):
            label = plain_label(text, self)  # QFormLayout's own labels would guess rich text
            label.setBuddy(edit)
            form.addRow(label, edit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        sections: tuple[tuple[str, QWidget, QWidget], ...] = (
            (self.tr("&Bottom line up front (one point a line):"), self.bluf, self.bluf),
            (
                self.tr("&Key judgements:"),
                self._with_buttons(self.judgement_view, self.judgements),
                self.judgement_view,
            ),
            (self.tr("Reco&mmendations (one a line):"), self.recommendations, self.recommendations),
            (self.tr("Intelligence &gaps (one a line):"), self.gaps, self.gaps),
            (
                self.tr("&Sources with Admiralty grades:"),
                self._with_buttons(self.source_view, self.sources),
                self.source_view,
            ),
            (self.tr("&Distribution (one recipient a line):"), self.distribution, self.distribution),
        )
        for text, widget, buddy in sections:
            caption = plain_label(text, self)
            caption.setBuddy(buddy)
            layout.addWidget(caption)
            layout.addWidget(widget)
        bottom = QHBoxLayout()
        bottom.addWidget(self.load_button)
        bottom.addWidget(self.save_file_button)
        bottom.addStretch(1)
        layout.addLayout(bottom)
        layout.addWidget(self.kept_note)

    # -- building ----------------------------------------------------------------------------------------------

    def _line(self, name: str, tip: str) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setAccessibleName(name)
        edit.setToolTip(tip)
        edit.setPlaceholderText(tip)
        edit.setMaxLength(500)
        edit.textChanged.connect(self.edited)
        return edit

    def _text(self, name: str, tip: str, *, height: int = 78) -> QPlainTextEdit:
        edit = QPlainTextEdit(self)
        edit.setAccessibleName(name)
        edit.setToolTip(tip)
        edit.setPlaceholderText(tip)
        edit.setTabChangesFocus(True)
        edit.setMinimumHeight(height)
        edit.setMaximumHeight(height * 2)
        edit.textChanged.connect(self.edited)
        return edit

    def _table(self, fields: tuple[Field, ...], name: str) -> tuple[EntryTableModel, QTableView]:
        model = EntryTableModel(fields, self)
        model.entries_changed.connect(self.edited)
        view = QTableView(self)
        view.setModel(model)
        view.setAccessibleName(name)
        view.setToolTip(self.tr("Double-click or F2 to edit a cell; Add and Remove change the rows"))
        view.setItemDelegate(ChoiceDelegate(fields, view))
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        view.setTabKeyNavigation(False)
        view.setWordWrap(False)
        view.verticalHeader().hide()
        view.setMinimumHeight(110)
        view.setMaximumHeight(200)
        header = view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, field in enumerate(fields):
            header.resizeSection(column, field.width)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # the text that matters most
        return model, view

    def _with_buttons(self, view: QTableView, model: EntryTableModel) -> QWidget:
        box = QWidget(self)
        add = QPushButton(self.tr("Add"), box)
        add.setToolTip(self.tr("Add a row and start editing it"))
        add.setAccessibleName(self.tr("Add to {0}").format(view.accessibleName()))
        remove = QPushButton(self.tr("Remove"), box)
        remove.setToolTip(self.tr("Remove the selected rows"))
        remove.setAccessibleName(self.tr("Remove from {0}").format(view.accessibleName()))
        add.clicked.connect(lambda: self._add_row(view, model))
        remove.clicked.connect(lambda: self._remove_rows(view, model))
        view._entry_menu = EntryTableMenu(view, model, lambda: self._add_row(view, model))  # type: ignore[attr-defined]
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(view, 1)
        column.addLayout(buttons)
        return box

    def _add_row(self, view: QTableView, model: EntryTableModel) -> None:
        row = model.add_row()
        if row is not None:
            index = model.index(row, 0)
            view.setCurrentIndex(index)
            view.edit(index)

    def _remove_rows(self, view: QTableView, model: EntryTableModel) -> None:
        rows = sorted({index.row() for index in view.selectionModel().selectedRows()}, reverse=True)
        if not rows and view.currentIndex().isValid():
            rows = [view.currentIndex().row()]
        for row in rows:
            model.removeRows(row, 1)

    # -- the analyst's input -----------------------------------------------------------------------------------

    def document(self) -> dict[str, Any]:
        """The form as the command line's JSON document (fields left empty are left out)."""
        document: dict[str, Any] = {
            "title": self.title.text().strip(),
            "audience": self.audience.text().strip(),
            "reference": self.reference.text().strip(),
            "bluf": _lines(self.bluf),
            "key_judgements": self.judgements.entries(),
            "recommendations": _lines(self.recommendations),
            "gaps": _lines(self.gaps),
            "distribution": _lines(self.distribution),
            "sources": self.sources.entries(),  # name, reliability, credibility, description: the service's keys
        }
        return {key: value for key, value in document.items() if value}

    def analyst(self, *, final: bool) -> AnalystBriefing:
        """The validated analyst input; ``InvalidInput`` with the service's message when the form is refused."""
        entered = parse_analyst(self.document())
        kept = self._kept
        analyst = dataclasses.replace(
            entered,
            tlp=kept.tlp,
            originator=kept.originator,
            version=kept.version,
            valid_from=kept.valid_from,
            valid_until=kept.valid_until,
            sectors=list(kept.sectors),
            actors=list(kept.actors),
        )
        if final:
            check_final(analyst)
        return analyst

    def kept_document(self) -> dict[str, Any]:
        """The fields of a loaded file that the form does not show, as the command line's JSON."""
        return analyst_document(self._kept)

    def set_document(self, document: dict[str, Any], kept: dict[str, Any] | None = None) -> None:
        """Fill the form with a draft as it was typed (``document()``, unchecked) and ``kept_document()``."""
        try:
            self.set_analyst(parse_analyst(kept or {}))
        except InvalidInput:
            self.set_analyst(AnalystBriefing())

        def text(key: str) -> str:
            value = document.get(key)
            return value if isinstance(value, str) else ""

        def lines(key: str) -> str:
            value = document.get(key)
            return "\n".join(item for item in value if isinstance(item, str)) if isinstance(value, list) else ""

        def rows(key: str) -> list[dict[str, str]]:
            value = document.get(key)
            return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []

        self.title.setText(text("title"))
        self.audience.setText(text("audience"))
        self.reference.setText(text("reference"))
        self.bluf.setPlainText(lines("bluf"))
        self.judgements.set_entries(rows("key_judgements"))
        self.recommendations.setPlainText(lines("recommendations"))
        self.gaps.setPlainText(lines("gaps"))
        self.sources.set_entries(rows("sources"))
        self.distribution.setPlainText(lines("distribution"))
        self.edited.emit()

    def set_analyst(self, analyst: AnalystBriefing) -> None:
        """Fill the form from an analyst input (a loaded file); keep the fields the form does not show."""
        self.title.setText(analyst.title)
        self.audience.setText(analyst.audience)
        self.reference.setText(analyst.reference)
        self.bluf.setPlainText("\n".join(analyst.bluf))
        self.judgements.set_entries(
            [
                {
                    "statement": item.statement,
                    "likelihood": item.likelihood.value,
                    "confidence": item.confidence.value,
                    "basis": item.basis,
                }
                for item in analyst.judgements
            ]
        )
        self.recommendations.setPlainText("\n".join(analyst.recommendations))
        self.gaps.setPlainText("\n".join(analyst.gaps))
        self.sources.set_entries(
            [
                {
                    "name": item.name,
                    "reliability": item.reliability.value,
                    "credibility": item.credibility.value,
                    "description": item.description,
                }
                for item in analyst.sources
            ]
        )
        self.distribution.setPlainText("\n".join(analyst.distribution))
        self._kept = analyst
        extras = []
        if analyst.tlp is not None:
            extras.append(self.tr("marking {0}").format(analyst.tlp.label))
        if analyst.sectors:
            extras.append(self.tr("{0} sector rows").format(len(analyst.sectors)))
        if analyst.actors:
            extras.append(self.tr("{0} actor judgements").format(len(analyst.actors)))
        if analyst.valid_from or analyst.valid_until:
            extras.append(self.tr("validity"))
        if analyst.originator:
            extras.append(self.tr("originator"))
        self.kept_note.setText(self.tr("Also used from the file: {0}.").format(", ".join(extras)) if extras else "")
        self.kept_note.setVisible(bool(extras))
        self.edited.emit()

    def load_file(self, path: str) -> bool:
        """Fill the form from an analyst input file; a readable dialog and an unchanged form when it is refused."""
        try:
            analyst = load_analyst_file(path)
        except InvalidInput as exc:
            show_error(self, exc.message, title=self.tr("Analyst input refused"))
            return False
        self.set_analyst(analyst)
        return True

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Load the analyst's input"), "", self.tr("Analyst input (*.json);;All files (*)")
        )
        if path:
            self.load_file(path)

    def save_file(self, path: str) -> bool:
        """Write the form as an analyst input file; a readable dialog when the form or the place is refused."""
        try:
            save_analyst_file(self.analyst(final=False), path)
        except InvalidInput as exc:
            show_error(self, exc.message, title=self.tr("Analyst input not saved"))
            return False
        self.file_saved.emit(path)
        return True

    def choose_save_file(self) -> None:
        name = "".join(char if char.isalnum() else "-" for char in self.title.text().strip().lower())[:60].strip("-")
        path, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Save the analyst's input"),
            f"{name or 'briefing'}.json",
            self.tr("Analyst input (*.json);;All files (*)"),
        )
        if path:
            self.save_file(path)

    def clear(self) -> None:
        """Forget everything typed (the workspace is locking: the analyst's text is sensitive too)."""
        self.set_analyst(AnalystBriefing())
