"""The parts both import previews show (a file's and a package's): what importing would change, counted, and the
table of refused objects and warnings."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFormLayout, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from workbench.services.importing.importer import Finding, ImportSummary
from workbench.ui.common.text import plain_label
from workbench.ui.common.views import read_only_rows
from workbench.ui.importing.findings_model import FindingsModel


def _t(text: str) -> str:
    return QCoreApplication.translate("ImportSummary", text)


def combined(summaries: list[ImportSummary]) -> ImportSummary:
    """The counts and findings of several files' dry runs added up (their objects stay with each file)."""
    total = ImportSummary(source="", sha256="", dry_run=True)
    for summary in summaries:
        for name in ("objects_read", "new", "new_versions", "unchanged", "older", "conflicts", "objects_refused"):
            setattr(total, name, getattr(total, name) + getattr(summary, name))
        prefix = f"{summary.source}: " if len(summaries) > 1 else ""
        total.refusal_reasons.extend(
            Finding(item.object_id, item.property, prefix + item.message, item.index)
            for item in summary.refusal_reasons
        )
        total.warnings.extend(
            Finding(item.object_id, item.property, prefix + item.message, item.index) for item in summary.warnings
        )
        total.warning_count += summary.warning_count
    return total


def summary_counts(summary: ImportSummary, parent: QWidget) -> tuple[QFormLayout, dict[str, QLabel]]:
    """A form of the counts (new, updated, unchanged, older, conflicts, refused), each label named ``count_KEY``."""
    form = QFormLayout()
    counts: dict[str, QLabel] = {}
    for key, label, value, tip in (
        ("new", _t("New objects:"), summary.new, _t("Objects not stored before")),
        (
            "new_versions",
            _t("Updated (newer versions):"),
            summary.new_versions,
            _t("A newer version of a stored object; it becomes current"),
        ),
        ("unchanged", _t("Unchanged:"), summary.unchanged, _t("Already stored exactly as they are")),
        ("older", _t("Older than stored:"), summary.older, _t("Kept as history; they never become current")),
        (
            "conflicts",
            _t("Conflicts:"),
            summary.conflicts,
            _t("Same modified time as a stored version but other content: held aside, current unchanged"),
        ),
        (
            "foreign",
            _t("Foreign versions (kept aside):"),
            summary.foreign,
            _t("Versions of stored objects sent by someone who is not their author: not current until accepted"),
        ),
        ("refused", _t("Refused objects:"), summary.objects_refused, _t("Objects not imported; the reasons are below")),
    ):
        count = plain_label(f"{value:,}", parent)
        count.setObjectName(f"count_{key}")
        count.setAccessibleName(label.rstrip(":"))
        count.setToolTip(tip)
        counts[key] = count
        form.addRow(label, count)
    return form, counts


def findings_table(summary: ImportSummary, parent: QWidget, layout: QVBoxLayout) -> QTableView | None:
    """The refused objects and warnings under a heading, added to ``layout``; None when there are none."""
    findings = [*summary.refusal_reasons, *summary.foreign_listed, *summary.warnings]
    if not findings:
        return None
    layout.addWidget(plain_label(_t("Refused objects and warnings:"), parent))
    view = QTableView(parent)
    view.setObjectName("refusedTable")
    view.setAccessibleName(_t("Refused objects and warnings"))
    view.setModel(FindingsModel(findings, view))
    read_only_rows(view, stored_objects=False)
    view.verticalHeader().hide()
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
    view.setColumnWidth(0, 260)
    layout.addWidget(view, 1)
    return view
