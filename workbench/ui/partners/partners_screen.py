"""The Partners screen: our own key (fingerprint for the phone call, Copy, Export public key…) above every pinned
key with its partner's ceilings, pinned identity, trust bounds and state; add, change ceilings or trust, revoke."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workbench.app.session import SessionInfo, StoreChange
from workbench.app.tasks import Lane, TaskHandle
from workbench.services import exchange, keys
from workbench.services.exchange import Partner
from workbench.services.keys import fingerprint_lines
from workbench.ui.common.list_model import when_text
from workbench.ui.common.screen import AppContext, SaveDone, Screen, UnsavedWork
from workbench.ui.common.text import plain_label
from workbench.ui.exchange.inbox_panel import make_table
from workbench.ui.partners.add_partner_dialog import AddPartnerDialog
from workbench.ui.partners.ceilings_dialog import CeilingsDialog
from workbench.ui.partners.export_key_dialog import ExportKeyDialog, copy_fingerprint, fingerprint_label
from workbench.ui.partners.markings_dialog import MarkingsDialog
from workbench.ui.partners.partner_change_dialog import PartnerChangeDialog
from workbench.ui.partners.partners_model import KeyRow, PartnersModel, key_rows, state_text
from workbench.ui.partners.revoke_dialog import RevokeKeyDialog
from workbench.ui.partners.trust_dialog import TrustDialog


def _t(text: str) -> str:
    return QCoreApplication.translate("Partners", text)


def row_facts(row: KeyRow) -> list[tuple[str, str]]:
    """The selected key's facts as (label, plain text) pairs for the pane under the table."""
    key, partner = row.key, row.partner
    state = state_text(key) + (_t(" · packages to them address this key") if row.current else "")
    facts = [
        (_t("Partner:"), partner.name),
        (_t("Key fingerprint:"), fingerprint_lines(key.key_id)),
        (_t("State:"), state),
        (
            _t("Ceilings:"),
            _t("may receive {0} from us · may send us {1}").format(partner.tlp_send.label, partner.tlp_accept.label),
        ),
        (
            _t("Their identity:"),
            partner.identity_ref or _t("not pinned: their packages may version no object of ours or of others"),
        ),
        (
            _t("Trust bounds:"),
            _t("packages valid for at most {0} days · sequence jumps up to {1}").format(
                partner.max_lifetime_days, partner.max_sequence_jump
            ),
        ),
        (
            _t("Validity:"),
            _t("from {0} until {1} · pinned {2} UTC").format(
                when_text(key.valid_from)[:10] or "—", when_text(key.valid_until)[:10] or "—", when_text(key.added_at)
            ),
        ),
    ]
    if key.revoked_reason:
        facts.append((_t("Reason for revoking:"), key.revoked_reason))
    return facts


