"""Export public key…: our organisation's public signing key as a PEM file on a removable volume or in a folder.

Partners pin that file after comparing its fingerprint with ours by phone, so the dialog shows the fingerprint in
the same groups as the Add partner dialog does. The file is written by ``keys.export_public`` in a task (a slow
stick never freezes the window): atomically, then read back from the medium and checked, and recorded in the
audit log. The file name is made here from the organisation's name (letters, digits and dashes only).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workbench.app.tasks import TaskFailure, TaskHandle
from workbench.services.keys import OwnKey, fingerprint_lines, format_fingerprint
from workbench.ui.common.text import plain_label
from workbench.ui.exchange.destination_picker import DestinationPicker
from workbench.ui.exchange.media_source import MediaSource
from workbench.ui.exchange.models import REFUSED_COLOUR

logger = logging.getLogger(__name__)

#: Starts the export of the key to a path, as a task whose result is the ``OwnKey`` written.
KeyWriter = Callable[[Path], TaskHandle]


def key_file_name(org_name: str) -> str:
    """``nordic-csirt.pub.pem`` for "Nordic CSIRT": a name any file system takes, made from our own name."""
    ascii_name = unicodedata.normalize("NFKD", org_name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60].strip("-")
    return f"{slug or 'workbench'}.pub.pem"


def fingerprint_label(parent: QWidget, key_id: str = "") -> QWidget:
    """A selectable, monospaced, bold label showing a fingerprint in phone groups."""
    label = plain_label(fingerprint_lines(key_id) if key_id else "", parent, selectable=True)
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setBold(True)
    label.setFont(font)
    label.setAccessibleName(QGuiApplication.translate("ExportKeyDialog", "Key fingerprint"))
    return label


def copy_fingerprint(key_id: str) -> None:
    clipboard = QGuiApplication.clipboard()
    if clipboard is not None:
        clipboard.setText(format_fingerprint(key_id))


class ExportKeyDialog(QDialog):
    """Choose where, then Export: the outcome is said in the dialog (``key_exported`` on success)."""

    key_exported = Signal(str)
    """The path the public key was written to and read back from."""

    def __init__(
        self,
        org_name: str,
        key_id: str,
        write: KeyWriter,
        parent: QWidget | None = None,
        *,
        media: MediaSource | None = None,
        folder: str = "",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("exportKeyDialog")
        self.setWindowTitle(self.tr("Export our public key"))
        self._write = write
        self._task: TaskHandle | None = None
        self.key_id = key_id
        self.written: Path | None = None
        intro = plain_label(
            self.tr(
                "The public key of {0}, for partners to pin. It holds nothing secret. Partners compare this "
                "fingerprint with you by phone before they trust it:"
            ).format(org_name),
            self,
            wrap=True,
        )
        self.fingerprint = fingerprint_label(self, key_id)
        self.fingerprint.setObjectName("ownFingerprint")
        copy = QPushButton(self.tr("&Copy fingerprint"), self)
        copy.setToolTip(self.tr("Copy the fingerprint to the clipboard"))
        copy.clicked.connect(lambda: copy_fingerprint(self.key_id))
        self.picker = DestinationPicker(media or MediaSource(self), self, folder=folder)
        self.picker.destination_changed.connect(self._update)
        self.file_name = QLineEdit(key_file_name(org_name), self)
        self.file_name.setObjectName("keyFileName")
        self.file_name.setAccessibleName(self.tr("File name"))
        self.file_name.setToolTip(self.tr("The name of the PEM file written into the folder"))
        self.file_name.textChanged.connect(lambda _text: self._update())
        form = QFormLayout()
        form.addRow(self.tr("File &name:"), self.file_name)
        self.busy = QProgressBar(self)
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setMaximumHeight(6)
        self.busy.setAccessibleName(self.tr("Writing"))
        self.busy.hide()
        self.outcome = plain_label("", self, wrap=True, selectable=True)
        self.outcome.setObjectName("exportOutcome")
        self.outcome.setAccessibleName(self.tr("Outcome"))
        buttons = QDialogButtonBox(self)
        self.export_button = buttons.addButton(self.tr("&Export"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setToolTip(self.tr("Write the PEM file, then read it back to check it"))
        self.export_button.setDefault(True)
        self.close_button = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.accepted.connect(self.export)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.fingerprint)
        layout.addWidget(copy)
        layout.addSpacing(6)
        layout.addWidget(self.picker, 1)
        layout.addLayout(form)
        layout.addWidget(self.busy)
        layout.addWidget(self.outcome)
        layout.addWidget(buttons)
        self._update()

    def target(self) -> Path | None:
        folder, name = self.picker.destination(), self.file_name.text().strip()
        if folder is None or not name or "/" in name or name in (".", ".."):
            return None
        return folder / name

    def problem(self) -> str | None:
        if not self.file_name.text().strip():
            return self.tr("Give the file a name.")
        if self.target() is None and self.picker.destination() is not None:
            return self.tr("A file name cannot hold a slash.")
        return self.picker.problem()

    def _update(self) -> None:
        self.export_button.setEnabled(self._task is None and self.problem() is None)

    def export(self) -> None:
        """Write the key to the chosen place in a task; the outcome is shown under the form."""
        target = self.target()
        if self._task is not None or target is None or self.problem() is not None:
            return
        self.outcome.setStyleSheet("")
        self.outcome.setText(self.tr("Writing {0}…").format(target))
        self.busy.show()
        self._task = self._write(target)
        self._task.succeeded.connect(lambda key: self._written(target, key))
        self._task.failed.connect(self._failed)
        self._task.finished.connect(self._ended)
        self._update()

    def _written(self, target: Path, key: OwnKey) -> None:
        self.written = target
        self.outcome.setText(
            self.tr("Written and read back: {0}. Its fingerprint is the one above ({1}…).").format(
                target, format_fingerprint(key.key_id[:16])
            )
        )
        self.key_exported.emit(str(target))

    def _failed(self, failure: TaskFailure) -> None:
        self.outcome.setStyleSheet(f"QLabel {{ color: {REFUSED_COLOUR.name()}; }}")
        self.outcome.setText(self.tr("Not exported: {0}").format(failure.message))

    def _ended(self) -> None:
        self._task = None
        self.busy.hide()
        self._update()

    def reject(self) -> None:
        if self._task is not None:
            self._task.cancel()
        super().reject()
