"""What a long piece of work sees of whoever runs it: a cancel flag to poll, progress to report, an interrupt to
register; and how its ending is classified. Qt-free: the window's task runner (a worker thread) and the worker
process both hand work a ``TaskControl``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from workbench.domain.errors import Cancelled, WorkbenchError

logger = logging.getLogger(__name__)

# Progress reports closer together than this are dropped (the last one of a burst still arrives as the outcome).
PROGRESS_INTERVAL = 0.05


@dataclass(frozen=True)
class TaskProgress:
    """How far a task got: ``done`` of ``total`` units (``total`` 0: unknown), with an optional message."""

    done: int
    total: int
    message: str = ""

    @property
    def fraction(self) -> float | None:
        return min(1.0, self.done / self.total) if self.total > 0 else None


@dataclass(frozen=True)
class TaskFailure:
    """Why a task failed: a one-line message for people, and whether it was expected bad input or a defect."""

    message: str
    error: BaseException
    expected: bool


class TaskControl:
    """What the work function gets: a cancel flag to poll, progress to report, an interrupt to register."""

    def __init__(self, report: Callable[[TaskProgress], None] | None = None) -> None:
        self._cancel = threading.Event()
        self._report = report
        self._last = 0.0
        self._interrupt: Callable[[], None] | None = None
        self._lock = threading.Lock()

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        """Raise ``Cancelled`` when cancellation was asked for."""
        if self._cancel.is_set():
            raise Cancelled()

    def progress(self, done: int, total: int = 0, message: str = "") -> None:
        now = time.monotonic()
        if self._report is None or (now - self._last < PROGRESS_INTERVAL and done < total):
            return
        self._last = now
        self._report(TaskProgress(int(done), int(total), message))

    def set_interrupt(self, interrupt: Callable[[], None] | None) -> None:
        """Register how to stop a blocking call at once (None to remove it)."""
        with self._lock:
            self._interrupt = interrupt

    def request_cancel(self) -> None:
        self._cancel.set()
        # Called under the lock so that it cannot reach a connection already handed on to another task.
        with self._lock:
            if self._interrupt is not None:
                try:
                    self._interrupt()
                except Exception:  # the connection may be closing; the flag still cancels
                    logger.debug("interrupt failed", exc_info=True)


Work = Callable[[TaskControl], Any]


def execute(work: Work, control: TaskControl, name: str) -> tuple[str, Any]:
    """Run ``work`` and classify how it ended: ``("succeeded", result)``, ``("cancelled", None)`` or
    ``("failed", TaskFailure)``; never raises (except BaseExceptions like SystemExit)."""
    try:
        return "succeeded", work(control)
    except Cancelled:
        return "cancelled", None
    except WorkbenchError as exc:
        if control.cancelled():
            return "cancelled", None
        return "failed", TaskFailure(exc.message, exc, True)
    except Exception as exc:
        if control.cancelled():  # an interrupted query raises its own error
            return "cancelled", None
        logger.exception("task %s failed", name)
        return "failed", TaskFailure(f"internal error ({type(exc).__name__}): {exc}", exc, False)
