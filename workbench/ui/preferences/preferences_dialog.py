"""Preferences: how long the workspace may stay idle before it locks itself, the palette (as the system, light,
dark), what the export wizard starts with (older versions, sanitising), and when to be reminded of a backup."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from workbench.app.settings import MAX_AUTO_LOCK_MINUTES, MAX_BACKUP_REMINDER_DAYS, Settings
from workbench.ui.common.text import plain_label


class PreferencesDialog(QDialog):
    """Accepted: the settings are saved (the caller applies them)."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("preferencesDialog")
        self.setWindowTitle(self.tr("Preferences"))
        self._settings = settings
        self.auto_lock = QSpinBox(self)
        self.auto_lock.setRange(0, MAX_AUTO_LOCK_MINUTES)
        self.auto_lock.setSuffix(self.tr(" min"))
        self.auto_lock.setSpecialValueText(self.tr("Never"))
        self.auto_lock.setValue(settings.auto_lock_minutes)
        self.auto_lock.setAccessibleName(self.tr("Lock after this many idle minutes"))
        self.auto_lock.setToolTip(
            self.tr(
                "With no keyboard or mouse input for this long, the workspace locks "
                "itself and its data leaves memory. 0: never."
            )
        )
        self.palette_box = QComboBox(self)
        self.palette_box.setObjectName("paletteBox")
        self.palette_box.setAccessibleName(self.tr("Colours"))
        for key, text in (
            ("system", self.tr("As the system (light or dark)")),
            ("light", self.tr("Light")),
            ("dark", self.tr("Dark")),
        ):
            self.palette_box.addItem(text, key)
        self.palette_box.setCurrentIndex(max(self.palette_box.findData(settings.palette), 0))
        self.export_history = QCheckBox(self.tr("Include older &versions"), self)
        self.export_history.setToolTip(
            self.tr("Off is safer: a later version of an object may have removed what an older one said")
        )
        self.export_history.setChecked(settings.export_default("history"))
        self.export_sanitize = QCheckBox(self.tr("&Sanitise (drop internal notes, x_ properties, local labels)"), self)
        self.export_sanitize.setChecked(settings.export_default("sanitize"))
        self.backup_days = QSpinBox(self)
        self.backup_days.setRange(0, MAX_BACKUP_REMINDER_DAYS)
        self.backup_days.setSuffix(self.tr(" days"))
        self.backup_days.setSpecialValueText(self.tr("Never"))
        self.backup_days.setValue(settings.backup_reminder_days)
        self.backup_days.setAccessibleName(self.tr("Remind me to back up after this many days"))
        self.backup_days.setToolTip(
            self.tr("When the last backup is older than this, the window says so and offers to make one. 0: never.")
        )
        form = QFormLayout()
        form.addRow(self.tr("&Lock when idle for:"), self.auto_lock)
        form.addRow(self.tr("&Remind me to back up after:"), self.backup_days)
        form.addRow(self.tr("&Colours:"), self.palette_box)
        form.addRow(self.tr("Export starts with:"), self.export_history)
        form.addRow("", self.export_sanitize)
        note = plain_label(
            self.tr(
                "Locking closes the database, wipes its key from memory and clears every "
                "screen; the passphrase opens it again."
            ),
            self,
            wrap=True,
        )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def accept(self) -> None:
        self._settings.auto_lock_minutes = self.auto_lock.value()
        self._settings.palette = str(self.palette_box.currentData())
        self._settings.set_export_default("history", self.export_history.isChecked())
        self._settings.set_export_default("sanitize", self.export_sanitize.isChecked())
        self._settings.backup_reminder_days = self.backup_days.value()
        super().accept()
