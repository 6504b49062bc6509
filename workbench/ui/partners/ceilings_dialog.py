"""Changing what a partner may receive from us and send us."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QVBoxLayout, QWidget

from workbench.app.session import Session, StoreChange
from workbench.app.tasks import TaskFailure, TaskHandle
from workbench.services import exchange
from workbench.services.exchange import Partner
from workbench.ui.common.dialogs import show_error
from workbench.ui.common.text import plain_label
from workbench.ui.common.tlp_box import TlpBox


class CeilingsDialog(QDialog):
    ceilings_changed = Signal(object)
    """The ``Partner`` with its new ceilings."""

    def __init__(self, session: Session, partner: Partner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ceilingsDialog")
        self.setWindowTitle(self.tr("Ceilings"))
        self.setMinimumWidth(480)
        self._session = session
        self._partner = partner
        self._task: TaskHandle | None = None
        self.send = TlpBox(self, selected=partner.tlp_send)
        self.send.setAccessibleName(self.tr("May receive from us"))
        self.accept_box = TlpBox(self, selected=partner.tlp_accept)
        self.accept_box.setAccessibleName(self.tr("May send us"))
        form = QFormLayout()
        form.addRow(self.tr("May &receive from us:"), self.send)
        form.addRow(self.tr("May &send us:"), self.accept_box)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            plain_label(
                self.tr(
                    "What may cross between us and {0}. Packages already written or imported are not judged again."
                ).format(partner.name),
                self,
                wrap=True,
            )
        )
        layout.addLayout(form)
        layout.addWidget(buttons)
        session.locking.connect(self.reject)

    def _save(self) -> None:
        if self._task is not None:
            return
        name, send, accept = self._partner.name, self.send.level(), self.accept_box.level()
        if send is None or accept is None:
            return
        task = self._session.run(
            "partner ceilings", lambda ws, _control: exchange.set_ceilings(ws, name, tlp_send=send, tlp_accept=accept)
        )
        self._task = task
        task.succeeded.connect(self._saved)
        task.failed.connect(self._failed)

    def _saved(self, partner: Partner) -> None:
        self._task = None
        self._session.notify_changed(StoreChange("partner", self.tr("Ceilings of {0} changed.").format(partner.name)))
        self.ceilings_changed.emit(partner)
        self.accept()

    def _failed(self, failure: TaskFailure) -> None:
        self._task = None
        show_error(self, failure.message, title=self.tr("Ceilings not changed"))
