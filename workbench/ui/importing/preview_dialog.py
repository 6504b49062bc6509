"""The import preview: what a file would change, and what would be refused and why; nothing is kept until the
analyst confirms."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton, QVBoxLayout, QWidget

from workbench.services.importing.importer import ImportSummary
from workbench.ui.common.text import plain_label
from workbench.ui.importing.summary_parts import findings_table, summary_counts


class ImportPreviewDialog(QDialog):
    """Accepted: import for real. Rejected: nothing is kept."""

    def __init__(self, path: Path, summary: ImportSummary, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importPreview")
        self.setWindowTitle(self.tr("Import preview"))
        self.setMinimumSize(620, 420)
        self.summary = summary
        heading = plain_label(self.tr("{0}: {1}").format(path.name, summary.shape or self.tr("STIX")), self, wrap=True)
        heading.setObjectName("previewHeading")
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        digest = plain_label(self.tr("SHA-256 {0}").format(summary.sha256), self, selectable=True)
        digest.setAccessibleName(self.tr("File hash"))
        form, self.counts = summary_counts(summary, self)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(digest)
        layout.addLayout(form)
        self.refused_view = findings_table(summary, self, layout)
        buttons = QDialogButtonBox(self)
        self.import_button: QPushButton | None
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