class PartnersScreen(Screen):
    dialog_opened = Signal(object)
    """The add, ceilings, trust or revoke dialog now open."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.setObjectName("partnersScreen")
        self.setAccessibleName(self.tr("Partners"))
        session = context.session
        self.add_button = QPushButton(self.tr("&Add partner…"), self)
        self.add_button.setObjectName("addPartnerButton")
        self.add_button.setToolTip(
            self.tr("Pin a partner's public key from a PEM file, after comparing its fingerprint")
        )
        self.add_button.clicked.connect(self.add_partner)
        self.ceilings_button = QPushButton(self.tr("&Ceilings…"), self)
        self.ceilings_button.setToolTip(self.tr("Change what the selected partner may receive from us and send us"))
        self.ceilings_button.clicked.connect(self.change_ceilings)
        self.revoke_button = QPushButton(self.tr("&Revoke key…"), self)
        self.revoke_button.setObjectName("revokeKeyButton")
        self.revoke_button.setToolTip(self.tr("Refuse what the selected key signs from now, or from an earlier moment"))
        self.revoke_button.clicked.connect(self.revoke_key)
        self.trust_button = QPushButton(self.tr("&Trust…"), self)
        self.trust_button.setObjectName("trustButton")
        self.trust_button.setToolTip(
            self.tr("Pin the selected partner's STIX identity, bound their packages' validity and sequence jumps")
        )
        self.trust_button.clicked.connect(self.change_trust)
        self.markings_button = QPushButton(self.tr("&Markings…"), self)
        self.markings_button.setObjectName("markingsButton")
        self.markings_button.setToolTip(
            self.tr("What each marking means here; map the ones not understood to a TLP level")
        )
        self.markings_button.clicked.connect(self.show_markings)
        intro = plain_label(
            self.tr(
                "Partner agencies and the public keys pinned for them. Packages and receipts are "
                "trusted only when signed with a valid pinned key."
            ),
            self,
            wrap=True,
        )
        self.own_box = self._own_key_box()
        top = QHBoxLayout()
        top.addWidget(intro, 1)
        for button in (
            self.add_button,
            self.ceilings_button,
            self.trust_button,
            self.revoke_button,
            self.markings_button,
        ):
            top.addWidget(button)
        self.model = PartnersModel(self)
        columns = PartnersModel.Columns
        self.table = make_table(
            self,
            self.model,
            "partnersTable",
            self.tr("Partners and their keys"),
            {
                columns.PARTNER: 270,
                columns.KEY: 230,
                columns.STATE: 140,
                columns.MAY_RECEIVE: 140,
                columns.MAY_SEND: 105,
                columns.VALID_FROM: 90,
                columns.VALID_UNTIL: 90,
            },
        )
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.details = QGroupBox(self.tr("Selected key"), self)
        self.details.setObjectName("partnerDetails")
        form = QFormLayout(self.details)
        self.facts: list[QLabel] = []
        fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        fixed.setBold(True)
        for number in range(8):
            label, value = plain_label("", self.details), plain_label("", self.details, wrap=True, selectable=True)
            if number == 1:
                value.setFont(fixed)
                value.setObjectName("keyFingerprint")
            form.addRow(label, value)
            self.facts.extend((label, value))
        self.empty = plain_label(self.tr("No partner yet. Add partner… pins the first key."), self, wrap=True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.own_box)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addWidget(self.details)
        self.dialog: QDialog | None = None
        self._restoring: dict[str, Any] | None = None  # work kept at locking, put back once the partners are read
        self.partners: list[Partner] = []
        session.opened.connect(self._opened)
        session.store_changed.connect(self._store_changed)
        session.locking.connect(self._locking)
        self._update_buttons()
        header = context.settings.layout("partners/header")
        if header is not None:
            self.table.horizontalHeader().restoreState(header)

    def _own_key_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Our key"), self)
        box.setObjectName("ownKey")
        self.own_text = plain_label("", box, wrap=True)
        self.own_fingerprint = fingerprint_label(box)
        self.own_fingerprint.setObjectName("ownFingerprint")
        self.copy_button = QPushButton(self.tr("Cop&y fingerprint"), box)
        self.copy_button.setToolTip(self.tr("Copy our key's fingerprint to the clipboard, in groups of four"))
        self.copy_button.clicked.connect(self._copy_own)
        self.export_key_button = QPushButton(self.tr("E&xport public key…"), box)
        self.export_key_button.setObjectName("exportKeyButton")
        self.export_key_button.setToolTip(
            self.tr("Write our public key as a PEM file to a removable volume or a folder, for partners to pin")
        )
        self.export_key_button.clicked.connect(self.export_key)
        buttons = QVBoxLayout()
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.export_key_button)
        buttons.addStretch(1)
        text = QVBoxLayout()
        text.addWidget(self.own_text)
        text.addWidget(self.own_fingerprint)
        row = QHBoxLayout(box)
        row.addLayout(text, 1)
        row.addLayout(buttons)
        return box

    def _opened(self, info: SessionInfo) -> None:
        self.own_text.setText(
            self.tr("{0} signs its packages and receipts with this key. Partners compare its fingerprint:").format(
                info.org_name
            )
        )
        self.own_fingerprint.setText(keys.fingerprint_lines(info.fingerprint))
        self.reload()

    def _copy_own(self) -> None:
        info = self.context.session.info
        if info is not None:
            copy_fingerprint(info.fingerprint)
            self.context.status(self.tr("Our key's fingerprint was copied."))

    def export_key(self) -> ExportKeyDialog | None:
        """Export public key…: our key as a PEM file, written and read back."""
        info = self.context.session.info
        if info is None:
            return None
        session = self.context.session

        def write(path) -> TaskHandle:
            return session.run("export public key", lambda ws, _control: keys.export_public(ws, path), lane=Lane.LONG)

        dialog = ExportKeyDialog(info.org_name, info.fingerprint, write, self.window())
        dialog.key_exported.connect(
            lambda path: self.context.status(self.tr("Our public key was written to {0} and read back.").format(path))
        )
        self._open(dialog)
        return dialog

    # -- data --------------------------------------------------------------------------------------------------

    def reload(self) -> None:
        task = self.context.session.run("partners", lambda ws, _control: exchange.list_partners(ws))
        task.succeeded.connect(self._loaded)

    # -- a partner being added, changed or a key being revoked is unsaved work (``work_keeper``) ---------------

    def _typed(self) -> dict[str, Any] | None:
        dialog = self.dialog
        if dialog is None or not dialog.isVisible():
            return None
        if isinstance(dialog, (AddPartnerDialog, RevokeKeyDialog, PartnerChangeDialog)):
            state = dialog.state()
            if state != dialog.opened_with:
                if isinstance(dialog, RevokeKeyDialog):
                    return {"revoke": dialog.key_id, "state": state}
                if isinstance(dialog, CeilingsDialog):
                    return {"ceilings": dialog.partner_name, "state": state}
                if isinstance(dialog, TrustDialog):
                    return {"trust": dialog.partner_name, "state": state}
                return {"add": True, "state": state}
        return None

    def unsaved_work(self) -> list[UnsavedWork]:
        typed = self._typed()
        return [self._work(typed)] if typed is not None else []

    def pending_work(self) -> UnsavedWork | None:
        # Kept at the last locking and still waiting for the partners to be read.
        return self._work(self._restoring) if self._restoring is not None else None

    def _work(self, typed: dict[str, Any]) -> UnsavedWork:
        if "revoke" in typed:
            what = self.tr("Partners: the revocation of key {0}… being written").format(str(typed["revoke"])[:16])
        elif "ceilings" in typed:
            what = self.tr("Partners: the ceilings of {0} being changed").format(typed["ceilings"])
        elif "trust" in typed:
            what = self.tr("Partners: the trust of {0} being changed").format(typed["trust"])
        else:
            what = self.tr("Partners: a partner being added")
        return UnsavedWork(what, "partners", typed)

    def save_work(self, done: SaveDone) -> None:
        if self._typed() is not None:
            message = self.tr("Finish or cancel the Partners dialog first.")
            self.context.status(message)
            done(message)
            return
        done(None)

    def discard_work(self) -> None:
        self._restoring = None
        if self.dialog is not None:
            self.dialog.reject()

    def restore_work(self, content: dict[str, Any]) -> bool:
        if not isinstance(content.get("state"), dict) or not any(
            key in content for key in ("add", "revoke", "ceilings", "trust")
        ):
            return False
        self._restoring = content
        if self.partners:
            self._put_back()
        return True

    def _put_back(self) -> None:
        """Open the dialog kept at locking again, once the partners are read."""
        kept, self._restoring = self._restoring, None
        if kept is None:
            return
        if "add" in kept:
            added = self.add_partner()
            if added is not None:
                added.put_back(kept["state"])
            return
        for kind, open_dialog in (("ceilings", self.change_ceilings), ("trust", self.change_trust)):
            if kind in kept:
                name = kept[kind]
                found = next((n for n, row in enumerate(self.model.items) if row.partner.name == name), None)
                if found is None:
                    self.context.status(
                        self.tr("The partner {0} is gone; the change being made at locking is lost.").format(name)
                    )
                    return
                self.table.selectRow(found)
                changing = open_dialog()
                if changing is not None:
                    changing.put_back(kept["state"])
                return
        found = next((n for n, row in enumerate(self.model.items) if row.key.key_id == kept.get("revoke")), None)
        if found is None:
            self.context.status(self.tr("The key being revoked at locking is gone; what was typed is lost."))
            return
        self.table.selectRow(found)
        revoking = self.revoke_key()
        if revoking is None:
            self.context.status(self.tr("The key being revoked at locking was revoked since."))
            return
        revoking.put_back(kept["state"])

    def _loaded(self, partners: list[Partner]) -> None:
        selected = self.selected()
        self.partners = partners
        rows = key_rows(partners)
        self.model.set_items(rows)
        found = [number for number, row in enumerate(rows) if selected and row.key.key_id == selected.key.key_id]
        if rows:
            self.table.selectRow(found[0] if found else 0)
        self._show_facts(self.selected())
        self.empty.setVisible(not rows)
        self._update_buttons()
        if self._restoring is not None:
            self._put_back()

    def _store_changed(self, _change: StoreChange) -> None:
        if self.context.session.is_open:
            self.reload()

    def _locking(self) -> None:
        self._restoring = None
        if self.dialog is not None:
            self.dialog.reject()
        self.partners = []
        self.model.clear()
        self.own_text.setText("")
        self.own_fingerprint.setText("")
        self._show_facts(None)
        self._update_buttons()

    def selected(self) -> KeyRow | None:
        index = self.table.selectionModel().currentIndex()
        return self.model.item(index.row()) if index.isValid() else None

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_facts(self.model.item(current.row()))
        self._update_buttons()

    def _show_facts(self, row: KeyRow | None) -> None:
        facts = row_facts(row) if row is not None else []
        for number in range(0, len(self.facts), 2):
            label, value = self.facts[number], self.facts[number + 1]
            text = facts[number // 2] if number // 2 < len(facts) else ("", "")
            label.setText(text[0])
            value.setText(text[1])
            label.setVisible(bool(text[0]))
            value.setVisible(bool(text[0]))
        self.details.setVisible(row is not None)

    def details_text(self) -> str:
        """What the pane shows, as one text (for the screen reader's summary and tests)."""
        return "\n".join(label.text() for label in self.facts if label.isVisibleTo(self.details))

    def _update_buttons(self) -> None:
        row = self.selected()
        self.ceilings_button.setEnabled(row is not None)
        self.trust_button.setEnabled(row is not None)
        self.revoke_button.setEnabled(row is not None and row.key.revoked_at is None)

    # -- actions -----------------------------------------------------------------------------------------------

    def _open(self, dialog: QDialog) -> QDialog:
        self.dialog = dialog
        dialog.finished.connect(lambda _code: self._closed(dialog))
        dialog.open()
        self.dialog_opened.emit(dialog)
        return dialog

    def _closed(self, dialog: QDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def add_partner(self) -> AddPartnerDialog | None:
        if not self.context.session.is_open:
            return None
        dialog = AddPartnerDialog(self.context.session, [partner.name for partner in self.partners], self.window())
        dialog.partner_added.connect(
            lambda partner: self.context.status(
                self.tr("Pinned key {0}… for {1}.").format(dialog.key_id[:16] if dialog.key_id else "", partner.name)
            )
        )
        self._open(dialog)
        return dialog

    def change_ceilings(self) -> CeilingsDialog | None:
        row = self.selected()
        if row is None:
            return None
        dialog = CeilingsDialog(self.context.session, row.partner, self.window())
        self._open(dialog)
        return dialog

    def change_trust(self) -> TrustDialog | None:
        row = self.selected()
        if row is None:
            return None
        dialog = TrustDialog(self.context.session, row.partner, self.window())
        self._open(dialog)
        return dialog

    def revoke_key(self) -> RevokeKeyDialog | None:
        row = self.selected()
        if row is None or row.key.revoked_at is not None:
            return None
        dialog = RevokeKeyDialog(self.context.session, row, self.window())
        dialog.key_revoked.connect(
            lambda key: self.context.status(
                self.tr("Revoked key {0}… of {1}.").format(key.key_id[:16], row.partner.name)
            )
        )
        self._open(dialog)
        return dialog

    def show_markings(self) -> MarkingsDialog | None:
        if not self.context.session.is_open:
            return None
        dialog = MarkingsDialog(self.context.session, self.window())
        self._open(dialog)
        return dialog

    def focus_first(self) -> None:
        self.table.setFocus()

    def save_layout(self) -> None:
        self.context.settings.save_layout("partners/header", self.table.horizontalHeader().saveState())
