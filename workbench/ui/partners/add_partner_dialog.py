"""Pinning a partner's public key from a PEM file, after its fingerprint was compared by phone.

The key file is read once, when chosen; the fingerprint shown is the one of those bytes, and those same bytes are
pinned (a file changed after it was read cannot slip another key in). "Add" stays disabled until the analyst
confirms the comparison. A name already in the trust store adds a further key to that partner (a rotation).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics
from PySide6.QtWidgets import (
    QCheckBox,
    QCompleter,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workbench.app.session import Session, StoreChange
from workbench.app.tasks import TaskFailure, TaskHandle
from workbench.domain.errors import WorkbenchError
from workbench.domain.timestamps import format_stix_timestamp
from workbench.services import exchange
from workbench.services.exchange import Partner
from workbench.services.keys import MAX_PEM_SIZE, fingerprint_lines
from workbench.ui.common.dialogs import show_error
from workbench.ui.common.text import plain_label
from workbench.ui.common.tlp_box import TlpBox
from workbench.ui.exchange.models import REFUSED_COLOUR


def _date_stamp(date: QDate) -> str:
    return format_stix_timestamp(datetime(date.year(), date.month(), date.day(), tzinfo=UTC))


class AddPartnerDialog(QDialog):
    partner_added = Signal(object)
    """The ``Partner`` as pinned."""

    def __init__(self, session: Session, known: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("addPartnerDialog")
        self.setWindowTitle(self.tr("Add a partner"))
        self.setMinimumWidth(640)
        self._session = session
        self._known = {name.casefold(): name for name in known}
        self._pem: bytes | None = None
        self._task: TaskHandle | None = None
        self.key_id: str | None = None

        self.path = QLineEdit(self)
        self.path.setObjectName("keyFile")
        self.path.setAccessibleName(self.tr("Public key file"))
        self.path.setToolTip(self.tr("The partner's Ed25519 public key (PEM), as they exported it"))
        self.path.setPlaceholderText(self.tr("partner.pub.pem"))
        self.path.editingFinished.connect(self._read_key)
        browse = QPushButton(self.tr("&Choose…"), self)
        browse.setToolTip(self.tr("Choose the key file"))
        browse.clicked.connect(self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(browse)
        self.fingerprint = plain_label("", self, selectable=True)
        self.fingerprint.setObjectName("fingerprint")
        self.fingerprint.setAccessibleName(self.tr("Key fingerprint"))
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSizeF(QFont().pointSizeF() * 1.3)
        font.setBold(True)
        self.fingerprint.setFont(font)
        self.fingerprint.setMinimumHeight(QFontMetrics(font).lineSpacing() * 2 + 4)  # room for both lines
        self.key_problem = plain_label("", self, wrap=True)
        self.key_problem.setObjectName("keyProblem")
        self.key_problem.setStyleSheet(f"QLabel {{ color: {REFUSED_COLOUR.name()}; }}")
        self.name = QLineEdit(self)
        self.name.setObjectName("partnerName")
        self.name.setAccessibleName(self.tr("Partner name"))
        self.name.setMaxLength(200)
        self.name.setPlaceholderText(self.tr("e.g. National CSIRT of Nordmark"))
        self.name.setCompleter(QCompleter(known, self))
        self.name.textChanged.connect(lambda _text: self._update())
        self.rotation = plain_label("", self, wrap=True)
        self.identity = QLineEdit(self)
        self.identity.setObjectName("partnerIdentity")
        self.identity.setAccessibleName(self.tr("Partner STIX identity"))
        self.identity.setMaxLength(100)
        self.identity.setPlaceholderText(self.tr("identity--… (optional)"))
        self.identity.setToolTip(
            self.tr(
                "The STIX identity the partner names as the author of its objects. Their packages may update only "
                "objects it created; without it, they may add objects but update none."
            )
        )
        # Both ceilings are chosen on purpose: none is preselected.
        self.send = TlpBox(self, choose=self.tr("Choose a ceiling…"))
        self.send.setAccessibleName(self.tr("May receive from us"))
        self.send.setToolTip(self.tr("The highest marking that may leave for this partner"))
        self.accept_box = TlpBox(self, choose=self.tr("Choose a ceiling…"))
        self.accept_box.setAccessibleName(self.tr("May send us"))
        self.accept_box.setToolTip(self.tr("Packages or objects from them marked above this are refused"))
        for box in (self.send, self.accept_box):
            box.currentIndexChanged.connect(lambda _index: self._update())
        self.from_check, self.from_date = self._date_row(self.tr("Valid &from"), QDate.currentDate())
        self.until_check, self.until_date = self._date_row(self.tr("Valid &until"), QDate.currentDate().addYears(2))
        self.confirm = QCheckBox(
            self.tr("I read this fingerprint out with the partner by phone (or in person) and it &matches"), self
        )
        self.confirm.setObjectName("confirmFingerprint")
        self.confirm.toggled.connect(lambda _on: self._update())

        file_label = QLabel(self.tr("&Key file:"), self)  # our own text: the & gives Alt+K
        file_label.setBuddy(self.path)
        form = QFormLayout()
        form.addRow(file_label, path_row)
        form.addRow(self.tr("Fingerprint:"), self.fingerprint)
        form.addRow(self.key_problem)
        form.addRow(self.tr("&Name:"), self.name)
        form.addRow(self.rotation)
        form.addRow(self.tr("STIX &identity:"), self.identity)
        form.addRow(self.tr("May &receive from us:"), self.send)
        form.addRow(self.tr("May &send us:"), self.accept_box)
        form.addRow(self.from_check, self.from_date)
        form.addRow(self.until_check, self.until_date)
        buttons = QDialogButtonBox(self)
        self.add_button = buttons.addButton(self.tr("&Pin key"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.add_button.setObjectName("pinButton")
        self.add_button.setToolTip(self.tr("Trust packages and receipts signed with this key"))
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._add)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            plain_label(
                self.tr(
                    "Pin a partner's public key. Compare the fingerprint with the partner "
                    "over a second channel before you trust it: a key is never taken from "
                    "inside a package."
                ),
                self,
                wrap=True,
            )
        )
        layout.addLayout(form)
        layout.addWidget(self.confirm)
        layout.addWidget(buttons)
        session.locking.connect(self.reject)
        self._update()
        self.opened_with = self.state()

    def state(self) -> dict[str, object]:
        """What was entered, as JSON values: kept at locking when it differs from ``opened_with``. The fingerprint
        confirmation is not part of it: after unlocking the key file is read again and compared again."""
        return {
            "path": self.path.text(),
            "name": self.name.text(),
            "identity": self.identity.text(),
            "send": self.send.currentData(),
            "accept": self.accept_box.currentData(),
            "from": self.from_date.date().toString(Qt.DateFormat.ISODate) if self.from_check.isChecked() else None,
            "until": self.until_date.date().toString(Qt.DateFormat.ISODate) if self.until_check.isChecked() else None,
        }

    def put_back(self, kept: dict[str, object]) -> None:
        """Show what ``state`` returned before the workspace locked (the key file read again)."""
        for line, key in ((self.name, "name"), (self.identity, "identity")):
            text = kept.get(key)
            line.setText(text if isinstance(text, str) else "")
        for box, key in ((self.send, "send"), (self.accept_box, "accept")):
            found = box.findData(kept.get(key))
            if found >= 0:
                box.setCurrentIndex(found)
        for check, edit, key in (
            (self.from_check, self.from_date, "from"),
            (self.until_check, self.until_date, "until"),
        ):
            value = kept.get(key)
            check.setChecked(isinstance(value, str))
            if isinstance(value, str):
                edit.setDate(QDate.fromString(value, Qt.DateFormat.ISODate))
        path = kept.get("path")
        if isinstance(path, str) and path:
            self.set_key_file(path)

    def _date_row(self, text: str, date: QDate) -> tuple[QCheckBox, QDateEdit]:
        check = QCheckBox(text, self)
        edit = QDateEdit(date, self)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setAccessibleName(text.replace("&", ""))
        edit.setToolTip(self.tr("Midnight UTC of this day"))
        edit.setEnabled(False)
        check.toggled.connect(edit.setEnabled)
        return check, edit

    # -- the key file ------------------------------------------------------------------------------------------

    def _browse(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Partner's public key"),
            self.path.text(),
            self.tr("PEM public keys (*.pem *.pub);;All files (*)"),
        )
        if chosen:
            self.set_key_file(chosen)

    def set_key_file(self, path: str) -> None:
        self.path.setText(path)
        self._read_key()

    def _read_key(self) -> None:
        """Read the file once and show its fingerprint, or why it is not a key."""
        self._pem, self.key_id = None, None
        self.confirm.setChecked(False)
        self.fingerprint.setText("")
        self.key_problem.setText("")
        text = self.path.text().strip()
        if text:
            try:
                with open(Path(text).expanduser(), "rb") as handle:
                    data = handle.read(MAX_PEM_SIZE + 1)
                _der, key_id = exchange.read_public_key(data)
            except OSError as exc:
                self.key_problem.setText(
                    self.tr("{0} cannot be read: {1}").format(Path(text).name, exc.strerror or exc)
                )
            except WorkbenchError as exc:
                self.key_problem.setText(exc.message)
            else:
                self._pem, self.key_id = data, key_id
                self.fingerprint.setText(fingerprint_lines(key_id))
        self._update()

    # -- adding ------------------------------------------------------------------------------------------------

    def _update(self) -> None:
        name = self.name.text().strip()
        known = self._known.get(name.casefold())
        self.rotation.setText(
            self.tr(
                "{0} is already a partner: this key is added to theirs (a rotation) and their "
                "ceilings are set as chosen here."
            ).format(known)
            if known
            else ""
        )
        self.rotation.setVisible(bool(known))
        self.key_problem.setVisible(bool(self.key_problem.text()))
        self.confirm.setEnabled(self.key_id is not None)
        chosen = self.send.level() is not None and self.accept_box.level() is not None
        self.add_button.setEnabled(
            self.key_id is not None and bool(name) and chosen and self.confirm.isChecked() and self._task is None
        )

    def _add(self) -> None:
        if not self.add_button.isEnabled() or self._pem is None:
            return
        pem, name = self._pem, self.name.text().strip()
        send, accept = self.send.level(), self.accept_box.level()
        if send is None or accept is None:
            return
        valid_from = _date_stamp(self.from_date.date()) if self.from_check.isChecked() else None
        valid_until = _date_stamp(self.until_date.date()) if self.until_check.isChecked() else None
        expected = self.key_id
        identity = self.identity.text().strip() or None
        task = self._session.run(
            "add partner",
            lambda ws, _control: exchange.add_partner(
                ws,
                name,
                pem,
                tlp_send=send,
                tlp_accept=accept,
                valid_from=valid_from,
                valid_until=valid_until,
                expected_fingerprint=expected,
                identity_ref=identity,
            ),
        )
        self._task = task
        self._update()
        task.succeeded.connect(self._added)
        task.failed.connect(self._failed)

    def _added(self, partner: Partner) -> None:
        self._task = None
        self._session.notify_changed(StoreChange("partner", self.tr("Pinned a key for {0}.").format(partner.name)))
        self.partner_added.emit(partner)
        self.accept()

    def _failed(self, failure: TaskFailure) -> None:
        self._task = None
        self._update()
        show_error(self, failure.message, title=self.tr("Key not pinned"), detail=self.tr("Nothing was changed."))

    def keyPressEvent(self, event) -> None:
        # Enter in the path field reads the file; it must not press "Pin key" on the way.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.path.hasFocus():
            self._read_key()
            return
        super().keyPressEvent(event)
