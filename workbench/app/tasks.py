"""The one way to run work off the GUI thread: a task runner over ``QThreadPool``, and the handle through which
jobs of the worker process (``app.worker``) report too.

A task is a plain function ``work(control) -> result``. The runner returns a ``TaskHandle`` living in the GUI
thread whose signals deliver, always in the GUI thread, exactly one outcome: ``succeeded`` (the result),
``failed`` (a ``TaskFailure`` with a message for people) or ``cancelled``; ``progressed`` may come before it and
``finished`` always comes last. Cancellation is cooperative: ``control.cancelled()`` is polled by the work (the
importer does), and a registered interrupt (``sqlite3_interrupt`` of the task's connection) stops a long query.

``SyncTaskRunner`` runs the work at once in the calling thread with the same signals: tests swap it in to drive
the window deterministically, as Picard's tests do with their fake thread pool.

Tasks run in two lanes of one worker thread each: ``Lane.READ`` for what screens show (pages, details, lists,
panels: short, and never stuck behind a long task) and ``Lane.LONG`` for the rest the analyst started and follows
with progress that must stay in this process (unlocking, printing through Qt, the audit chain's check). Tasks of
one lane run one after the other. The interpreter lock lets one thread run Python at a time, so more threads bring
no speed to Python work; what they bring is a longer wait for the lock at each of the GUI thread's calls into
Python (a slot, a model's ``data``), which it makes by the hundred to repaint the window. With four worker
threads running Python the Cases screen over 2,000 incidents froze for 100 to 200 ms at a time; with one, under
60 ms, and it listed them no slower. The heavy jobs (imports, exports, verification, reports) do not run in this
process at all: ``Session.run_job`` hands them to the worker process, and their handles behave as a task's.
"""

from __future__ import annotations

import enum
import logging
import weakref
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot

from workbench.services.jobs.control import TaskControl, TaskFailure, TaskProgress, Work, execute

__all__ = ["Lane", "SyncTaskRunner", "TaskControl", "TaskFailure", "TaskHandle", "TaskProgress", "TaskRunner", "Work"]

logger = logging.getLogger(__name__)


class Lane(enum.Enum):
    """Which worker thread runs a task (see the module docstring)."""

    READ = "read"
    """What a screen shows: pages, details, lists, panels, small changes."""
    LONG = "long"
    """Work the analyst started and follows with progress: import, export, verification, reports."""


class TaskHandle(QObject):
    """One running task, seen from the GUI thread."""

    progressed = Signal(object)
    """A ``TaskProgress``."""
    succeeded = Signal(object)
    """The work's return value."""
    failed = Signal(object)
    """A ``TaskFailure``."""
    cancelled = Signal()
    """The work stopped because it was cancelled; it changed nothing."""
    finished = Signal()
    """Emitted last, after whichever outcome."""

    # Private, emitted from the worker thread and delivered queued into this object's (the GUI) thread.
    _progress_posted = Signal(object)
    _outcome_posted = Signal(str, object)

    def __init__(
        self, name: str, parent: QObject | None = None, *, describe: Callable[[TaskProgress], str] | None = None
    ) -> None:
        super().__init__(parent)
        self.name = name
        self._describe = describe
        # The control reaches back to this handle weakly: a closure over ``self`` would make a reference cycle that
        # kept every finished task and its result (a page of 500 rows) alive until a garbage collection, which
        # then had that much more to walk while the window waited for it.
        handle = weakref.ref(self)

        def report(progress: TaskProgress) -> None:
            alive = handle()
            if alive is not None:
                alive.post_progress(progress)

        self.control = TaskControl(report)
        self.done = False
        self.outcome: str | None = None
        self.result: Any = None
        self._progress_posted.connect(self._deliver_progress, Qt.ConnectionType.QueuedConnection)
        self._outcome_posted.connect(self._deliver_outcome, Qt.ConnectionType.QueuedConnection)

    def cancel(self) -> None:
        """Ask the work to stop; the outcome still arrives (normally ``cancelled``)."""
        if not self.done:
            self.control.request_cancel()

    def post_progress(self, progress: TaskProgress) -> None:
        """Deliver progress in the GUI thread; callable from any thread (the worker process's reader)."""
        self._progress_posted.emit(progress)

    def post_outcome(self, outcome: str, value: Any) -> None:
        """Deliver the outcome in the GUI thread; callable from any thread, once."""
        self._outcome_posted.emit(outcome, value)

    @Slot(object)
    def _deliver_progress(self, progress: TaskProgress) -> None:
        if not self.done:
            if self._describe is not None:
                # Worker processes report keys (a stage, a page number); the window words them in its language.
                progress = replace(progress, message=self._describe(progress))
            self.progressed.emit(progress)

    @Slot(str, object)
    def _deliver_outcome(self, outcome: str, value: Any) -> None:
        self.done = True
        self.outcome = outcome
        self.result = value
        if outcome == "succeeded":
            self.succeeded.emit(value)
        elif outcome == "cancelled":
            self.cancelled.emit()
        else:
            self.failed.emit(value)
        self.finished.emit()


