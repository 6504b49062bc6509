"""A partner's trust bounds: the STIX identity pinned for them, how long their packages may claim to stay valid, and
how far their sequence may jump before a package is refused (``exchange.set_partner_trust``, as ``workbench keys
trust`` does). A refusal shows in the dialog, in words; everything typed stays."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLineEdit, QSpinBox, QVBoxLayout, QWidget

from workbench.app.session import Session, StoreChange
from workbench.app.tasks import TaskFailure, TaskHandle
from workbench.services import exchange
from workbench.services.exchange import Partner
from workbench.services.exchange.partners import MAX_LIFETIME_DAYS
from workbench.ui.cases.field_form import ErrorBanner
from workbench.ui.common.text import plain_label

#: The largest sequence jump the dialog offers (the service has no upper bound; a larger one is no bound at all).
MAX_JUMP = 1_000_000


class TrustDialog(QDialog):
    trust_changed = Signal(object)
    """The ``Partner`` with its new bounds."""

    def __init__(self, session: Session, partner: Partner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trustDialog")
        self.setWindowTitle(self.tr("Trust bounds of {0}").format(partner.name))
        self.setAccessibleName(self.windowTitle())
        self.setMinimumWidth(520)
        self._session = session
        self._partner = partner
        self._task: TaskHandle | None = None
        self.error = ErrorBanner(self)
        self.identity = QLineEdit(partner.identity_ref or "", self)
        self.identity.setObjectName("trustIdentity")
        self.identity.setPlaceholderText("identity--…")
        self.identity.setCursorPosition(0)
        self.identity.setAccessibleName(self.tr("Pinned STIX identity"))
        self.identity.setToolTip(
            self.tr("The producer identity their packages must name; without it they may add objects but version none")
        )
        self.lifetime = QSpinBox(self)
        self.lifetime.setObjectName("trustLifetime")
        self.lifetime.setRange(1, MAX_LIFETIME_DAYS)
        self.lifetime.setValue(partner.max_lifetime_days)
        self.lifetime.setSuffix(self.tr(" days"))
        self.lifetime.setAccessibleName(self.tr("Packages valid for at most"))
        self.jump = QSpinBox(self)
        self.jump.setObjectName("trustJump")
        self.jump.setRange(1, max(MAX_JUMP, partner.max_sequence_jump))
        self.jump.setValue(partner.max_sequence_jump)
        self.jump.setGroupSeparatorShown(True)
        self.jump.setAccessibleName(self.tr("Largest sequence jump accepted"))
        self.jump.setToolTip(self.tr("A package further ahead is refused until the analyst accepts the jump"))
        form = QFormLayout()
        form.addRow(self.tr("Pinned &identity:"), self.identity)
        form.addRow(self.tr("Packages valid for at &most:"), self.lifetime)
        form.addRow(self.tr("Largest sequence &jump:"), self.jump)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.error)
        layout.addWidget(
            plain_label(
                self.tr(
                    "What is accepted from {0} beyond their signature. Packages already imported are not judged again."
                ).format(partner.name),
                self,
                wrap=True,
            )
        )
        layout.addLayout(form)
        layout.addWidget(buttons)
        session.locking.connect(self.reject)

    def save(self) -> None:
        if self._task is not None:
            return
        name = self._partner.name
        typed = self.identity.text().strip()
        identity = typed if typed and typed != (self._partner.identity_ref or "") else None  # None: as it is
        lifetime, jump = self.lifetime.value(), self.jump.value()
        self.error.clear()
        self.save_button.setEnabled(False)
        task = self._session.run(
            "partner trust",
            lambda ws, _control: exchange.set_partner_trust(
                ws, name, identity_ref=identity, max_lifetime_days=lifetime, max_sequence_jump=jump
            ),
        )
        self._task = task
        task.succeeded.connect(self._saved)
        task.failed.connect(self._failed)

    def _saved(self, partner: Partner) -> None:
        self._task = None
        self._session.notify_changed(
            StoreChange("partner", self.tr("Trust bounds of {0} changed.").format(partner.name))
        )
        self.trust_changed.emit(partner)
        self.accept()

    def _failed(self, failure: TaskFailure) -> None:
        self._task = None
        self.save_button.setEnabled(True)
        self.error.show_message(failure.message)
