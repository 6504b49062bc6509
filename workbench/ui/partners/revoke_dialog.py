"""Revoking a partner's key: now, or as of an earlier moment when a compromise is suspected (recorded; every
package and receipt the key signed is refused from then on, whatever its date, unless one is re-admitted)."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QDateTime, QTimeZone, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QButtonGroup,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from workbench.app.session import Session, StoreChange
from workbench.app.tasks import TaskFailure, TaskHandle
from workbench.domain.timestamps import format_stix_timestamp
from workbench.services import exchange
from workbench.services.exchange import PartnerKey
from workbench.ui.common.dialogs import show_error
from workbench.ui.common.text import plain_label
from workbench.ui.partners.partners_model import KeyRow


class RevokeKeyDialog(QDialog):
    key_revoked = Signal(object)
    """The ``PartnerKey`` as revoked."""

    def __init__(self, session: Session, row: KeyRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("revokeDialog")
        self.setWindowTitle(self.tr("Revoke a partner key"))
        self.setMinimumWidth(600)
        self._session = session
        self._row = row
        self._task: TaskHandle | None = None
        whose = plain_label(self.tr("Revoke this key of {0}:").format(row.partner.name), self, wrap=True)
        fingerprint = plain_label(row.key.fingerprint, self, selectable=True)
        fingerprint.setObjectName("revokeFingerprint")
        fingerprint.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        fingerprint.setAccessibleName(self.tr("Fingerprint"))
        intro = plain_label(
            self.tr(
                "Every package and receipt this key signed is refused from now on, whatever date it claims (a stolen"
                " key can write any date); the moment below is recorded. A package or receipt you trust can be"
                " re-admitted by its id, which its refusal names. This cannot be undone; pin a new key to exchange"
                " again."
            ),
            self,
            wrap=True,
            selectable=True,
        )
        self.now_button = QRadioButton(self.tr("&Now"), self)
        self.now_button.setChecked(True)
        self.since_button = QRadioButton(self.tr("&Since (suspected compromise):"), self)
        group = QButtonGroup(self)
        group.addButton(self.now_button)
        group.addButton(self.since_button)
        utc = QTimeZone.utc()
        now = QDateTime.currentDateTimeUtc()
        self.since = QDateTimeEdit(now.addDays(-1), self)
        self.since.setTimeZone(utc)
        self.since.setDisplayFormat("yyyy-MM-dd HH:mm 'UTC'")
        self.since.setCalendarPopup(True)
        self.since.setMaximumDateTime(now)
        self.since.setAccessibleName(self.tr("Revoked since"))
        self.since.setToolTip(
            self.tr("Recorded as when the compromise began; everything the key signed is refused, whatever its date")
        )
        self.since.setEnabled(False)
        self.since_button.toggled.connect(self.since.setEnabled)
        self.reason = QLineEdit(self)
        self.reason.setObjectName("revokeReason")
        self.reason.setAccessibleName(self.tr("Reason"))
        self.reason.setMaxLength(500)
        self.reason.setPlaceholderText(self.tr("e.g. laptop of their transfer station stolen"))
        form = QFormLayout()
        form.addRow(self.now_button)
        form.addRow(self.since_button, self.since)
        form.addRow(self.tr("&Reason:"), self.reason)
        buttons = QDialogButtonBox(self)
        self.revoke_button = buttons.addButton(self.tr("Re&voke key"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.revoke_button.setObjectName("revokeButton")
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setDefault(True)  # a destructive action is never the default
        buttons.accepted.connect(self._revoke)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(whose)
        layout.addWidget(fingerprint)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)
        session.locking.connect(self.reject)

        self.opened_with = self.state()

    @property
    def key_id(self) -> str:
        return self._row.key.key_id

    def state(self) -> dict[str, object]:
        """What was entered, as JSON values: kept at locking when it differs from ``opened_with``."""
        return {
            "since": self.since.dateTime().toSecsSinceEpoch() if self.since_button.isChecked() else None,
            "reason": self.reason.text(),
        }

    def put_back(self, kept: dict[str, object]) -> None:
        """Show what ``state`` returned before the workspace locked."""
        since = kept.get("since")
        if isinstance(since, int):
            self.since_button.setChecked(True)
            self.since.setDateTime(QDateTime.fromSecsSinceEpoch(since, QTimeZone.utc()))
        reason = kept.get("reason")
        self.reason.setText(reason if isinstance(reason, str) else "")

    def since_stamp(self) -> str | None:
        """The revocation moment as a STIX timestamp (None: now)."""
        if not self.since_button.isChecked():
            return None
        moment = self.since.dateTime().toUTC()
        return format_stix_timestamp(datetime.fromtimestamp(moment.toSecsSinceEpoch(), UTC))

    def _revoke(self) -> None:
        if self._task is not None:
            return
        key_id, since = self._row.key.key_id, self.since_stamp()
        reason = self.reason.text().strip() or None
        task = self._session.run(
            "revoke key", lambda ws, _control: exchange.revoke_key(ws, key_id, since=since, reason=reason)
        )
        self._task = task
        self.revoke_button.setEnabled(False)
        task.succeeded.connect(self._revoked)
        task.failed.connect(self._failed)

    def _revoked(self, key: PartnerKey) -> None:
        self._task = None
        self._session.notify_changed(
            StoreChange("partner", self.tr("Revoked a key of {0}.").format(self._row.partner.name))
        )
        self.key_revoked.emit(key)
        self.accept()

    def _failed(self, failure: TaskFailure) -> None:
        self._task = None
        self.revoke_button.setEnabled(True)
        show_error(self, failure.message, title=self.tr("Key not revoked"), detail=self.tr("Nothing was changed."))
