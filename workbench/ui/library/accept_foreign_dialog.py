"""Choose which foreign versions of an object to accept.

A foreign version was sent by someone who is not the object's author, so the import kept it aside (see
``storage.authorship``). The dialog lists each with who sent it, its date and why it was kept aside; the analyst
ticks the ones to accept, reading each as it was received (its JSON, below the list) before deciding. Nothing is
ticked at first and Enter does not accept: accepting is a choice made version by version.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from workbench.services.importing.foreign import ForeignVersion
from workbench.ui.common.list_model import when_text
from workbench.ui.common.text import one_line, plain_label

_FID = Qt.ItemDataRole.UserRole


class AcceptForeignDialog(QDialog):
    chosen = Signal(list)
    """The numbers (``fid``) of the versions ticked, when Accept was pressed."""
    preview_wanted = Signal(int)
    """The version selected in the list: its JSON is wanted (``show_json``)."""

    def __init__(self, name: str, versions: list[ForeignVersion], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("acceptForeignDialog")
        self.setWindowTitle(self.tr("Accept foreign versions"))
        self.setAccessibleName(self.windowTitle())
        self.setWindowModality(Qt.WindowModality.WindowModal)
        about = plain_label(
            self.tr(
                "These versions of {0} were sent by someone who is not its author, so they were not made current. "
                "Tick the ones to accept: each becomes a version of the object, and the newest version becomes "
                "current."
            ).format(one_line(name, 120)),
            self,
            wrap=True,
        )
        self.list = QListWidget(self)
        self.list.setObjectName("foreignVersionList")
        self.list.setAccessibleName(self.tr("Foreign versions waiting"))
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for version in versions:
            item = QListWidgetItem(
                self.tr("{0} sent a version dated {1} UTC\nkept aside: {2}").format(
                    one_line(version.source_name, 120),
                    when_text(version.modified),
                    one_line(version.reason, 200),
                )
            )
            item.setData(_FID, version.fid)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            item.setToolTip(item.text())
            self.list.addItem(item)
        self.json = QPlainTextEdit(self)
        self.json.setObjectName("foreignVersionJson")
        self.json.setReadOnly(True)
        self.json.setAccessibleName(self.tr("The selected version as received"))
        self.json.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.json.setPlaceholderText(self.tr("Select a version to read it as it was received."))
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.list)
        splitter.addWidget(self.json)
        splitter.setStretchFactor(1, 2)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.accept_button: QPushButton = buttons.addButton(
            self.tr("&Accept ticked"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.accept_button.setObjectName("acceptTicked")
        self.accept_button.setAutoDefault(False)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setDefault(True)  # Enter does not accept
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)
        self.list.itemChanged.connect(lambda _item: self._update())
        self.list.currentItemChanged.connect(self._selected)
        self.resize(760, 520)
        self._update()
        self.list.setFocus()

    def open(self) -> None:
        """Show the dialog with the first version selected (its JSON asked for once the caller listens)."""
        if self.list.count() and self.list.currentRow() < 0:
            self.list.setCurrentRow(0)
        super().open()

    def ticked(self) -> list[int]:
        return [
            int(item.data(_FID))
            for item in (self.list.item(row) for row in range(self.list.count()))
            if item is not None and item.checkState() == Qt.CheckState.Checked
        ]

    def show_json(self, fid: int, text: str) -> None:
        """The JSON of version ``fid`` (shown if it is still the one selected)."""
        current = self.list.currentItem()
        if current is not None and current.data(_FID) == fid:
            self.json.setPlainText(text)

    def accept(self) -> None:
        fids = self.ticked()
        if fids:
            self.chosen.emit(fids)
            super().accept()

    def _update(self) -> None:
        count = len(self.ticked())
        self.accept_button.setEnabled(count > 0)
        self.accept_button.setText(self.tr("&Accept ticked ({0})").format(count) if count else self.tr("&Accept"))

    def _selected(self, current: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        self.json.clear()
        if current is not None:
            self.preview_wanted.emit(int(current.data(_FID)))
