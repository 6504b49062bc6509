"""What a partner's packages may do: the STIX identity pinned for them (the author whose objects their packages may
version), the longest validity a package of theirs may claim, the largest step of their sequence accepted without
asking, and, after a restore from backup, the last sequence they received from us (``keys trust`` and ``keys
advance`` on the command line)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QLineEdit, QSpinBox, QWidget

from workbench.app.session import Session
from workbench.services import exchange
from workbench.services.exchange import Partner
from workbench.services.exchange.partners import MAX_LIFETIME_DAYS
from workbench.services.workspace import Workspace
from workbench.ui.partners.partner_change_dialog import PartnerChangeDialog

#: The largest sequence a partner may have received (as ``exchange.advance_outgoing`` accepts).
LAST_SEQUENCE = 2**31 - 1


class TrustDialog(PartnerChangeDialog):
    def __init__(self, session: Session, partner: Partner, parent: QWidget | None = None) -> None:
        super().__init__(session, partner, self.tr("Trust"), parent)
        self.setObjectName("trustDialog")
        self.identity = QLineEdit(partner.identity_ref or "", self)
        self.identity.setPlaceholderText("identity--…")
        self.identity.setCursorPosition(0)
        self.identity.setMinimumWidth(self.identity.fontMetrics().horizontalAdvance("identity--" + "0" * 38))
        self.identity.setAccessibleName(self.tr("Their STIX identity"))
        self.identity.setToolTip(
            self.tr("Their packages may version only objects this identity created; once pinned it can be changed")
        )
        self.lifetime = QSpinBox(self)
        self.lifetime.setRange(1, MAX_LIFETIME_DAYS)
        self.lifetime.setSuffix(self.tr(" days"))
        self.lifetime.setValue(partner.max_lifetime_days)
        self.lifetime.setAccessibleName(self.tr("Longest package validity"))
        self.jump = QSpinBox(self)
        self.jump.setRange(1, 1_000_000)
        self.jump.setValue(partner.max_sequence_jump)
        self.jump.setAccessibleName(self.tr("Largest sequence jump"))
        self.last_received = QSpinBox(self)
        self.last_received.setRange(0, LAST_SEQUENCE)
        self.last_received.setSpecialValueText(self.tr("unchanged"))
        self.last_received.setAccessibleName(self.tr("Last package they received from us"))
        self.last_received.setToolTip(
            self.tr(
                "After a restore from backup: the sequence number of the last package they imported from us, as "
                "they read it out. Our next package to them follows it."
            )
        )
        self.form.addRow(self.tr("Their STIX &identity:"), self.identity)
        self.form.addRow(self.tr("Packages valid for at &most:"), self.lifetime)
        self.form.addRow(self.tr("Sequence &jumps accepted up to:"), self.jump)
        self.form.addRow(self.tr("&Last package they received from us:"), self.last_received)
        self.set_intro(
            self.tr(
                "What packages from {0} may do. A package beyond these bounds is refused with its reason, and "
                "the Inbox offers to accept a confirmed sequence jump."
            ).format(partner.name)
        )
        self.opened_with = self.state()

    def state(self) -> dict[str, Any]:
        return {
            "identity": self.identity.text(),
            "lifetime": self.lifetime.value(),
            "jump": self.jump.value(),
            "last_received": self.last_received.value(),
        }

    def put_back(self, kept: dict[str, Any]) -> None:
        identity = kept.get("identity")
        if isinstance(identity, str):
            self.identity.setText(identity)
            self.identity.setCursorPosition(0)
        for box, key in ((self.lifetime, "lifetime"), (self.jump, "jump"), (self.last_received, "last_received")):
            value = kept.get(key)
            if isinstance(value, int) and not isinstance(value, bool):
                box.setValue(value)  # a spin box keeps a value within its range

    def change(self) -> Callable[[Workspace, object], Partner] | None:
        name = self._partner.name
        identity = self.identity.text().strip()
        changed_identity = identity if identity and identity != (self._partner.identity_ref or "") else None
        lifetime, jump, last = self.lifetime.value(), self.jump.value(), self.last_received.value()

        def save(ws: Workspace, _control: object) -> Partner:
            return exchange.set_partner_trust(
                ws,
                name,
                identity_ref=changed_identity,
                max_lifetime_days=lifetime,
                max_sequence_jump=jump,
                last_received=last or None,
            )

        return save

    def saved_text(self, partner: Partner) -> str:
        return self.tr("Trust of {0} changed.").format(partner.name)

    def refused_title(self) -> str:
        return self.tr("Trust not changed")
