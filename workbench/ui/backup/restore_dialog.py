"""Restore from backup… (from the unlock and create dialogs): choose a backup, see what its verified manifest says,
give its passphrase and a new file name, restore in a task with progress and Cancel, then read what the exchange
knew at the time of the backup before the restored workspace opens.

Every check is the services': ``backup.inspect_backup`` when a backup is chosen (signature, manifest, schema), then
``backup.restore_backup`` (hash, passphrase, integrity, audit chain, migration, never overwriting). A refusal is a
message in the dialog, which stays open with what was typed.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from PySide6.QtCore import QAbstractItemModel, QStandardPaths
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workbench.app.tasks import Lane, TaskControl, TaskFailure, TaskHandle, TaskRunner
from workbench.domain.errors import WorkbenchError
from workbench.domain.timestamps import utc_now
from workbench.services import backup
from workbench.services.backup import BackupInfo, Encryption, Restored
from workbench.services.exchange import removable_volumes
from workbench.services.keys import format_fingerprint
from workbench.services.workspace import Workspace, open_workspace
from workbench.ui.backup.models import ChannelsModel, FoundBackup, FoundBackupsModel
from workbench.ui.common.progress import TaskProgressDialog
from workbench.ui.common.text import plain_label
from workbench.ui.common.views import read_only_rows
from workbench.ui.exchange.models import REFUSED_COLOUR

logger = logging.getLogger(__name__)


def _find_on_volumes(_control: TaskControl) -> list[FoundBackup]:
    return [
        FoundBackup(path, str(volume.mount_point))
        for volume in removable_volumes()
        for path in backup.find_backups(volume.mount_point)
    ]


def _restore(source: Path, target: Path, secret: str, control: TaskControl) -> tuple[Restored, Workspace]:
    def progress(_stage: str, done: int, total: int) -> None:
        control.progress(done, total)

    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)  # the default folder, on a new computer
    restored = backup.restore_backup(source, target, secret, progress=progress, cancel=control.cancelled)
    return restored, open_workspace(restored.path, secret)


def _table(model: QAbstractItemModel, name: str, accessible: str, parent: QWidget) -> QTableView:
    table = QTableView(parent)
    table.setObjectName(name)
    table.setAccessibleName(accessible)
    table.setModel(model)
    read_only_rows(table)
    table.verticalHeader().hide()
    table.horizontalHeader().setStretchLastSection(True)
    return table


def default_target() -> Path:
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(folder or Path.home()) / f"restored-{utc_now():%Y%m%d}.db"


class RestoreDialog(QDialog):
    """Accepted with ``workspace`` open (the restored one), after the analyst read what the backup knew."""

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None, *, target: Path | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("restoreDialog")
        self.setWindowTitle(self.tr("Restore from backup"))
        self.setMinimumWidth(680)
        self._runner = runner
        self._task: TaskHandle | None = None
        self.info: BackupInfo | None = None
        self.restored: Restored | None = None
        self.workspace: Workspace | None = None
        self.progress: TaskProgressDialog | None = None
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self._choice_page(target or default_target()))
        self.pages.addWidget(self._result_page())
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        self._update()
        self.find_backups()

    # -- page 1: which backup, which passphrase, where to ----------------------------------------------------------

    def _choice_page(self, target: Path) -> QWidget:
        page = QWidget(self)
        intro = plain_label(
            self.tr(
                "A backup is restored into a new workspace file: its signature and hash are checked, its "
                "integrity and audit log verified, and an older schema brought up to date. No existing workspace "
                "is ever overwritten."
            ),
            page,
            wrap=True,
        )
        self.found = FoundBackupsModel(self)
        self.found_table = _table(self.found, "foundBackups", self.tr("Backups on removable volumes"), page)
        self.found_table.setMaximumHeight(130)
        self.found_table.selectionModel().currentRowChanged.connect(self._found_chosen)
        self.none_found = plain_label(
            self.tr("No backup on a removable volume. Insert the medium, or choose the backup's folder."),
            page,
            wrap=True,
        )
        self.source = QLineEdit(page)
        self.source.setObjectName("backupFolder")
        self.source.setAccessibleName(self.tr("Backup folder"))
        self.source.setPlaceholderText(self.tr("/media/analyst/BACKUP/workbench-backup-…"))
        self.source.editingFinished.connect(self.inspect)
        browse = QPushButton(self.tr("Br&owse…"), page)
        browse.setToolTip(self.tr("Choose the backup's folder (workbench-backup-…)"))
        browse.clicked.connect(self._browse)
        source_row = QHBoxLayout()
        source_row.addWidget(self.source, 1)
        source_row.addWidget(browse)
        self.about = plain_label("", page, wrap=True, selectable=True)
        self.about.setObjectName("backupAbout")
        self.about.setAccessibleName(self.tr("What the backup's signed manifest says"))
        self.secret = QLineEdit(page)
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.setAccessibleName(self.tr("Passphrase of the backup"))
        self.secret_label = QLabel(self.tr("&Passphrase:"), page)
        self.secret_label.setBuddy(self.secret)
        self.target = QLineEdit(str(target), page)
        self.target.setObjectName("restoreTarget")
        self.target.setAccessibleName(self.tr("New workspace file"))
        self.target.setToolTip(self.tr("The restored workspace is written here; the file must not exist yet"))
        choose = QPushButton(self.tr("C&hoose…"), page)
        choose.clicked.connect(self._choose_target)
        target_row = QHBoxLayout()
        target_row.addWidget(self.target, 1)
        target_row.addWidget(choose)
        source_label = QLabel(self.tr("&Backup:"), page)
        source_label.setBuddy(self.source)
        target_label = QLabel(self.tr("&New workspace file:"), page)
        target_label.setBuddy(self.target)
        form = QFormLayout()
        form.addRow(source_label, source_row)
        form.addRow("", self.about)
        form.addRow(self.secret_label, self.secret)
        form.addRow(target_label, target_row)
        self.message = plain_label("", page, wrap=True)
        self.message.setObjectName("restoreMessage")
        self.message.setStyleSheet(f"QLabel {{ color: {REFUSED_COLOUR.name()}; }}")
        buttons = QDialogButtonBox(page)
        self.restore_button = buttons.addButton(self.tr("&Restore"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.restore_button.setDefault(True)
        self.restore_button.setToolTip(self.tr("Check the backup and write it as a new workspace file"))
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.restore)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(page)
        layout.addWidget(intro)
        layout.addWidget(plain_label(self.tr("Backups on removable volumes:"), page))
        layout.addWidget(self.found_table)
        layout.addWidget(self.none_found)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        for edit in (self.secret, self.target):
            edit.textChanged.connect(self._update)
        return page

    def find_backups(self) -> None:
        """List the backups on the mounted removable volumes (off the GUI thread: a medium may be slow)."""
        task = self._runner.run("find backups", _find_on_volumes)
        task.succeeded.connect(self._backups_found)

    def _backups_found(self, found: list[FoundBackup]) -> None:
        self.found.set_items(found)
        self.found_table.setVisible(bool(found))
        self.none_found.setVisible(not found)
        self.found_table.resizeColumnsToContents()

    def _found_chosen(self, current, _previous) -> None:  # type: ignore[no-untyped-def]
        item = self.found.item(current.row())
        if item is not None:
            self.set_source(item.path)

    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, self.tr("Choose the backup folder"), self.source.text())
        if chosen:
            self.set_source(Path(chosen))

    def _choose_target(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(
            self, self.tr("New workspace file"), self.target.text(), self.tr("Workspaces (*.db)")
        )
        if chosen:
            self.target.setText(chosen)

    def set_source(self, path: Path) -> None:
        self.source.setText(str(path))
        self.inspect(again=True)

    def inspect(self, *, again: bool = False) -> None:
        """Verify the chosen backup's manifest and signature (no passphrase needed) and say what it holds.

        The backup shown already is not checked again unless ``again`` (it was chosen anew).
        """
        text = self.source.text().strip()
        if not text or (not again and self.info is not None and str(self.info.folder) == str(Path(text))):
            return
        self.info = None
        self.about.setText(self.tr("Checking the backup's signature…"))
        self.message.clear()
        folder = Path(text).expanduser()
        task = self._runner.run("inspect backup", lambda _control: backup.inspect_backup(folder))
        task.succeeded.connect(self._inspected)
        task.failed.connect(self._refused)
        self._update()

    def _inspected(self, info: BackupInfo) -> None:
        if str(info.folder) != str(Path(self.source.text().strip()).expanduser()):
            return  # another backup was chosen meanwhile
        self.info = info
        manifest = info.manifest
        counts = manifest.counts
        self.about.setText(
            self.tr(
                "Signature verified. {0}, backed up {1} UTC (schema version {2}): {3} object(s), {4} case(s), "
                "{5} partner(s), {6} package(s) sent, {7} received.\nSigned by the workspace key {8}: compare it "
                "with the fingerprint you noted when the workspace was created."
            ).format(
                manifest.workspace_name,
                manifest.created.replace("T", " ")[:16],
                manifest.schema_version,
                counts["objects"],
                counts["cases"],
                counts["partners"],
                counts["packages_sent"],
                counts["packages_received"],
                format_fingerprint(manifest.key_id),
            )
        )
        if manifest.encryption is Encryption.BACKUP:
            self.secret_label.setText(self.tr("Backup &passphrase:"))
            self.secret.setToolTip(self.tr("The separate passphrase chosen when the backup was made"))
        else:
            self.secret_label.setText(self.tr("Workspace &passphrase:"))
            self.secret.setToolTip(self.tr("The workspace's passphrase as it was on {0}").format(manifest.created[:10]))
        self._update()
        self.secret.setFocus()

    def _refused(self, failure: TaskFailure) -> None:
        self.info = None
        self.about.setText("")
        self.message.setText(self.tr("This backup cannot be restored: {0}").format(failure.message))
        self._update()

    def target_problem(self) -> str | None:
        text = self.target.text().strip()
        if not text:
            return self.tr("Name the new workspace file.")
        target = Path(text).expanduser()
        folder = target.parent
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent  # a folder still to be made (the default one, on a new computer)
        if folder != target.parent:
            if not os.access(folder, os.W_OK | os.X_OK):
                return self.tr("Folder {0} cannot be written.").format(str(folder))
            return None
        try:
            backup.check_target(target)
        except WorkbenchError as exc:
            return exc.message
        return None

    def _update(self) -> None:
        problem = self.target_problem()
        if problem is not None and self.info is not None:
            self.message.setText(problem)
        ready = self._task is None and self.info is not None and bool(self.secret.text()) and problem is None
        self.restore_button.setEnabled(ready)

    def restore(self) -> None:
        """Restore in a task with a progress dialog; Cancel leaves no file behind."""
        if not self.restore_button.isEnabled() or self.info is None:
            return
        source, target, secret = self.info.folder, Path(self.target.text().strip()).expanduser(), self.secret.text()
        self.message.clear()
        task = self._runner.run("restore", lambda control: _restore(source, target, secret, control), lane=Lane.LONG)
        self._task = task
        self.progress = TaskProgressDialog(task, self.tr("Checking and restoring the backup…"), self)
        self.progress.open()
        task.succeeded.connect(self._restored)
        task.failed.connect(self._failed)
        task.finished.connect(self._task_ended)
        self._update()

    def _task_ended(self) -> None:
        self._task = None
        self._update()

    def _failed(self, failure: TaskFailure) -> None:
        self.message.setText(self.tr("Nothing was restored: {0}").format(failure.message))
        self.secret.selectAll()
        self.secret.setFocus()

    # -- page 2: what the exchange knew then ---------------------------------------------------------------------

    def _result_page(self) -> QWidget:
        page = QWidget(self)
        heading = plain_label(self.tr("Workspace restored"), page)
        font = QFont(heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        heading.setFont(font)
        self.summary = plain_label("", page, wrap=True, selectable=True)
        self.summary.setObjectName("restoreSummary")
        self.warning = plain_label("", page, wrap=True)
        self.warning.setObjectName("restoreWarning")
        bold = QFont(self.warning.font())
        bold.setBold(True)
        self.warning.setFont(bold)
        self.channels = ChannelsModel(self)
        self.channels_table = _table(
            self.channels, "channelsThen", self.tr("Partner channels at the time of the backup"), page
        )
        self.channels_table.horizontalHeader().setSectionResizeMode(
            ChannelsModel.Columns.PACKAGE, QHeaderView.ResizeMode.Stretch
        )
        self.mailboxes = plain_label("", page, wrap=True)
        buttons = QDialogButtonBox(page)
        self.open_button = buttons.addButton(
            self.tr("&Open the restored workspace"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.open_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(page)
        layout.addWidget(heading)
        layout.addWidget(self.summary)
        layout.addWidget(self.warning)
        layout.addWidget(plain_label(self.tr("What the exchange knew at the time of the backup:"), page))
        layout.addWidget(self.channels_table, 1)
        layout.addWidget(self.mailboxes)
        layout.addWidget(buttons)
        return page

    def _restored(self, result: tuple[Restored, Workspace]) -> None:
        if not self.isVisible():  # given up while the restore finished: the file stays, nothing is kept open
            result[1].close(lock=True)
            return
        self.restored, self.workspace = result
        self.secret.clear()
        restored, manifest = self.restored, self.restored.manifest
        if restored.schema_before == restored.schema_after:
            schema = self.tr("schema version {0}").format(restored.schema_after)
        else:
            schema = self.tr("schema version {0}, brought up to {1}").format(
                restored.schema_before, restored.schema_after
            )
        self.summary.setText(
            self.tr("{0} was restored into {1} ({2}). Its integrity and audit log were verified.").format(
                manifest.workspace_name, str(restored.path), schema
            )
        )
        self.warning.setText(
            self.tr(
                "Partner channels may have moved on since this backup of {0} UTC. Packages received after it are "
                "not in this workspace: import them again from the partners' media. Packages sent after it are not "
                "in the outbox, and a partner who received one refuses the next package from here as a repeated "
                "sequence number: before exporting to a partner, ask them for the last sequence they received from "
                "you and give it to the command workbench keys advance (see the user guide)."
            ).format(manifest.created.replace("T", " ")[:16])
        )
        self.channels.set_items(restored.channels)
        self.channels_table.resizeColumnsToContents()
        waiting = sum(1 for entry in restored.outbox if entry.status != "delivered")
        self.mailboxes.setText(
            self.tr("Outbox: {0} package(s), {1} without a receipt. Inbox: {2} package(s).").format(
                len(restored.outbox), waiting, len(restored.inbox)
            )
        )
        self.pages.setCurrentIndex(1)
        self.open_button.setFocus()

    def reject(self) -> None:
        if self.workspace is not None:  # restored already: it is what the analyst asked for; open it
            self.accept()
            return
        if self._task is not None:
            self._task.cancel()
        self.secret.clear()
        super().reject()