class _Runnable(QRunnable):
    def __init__(self, handle: TaskHandle, work: Work) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._handle = handle
        self._work = work

    def run(self) -> None:
        outcome, value = execute(self._work, self._handle.control, self._handle.name)
        self._handle.post_outcome(outcome, value)


class TaskRunner(QObject):
    """Runs tasks on one ``QThreadPool`` thread per lane; keeps each handle alive until its outcome was delivered."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pools: dict[Lane, QThreadPool] = {}
        for lane in Lane:
            pool = QThreadPool(self)
            pool.setMaxThreadCount(1)
            self._pools[lane] = pool
        self._active: set[TaskHandle] = set()

    def run(
        self, name: str, work: Work, *, lane: Lane = Lane.READ, describe: Callable[[TaskProgress], str] | None = None
    ) -> TaskHandle:
        """Start ``work`` in ``lane``'s worker thread, after the tasks queued there before it; connect to the handle's
        signals right away (they are queued). ``describe`` words each progress report for the window."""
        handle = self.track(name, describe=describe)
        self._pools[lane].start(_Runnable(handle, work))
        return handle

    def track(self, name: str, *, describe: Callable[[TaskProgress], str] | None = None) -> TaskHandle:
        """A handle for work run elsewhere (the worker process), kept alive and cancelled like the runner's own."""
        handle = TaskHandle(name, self, describe=describe)
        self._active.add(handle)
        handle.finished.connect(lambda: self._forget(handle))
        return handle

    def _forget(self, handle: TaskHandle) -> None:
        self._active.discard(handle)
        handle.deleteLater()

    @property
    def busy(self) -> bool:
        return bool(self._active)

    def cancel_all(self) -> None:
        for handle in list(self._active):
            handle.cancel()

    def wait(self, timeout_ms: int = -1) -> bool:
        """Block until every started task has run (for shutdown and benchmarks; never from a slot)."""
        return all([bool(pool.waitForDone(timeout_ms)) for pool in self._pools.values()])

    def shutdown(self, timeout_ms: int = 10_000) -> None:
        self.cancel_all()
        for pool in self._pools.values():
            pool.clear()
        self.wait(timeout_ms)


class SyncTaskRunner(TaskRunner):
    """Runs each task at once in the calling thread, so that tests need no worker threads.

    The outcome is still delivered on the next turn of the event loop, like the real runner, so that callers can
    connect to the handle after ``run`` returned; tests wait for it with ``qtbot.waitSignal``/``waitUntil``.
    """

    def run(
        self, name: str, work: Work, *, lane: Lane = Lane.READ, describe: Callable[[TaskProgress], str] | None = None
    ) -> TaskHandle:
        handle = self.track(name, describe=describe)
        outcome, value = execute(work, handle.control, name)
        handle.post_outcome(outcome, value)
        return handle
