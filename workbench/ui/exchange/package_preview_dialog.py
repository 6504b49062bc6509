"""The preview of a package import: the verdict (who signed it, sequence, dates, TLP ceiling, warnings such as a
sequence gap), what it would change (new, updated, unchanged, older, conflicts, refused with reasons) and the cases
it carries on the Summary tab; every object with its state, filterable, and what an update changes on the Objects
tab. Nothing is kept until the analyst confirms."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from workbench.services.exchange import PackageImport
from workbench.services.intake import Imported
from workbench.services.keys import format_fingerprint
from workbench.ui.common.fit import resize_within_screen
from workbench.ui.common.list_model import size_text, when_text
from workbench.ui.common.text import plain_label
from workbench.ui.exchange.models import WARNING_COLOUR
from workbench.ui.importing.objects_panel import ObjectsPanel, listed_objects
from workbench.ui.importing.summary_parts import findings_table, summary_counts


class PackagePreviewDialog(QDialog):
    """Accepted: import for real. Rejected: nothing is kept."""

    def __init__(self, name: str, preview: Imported, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("packagePreview")
        self.setWindowTitle(self.tr("Import package"))
        result = preview.result
        assert isinstance(result, PackageImport), "receipts are confirmed without a preview"
        self.preview = preview
        verdict, summary = result.verdict, result.summary
        partner = verdict.partner or verdict.producer.name
        heading = plain_label(self.tr("Package {0} from {1}").format(verdict.sequence, partner), self, wrap=True)
        heading.setObjectName("previewHeading")
        font = QFont(heading.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        heading.setFont(font)
        verified = plain_label(
            self.tr(
                "✔ Signature, files and markings verified against {0}'s pinned key. "
                "Nothing is imported until you confirm."
            ).format(partner),
            self,
            wrap=True,
        )
        verified.setObjectName("verifiedNote")

        page = QWidget(self)
        facts_box = QGroupBox(self.tr("Verified package"), page)
        facts = QFormLayout(facts_box)
        for label, value in (
            (self.tr("Signed with key:"), format_fingerprint(verdict.producer.key_id[:32]) + " …"),
            (self.tr("Producer named inside:"), verdict.producer.name),
            (self.tr("Created (UTC):"), when_text(verdict.created)),
            (self.tr("Expires (UTC):"), when_text(verdict.expires)),
            (self.tr("TLP ceiling:"), verdict.tlp_ceiling.label),
            (self.tr("Objects:"), self.tr("{0:,} ({1})").format(verdict.object_count, size_text(verdict.size))),
            (self.tr("Package id:"), verdict.package_id),
        ):
            facts.addRow(label, plain_label(value, facts_box, selectable=True))

        self.warnings: list[QLabel] = []
        for warning in verdict.warnings:
            label = plain_label("⚠ " + warning, page, wrap=True)
            label.setStyleSheet(f"QLabel {{ color: {WARNING_COLOUR.name()}; font-weight: bold; }}")
            label.setAccessibleName(self.tr("Warning"))
            self.warnings.append(label)

        counts_box = QGroupBox(self.tr("What importing it would change"), page)
        counts, self.counts = summary_counts(summary, counts_box)
        counts_box.setLayout(counts)

        column = QVBoxLayout(page)
        column.addWidget(facts_box)
        for label in self.warnings:
            column.addWidget(label)
        column.addWidget(counts_box)
        for message in preview.messages:
            column.addWidget(plain_label(message, page, wrap=True))
        if not summary.changed_anything:
            column.addWidget(
                plain_label(
                    self.tr(
                        "Nothing new: every object is already stored. Importing records the "
                        "package as received, so that a receipt can be written."
                    ),
                    page,
                    wrap=True,
                )
            )
        self.findings_view = findings_table(summary, page, column)
        if self.findings_view is None:
            column.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(page)
        objects = listed_objects(name, summary)
        self.objects = ObjectsPanel(objects, summary.objects_unlisted, self)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("previewTabs")
        self.tabs.addTab(scroll, self.tr("Summary"))
        self.tabs.addTab(self.objects, self.tr("Objects ({0:,})").format(len(objects) + summary.objects_unlisted))

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(verified)
        layout.addWidget(self.tabs, 1)
        buttons = QDialogButtonBox(self)
        self.import_button = buttons.addButton(self.tr("&Import"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setToolTip(self.tr("Keep what the package brings; the package is recorded as received"))
        self.import_button.setDefault(True)
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setToolTip(self.tr("Import nothing; the package stays on the medium"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        resize_within_screen(self, 820, 600)
