"""The two refusals an analyst may override after checking with the partner, in the window as on the command line.

- A package whose sequence jumps further ahead than the partner's bound (``import --accept-jump``): the box says
  how far and offers "Accept the jump…", which previews the package with the jump accepted; nothing is imported
  before the preview is confirmed.
- A package or receipt signed by a key revoked since (``keys readmit``): "Re-admit…" opens a dialog naming the
  key and the document's id, with a reason for the audit log; once re-admitted, the item is examined again.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workbench.app.session import Session
from workbench.app.tasks import TaskFailure, TaskHandle
from workbench.services import exchange, keys
from workbench.services.exchange.inbox_scan import FoundItem, ItemKind, Remedy
from workbench.ui.common.text import plain_label


def _tr(text: str) -> str:
    return QCoreApplication.translate("Exchange", text)


def remedy_box(parent: QWidget, item: FoundItem) -> tuple[QMessageBox, QAbstractButton]:
    """The refusal of ``item`` (which has a ``remedy``) and the button that applies it; opened by the caller."""
    what = _tr("Receipt refused") if item.kind is ItemKind.RECEIPT else _tr("Package refused")
    box = QMessageBox(QMessageBox.Icon.Warning, what, "", QMessageBox.StandardButton.NoButton, parent)
    box.setObjectName("refusalRemedy")
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(_tr("{0} was refused: {1}").format(item.name, item.reason or ""))
    if item.remedy is Remedy.ACCEPT_JUMP:
        box.setInformativeText(
            _tr(
                "A partner's numbering jumps like this only if packages were lost or the sender is not who it "
                "claims. Accept the jump only after the partner confirmed, by phone, the sequence number of the "
                "package they sent: every later package from them must then follow it. Nothing is imported before "
                "you confirm the preview."
            )
        )
        button: QAbstractButton = box.addButton(_tr("&Accept the jump…"), QMessageBox.ButtonRole.AcceptRole)
    else:
        box.setInformativeText(
            _tr(
                "Its key was revoked, so whatever date it claims it is not trusted. Re-admit it only if the partner "
                "confirmed, by phone, that they sent this very one (its id) before the key was compromised."
            )
        )
        button = box.addButton(_tr("&Re-admit…"), QMessageBox.ButtonRole.AcceptRole)
    close = box.addButton(QMessageBox.StandardButton.Close)
    box.setDefaultButton(close)  # Enter never overrides a refusal
    return box, button


class ReadmitDialog(QDialog):
    """Re-admit one document signed by a since revoked key: its id, the key, a reason; done off the GUI thread."""

    readmitted = Signal(str)
    """The document's id, re-admitted (recorded in the audit log)."""

    def __init__(self, session: Session, item: FoundItem, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        assert item.key_id is not None and item.document_id is not None
        self.setObjectName("readmitDialog")
        self.setWindowTitle(self.tr("Re-admit a document of a revoked key"))
        self.setMinimumWidth(560)
        self._session = session
        self._task: TaskHandle | None = None
        self.key_id, self.document_id = item.key_id, item.document_id
        self.reason = QLineEdit(self)
        self.reason.setMaxLength(500)
        self.reason.setAccessibleName(self.tr("Reason"))
        self.reason.setPlaceholderText(self.tr("e.g. confirmed by phone with their duty officer"))
        self.reason.textChanged.connect(lambda _text: self._update())
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        form = QFormLayout()
        form.addRow(self.tr("Document:"), plain_label(item.name, self, wrap=True))
        form.addRow(self.tr("Its id:"), plain_label(self.document_id, self, wrap=True))
        form.addRow(self.tr("Signed by key:"), plain_label(keys.format_fingerprint(self.key_id), self, wrap=True))
        form.addRow(self.tr("&Reason:"), self.reason)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.readmit_button: QPushButton = buttons.addButton(
            self.tr("Re-&admit"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        buttons.accepted.connect(self._readmit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            plain_label(
                self.tr(
                    "Only this document is let in; everything else the revoked key signed stays refused. "
                    "The re-admission and its reason are recorded in the audit log."
                ),
                self,
                wrap=True,
            )
        )
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        session.locking.connect(self.reject)
        self._update()

    def _update(self) -> None:
        self.readmit_button.setEnabled(bool(self.reason.text().strip()) and self._task is None)

    def _readmit(self) -> None:
        if self._task is not None or not self.reason.text().strip():
            return
        document, key, reason = self.document_id, self.key_id, self.reason.text().strip()
        self._task = self._session.run(
            "readmit", lambda ws, _control: exchange.readmit_package(ws, document, key, reason=reason)
        )
        self._update()
        self._task.succeeded.connect(lambda _none: self._done())
        self._task.failed.connect(self._failed)

    def _done(self) -> None:
        self._task = None
        self.readmitted.emit(self.document_id)
        self.accept()

    def _failed(self, failure: TaskFailure) -> None:
        self._task = None
        self.status.setText(failure.message)
        self._update()
