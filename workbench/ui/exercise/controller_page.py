"""The controller's page: the exercise clock (scenario time beside real time) with its controls, and the MSEL with
the next inject highlighted and counting down, and Deliver, Hold, Release, Skip, Add and Response.

Every button runs one service call through the screen (``changes``); the page only builds dialogs and reads the
selected inject. A partner's copy of an exercise shows the same page with the controller's buttons disabled: there
only responses are recorded. What is typed in an open Add, Hold, Skip or Response dialog is unsaved work
(``typed``): the screen keeps it when the workspace locks and the page opens the dialog again with it
(``put_back``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from workbench.domain.cases.conduct import format_duration
from workbench.domain.cases.exercise import Inject
from workbench.domain.cases.vocab import ConductState, InjectStatus
from workbench.services.exercise import conduct
from workbench.services.exercise import exchange as exercise_exchange
from workbench.services.workspace import Workspace
from workbench.ui.common.text import plain_label
from workbench.ui.exercise.exercise_data import ExerciseData
from workbench.ui.exercise.inject_dialog import InjectDialog
from workbench.ui.exercise.jump_dialog import JumpDialog
from workbench.ui.exercise.msel_model import Columns, MselModel, countdown_text, scenario_text
from workbench.ui.exercise.reason_dialog import ReasonDialog
from workbench.ui.exercise.speed_dialog import SpeedDialog
from workbench.ui.exercise.widgets import choose_medium, row_table

Work = Callable[[Workspace, datetime], Any]


class Changes(Protocol):
    """What the screen offers its pages: run one change, and the name of who does it."""

    def change(
        self,
        name: str,
        work: Work,
        refused: Callable[[str], None] | None = None,
        done: Callable[[], None] | None = None,
    ) -> None: ...

    def who(self) -> str: ...


def _big(label: Any, factor: float) -> None:
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * factor)
    font.setBold(True)
    label.setFont(font)


class ClockBar(QFrame):
    """Scenario time in large type, real time, state, speed, time in play, and the next inject's countdown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("clockBar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.scenario = plain_label("–", self)
        self.scenario.setObjectName("scenarioTime")
        self.scenario.setAccessibleName(self.tr("Scenario time"))
        _big(self.scenario, 1.9)
        self.state = plain_label("", self)
        self.state.setObjectName("conductState")
        self.state.setAccessibleName(self.tr("Exercise state"))
        _big(self.state, 1.2)
        self.real = plain_label("", self)
        self.real.setObjectName("realTime")
        self.real.setAccessibleName(self.tr("Real time"))
        self.details = plain_label("", self)
        self.details.setObjectName("clockDetails")
        self.next = plain_label("", self, wrap=True)
        self.next.setObjectName("nextInject")
        self.next.setAccessibleName(self.tr("Next inject"))
        _big(self.next, 1.1)
        grid = QGridLayout(self)
        grid.addWidget(plain_label(self.tr("Scenario time"), self), 0, 0)
        grid.addWidget(self.scenario, 1, 0)
        grid.addWidget(self.state, 0, 1)
        grid.addWidget(self.real, 1, 1)
        grid.addWidget(self.details, 2, 1)
        grid.addWidget(self.next, 2, 0)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)

    def show_data(self, data: ExerciseData) -> None:
        reading = data.view.reading
        self.scenario.setText(scenario_text(reading.scenario))
        self.state.setText(reading.state.label)
        self.real.setText(self.tr("Real time {0}").format(reading.real.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")))
        speed = self.tr("speed ×{0:g}").format(reading.speed)
        self.details.setText(self.tr("{0}, in play {1}").format(speed, format_duration(reading.in_play)))
        upcoming = data.view.next_row
        if upcoming is None:
            self.next.setText(self.tr("No inject is due."))
            return
        number = upcoming.inject.number or upcoming.inject.uid[:8]
        when = countdown_text(upcoming) or self.tr("due {0}").format(scenario_text(upcoming.due_at))
        self.next.setText(self.tr("Next: inject {0}, {1}: {2}").format(number, when, upcoming.inject.description))


class ControllerPage(QWidget):
    def __init__(self, changes: Changes, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("controllerPage")
        self.changes = changes
        self.data: ExerciseData | None = None
        self.dialog: QDialog | None = None  # the Add, Hold, Skip or Response dialog last opened
        self._dialog_for: dict[str, Any] = {}  # what it was opened for: {"action": ..., "uid": ...}
        self.clock_bar = ClockBar(self)

        def button(text: str, name: str, tip: str, slot: Callable[[], object]) -> QPushButton:
            made = QPushButton(text, self)
            made.setObjectName(name)
            made.setToolTip(tip)
            made.clicked.connect(slot)
            return made

        self.start_button = button(self.tr("&Start"), "startButton", self.tr("Start the exercise clock"), self.start)
        self.pause_button = button(self.tr("&Pause"), "pauseButton", self.tr("Stop scenario time"), self.pause)
        self.resume_button = button(
            self.tr("Res&ume"), "resumeButton", self.tr("Scenario time runs again"), self.resume
        )
        self.jump_button = button(self.tr("&Jump…"), "jumpButton", self.tr("Move scenario time forward"), self.jump)
        self.speed_button = button(self.tr("Spee&d…"), "speedButton", self.tr("Scenario minutes a minute"), self.speed)
        self.end_button = button(self.tr("&End"), "endButton", self.tr("End the exercise"), self.end)
        self.deliver_button = button(
            self.tr("De&liver"),
            "deliverButton",
            self.tr("Deliver the selected inject now (to a partner agency: as a signed package)"),
            self.deliver,
        )
        self.hold_button = button(self.tr("&Hold…"), "holdButton", self.tr("Hold the inject back"), self.hold)
        self.release_button = button(self.tr("Re&lease"), "releaseButton", self.tr("Plan it again"), self.release)
        self.skip_button = button(self.tr("S&kip…"), "skipButton", self.tr("Leave it out of play"), self.skip)
        self.add_button = button(self.tr("&Add inject…"), "addInjectButton", self.tr("Add an inject"), self.add)
        self.response_button = button(
            self.tr("&Response…"), "responseButton", self.tr("Record what the players did"), self.response
        )
        clock_row = QHBoxLayout()
        for widget in (
            self.start_button,
            self.pause_button,
            self.resume_button,
            self.jump_button,
            self.speed_button,
            self.end_button,
        ):
            clock_row.addWidget(widget)
        clock_row.addStretch(1)

        self.model = MselModel(self)
        self.table = row_table(self, "mselTable", self.tr("Master scenario events list"))
        self.table.setModel(self.model)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        for column, width in (
            (Columns.NEXT, 56),
            (Columns.NUMBER, 36),
            (Columns.DUE, 140),
            (Columns.COUNTDOWN, 95),
            (Columns.STATUS, 80),
            (Columns.FROM, 100),
            (Columns.TO, 115),
            (Columns.METHOD, 100),
            (Columns.DESCRIPTION, 230),
        ):
            header.resizeSection(column, width)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._enable())
        msel_row = QHBoxLayout()
        for widget in (
            self.deliver_button,
            self.hold_button,
            self.release_button,
            self.skip_button,
            self.response_button,
        ):
            msel_row.addWidget(widget)
        msel_row.addStretch(1)
        msel_row.addWidget(self.add_button)
        self.role = plain_label("", self, wrap=True)
        self.role.setObjectName("conductRole")
        self.role.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.clock_bar)
        layout.addLayout(clock_row)
        layout.addWidget(self.role)
        layout.addWidget(self.table, 1)
        layout.addLayout(msel_row)
        self._enable()

    # -- showing -----------------------------------------------------------------------------------------------

    def show_data(self, data: ExerciseData | None, *, tick: bool = False) -> None:
        """Show an exercise (``tick``: the same one a second later, keeping the selection)."""
        selected = self.selected()
        self.data = data
        if data is None:
            self.model.clear()
            self.clock_bar.scenario.setText("–")
            self._enable()
            return
        self.clock_bar.show_data(data)
        if tick:
            self.model.tick(data.view.rows)
        else:
            self.model.set_rows(data.view.rows)
            view = data.view
            self.role.setVisible(not view.controller)
            if not view.controller:
                self.role.setText(
                    self.tr(
                        "A copy of {0}'s exercise: injects arrive from its controller; record your responses."
                    ).format(view.case.origin)
                )
            uid = selected.uid if selected is not None else (view.next_row.inject.uid if view.next_row else None)
            row = self.model.row_of(uid) if uid else -1
            if row >= 0:
                self.table.selectRow(row)
        self._enable()

    def selected(self) -> Inject | None:
        index = self.table.currentIndex()
        return self.model.inject(index.row()) if index.isValid() else None

    def _enable(self) -> None:
        data = self.data
        view = data.view if data is not None else None
        state = view.clock.state if view is not None else None
        controller = view is not None and view.controller
        in_play = state in (ConductState.RUNNING, ConductState.PAUSED)
        self.start_button.setEnabled(controller and state is ConductState.NOT_STARTED)
        self.pause_button.setEnabled(controller and state is ConductState.RUNNING)
        self.resume_button.setEnabled(controller and state is ConductState.PAUSED)
        for widget in (self.jump_button, self.speed_button, self.end_button):
            widget.setEnabled(controller and in_play)
        inject = self.selected()
        status = inject.status if inject is not None else None
        self.deliver_button.setEnabled(controller and in_play and status in (InjectStatus.PLANNED, InjectStatus.HELD))
        self.hold_button.setEnabled(controller and in_play and status is InjectStatus.PLANNED)
        self.release_button.setEnabled(controller and in_play and status is InjectStatus.HELD)
        self.skip_button.setEnabled(controller and in_play and status in (InjectStatus.PLANNED, InjectStatus.HELD))
        self.add_button.setEnabled(controller and state is not ConductState.ENDED)
        self.response_button.setEnabled(status is InjectStatus.DELIVERED)

    # -- the clock ---------------------------------------------------------------------------------------------

    def _ref(self) -> str:
        assert self.data is not None
        return self.data.case.ref

    def _clock(self, action: str) -> None:
        ref, who = self._ref(), self.changes.who()
        self.changes.change(
            f"exercise {action}", lambda ws, now: conduct.clock_action(ws, ref, action, by=who, now=now)
        )

    def start(self) -> None:
        self._clock("start")

    def pause(self) -> None:
        self._clock("pause")

    def resume(self) -> None:
        self._clock("resume")

    def jump(self) -> JumpDialog | None:
        if self.data is None or self.data.view.reading.scenario is None:
            return None
        dialog = JumpDialog(self.data.view.reading.scenario, self)
        ref, who = self._ref(), self.changes.who()

        def submitted(advance: Any, scenario: datetime | None, reason: str) -> None:
            self.changes.change(
                "exercise jump",
                lambda ws, now: conduct.clock_action(
                    ws, ref, "jump", advance=advance, scenario=scenario, by=who, reason=reason or None, now=now
                ),
                dialog.refused,
                dialog.saved,
            )

        dialog.submitted.connect(submitted)
        self._opened(dialog, "jump")
        return dialog

    def speed(self) -> SpeedDialog | None:
        if self.data is None:
            return None
        dialog = SpeedDialog(self.data.view.reading.speed, self)
        ref, who = self._ref(), self.changes.who()
        dialog.submitted.connect(
            lambda factor, reason: self.changes.change(
                "exercise speed",
                lambda ws, now: conduct.clock_action(
                    ws, ref, "speed", speed=factor, by=who, reason=reason or None, now=now
                ),
                dialog.refused,
                dialog.saved,
            )
        )
        self._opened(dialog, "speed")
        return dialog

    def end(self) -> QMessageBox | None:
        if self.data is None:
            return None
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("End the exercise"),
            self.tr("End {0} now? The clock stops; injects can no longer be delivered.").format(self._ref()),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("endConfirm")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.accepted.connect(lambda: self._clock("end"))
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box

    # -- the MSEL ----------------------------------------------------------------------------------------------

    def deliver(self) -> QFileDialog | None:
        """Deliver the selected inject now; one addressed to a pinned partner asks for the removable medium its
        signed package is written to first."""
        inject = self.selected()
        if inject is None or self.data is None:
            return None
        partner = self.data.partner_of(inject)
        if partner is None:
            self.deliver_to(None)
            return None
        title = self.tr("Medium for the package to {0}").format(partner)
        return choose_medium(self, title, "deliveryMedium", self.deliver_to)

    def deliver_to(self, medium: str | None) -> None:
        """Deliver the selected inject, writing its package to ``medium`` when it goes to a partner."""
        inject = self.selected()
        if inject is None:
            return
        ref, who, uid = self._ref(), self.changes.who(), inject.uid
        self.changes.change(
            "deliver inject",
            lambda ws, now: exercise_exchange.deliver(ws, ref, uid, by=who, medium=medium or None, now=now),
        )

    def _with_reason(self, title: str, prompt: str, action: Callable[..., Any], *, required: bool) -> ReasonDialog:
        inject = self.selected()
        assert inject is not None
        dialog = ReasonDialog(title, prompt, self, required=required)
        ref, uid = self._ref(), inject.uid
        dialog.submitted.connect(
            lambda text: self.changes.change(
                title, lambda ws, now: action(ws, ref, uid, reason=text or None, now=now), dialog.refused, dialog.saved
            )
        )
        self._opened(dialog, action.__name__, uid)
        return dialog

    def _opened(self, dialog: QDialog, action: str, uid: str | None = None) -> None:
        self.dialog, self._dialog_for = dialog, {"action": action, "uid": uid}
        dialog.open()

    def hold(self) -> ReasonDialog | None:
        if self.selected() is None:
            return None
        return self._with_reason(
            self.tr("Hold inject"), self.tr("Why is the inject held back?"), conduct.hold, required=True
        )

    def skip(self) -> ReasonDialog | None:
        if self.selected() is None:
            return None
        return self._with_reason(
            self.tr("Skip inject"), self.tr("Why is the inject left out of play?"), conduct.skip, required=True
        )

    # -- what is typed in an open dialog, kept at locking ------------------------------------------------------

    def typed(self) -> dict[str, Any] | None:
        """What was typed in the open Add, Hold, Skip or Response dialog, as JSON values (None when nothing)."""
        dialog = self.dialog
        if dialog is None or not isValid(dialog) or not dialog.isVisible():
            return None
        if isinstance(dialog, InjectDialog):
            values, reason = dialog.typed(), dialog.reason.text()
            if values is None and not reason.strip():
                return None
            return {**self._dialog_for, "values": values or {}, "reason": reason}
        if isinstance(dialog, ReasonDialog):
            text = dialog.text.toPlainText()
            return {**self._dialog_for, "text": text} if text.strip() else None
        if isinstance(dialog, (JumpDialog, SpeedDialog)):
            state = dialog.state()
            return None if state == dialog.opened_with else {**self._dialog_for, "state": state}
        return None

    def describe(self, typed: dict[str, Any]) -> str:
        """``typed`` in a few words, for the list of unsaved work."""
        action = typed.get("action")
        if action == "add":
            return self.tr("an inject being added")
        if action == "jump":
            return self.tr("a jump of scenario time being set")
        if action == "speed":
            return self.tr("a change of scenario speed being set")
        inject = self.model.inject(self.model.row_of(typed.get("uid") or ""))
        number = inject.number if inject is not None and inject.number else "?"
        if action == "respond":
            return self.tr("the response to inject {0} being written").format(number)
        if action == "hold":
            return self.tr("the reason for holding inject {0} being written").format(number)
        return self.tr("the reason for skipping inject {0} being written").format(number)

    def put_back(self, typed: dict[str, Any]) -> bool:
        """Open the dialog ``typed`` came from again, with what was typed in it; False when it no longer fits (the
        inject is gone)."""
        action = typed.get("action")
        if action == "add":
            dialog = self.add()
            if dialog is None:
                return False
            values, reason = typed.get("values"), typed.get("reason")
            dialog.form.apply_values(values if isinstance(values, dict) else {})
            dialog.reason.setText(reason if isinstance(reason, str) else "")
            return True
        if action in ("jump", "speed"):
            clock_dialog = self.jump() if action == "jump" else self.speed()
            state = typed.get("state")
            if clock_dialog is None or not isinstance(state, dict):
                return False
            clock_dialog.put_back(state)
            return True
        opener = {"hold": self.hold, "skip": self.skip, "respond": self.response}.get(str(action))
        row = self.model.row_of(typed.get("uid") or "")
        if opener is None or row < 0:
            return False
        self.table.selectRow(row)
        reason_dialog = opener()
        if reason_dialog is None:
            return False
        text = typed.get("text")
        reason_dialog.text.setPlainText(text if isinstance(text, str) else "")
        return True

    def release(self) -> None:
        inject = self.selected()
        if inject is not None:
            ref, uid = self._ref(), inject.uid
            self.changes.change("release inject", lambda ws, now: conduct.release(ws, ref, uid, now=now))

    def add(self) -> InjectDialog | None:
        if self.data is None:
            return None
        dialog = InjectDialog(self.data.view.clock.in_play, self)
        ref = self._ref()
        dialog.added.connect(
            lambda values, reason: self.changes.change(
                "add inject",
                lambda ws, now: conduct.add_inject(ws, ref, values, reason=reason or None, now=now),
                dialog.refused,
                dialog.saved,
            )
        )
        self._opened(dialog, "add")
        return dialog

    def response(self) -> ReasonDialog | None:
        inject = self.selected()
        if inject is None:
            return None
        dialog = ReasonDialog(
            self.tr("Response to inject {0}").format(inject.number or ""),
            self.tr("What did the players do? (recorded now, as the observed action)"),
            self,
        )
        ref, uid, who = self._ref(), inject.uid, self.changes.who()
        dialog.submitted.connect(
            lambda text: self.changes.change(
                "record response",
                lambda ws, now: conduct.respond(ws, ref, uid, text, by=who, now=now),
                dialog.refused,
                dialog.saved,
            )
        )
        self._opened(dialog, "respond", uid)
        return dialog
