"""The import preview: what one file, or several dropped together, would change, object by object; nothing is kept
until the analyst confirms.

The Summary tab has the counts (summed over the files), each file's outcome when there are several (a file that
cannot be imported says why in its row instead of in a box of its own), and the refused objects and warnings; the
Objects tab lists every object with its state, filterable, with the properties an update changes side by side.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QPushButton,
    QScrollArea,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from workbench.services.jobs.catalogue import FilePreview
from workbench.ui.common.fit import resize_within_screen
from workbench.ui.common.list_model import ListTableModel
from workbench.ui.common.text import plain_label
from workbench.ui.common.views import read_only_rows
from workbench.ui.exchange.models import REFUSED_COLOUR
from workbench.ui.importing.objects_panel import ObjectsPanel, listed_objects
from workbench.ui.importing.summary_parts import combined, findings_table, summary_counts


class FilesModel(ListTableModel[FilePreview]):
    class Columns(enum.IntEnum):
        FILE = 0
        OUTCOME = 1

    def headers(self) -> Sequence[str]:
        return (self.tr("File"), self.tr("What importing it would do"))

    def cell(self, item: FilePreview, column: int) -> str:
        if column == self.Columns.FILE:
            return item.path.name
        if item.summary is None:
            return self.tr("Cannot be imported: {0}").format(item.problem)
        summary = item.summary
        if not summary.changed_anything:
            return self.tr("Nothing new ({0:,} objects already stored)").format(summary.unchanged)
        return self.tr("{0:,} new, {1:,} updated, {2:,} older, {3:,} conflicts, {4:,} refused").format(
            summary.new, summary.new_versions, summary.older, summary.conflicts, summary.objects_refused
        )

    def tooltip(self, item: FilePreview, column: int) -> str | None:
        return str(item.path) if column == self.Columns.FILE else self.cell(item, column)

    def foreground(self, item: FilePreview, column: int) -> Any:
        return REFUSED_COLOUR if item.summary is None and column == self.Columns.OUTCOME else None


class ImportPreviewDialog(QDialog):
    """Accepted: import the files that change something, for real. Rejected: nothing is kept."""

    def __init__(self, files: list[FilePreview], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importPreview")
        self.setWindowTitle(self.tr("Import preview"))
        self.files = files
        summaries = [item.summary for item in files if item.summary is not None]
        self.summary = summaries[0] if len(files) == 1 and summaries else combined(summaries)
        if len(files) == 1:
            only = files[0]
            shape = only.summary.shape if only.summary is not None else ""
            heading_text = self.tr("{0}: {1}").format(only.path.name, shape or self.tr("STIX"))
        else:
            refused = sum(1 for item in files if item.summary is None)
            heading_text = self.tr("{0} files; {1} cannot be imported").format(len(files), refused)
        heading = plain_label(heading_text, self, wrap=True)
        heading.setObjectName("previewHeading")
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)

        summary_page = QWidget(self)
        column = QVBoxLayout(summary_page)
        if len(files) == 1 and files[0].summary is not None:
            digest = plain_label(self.tr("SHA-256 {0}").format(files[0].summary.sha256), summary_page, selectable=True)
            digest.setAccessibleName(self.tr("File hash"))
            column.addWidget(digest)
        self.files_view: QTableView | None = None
        if len(files) > 1:
            self.files_model = FilesModel(summary_page)
            self.files_model.set_items(files)
            view = QTableView(summary_page)
            view.setObjectName("filesTable")
            view.setAccessibleName(self.tr("Files"))
            view.setModel(self.files_model)
            read_only_rows(view, stored_objects=False)
            view.verticalHeader().hide()
            view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            view.horizontalHeader().setStretchLastSection(True)
            view.setMaximumHeight(view.verticalHeader().defaultSectionSize() * min(len(files) + 1, 7) + 6)
            self.files_view = view
            column.addWidget(view)
        form, self.counts = summary_counts(self.summary, summary_page)
        column.addLayout(form)
        self.refused_view = findings_table(self.summary, summary_page, column)
        if self.refused_view is None:
            column.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(summary_page)

        objects = [
            row for item in files if item.summary is not None for row in listed_objects(item.path.name, item.summary)
        ]
        unlisted = sum(item.summary.objects_unlisted for item in files if item.summary is not None)
        self.objects = ObjectsPanel(objects, unlisted, self)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("previewTabs")
        self.tabs.addTab(scroll, self.tr("Summary"))
        self.tabs.addTab(self.objects, self.tr("Objects ({0:,})").format(len(objects) + unlisted))

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.tabs, 1)
        buttons = QDialogButtonBox(self)
        self.import_button: QPushButton | None
        if any(item.importable for item in files):
            self.import_button = buttons.addButton(self.tr("&Import"), QDialogButtonBox.ButtonRole.AcceptRole)
            self.import_button.setToolTip(self.tr("Keep these objects in the workspace"))
            self.import_button.setDefault(True)
            cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
            cancel.setToolTip(self.tr("Keep nothing"))
        else:
            nothing = (
                self.tr("Nothing new: every object in this file is already stored.")
                if len(files) == 1
                else self.tr("Nothing to import: no file would change the workspace.")
            )
            layout.addWidget(plain_label(nothing, self))
            self.import_button = None
            buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        resize_within_screen(self, 820, 560)

    @property
    def importable(self) -> list[FilePreview]:
        return [item for item in self.files if item.importable]
