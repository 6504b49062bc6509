"""The main window: navigation between the registered screens, menus, status bar, locking, drops.

While the workspace is locked the window shows only a locked page; every screen has dropped its data on the
session's ``locking`` signal. Screens come from ``ui/screens.py`` and are built once, with the ``AppContext``.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QEvent, QSize, Qt, QUrl
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QFont, QIcon, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from workbench.app.application import app_icon, choose_palette, icon, with_selected_look
from workbench.app.idle import IdleWatcher
from workbench.app.session import Session, SessionInfo, StoreChange
from workbench.app.settings import Settings
from workbench.services.exchange import is_package
from workbench.services.keys import fingerprint_lines, format_fingerprint
from workbench.ui.about.about_dialog import AboutDialog
from workbench.ui.backup.controller import BackupController
from workbench.ui.cases.link_to_case_dialog import LinkToCaseDialog
from workbench.ui.common.fit import available_area, fit_to_screen, start_geometry
from workbench.ui.common.screen import AppContext, Screen, ScreenSpec
from workbench.ui.common.text import plain_label, tooltip_text
from workbench.ui.help.guide_window import Guide, GuideWindow
from workbench.ui.importing.import_controller import ImportController
from workbench.ui.library.library_screen import LibraryScreen
from workbench.ui.preferences.preferences_dialog import PreferencesDialog
from workbench.ui.screens import SCREENS
from workbench.ui.unlock.access_flow import AccessFlow
from workbench.ui.work_keeper import WorkKeeper

logger = logging.getLogger(__name__)

STATUS_MESSAGE_MS = 8000


class MainWindow(QMainWindow):
    """One window over one session."""

    def __init__(self, session: Session, settings: Settings, *, screens: tuple[ScreenSpec, ...] = SCREENS) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowIcon(app_icon())
        self.setAcceptDrops(True)
        self.session = session
        self.settings = settings
        self.context = AppContext(
            session,
            settings,
            show_object=self.show_object,
            import_files=self._import_files,
            status=self.show_status,
            selected_objects=self.selected_objects,
        )
        self.imports = ImportController(session, self)
        self._close_confirmed = False
        self.access = AccessFlow(session, settings, self)
        self.idle = IdleWatcher(self)
        self.idle.set_minutes(settings.auto_lock_minutes)
        self.idle.idle_timed_out.connect(self._auto_lock)
        self.backups = BackupController(session, settings, self)
        self.guide_window: GuideWindow | None = None

        self.navigation = QListWidget(self)
        self.navigation.setObjectName("navigation")
        self.navigation.setAccessibleName(self.tr("Screens"))
        self.navigation.setToolTip(self.tr("Ctrl+1 … Ctrl+{0} switch screens").format(len(screens)))
        small = self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
        self.navigation.setIconSize(QSize(round(small * 1.2), round(small * 1.2)))
        self.pages = QStackedWidget(self)
        self.screens: dict[str, Screen] = {}
        self._opened_path: Path | None = None  # the workspace opened last in this run
        self._keys: list[str] = []
        for spec in screens:
            screen = spec.factory(self.context)
            self.screens[spec.key] = screen
            self._keys.append(spec.key)
            self.pages.addWidget(screen)
            item = QListWidgetItem(self._navigation_icon(spec.icon), spec.title(), self.navigation)
            item.setData(Qt.ItemDataRole.UserRole, spec.icon)
            item.setToolTip(spec.tooltip())
            item.setData(Qt.ItemDataRole.AccessibleTextRole, spec.title())
        self.navigation.currentRowChanged.connect(self._screen_changed)
        # As wide as the longest title needs, no wider: a laptop screen's width goes to the screens.
        frame = self.navigation.frameWidth() * 2
        self.navigation.setFixedWidth(min(170, self.navigation.sizeHintForColumn(0) + frame + 12))
        self.keeper = WorkKeeper(session, self.screens, self)
        self.keeper.keeping_failed.connect(self._keeping_failed)
        workspace_page = QWidget(self)
        column = QVBoxLayout(workspace_page)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.backups.reminder)
        row = QHBoxLayout()
        row.setSpacing(0)
        row.addWidget(self.navigation)
        row.addWidget(self.pages, 1)
        column.addLayout(row, 1)
        self.locked_page = self._locked_page()
        self.central = QStackedWidget(self)
        self.central.addWidget(self.locked_page)
        self.central.addWidget(workspace_page)
        self.setCentralWidget(self.central)

        self.identity_label = plain_label("", self)
        self.identity_label.setAccessibleName(self.tr("Open workspace"))
        self.statusBar().addPermanentWidget(self.identity_label)
        self._build_menus(screens)
        session.opened.connect(self._opened)
        session.locked.connect(self._locked)
        self._show_locked()
        self._restore_layout()

    # -- building ----------------------------------------------------------------------------------------------

    def _locked_page(self) -> QWidget:
        page = QWidget(self)
        page.setObjectName("lockedPage")
        heading = plain_label("", page)
        heading.setObjectName("lockedHeading")
        font = QFont(heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        heading.setFont(font)
        text = plain_label("", page, wrap=True)
        self.locked_heading, self.locked_text = heading, text
        self.unlock_button = QPushButton(icon("lock"), "", page)
        self.unlock_button.clicked.connect(self._unlock_clicked)
        create = QPushButton(self.tr("&Create new workspace…"), page)
        create.setToolTip(self.tr("Start a new, empty workspace"))
        create.clicked.connect(self._create_clicked)
        buttons = QHBoxLayout()
        buttons.addWidget(self.unlock_button)
        buttons.addWidget(create)
        buttons.addStretch(1)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(64, 64, 64, 64)
        layout.addWidget(heading)
        layout.addWidget(text)
        layout.addLayout(buttons)
        layout.addStretch(1)
        return page

    def _navigation_icon(self, name: str) -> QIcon:
        colour = self.navigation.palette().color(QPalette.ColorRole.HighlightedText)
        return with_selected_look(icon(name), colour)

    def _action(
        self,
        text: str,
        slot,
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        tip: str = "",
        icon_name: str | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if icon_name:
            action.setIcon(icon(icon_name))
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)  # shortcuts work even while the menu bar is hidden
        return action

    def _build_menus(self, screens: tuple[ScreenSpec, ...]) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("&File"))
        self.import_action = self._action(
            self.tr("&Import STIX files…"),
            self.imports.choose_files,
            "Ctrl+I",
            self.tr("Preview, then import STIX bundle files"),
            "import",
        )
        self.export_action = self._action(
            self.tr("&Export package…"),
            self.start_export,
            "Ctrl+E",
            self.tr("Write a signed package for a partner"),
            "exchange",
        )
        self.backup_action = self._action(
            self.tr("&Back up…"),
            self.backups.show_dialog,
            "Ctrl+Shift+B",
            self.tr("Write an encrypted, verified backup of the workspace onto a removable medium"),
        )
        self.lock_action = self._action(
            self.tr("&Lock"), self.lock_now, "Ctrl+L", self.tr("Lock the workspace now: its data leaves memory"), "lock"
        )
        self.preferences_action = self._action(
            self.tr("&Preferences…"),
            self.show_preferences,
            QKeySequence.StandardKey.Preferences,
            self.tr("Auto-lock delay, backup reminder"),
        )
        if self.preferences_action.shortcut().isEmpty():
            self.preferences_action.setShortcut(QKeySequence("Ctrl+,"))
        quit_action = self._action(
            self.tr("&Quit"), self.close, QKeySequence.StandardKey.Quit, self.tr("Lock the workspace and quit")
        )
        if quit_action.shortcut().isEmpty():  # some platforms define no standard Quit key
            quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        for action in (
            self.import_action,
            self.export_action,
            None,
            self.backup_action,
            None,
            self.lock_action,
            self.preferences_action,
            None,
            quit_action,
        ):
            file_menu.addSeparator() if action is None else file_menu.addAction(action)
        edit_menu = bar.addMenu(self.tr("&Edit"))
        self.find_action = self._action(
            self.tr("&Find in library"), self.focus_search, QKeySequence.StandardKey.Find, self.tr("Search the library")
        )
        edit_menu.addAction(self.find_action)
        view_menu = bar.addMenu(self.tr("&View"))
        self.screen_actions: list[QAction] = []
        for number, spec in enumerate(screens, start=1):
            action = self._action(
                spec.title(),
                lambda _checked=False, key=spec.key: self._switch_to(key),
                f"Ctrl+{number}" if number < 10 else None,
                spec.tooltip(),
                spec.icon,
            )
            view_menu.addAction(action)
            self.screen_actions.append(action)
        view_menu.addSeparator()
        self.refresh_action = self._action(
            self.tr("&Refresh"), self.refresh, QKeySequence.StandardKey.Refresh, self.tr("Read the workspace again")
        )
        view_menu.addAction(self.refresh_action)
        help_menu = bar.addMenu(self.tr("&Help"))
        self.guide_actions = {
            Guide.USER: self._action(
                self.tr("&User guide"),
                lambda: self.show_guide(Guide.USER),
                QKeySequence.StandardKey.HelpContents,
                self.tr("How to do each task, with pictures (offline)"),
            ),
            Guide.ADMIN: self._action(
                self.tr("&Administrator's guide"),
                lambda: self.show_guide(Guide.ADMIN),
                None,
                self.tr("Installing, partner keys, backups, upgrades"),
            ),
            Guide.COMMANDS: self._action(
                self.tr("&Command reference"),
                lambda: self.show_guide(Guide.COMMANDS),
                None,
                self.tr("Every command and option of the workbench command"),
            ),
        }
        if self.guide_actions[Guide.USER].shortcut().isEmpty():
            self.guide_actions[Guide.USER].setShortcut(QKeySequence("F1"))
        for action in self.guide_actions.values():
            help_menu.addAction(action)
        help_menu.addSeparator()
        self.about_action = self._action(
            self.tr("&About Workbench"), self.show_about, None, self.tr("Version and licences")
        )
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        about_qt = self._action(self.tr("About &Qt"), QApplication.aboutQt)
        about_qt.setMenuRole(QAction.MenuRole.AboutQtRole)
        help_menu.addAction(self.about_action)
        help_menu.addAction(about_qt)

    # -- session -----------------------------------------------------------------------------------------------

    def start(self, db: Path | None = None, *, demo: bool = False) -> None:
        """First thing after the window shows: the demo, or the unlock or create dialog."""
        if demo:
            self.show_status(self.tr("Preparing the demo workspace…"))
            self.access.start_demo()
        else:
            self.access.start(db)

    def _opened(self, info: SessionInfo) -> None:
        self._opened_path = info.path
        self.central.setCurrentIndex(1)
        self.setWindowTitle(self.tr("{0} — Workbench").format(info.org_name))
        short = format_fingerprint(info.fingerprint[:16])
        self.identity_label.setText(self.tr("{0} · key {1}…").format(info.org_name, short))
        self.identity_label.setToolTip(
            tooltip_text(
                self.tr(
                    "{0} signs with the key whose fingerprint is\n{1}\n(Partners screen: Copy, Export public key…)"
                ).format(info.org_name, fingerprint_lines(info.fingerprint))
            )
        )
        for action in (
            self.import_action,
            self.export_action,
            self.backup_action,
            self.lock_action,
            self.refresh_action,
            self.find_action,
            *self.screen_actions,
        ):
            action.setEnabled(True)
        if info.demo_passphrase:
            self.show_status(
                self.tr("Demo workspace (temporary). Its passphrase is “{0}”.").format(info.demo_passphrase), 0
            )
        self.idle.arm()
        self.keeper.offer_kept()
        current = self.screens.get(self._keys[max(self.navigation.currentRow(), 0)])
        if current is not None:
            current.focus_first()

    def _show_locked(self) -> None:
        self.central.setCurrentIndex(0)
        last = self._opened_path or self.settings.last_workspace
        known = last is not None and last.is_file()
        if known:
            self.locked_heading.setText(self.tr("Workspace locked"))
            self.locked_text.setText(
                self.tr("Nothing from the workspace is in memory. Unlock it with its passphrase, or create a new one.")
            )
            self.unlock_button.setText(self.tr("&Unlock…"))
            self.unlock_button.setToolTip(self.tr("Type the passphrase to open the workspace"))
        else:  # first run: there is nothing to unlock yet
            self.locked_heading.setText(self.tr("No workspace yet"))
            self.locked_text.setText(
                self.tr(
                    "A workspace is one encrypted file holding your organisation's threat intelligence, cases and "
                    "signing key. Create one, or open a workspace file you already have."
                )
            )
            self.unlock_button.setText(self.tr("&Open a workspace…"))
            self.unlock_button.setToolTip(self.tr("Choose a workspace file and type its passphrase"))
        self.setWindowTitle(self.tr("Workbench (locked)") if known else self.tr("Workbench"))
        self.identity_label.setText(self.tr("Locked") if known else self.tr("No workspace open"))
        self.identity_label.setToolTip("")
        for action in (
            self.import_action,
            self.export_action,
            self.backup_action,
            self.lock_action,
            self.refresh_action,
            self.find_action,
            *self.screen_actions,
        ):
            action.setEnabled(False)
        self.unlock_button.setFocus()

    def _locked(self) -> None:
        self.idle.disarm()
        self.statusBar().clearMessage()
        self._show_locked()

    def lock_now(self) -> None:
        """Ctrl+L: close every dialog over the window, keep unsaved work as drafts in the workspace, lock the
        session, offer to unlock again."""
        if not self.session.is_open or self.keeper.keeping:
            return
        path = self.session.info.path if self.session.info else None
        self.keeper.cancel()

        def lock() -> None:
            self._close_dialogs()
            self.session.lock()
            self.access.show_unlock(path)

        self.keeper.keep_then(lock)  # takes the unsaved work at once, the open dialogs' included
        if self.keeper.keeping:
            self._close_dialogs()

    def _keeping_failed(self, message: str) -> None:
        self.locked_text.setText(
            self.tr("Unsaved work could not be kept before locking ({0}). Unlock to go on.").format(message)
        )

    def _auto_lock(self) -> None:
        logger.info("auto-lock after idle time")
        self.lock_now()

    def _close_dialogs(self) -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, (QDialog, QMessageBox)) and widget.isVisible() and widget is not self:
                widget.reject()

    # -- actions -----------------------------------------------------------------------------------------------

    # Slots return None: PySide mishandles values returned from lambdas connected to signals.
    def _unlock_clicked(self) -> None:
        self.access.show_unlock()

    def _create_clicked(self) -> None:
        self.access.show_create()

    def _switch_to(self, key: str) -> None:
        self.show_screen(key)

    def show_screen(self, key: str) -> Screen:
        self.navigation.setCurrentRow(self._keys.index(key))
        return self.screens[key]

    def _screen_changed(self, row: int) -> None:
        if 0 <= row < len(self._keys):
            self.pages.setCurrentIndex(row)
            self.settings.set_value("screen", self._keys[row])

    def show_object(self, stix_id: str) -> None:
        screen = self.show_screen("library")
        show = getattr(screen, "show_object", None)
        if callable(show):
            show(stix_id)

    def selected_objects(self) -> list[str]:
        selected = getattr(self.screens.get("library"), "selected_ids", None)
        return list(selected()) if callable(selected) else []

    def start_export(self) -> None:
        self._export(None)

    def export_objects(self, object_ids: list[str]) -> None:
        """The export wizard with these objects chosen (a table's Export selected…)."""
        if self.session.is_open and object_ids:
            self._export(list(object_ids))

    def _export(self, objects: list[str] | None) -> None:
        if "exchange" in self.screens:
            start = getattr(self.show_screen("exchange"), "start_export", None)
            if callable(start):
                start(objects)

    def link_objects_to_case(self, object_ids: list[str]) -> LinkToCaseDialog | None:
        """Pick a case and link these objects to it (a table's Link to case…)."""
        library = self.screens.get("library")  # the dialog is that screen's unsaved work
        return library.link_to_case(object_ids) if isinstance(library, LibraryScreen) else None

    def focus_search(self) -> None:
        screen = self.show_screen("library")
        focus = getattr(screen, "focus_search", None)
        if callable(focus):
            focus()

    def refresh(self) -> None:
        if self.session.is_open:
            self.session.notify_changed(StoreChange("refresh"))

    def show_status(self, text: str, timeout_ms: int = STATUS_MESSAGE_MS) -> None:
        self.statusBar().showMessage(text, timeout_ms)

    def show_about(self) -> AboutDialog:
        dialog = AboutDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def show_preferences(self) -> PreferencesDialog:
        dialog = PreferencesDialog(self.settings, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(self._preferences_saved)
        dialog.open()
        return dialog

    def _preferences_saved(self) -> None:
        self.idle.set_minutes(self.settings.auto_lock_minutes)
        self.backups.check()
        app = QApplication.instance()
        if isinstance(app, QApplication):
            choose_palette(app, self.settings.palette)

    def show_guide(self, guide: Guide = Guide.USER) -> GuideWindow:
        """Help > User guide (and the others): the guide in its own window, read offline."""
        if self.guide_window is None:
            self.guide_window = GuideWindow(self)
        if not self.guide_window.show_guide(guide):
            self.guide_window.show()
        return self.guide_window

    def _import_files(self, paths: list[str]) -> None:
        """Exchange packages and receipts (folders, tar files) go to the Exchange screen, the rest to the import."""
        exchange_screen = self.screens.get("exchange")
        receive = getattr(exchange_screen, "import_paths", None)
        carried = [path for path in paths if callable(receive) and is_package(path)]
        files = [path for path in paths if path not in carried]
        if carried and callable(receive):
            self.show_screen("exchange")
            receive(carried)
        if files:
            self.imports.import_paths(files)

    # -- drag and drop -----------------------------------------------------------------------------------------

    @staticmethod
    def _local_paths(urls: list[QUrl]) -> list[str]:
        return [url.toLocalFile() for url in urls if url.isLocalFile() and url.toLocalFile()]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.session.is_open and event.mimeData().hasUrls() and self._local_paths(event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = self._local_paths(event.mimeData().urls()) if event.mimeData().hasUrls() else []
        if not paths or not self.session.is_open:
            event.ignore()
            return
        event.acceptProposedAction()
        self._import_files(paths)

    # -- layout and closing ------------------------------------------------------------------------------------

    def _restore_layout(self) -> None:
        """The saved geometry, brought back onto this screen; else the start size from the available screen."""
        area = available_area(self)
        geometry = self.settings.layout("window/geometry")
        if geometry is not None and self.restoreGeometry(geometry):
            if not area.contains(self.geometry()):  # saved on a larger screen, or one no longer attached
                self.setGeometry(fit_to_screen(self.geometry(), area))
        else:
            self.setGeometry(start_geometry(area))
        state = self.settings.layout("window/state")
        if state is not None:
            self.restoreState(state)
        key = self.settings.value("screen", "library")
        self.navigation.setCurrentRow(self._keys.index(key) if key in self._keys else 0)

    def save_layout(self) -> None:
        self.settings.save_layout("window/geometry", self.saveGeometry())
        self.settings.save_layout("window/state", self.saveState())
        for screen in self.screens.values():
            screen.save_layout()
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.session.is_open and not self._close_confirmed and self.keeper.unsaved():
            event.ignore()  # asked first; closed again once the work is saved or discarded
            self.keeper.ask_before_closing(self._close_after_asking)
            return
        self.keeper.cancel()
        self.save_layout()
        self._close_dialogs()
        self.session.lock()
        self.idle.detach()
        event.accept()

    def _close_after_asking(self) -> None:
        self._close_confirmed = True
        self.close()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            for row in range(self.navigation.count()):  # the selected look follows the palette's colours
                item = self.navigation.item(row)
                item.setIcon(self._navigation_icon(str(item.data(Qt.ItemDataRole.UserRole))))
            for screen in self.screens.values():
                screen.update()
        super().changeEvent(event)
