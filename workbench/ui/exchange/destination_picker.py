"""Where a package, a receipt or a backup is written: a removable volume (with its free space) or any folder.

The folder field is the one answer; choosing a volume fills it. ``problem()`` says why the folder cannot take what
is written (not a folder, not writable, not enough free space for ``needed`` bytes), or None.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workbench.ui.common.list_model import size_text
from workbench.ui.common.text import plain_label
from workbench.ui.common.views import read_only_rows
from workbench.ui.exchange.media_source import MediaSource
from workbench.ui.exchange.models import REFUSED_COLOUR, VolumesModel


class DestinationPicker(QWidget):
    destination_changed = Signal()
    """The folder, its free space or the list of volumes changed: ask ``problem()`` again."""

    def __init__(self, media: MediaSource, parent: QWidget | None = None, *, folder: str = "") -> None:
        super().__init__(parent)
        self._media = media
        self._needed = 0
        self.model = VolumesModel(self)
        self.volumes = QTableView(self)
        self.volumes.setObjectName("volumesTable")
        self.volumes.setAccessibleName(self.tr("Removable volumes"))
        self.volumes.setToolTip(self.tr("Mounted removable volumes; choose one to write there"))
        self.volumes.setModel(self.model)
        read_only_rows(self.volumes)
        self.volumes.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.volumes.verticalHeader().hide()
        self.volumes.horizontalHeader().setStretchLastSection(True)
        self.volumes.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.volumes.setMaximumHeight(140)
        self.volumes.selectionModel().currentRowChanged.connect(self._volume_chosen)
        self.no_volumes = plain_label(
            self.tr("No removable volume is mounted. Insert a USB stick, or choose a folder."), self, wrap=True
        )
        self.folder = QLineEdit(folder, self)
        self.folder.setObjectName("destinationFolder")
        self.folder.setAccessibleName(self.tr("Destination folder"))
        self.folder.setToolTip(self.tr("The folder it is written into"))
        self.folder.setPlaceholderText(self.tr("/media/analyst/USB-STICK"))
        self.folder.textChanged.connect(lambda _text: self._update())
        browse = QPushButton(self.tr("Br&owse…"), self)
        browse.setToolTip(self.tr("Choose a folder"))
        browse.clicked.connect(self._browse)
        self.space = plain_label("", self, wrap=True)
        self.space.setObjectName("destinationSpace")
        self.space.setAccessibleName(self.tr("Free space at the destination"))
        row = QHBoxLayout()
        row.addWidget(plain_label(self.tr("Folder:"), self))
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(plain_label(self.tr("Removable volumes:"), self))
        layout.addWidget(self.volumes)
        layout.addWidget(self.no_volumes)
        layout.addLayout(row)
        layout.addWidget(self.space)
        media.volumes_changed.connect(self.refresh_volumes)
        self.refresh_volumes()

    def refresh_volumes(self) -> None:
        volumes = self._media.volumes()
        self.model.set_items(volumes)
        self.volumes.setVisible(bool(volumes))
        self.no_volumes.setVisible(not volumes)
        if volumes and not self.folder.text().strip():
            self.volumes.selectRow(0)
        self._update()

    def _volume_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        volume = self.model.item(current.row())
        if volume is not None:
            self.folder.setText(str(volume.mount_point))

    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, self.tr("Write into"), self.folder.text())
        if chosen:
            self.folder.setText(chosen)

    def set_needed(self, size: int) -> None:
        """The bytes needed (shown next to the free space; more than free is a problem)."""
        self._needed = size
        self._update()

    def destination(self) -> Path | None:
        text = self.folder.text().strip()
        return Path(text).expanduser() if text else None

    def free_bytes(self) -> int | None:
        folder = self.destination()
        if folder is None or not folder.is_dir():
            return None
        try:
            return shutil.disk_usage(folder).free
        except OSError:
            return None

    def problem(self) -> str | None:
        folder = self.destination()
        if folder is None:
            return self.tr("Choose a removable volume or a folder.")
        if not folder.is_dir():
            return self.tr("{0} is not a folder.").format(folder)
        if not os.access(folder, os.W_OK | os.X_OK):
            return self.tr("{0} cannot be written (read-only medium or no permission).").format(folder)
        free = self.free_bytes()
        if free is not None and free < self._needed:
            return self.tr("Not enough free space: about {0} is needed, {1} is free.").format(
                size_text(self._needed), size_text(free)
            )
        return None

    def _update(self) -> None:
        problem = self.problem()
        free = self.free_bytes()
        if problem is not None:
            self.space.setStyleSheet(f"QLabel {{ color: {REFUSED_COLOUR.name()}; }}")
            self.space.setText(problem)
        else:
            self.space.setStyleSheet("")
            needed = self.tr("; about {0} is needed").format(size_text(self._needed)) if self._needed else ""
            self.space.setText(self.tr("Free space there: {0}{1}.").format(size_text(free or 0), needed))
        self.destination_changed.emit()
