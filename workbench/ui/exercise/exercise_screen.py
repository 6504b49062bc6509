"""The Exercise screen: conduct mode for one exercise case, as the controller, an evaluator or in the hot wash.

The exercise is read in one task (``load_exercise``) off the GUI thread. A timer moves the clock every second
from what was read (scenario time, countdowns): no database read, so the window never waits on the clock. Every
action is one service call in a task that reads the exercise again when it is done; the screen then announces the
change to the other screens. The name typed in "You are" is who delivers, responds and observes.
"""

from __future__ import annotations

import getpass
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from workbench.app.session import StoreChange
from workbench.app.tasks import TaskFailure, TaskHandle
from workbench.services.cases import CaseSummary
from workbench.services.exercise import exchange as exercise_exchange
from workbench.services.workspace import Workspace
from workbench.ui.common.dialogs import show_error
from workbench.ui.common.screen import AppContext, SaveDone, Screen, UnsavedWork
from workbench.ui.common.text import plain_label
from workbench.ui.exercise.controller_page import ControllerPage
from workbench.ui.exercise.evaluator_page import EvaluatorPage
from workbench.ui.exercise.exercise_data import ExerciseData, exercise_list, load_exercise
from workbench.ui.exercise.hotwash_page import HotWashPage
from workbench.ui.exercise.widgets import choose_medium

logger = logging.getLogger(__name__)

TICK_MS = 1000
CHANGE_ACTION = "exercise"
NAME_KEY = "exercise/name"


def utc_clock() -> datetime:
    return datetime.now(UTC)


def login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


