"""The import preview: what a file would change, and what would be refused and why; nothing is kept until the
analyst confirms."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workbench.services.importer import ImportSummary
from workbench.ui.common.text import plain_label
from workbench.ui.importing.findings_model import FindingsModel


class ImportPreviewDialog(QDialog):
    """Accepted: import for real. Rejected: nothing is kept."""

    def __init__(self, path: Path, summary: ImportSummary, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importPreview")
        self.setWindowTitle(self.tr("Import preview"))
        self.setMinimumSize(620, 420)
        self.summary = summary
        heading = plain_label(self.tr("{0}: {1}").format(path.name, summary.shape or self.tr("STIX")), self,
                              wrap=True)
        heading.setObjectName("previewHeading")
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        digest = plain_label(self.tr("SHA-256 {0}").format(summary.sha256), self, selectable=True)
        digest.setAccessibleName(self.tr("File hash"))
        self.counts: dict[str, object] = {}
        form = QFormLayout()
        for key, label, value, tip in (
            ("new", self.tr("New objects:"), summary.new, self.tr("Objects not stored before")),
            ("new_versions", self.tr("Updated (newer versions):"), summary.new_versions,
             self.tr("A newer version of a stored object; it becomes current")),
            ("unchanged", self.tr("Unchanged:"), summary.unchanged, self.tr("Already stored exactly as they are")),
            ("older", self.tr("Older than stored:"), summary.older,
             self.tr("Kept as history; they never become current")),
            ("conflicts", self.tr("Conflicts:"), summary.conflicts,
             self.tr("Same modified time as a stored version but other content: held aside, current unchanged")),
            ("refused", self.tr("Refused:"), len(summary.refused), self.tr("Not imported; the reasons are below")),
        ):
            count = plain_label(f"{value:,}", self)
            count.setObjectName(f"count_{key}")
            count.setAccessibleName(label.rstrip(":"))
            count.setToolTip(tip)
            self.counts[key] = count
            form.addRow(label, count)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(digest)
        layout.addLayout(form)
        self.refused_view = self._findings(summary, layout)
        buttons = QDialogButtonBox(self)
        if summary.changed_anything:
            self.import_button = buttons.addButton(self.tr("&Import"), QDialogButtonBox.ButtonRole.AcceptRole)
            self.import_button.setToolTip(self.tr("Keep these objects in the workspace"))
            self.import_button.setDefault(True)
            cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
            cancel.setToolTip(self.tr("Keep nothing"))
        else:
            layout.addWidget(plain_label(self.tr("Nothing new: every object in this file is already stored."), self))
            self.import_button = None
            buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _findings(self, summary: ImportSummary, layout: QVBoxLayout) -> QTableView | None:
        findings = [*summary.refused, *summary.warnings]
        if not findings:
            return None
        layout.addWidget(plain_label(self.tr("Refused objects and warnings:"), self))
        view = QTableView(self)
        view.setObjectName("refusedTable")
        view.setAccessibleName(self.tr("Refused objects and warnings"))
        view.setModel(FindingsModel(findings, view))
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setTabKeyNavigation(False)
        view.verticalHeader().hide()
        view.horizontalHeader().setStretchLastSection(True)
        view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        view.setColumnWidth(0, 260)
        layout.addWidget(view, 1)
        return view
