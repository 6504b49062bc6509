"""No typed work is lost: quitting asks about it, locking keeps it, unlocking offers it back.

The screens say what they hold unsaved (``Screen.unsaved_work``). Quitting or closing the window with any asks
Save / Discard / Cancel: Save stores each screen's work its own way (a case is saved, a report form becomes a
named draft) and closes only if all of it was stored. Locking, by Ctrl+L or after the idle time, first keeps the
work as drafts inside the encrypted workspace (``services.drafts.keep``, never the settings file or a plain file),
then locks; the next unlocking offers it back (Restore, Discard, Later). Keeping is bounded: if it cannot finish
within ``KEEP_TIMEOUT_MS`` (the workspace busy beyond reason) the workspace locks anyway, since leaving it open
is the greater harm, and the window says the work could not be kept.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget
from shiboken6 import isValid

from workbench.app.session import Session
from workbench.app.tasks import TaskFailure, TaskHandle
from workbench.services import drafts
from workbench.services.drafts import Draft, KeptWork
from workbench.ui.common.dialogs import show_error
from workbench.ui.common.screen import Screen, UnsavedWork

logger = logging.getLogger(__name__)

KEEP_TIMEOUT_MS = 10_000


class WorkKeeper(QObject):
    """The unsaved work of ``screens`` (by key) around quitting, locking and unlocking."""

    work_kept = Signal(int)
    """So many pieces of unsaved work were kept as drafts before the workspace locked."""
    keeping_failed = Signal(str)
    """Unsaved work could not be kept before locking (the message); it is lost."""
    kept_offered = Signal(object)
    """The ``QMessageBox`` offering work kept at the last locking."""
    work_restored = Signal(int)
    """So many pieces of kept work were put back into their screens."""

    def __init__(self, session: Session, screens: dict[str, Screen], window: QWidget) -> None:
        super().__init__(window)
        self._session = session
        self._screens = screens
        self._window = window
        self._keeping: TaskHandle | None = None
        self.box: QMessageBox | None = None

    def unsaved(self) -> list[tuple[str, UnsavedWork]]:
        """Every screen's unsaved work, with the screen's key, and work still being put back (``pending_work``)."""
        found: list[tuple[str, UnsavedWork]] = []
        for key, screen in self._screens.items():
            pending = screen.pending_work()
            found.extend((key, work) for work in ([pending] if pending is not None else []) + screen.unsaved_work())
        return found

    @property
    def keeping(self) -> bool:
        return self._keeping is not None

    # -- quitting ----------------------------------------------------------------------------------------------

    def ask_before_closing(self, proceed: Callable[[], None]) -> QMessageBox | None:
        """``proceed`` at once when nothing is unsaved; otherwise after the analyst's Save or Discard."""
        work = self.unsaved()
        if not work:
            proceed()
            return None
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Unsaved work"),
            self.tr("This work is not saved:\n{0}\n\nSave it before quitting?").format(_bullets(work)),
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            self._window,
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setObjectName("quitUnsavedBox")
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def answered(button: QPushButton) -> None:
            role = box.standardButton(button)
            if role == QMessageBox.StandardButton.Discard:
                for key in dict(work):
                    self._screens[key].discard_work()
                proceed()
            elif role == QMessageBox.StandardButton.Save:
                self._save_all([key for key in dict.fromkeys(key for key, _ in work)], proceed)

        box.buttonClicked.connect(answered)
        self.box = box
        box.open()
        return box

    def _save_all(self, keys: list[str], proceed: Callable[[], None]) -> None:
        """Save the screens' work one after the other; ``proceed`` once all of it was stored."""
        if not keys:
            proceed()
            return
        key, rest = keys[0], keys[1:]

        def done(problem: str | None) -> None:
            if problem is not None:
                show_error(
                    self._window,
                    self.tr("Not saved, so the window stays open: {0}").format(problem),
                    title=self.tr("Unsaved work"),
                )
                return
            self._save_all(rest, proceed)

        screen = self._screens[key]
        if screen.pending_work() is not None:
            done(self.tr("the work kept at the last locking is still being put back; try again in a moment."))
            return
        screen.save_work(done)

    # -- locking -----------------------------------------------------------------------------------------------

    def keep_then(self, lock: Callable[[], None]) -> None:
        """Keep the unsaved work as drafts in the workspace, then ``lock`` (at once when there is none)."""
        if self._keeping is not None:
            return
        work = [KeptWork(key, item.name, {"what": item.what, "work": item.content}) for key, item in self.unsaved()]
        if not work:
            lock()
            return
        # Nothing else may hold the workspace's write lock meanwhile (an import): its task rolls back.
        self._session.runner.cancel_all()
        task = self._session.run("keep unsaved work", lambda ws, _control: drafts.keep(ws, work))
        self._keeping = task
        timer = QTimer(self)
        timer.setSingleShot(True)
        finished = {"done": False}

        def finish(problem: str | None) -> None:
            if finished["done"]:
                return
            finished["done"] = True
            timer.stop()
            self._keeping = None
            if problem is None:
                logger.info("%d pieces of unsaved work kept before locking", len(work))
                self.work_kept.emit(len(work))
            else:
                logger.warning("unsaved work could not be kept before locking")
                self.keeping_failed.emit(problem)
            lock()

        task.succeeded.connect(lambda _ids: finish(None))
        task.failed.connect(lambda failure: finish(failure.message))
        task.cancelled.connect(lambda: finish(self.tr("keeping it was cancelled")))
        timer.timeout.connect(lambda: finish(self.tr("the workspace did not answer in time")))
        timer.start(KEEP_TIMEOUT_MS)

    # -- unlocking ---------------------------------------------------------------------------------------------

    def offer_kept(self) -> None:
        """Read the work kept at the last locking and, if there is any, offer it back."""
        task = self._session.run("kept work", lambda ws, _control: drafts.kept(ws))
        task.succeeded.connect(self._offer)
        task.failed.connect(lambda failure: logger.warning("kept work not read: %s", failure.message))

    def _offer(self, kept: list[Draft]) -> None:
        usable = [draft for draft in kept if draft.kind in self._screens]
        if not usable or not self._session.is_open:
            return
        lines = "\n".join("• " + str(draft.content.get("what") or draft.name) for draft in usable)
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Unsaved work kept"),
            "",
            QMessageBox.StandardButton.NoButton,
            self._window,
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(
            self.tr(
                "When the workspace locked, this work was not saved. It was kept, encrypted, inside the workspace:\n"
                "{0}\n\nPut it back where it was?"
            ).format(lines)
        )
        box.setObjectName("keptWorkBox")
        restore = box.addButton(self.tr("&Restore"), QMessageBox.ButtonRole.AcceptRole)
        discard = box.addButton(self.tr("&Discard"), QMessageBox.ButtonRole.DestructiveRole)
        later = box.addButton(self.tr("&Later"), QMessageBox.ButtonRole.RejectRole)
        restore.setObjectName("restoreKept")
        discard.setObjectName("discardKept")
        later.setToolTip(self.tr("Keep it in the workspace and ask again at the next unlocking"))
        box.setDefaultButton(restore)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def answered(button: Any) -> None:
            if button is restore:
                self._restore(usable)
            elif button is discard:
                self._forget(usable)

        box.buttonClicked.connect(answered)
        self.box = box
        box.open()
        self.kept_offered.emit(box)

    def _restore(self, kept: list[Draft]) -> None:
        restored = 0
        for draft in kept:
            work = draft.content.get("work")
            if isinstance(work, dict) and self._screens[draft.kind].restore_work(work):
                restored += 1
        self._forget(kept)
        self.work_restored.emit(restored)

    def _forget(self, kept: list[Draft]) -> None:
        ids = [draft.id for draft in kept]
        task = self._session.run("forget kept work", lambda ws, _control: drafts.delete(ws, ids))
        task.failed.connect(self._forget_failed)

    def _forget_failed(self, failure: TaskFailure) -> None:
        logger.warning("kept work not removed: %s", failure.message)

    def cancel(self) -> None:
        """The window is locking or closing: the offer goes away (the work stays kept)."""
        if self.box is not None:
            box, self.box = self.box, None
            if isValid(box):  # a box deletes itself once answered
                box.reject()


def _bullets(work: list[tuple[str, UnsavedWork]]) -> str:
    return "\n".join("• " + item.what for _key, item in work)