class ExerciseScreen(Screen):
    def __init__(
        self, context: AppContext, parent: QWidget | None = None, clock: Callable[[], datetime] = utc_clock
    ) -> None:
        super().__init__(context, parent)
        self.setObjectName("exerciseScreen")
        self.clock = clock
        self.data: ExerciseData | None = None
        self.picker = QComboBox(self)
        self.picker.setObjectName("exercisePicker")
        self.picker.setAccessibleName(self.tr("Exercise"))
        self.picker.setMinimumContentsLength(30)
        self.picker.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.picker.currentIndexChanged.connect(lambda _index: self.reload())
        self.name = QLineEdit(self)
        self.name.setObjectName("conductName")
        self.name.setAccessibleName(self.tr("Your name"))
        self.name.setToolTip(self.tr("Recorded as who delivered an inject, responded or observed"))
        self.name.setText(context.settings.value(NAME_KEY) or login_name())
        self.name.editingFinished.connect(lambda: context.settings.set_value(NAME_KEY, self.name.text().strip()))
        self.send_button = QPushButton(self.tr("Send to &controller…"), self)
        self.send_button.setObjectName("sendToController")
        self.send_button.setToolTip(
            self.tr("Write your responses and observations as a signed package for the exercise's controller")
        )
        self.send_button.clicked.connect(self.send)
        self.send_button.setEnabled(False)
        self.status = plain_label("", self, wrap=True)
        self.status.setObjectName("exerciseStatus")
        self.status.setAccessibleName(self.tr("Exercise screen status"))

        self.controller = ControllerPage(self, self)
        self.evaluator = EvaluatorPage(self, self)
        self.hot_wash = HotWashPage(self, self)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("conductTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.controller, self.tr("&Controller"))
        self.tabs.addTab(self.evaluator, self.tr("E&valuator"))
        self.tabs.addTab(self.hot_wash, self.tr("Hot &wash"))

        top = QHBoxLayout()
        label = plain_label(self.tr("E&xercise:"), self)
        label.setBuddy(self.picker)
        top.addWidget(label)
        top.addWidget(self.picker, 2)
        top.addSpacing(12)
        you = plain_label(self.tr("You &are:"), self)
        you.setBuddy(self.name)
        top.addWidget(you)
        top.addWidget(self.name, 1)
        top.addWidget(self.send_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.status)

        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.tick)
        self._task: TaskHandle | None = None
        self._generation = 0
        self._restoring: dict[str, Any] | None = None  # work kept at locking, put back once its exercise shows
        session = context.session
        session.opened.connect(lambda _info: self.refresh_list())
        session.locking.connect(self._locking)
        session.store_changed.connect(self._store_changed)

    # -- Changes (what the pages call) ---------------------------------------------------------------------------

    def who(self) -> str:
        return self.name.text().strip()

    def change(
        self,
        name: str,
        work: Callable[[Workspace, datetime], Any],
        refused: Callable[[str], None] | None = None,
        done: Callable[[], None] | None = None,
    ) -> None:
        """Run one service call ``work(ws, now)`` off the GUI thread at the screen's clock time, then read the
        exercise again; a refusal goes to ``refused`` (a dialog's banner) or, without one, to an error box."""
        ref = self.current_ref()
        if ref is None:
            return
        self._generation += 1
        generation = self._generation
        now = self.clock()

        def task(ws: Workspace, _control: Any) -> ExerciseData:
            work(ws, now)
            return load_exercise(ws, ref, now)

        handle = self.context.session.run(name, task)

        def succeeded(data: ExerciseData) -> None:
            if done is not None:
                done()
            if generation == self._generation:
                self._show(data)
            self.context.session.notify_changed(
                StoreChange(CHANGE_ACTION, self.tr("Exercise {0}: {1}").format(ref, name))
            )

        def failed(failure: TaskFailure) -> None:
            if refused is not None:
                refused(failure.message)
            else:
                show_error(self, failure.message)

        handle.succeeded.connect(succeeded)
        handle.failed.connect(failed)

    # -- loading -----------------------------------------------------------------------------------------------

    def current_ref(self) -> str | None:
        ref = self.picker.currentData()
        return str(ref) if ref else None

    def open_exercise(self, ref: str) -> None:
        """Show the exercise with this reference (the list is read first when it does not hold it yet)."""
        index = self.picker.findData(ref)
        if index >= 0:
            self.picker.setCurrentIndex(index)
        else:
            self.refresh_list(select=ref)

    def refresh_list(self, select: str | None = None) -> None:
        if not self.context.session.is_open:
            return
        wanted = select or self.current_ref()
        task = self.context.session.run("exercise list", lambda ws, _control: exercise_list(ws))
        task.succeeded.connect(lambda rows: self._fill(rows, wanted))
        task.failed.connect(lambda failure: self.status.setText(failure.message))

    def _fill(self, rows: list[CaseSummary], wanted: str | None) -> None:
        self.picker.blockSignals(True)
        self.picker.clear()
        for row in rows:
            copy = "" if row.origin == "local" else self.tr(" (copy from {0})").format(row.origin)
            self.picker.addItem(f"{row.ref}  {row.title}{copy}", row.ref)
        index = self.picker.findData(wanted) if wanted else -1
        self.picker.setCurrentIndex(index if index >= 0 else (0 if rows else -1))
        self.picker.blockSignals(False)
        self.status.setText("")
        if not rows:
            self.status.setText(self.tr("No exercise case yet: create one on the Cases screen."))
        self.reload()

    def reload(self) -> None:
        ref = self.current_ref()
        self._generation += 1
        generation = self._generation
        if self._task is not None:
            self._task.cancel()
            self._task = None
        if ref is None or not self.context.session.is_open:
            self._show(None)
            return
        now = self.clock()
        task = self.context.session.run("open exercise", lambda ws, _control: load_exercise(ws, ref, now))
        self._task = task
        task.succeeded.connect(lambda data: self._loaded(generation, data))
        task.failed.connect(lambda failure: self._failed(generation, failure))

    def _loaded(self, generation: int, data: ExerciseData) -> None:
        if generation == self._generation:
            self._task = None
            self._show(data)
            kept, self._restoring = self._restoring, None
            if kept is not None and kept.get("ref") == data.case.ref:
                self._put_back(kept)

    def _put_back(self, kept: dict[str, Any]) -> None:
        """Work kept at locking, shown again: the observation on the evaluator's page, and the dialog that was
        open (the controller's, or Add critical task) opened again with what was typed in it."""
        observation, typed, task = kept.get("observation"), kept.get("controller"), kept.get("critical_task")
        if isinstance(observation, dict):
            self.tabs.setCurrentWidget(self.evaluator)
            self.evaluator.put_back(observation)
        if isinstance(task, dict):
            self.tabs.setCurrentWidget(self.evaluator)
            dialog = self.evaluator.add_task()
            if dialog is not None:
                dialog.put_back(task)
        washed = kept.get("hot_wash")
        if isinstance(washed, dict):
            self.tabs.setCurrentWidget(self.hot_wash)
            if not self.hot_wash.put_back(washed):
                self.status.setText(self.tr("What the dialog open at locking was for is gone; what was typed is lost."))
        if isinstance(typed, dict):
            self.tabs.setCurrentWidget(self.controller)
            if not self.controller.put_back(typed):
                self.status.setText(
                    self.tr("The inject of the dialog open at locking is gone; what was typed in it is lost.")
                )

    def _failed(self, generation: int, failure: TaskFailure) -> None:
        if generation == self._generation:
            self._task = None
            self.status.setText(failure.message)

    def _show(self, data: ExerciseData | None) -> None:
        self.data = data.at(self.clock()) if data is not None else None
        self.controller.show_data(self.data)
        self.evaluator.show_data(self.data)
        self.hot_wash.show_data(self.data)
        self.send_button.setEnabled(self.data is not None and not self.data.view.controller)
        if self.data is None:
            self.timer.stop()
            return
        self.timer.start()

    def send(self) -> QFileDialog | None:
        """Ask for the removable medium, then write this copy's responses and observations to the controller."""
        if self.data is None or self.data.view.controller:
            return None
        title = self.tr("Medium for the package to {0}").format(self.data.case.origin)
        return choose_medium(self, title, "sendMedium", self.send_to)

    def send_to(self, medium: str) -> None:
        ref = self.current_ref()
        written: list[Any] = []

        def work(ws: Workspace, _now: datetime) -> None:
            written.append(exercise_exchange.send(ws, str(ref), medium))

        def done() -> None:
            result = written[0]
            self.status.setText(
                self.tr("Package for {0} written and verified: {1}").format(result.recipient, result.path.name)
            )

        self.change("send to controller", work, done=done)

    def tick(self) -> None:
        """A second passed: scenario time and countdowns move on (no database read)."""
        if self.data is None:
            return
        self.data = self.data.at(self.clock())
        self.controller.show_data(self.data, tick=True)

    # -- session -----------------------------------------------------------------------------------------------

    def _store_changed(self, change: StoreChange) -> None:
        if change.action == CHANGE_ACTION:
            return  # this screen read the exercise again already
        self.refresh_list()

    # -- an observation, and what is typed in a controller's dialog, are unsaved work (``work_keeper``) -------

    def pending_work(self) -> UnsavedWork | None:
        restoring = self._restoring  # kept at the last locking, its exercise still being read
        if restoring is None:
            return None
        ref = str(restoring.get("ref"))
        return UnsavedWork(
            self.tr("Exercise {0}: the work kept at the last locking, being put back").format(ref), ref, restoring
        )

    def unsaved_work(self) -> list[UnsavedWork]:
        if self._restoring is not None or self.data is None:
            return []
        observation = self.evaluator.draft()
        typed = self.controller.typed()
        task = self.evaluator.typed_task()
        washed = self.hot_wash.typed()
        if observation is None and typed is None and task is None and washed is None:
            return []
        case = self.data.case
        content: dict[str, Any] = {"ref": case.ref}
        parts = []
        if observation is not None:
            content["observation"] = observation
            parts.append(self.tr("an observation being written"))
        if typed is not None:
            content["controller"] = typed
            parts.append(self.controller.describe(typed))
        if task is not None:
            content["critical_task"] = task
            parts.append(self.tr("a critical task being added"))
        if washed is not None:
            content["hot_wash"] = washed
            parts.append(self.hot_wash.describe(washed))
        what = self.tr("Exercise {0} ({1}): {2}").format(case.ref, case.title, "; ".join(parts))
        return [UnsavedWork(what, case.ref, content)]

    def save_work(self, done: SaveDone) -> None:
        if any(
            typed is not None for typed in (self.controller.typed(), self.evaluator.typed_task(), self.hot_wash.typed())
        ):
            message = self.tr("Finish or cancel the open dialog first.")
            self.status.setText(message)
            done(message)
            return
        if self.evaluator.draft() is None:
            done(None)
            return
        self.evaluator.record(done)

    def discard_work(self) -> None:
        self._restoring = None
        self.evaluator.clear_entry()
        for dialog in (self.controller.dialog, self.evaluator.dialog, self.hot_wash.dialog):
            if dialog is not None and isValid(dialog):
                dialog.reject()

    def restore_work(self, content: dict[str, Any]) -> bool:
        ref = content.get("ref")
        kept = [content.get(part) for part in ("observation", "controller", "critical_task", "hot_wash")]
        if not isinstance(ref, str) or not any(isinstance(part, dict) for part in kept):
            return False
        self._restoring = content
        if self.current_ref() == ref:
            self.reload()
        else:
            self.open_exercise(ref)
        return True

    def _locking(self) -> None:
        self.evaluator.clear_entry()  # kept as a draft by then, if it held anything
        self._restoring = None
        self._generation += 1
        self.timer.stop()
        if self._task is not None:
            self._task.cancel()
            self._task = None
        self.picker.blockSignals(True)
        self.picker.clear()
        self.picker.blockSignals(False)
        self.data = None
        self.controller.show_data(None)
        self.evaluator.show_data(None)
        self.hot_wash.show_data(None)
        self.status.setText("")

    def focus_first(self) -> None:
        self.picker.setFocus()
