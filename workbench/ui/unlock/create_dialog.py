"""First run: create a workspace (organisation, file, passphrase twice with a strength hint), then show the new
signing key's fingerprint, which partners compare by phone before they trust our packages."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from workbench.app.application import APP_NAME
from workbench.app.tasks import Lane, TaskHandle, TaskRunner
from workbench.domain.errors import InvalidInput
from workbench.services import keys
from workbench.services.passphrase import strength
from workbench.services.workspace import Workspace, check_org_name, create_workspace
from workbench.ui.common.fit import HeightForWidth
from workbench.ui.common.text import plain_label
from workbench.ui.partners.export_key_dialog import ExportKeyDialog, copy_fingerprint

logger = logging.getLogger(__name__)

_STRENGTH_COLOURS = ("#d93025", "#d93025", "#e37400", "#188038", "#188038")


def default_workspace_path() -> Path:
    """``~/.local/share/workbench/workspace.db`` on Linux (not yet created).

    The generic data folder and the program's name, once: the application data location already ends in the
    organisation and application names, both "workbench", which made ``…/workbench/workbench/workspace.db``.
    """
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericDataLocation)
    return Path(folder or Path.home()) / APP_NAME / "workspace.db"


def _create(path: Path, secret: str, org: str) -> tuple[Workspace, str]:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    ws = create_workspace(path, secret, org)
    return ws, keys.active_key(ws.conn).key_id


class CreateWorkspaceDialog(QDialog):
    """Accepted (after the fingerprint page) with ``workspace`` open."""

    restore_requested = Signal()
    """The analyst asked to restore a workspace from a backup instead (a new computer after a lost disk)."""

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None, *, path: Path | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("createDialog")
        self.setWindowTitle(self.tr("Create a workspace"))
        self.setMinimumWidth(560)
        self._runner = runner
        self._task: TaskHandle | None = None
        self.workspace: Workspace | None = None
        self.fingerprint = ""
        self.key_dialog: ExportKeyDialog | None = None
        self.pages = QStackedWidget(self)
        form_page = self._form_page(path or default_workspace_path())
        # The strength hint wraps over several lines: the page keeps the height its text needs (never cut).
        self._fit = HeightForWidth(form_page)
        self.pages.addWidget(form_page)
        self.pages.addWidget(self._done_page())
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        self._update()

    # -- page 1 ------------------------------------------------------------------------------------------------

    def _form_page(self, path: Path) -> QWidget:
        page = QWidget(self)
        intro = plain_label(
            self.tr(
                "A workspace is one encrypted file holding your organisation's threat "
                "intelligence, cases and signing key. Only the passphrase opens it: it "
                "cannot be recovered if it is lost."
            ),
            page,
            wrap=True,
        )
        self.org = QLineEdit(page)
        self.org.setAccessibleName(self.tr("Organisation name"))
        self.org.setToolTip(self.tr("Your agency or team, as partners know it"))
        self.path_edit = QLineEdit(str(path), page)
        self.path_edit.setAccessibleName(self.tr("Workspace file"))
        self.path_edit.setToolTip(self.tr("Where the encrypted workspace file is created"))
        choose = QPushButton(self.tr("C&hoose…"), page)
        choose.setToolTip(self.tr("Choose where to create the workspace file"))
        choose.clicked.connect(self._choose_path)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(choose)
        self.secret = QLineEdit(page)
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.setAccessibleName(self.tr("Passphrase"))
        self.secret.setToolTip(self.tr("Several uncommon words are easier to remember and harder to guess"))
        self.repeat = QLineEdit(page)
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat.setAccessibleName(self.tr("Repeat passphrase"))
        self.repeat.setToolTip(self.tr("Type the passphrase again"))
        self.meter = QProgressBar(page)
        self.meter.setRange(0, 4)
        self.meter.setTextVisible(False)
        self.meter.setMaximumHeight(8)
        self.meter.setAccessibleName(self.tr("Passphrase strength"))
        self.strength_label = plain_label("", page, wrap=True)
        self.strength_label.setObjectName("strengthHint")
        self.strength_label.setAccessibleName(self.tr("Passphrase strength hint"))
        self.weak_check = QCheckBox(self.tr("Use this &weak passphrase anyway"), page)
        self.weak_check.setObjectName("weakConfirm")
        self.weak_check.setToolTip(
            self.tr("A weak passphrase can be guessed offline by anyone who gets a copy of the workspace file")
        )
        self.weak_check.hide()
        self.weak_check.toggled.connect(lambda _on: self._update())
        self.match_label = plain_label("", page)
        self.error = plain_label("", page, wrap=True)
        self.error.setObjectName("errorLabel")
        self.error.setStyleSheet("color: #d93025; font-weight: bold;")
        self.error.hide()
        self.busy = QProgressBar(page)
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setMaximumHeight(6)
        self.busy.setAccessibleName(self.tr("Creating"))
        self.busy.hide()
        form = QFormLayout()
        form.addRow(self.tr("&Organisation:"), self.org)
        file_label = QLabel(self.tr("&File:"), page)
        file_label.setBuddy(self.path_edit)
        form.addRow(file_label, path_row)
        form.addRow(self.tr("&Passphrase:"), self.secret)
        form.addRow("", self.meter)
        form.addRow("", self.strength_label)
        form.addRow("", self.weak_check)
        form.addRow(self.tr("&Repeat:"), self.repeat)
        form.addRow("", self.match_label)
        buttons = QDialogButtonBox(page)
        self.create_button = buttons.addButton(self.tr("C&reate workspace"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.create_button.setDefault(True)
        self.create_button.setToolTip(self.tr("Create the encrypted file and your organisation's signing key"))
        self.restore_button = buttons.addButton(self.tr("Restore from &backup…"), QDialogButtonBox.ButtonRole.ResetRole)
        self.restore_button.setToolTip(self.tr("Restore a workspace from a backup instead of starting an empty one"))
        self.restore_button.clicked.connect(self._restore)
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setToolTip(self.tr("Close without creating anything"))
        buttons.accepted.connect(self.create)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(page)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.busy)
        layout.addWidget(buttons)
        self.secret.textChanged.connect(lambda _text: self.weak_check.setChecked(False))  # confirms one passphrase
        for edit in (self.org, self.secret, self.repeat, self.path_edit):
            edit.textChanged.connect(self._update)
        return page

    def _choose_path(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(
            self, self.tr("Create workspace file"), self.path_edit.text(), self.tr("Workspaces (*.db)")
        )
        if chosen:
            self.path_edit.setText(chosen)

    def _update(self) -> None:
        secret, repeat = self.secret.text(), self.repeat.text()
        estimate = strength(secret, (self.org.text(),))
        self.meter.setValue(estimate.score if secret else 0)
        colour = _STRENGTH_COLOURS[estimate.score]
        self.meter.setStyleSheet(f"QProgressBar::chunk {{ background: {colour}; }}")
        if secret:
            text = self.tr("Strength: {0} (would take {1} to guess offline).").format(
                estimate.verdict, estimate.crack_time
            )
            if estimate.advice:
                text += " " + estimate.advice
        else:
            text = estimate.advice
        self.strength_label.setText(text)
        weak = bool(secret) and estimate.weak
        self.weak_check.setVisible(weak)
        if repeat and repeat != secret:
            self.match_label.setText(self.tr("The two passphrases differ."))
        elif repeat:
            self.match_label.setText(self.tr("The passphrases match."))
        else:
            self.match_label.setText("")
        ready = (
            self._task is None
            and bool(self.org.text().strip())
            and bool(secret)
            and (not weak or self.weak_check.isChecked())
            and secret == repeat
            and bool(self.path_edit.text().strip())
        )
        self.create_button.setEnabled(ready)

    def create(self) -> None:
        """Check the form, then create the workspace off the GUI thread (key derivation and key generation)."""
        if self._task is not None or not self.create_button.isEnabled():
            return
        try:
            org = check_org_name(self.org.text())
        except InvalidInput as exc:
            self._show_error(exc.message)
            return
        path = Path(self.path_edit.text().strip()).expanduser()
        if path.exists():
            self._show_error(self.tr("{0} already exists; choose another file name.").format(str(path)))
            return
        secret = self.secret.text()
        self.error.hide()
        self.busy.show()
        self._task = self._runner.run("create workspace", lambda _control: _create(path, secret, org), lane=Lane.LONG)
        self._task.succeeded.connect(self._created)
        self._task.failed.connect(lambda failure: self._show_error(failure.message))
        self._task.finished.connect(self._task_ended)
        self._update()

    def _task_ended(self) -> None:
        self._task = None
        self.busy.hide()
        self._update()

    def _restore(self) -> None:
        if self._task is None:
            self.restore_requested.emit()
            self.reject()

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def _created(self, result: tuple[Workspace, str]) -> None:
        self.workspace, self.fingerprint = result
        self.secret.clear()
        self.repeat.clear()
        self.fingerprint_label.setText(keys.format_fingerprint(self.fingerprint))
        self.pages.setCurrentIndex(1)
        self.continue_button.setFocus()

    # -- page 2 ------------------------------------------------------------------------------------------------

    def _done_page(self) -> QWidget:
        page = QWidget(self)
        heading = plain_label(self.tr("Workspace created"), page)
        font = QFont(heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        heading.setFont(font)
        text = plain_label(
            self.tr(
                "Your organisation's signing key was generated inside the encrypted workspace. "
                "Its fingerprint is what partners compare, by phone or in person, before they "
                "trust packages you send:"
            ),
            page,
            wrap=True,
        )
        self.fingerprint_label = plain_label("", page, wrap=True, selectable=True)
        self.fingerprint_label.setAccessibleName(self.tr("Signing key fingerprint"))
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        mono.setPointSizeF(mono.pointSizeF() * 1.1)
        self.fingerprint_label.setFont(mono)
        copy = QPushButton(self.tr("&Copy fingerprint"), page)
        copy.setToolTip(self.tr("Copy the fingerprint to the clipboard"))
        copy.clicked.connect(lambda: copy_fingerprint(self.fingerprint))
        self.export_key_button = QPushButton(self.tr("&Export public key…"), page)
        self.export_key_button.setObjectName("exportKeyButton")
        self.export_key_button.setToolTip(
            self.tr("Write the public key as a PEM file to a removable volume or a folder, for partners to pin")
        )
        self.export_key_button.clicked.connect(self.export_key)
        key_buttons = QHBoxLayout()
        key_buttons.addWidget(copy)
        key_buttons.addWidget(self.export_key_button)
        key_buttons.addStretch(1)
        buttons = QDialogButtonBox(page)
        self.continue_button = buttons.addButton(self.tr("C&ontinue"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.continue_button.setToolTip(self.tr("Open the new workspace"))
        self.continue_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(page)
        layout.addWidget(heading)
        layout.addWidget(text)
        layout.addWidget(self.fingerprint_label)
        layout.addLayout(key_buttons)
        layout.addStretch(1)
        layout.addWidget(buttons)
        return page

    def export_key(self) -> ExportKeyDialog | None:
        """Export public key… from the first-run page: the new key as a PEM file, written and read back."""
        workspace = self.workspace
        if workspace is None:
            return None

        def write(path: Path) -> TaskHandle:
            return self._runner.run(
                "export public key", lambda _control: keys.export_public(workspace, path), lane=Lane.LONG
            )

        dialog = ExportKeyDialog(workspace.org_name, self.fingerprint, write, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.key_dialog = dialog
        dialog.open()
        return dialog

    def accept(self) -> None:
        if self.key_dialog is not None and isValid(self.key_dialog) and self.key_dialog.busy.isVisible():
            return  # the key is being written with this workspace's connection: wait for it
        super().accept()

    def reject(self) -> None:
        if self.workspace is not None:  # created already: keep it, it is what the analyst asked for
            self.accept()
            return
        if self._task is not None:
            return  # creation cannot be stopped half-way; it is short
        super().reject()
