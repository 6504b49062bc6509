"""The audit screen: filter by action, and "Verify chain" with its verdict."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workbench.app.tasks import Lane, TaskFailure
from workbench.services import audit_trail
from workbench.services.audit_trail import ChainReport
from workbench.ui.audit.audit_model import AuditModel, Columns
from workbench.ui.common.screen import AppContext, Screen
from workbench.ui.common.text import plain_label
from workbench.ui.common.views import read_only_rows

_OK_STYLE = "QLabel { background: #e6f4ea; color: #0d652d; padding: 6px; border-radius: 4px; font-weight: bold; }"
_BAD_STYLE = "QLabel { background: #fce8e6; color: #a50e0e; padding: 6px; border-radius: 4px; font-weight: bold; }"


class AuditScreen(Screen):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.setObjectName("auditScreen")
        session = context.session
        self.model = AuditModel(session, self)
        self.action_box = QComboBox(self)
        self.action_box.setAccessibleName(self.tr("Action"))
        self.action_box.setToolTip(self.tr("Show one kind of action only"))
        self.action_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.action_box.currentIndexChanged.connect(lambda _index: self.model.set_action(self.action_box.currentData()))
        self.verify_button = QPushButton(self.tr("&Verify chain"), self)
        self.verify_button.setToolTip(self.tr("Recompute every entry's hash: an edited or deleted entry is named"))
        self.verify_button.clicked.connect(self.verify)
        self.verdict = plain_label("", self, wrap=True)
        self.verdict.setObjectName("auditVerdict")
        self.verdict.setAccessibleName(self.tr("Chain verification result"))
        self.verdict.hide()
        self.table = QTableView(self)
        self.table.setObjectName("auditTable")
        self.table.setAccessibleName(self.tr("Audit log"))
        self.table.setModel(self.model)
        read_only_rows(self.table)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        for column, width in ((Columns.SEQ, 70), (Columns.TIME, 160), (Columns.ACTION, 200)):
            header.resizeSection(column, width)
        top = QHBoxLayout()
        top.addWidget(plain_label(self.tr("Action:"), self))
        top.addWidget(self.action_box)
        top.addStretch(1)
        top.addWidget(self.verify_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(top)
        layout.addWidget(self.verdict)
        layout.addWidget(self.table, 1)
        self._fill_actions([])
        self.model.load_failed.connect(self._load_failed)
        session.opened.connect(lambda _info: self._refresh())
        session.locking.connect(self._locking)
        session.store_changed.connect(lambda _change: self._refresh())
        self.last_report: ChainReport | None = None

    def _refresh(self) -> None:
        self.model.reload()
        task = self.context.session.run("audit actions", lambda ws, _control: audit_trail.actions(ws))
        task.succeeded.connect(self._fill_actions)

    def _load_failed(self, message: str) -> None:
        self.verdict.setStyleSheet(_BAD_STYLE)
        self.verdict.setText(self.tr("The log could not be read: {0}").format(message))
        self.verdict.show()

    def _fill_actions(self, actions: list[str]) -> None:
        kept = self.action_box.currentData()
        self.action_box.blockSignals(True)
        self.action_box.clear()
        self.action_box.addItem(self.tr("All actions"), None)
        for action in actions:
            self.action_box.addItem(action, action)
        found = self.action_box.findData(kept) if kept else 0
        self.action_box.setCurrentIndex(max(found, 0))
        self.action_box.blockSignals(False)

    def _locking(self) -> None:
        self.model.clear()
        self._fill_actions([])
        self.verdict.hide()
        self.last_report = None

    def verify(self) -> None:
        """Check the whole hash chain off the GUI thread and show the verdict above the table."""
        self.verify_button.setEnabled(False)
        self.verdict.setStyleSheet("")
        self.verdict.setText(self.tr("Verifying the chain…"))
        self.verdict.show()
        task = self.context.session.run(
            "verify audit chain", lambda ws, _control: audit_trail.verify(ws), lane=Lane.LONG
        )
        task.succeeded.connect(self._verified)
        task.failed.connect(self._verify_failed)
        task.finished.connect(lambda: self.verify_button.setEnabled(True))

    def _verified(self, report: ChainReport) -> None:
        self.last_report = report
        if report.ok:
            self.verdict.setStyleSheet(_OK_STYLE)
            self.verdict.setText(self.tr("✔ Chain intact: all {0:,} entries verify.").format(report.entries))
            self.model.mark_broken(None)
        else:
            self.verdict.setStyleSheet(_BAD_STYLE)
            self.verdict.setText(self.tr("✘ Chain broken at entry {0}: {1}").format(report.broken_seq, report.reason))
            self.model.mark_broken(report.broken_seq)
            row = self.model.row_of_seq(report.broken_seq) if report.broken_seq is not None else None
            if row is not None:
                self.table.scrollTo(self.model.index(row, 0))
        self.context.status(self.verdict.text())

    def _verify_failed(self, failure: TaskFailure) -> None:
        self.verdict.setStyleSheet(_BAD_STYLE)
        self.verdict.setText(failure.message)

    def focus_first(self) -> None:
        self.table.setFocus()

    def save_layout(self) -> None:
        self.context.settings.save_layout("audit/header", self.table.horizontalHeader().saveState())
