"""Changing what a partner may receive from us and send us."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QWidget

from workbench.app.session import Session
from workbench.services import exchange
from workbench.services.exchange import Partner
from workbench.services.workspace import Workspace
from workbench.ui.common.tlp_box import TlpBox
from workbench.ui.partners.partner_change_dialog import PartnerChangeDialog


class CeilingsDialog(PartnerChangeDialog):
    def __init__(self, session: Session, partner: Partner, parent: QWidget | None = None) -> None:
        super().__init__(session, partner, self.tr("Ceilings"), parent)
        self.setObjectName("ceilingsDialog")
        self.setMinimumWidth(480)
        self.send = TlpBox(self, selected=partner.tlp_send)
        self.send.setAccessibleName(self.tr("May receive from us"))
        self.accept_box = TlpBox(self, selected=partner.tlp_accept)
        self.accept_box.setAccessibleName(self.tr("May send us"))
        self.form.addRow(self.tr("May &receive from us:"), self.send)
        self.form.addRow(self.tr("May &send us:"), self.accept_box)
        self.set_intro(
            self.tr(
                "What may cross between us and {0}. Packages already written or imported are not judged again."
            ).format(partner.name)
        )
        self.opened_with = self.state()

    def state(self) -> dict[str, Any]:
        send, accept = self.send.level(), self.accept_box.level()
        return {
            "send": int(send) if send is not None else None,
            "accept": int(accept) if accept is not None else None,
        }

    def put_back(self, kept: dict[str, Any]) -> None:
        for box, key in ((self.send, "send"), (self.accept_box, "accept")):
            found = box.findData(kept.get(key))
            if found >= 0:
                box.setCurrentIndex(found)

    def change(self) -> Callable[[Workspace, object], Partner] | None:
        name, send, accept = self._partner.name, self.send.level(), self.accept_box.level()
        if send is None or accept is None:
            return None
        return lambda ws, _control: exchange.set_ceilings(ws, name, tlp_send=send, tlp_accept=accept)

    def saved_text(self, partner: Partner) -> str:
        return self.tr("Ceilings of {0} changed.").format(partner.name)

    def refused_title(self) -> str:
        return self.tr("Ceilings not changed")
