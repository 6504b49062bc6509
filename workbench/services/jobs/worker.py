"""The worker process: ``workbench worker-process --channel FD``, started by the window for its open workspace.

It reads the ``Ticket`` from the channel, opens the workspace with the raw key (no second key derivation), says
``Ready`` and runs the jobs it is sent one after the other, each in its own transaction as the service decides,
sending ``Progress`` and one ``Outcome`` per job. A second thread keeps reading the channel while a job runs, so
that ``CancelJob`` reaches the job's control at once (and interrupts its running query). ``Quit``, or the channel
closing because the window went away, cancels what runs and ends the process; it closes the workspace and wipes
the key first. Nothing is written to the terminal but log lines and, for a crash, the Python stack.
"""

from __future__ import annotations

import argparse
import contextlib
import faulthandler
import functools
import logging
import os
import pickle
import queue
import resource
import signal
import threading
from collections.abc import Sequence
from multiprocessing.connection import Connection
from typing import Any

from workbench.domain.errors import WorkbenchError
from workbench.services.jobs.control import TaskControl, TaskFailure, TaskProgress, execute
from workbench.services.jobs.protocol import (
    Broken,
    CancelJob,
    Outcome,
    Progress,
    Quit,
    Ready,
    RunJob,
    Ticket,
)
from workbench.services.workspace import Workspace
from workbench.storage.database import Database, WorkspaceKey

logger = logging.getLogger(__name__)

#: After the window went away, how long a running job may take to notice its cancellation before the process ends.
ORPHAN_GRACE_SECONDS = 10.0


class _Channel:
    """The worker's end: messages sent whole from any thread, pickled here so that a result that cannot be
    pickled is a failure of its job rather than of the process."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self._lock = threading.Lock()

    def send(self, message: Any) -> None:
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        with self._lock:
            self.connection.send_bytes(data)


def main(argv: Sequence[str]) -> int:
    """Run a worker on the channel named by ``--channel FD``; the exit code of the process."""
    parser = argparse.ArgumentParser(prog="workbench worker-process")
    parser.add_argument("--channel", type=int, required=True)
    args = parser.parse_args(list(argv))
    # A core dump would hold the workspace key; Ctrl+C in the window's terminal is the window's to handle.
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    faulthandler.enable()
    logging.basicConfig(level=logging.WARNING, format="workbench worker: %(name)s: %(message)s")
    channel = _Channel(Connection(args.channel))
    try:
        ticket = pickle.loads(channel.connection.recv_bytes())
    except (EOFError, OSError):
        return 1
    if not isinstance(ticket, Ticket):
        return 2
    try:
        ws = _open(ticket)
    except WorkbenchError as exc:
        with contextlib.suppress(OSError):  # the window went away meanwhile: nobody to tell
            channel.send(Broken(exc.message))
        return 1
    del ticket
    try:
        channel.send(Ready(os.getpid()))
    except OSError:  # the window went away (closed, or locked) while the workspace opened: end quietly
        ws.close(lock=True)
        return 0
    try:
        _serve(channel, ws)
    finally:
        ws.close(lock=True)
    return 0


def _open(ticket: Ticket) -> Workspace:
    key = WorkspaceKey(ticket.key, ticket.salt)
    return Workspace(Database.open_with_key(ticket.path, key), ticket.org_name, ticket.identity_id)


class _Jobs:
    """The jobs received and the one running, shared by the reading thread and the main thread."""

    def __init__(self) -> None:
        self.waiting: queue.Queue[RunJob | None] = queue.Queue()
        self.lock = threading.Lock()
        self.running: tuple[int, TaskControl] | None = None
        self.cancelled: set[int] = set()  # cancelled before they started

    def cancel(self, job_id: int) -> None:
        with self.lock:
            if self.running is not None and self.running[0] == job_id:
                self.running[1].request_cancel()
            else:
                self.cancelled.add(job_id)

    def cancel_all(self) -> None:
        with self.lock:
            if self.running is not None:
                self.running[1].request_cancel()


def _read(channel: _Channel, jobs: _Jobs) -> None:
    """The reading thread: jobs go to the queue, cancellations to the running job; EOF or ``Quit`` ends all."""
    orphaned = False
    try:
        while True:
            message = pickle.loads(channel.connection.recv_bytes())
            if isinstance(message, RunJob):
                jobs.waiting.put(message)
            elif isinstance(message, CancelJob):
                jobs.cancel(message.job_id)
            elif isinstance(message, Quit):
                break
    except (EOFError, OSError):
        orphaned = True
    jobs.cancel_all()
    jobs.waiting.put(None)
    if orphaned:
        # The window is gone: nobody waits for the outcome. A job stuck where cancellation does not reach (a
        # stalled medium) must not keep the key in memory for ever.
        timer = threading.Timer(ORPHAN_GRACE_SECONDS, os._exit, args=(3,))
        timer.daemon = True
        timer.start()


def _serve(channel: _Channel, ws: Workspace) -> None:
    jobs = _Jobs()
    reader = threading.Thread(target=_read, args=(channel, jobs), name="worker channel", daemon=True)
    reader.start()
    _preload()
    while True:
        job = jobs.waiting.get()
        if job is None:
            return
        with jobs.lock:
            skipped = job.job_id in jobs.cancelled
            jobs.cancelled.discard(job.job_id)
            control = TaskControl(functools.partial(_progress, channel, job.job_id))
            if not skipped:
                jobs.running = (job.job_id, control)
        if skipped:
            _send_outcome(channel, job.job_id, "cancelled", None)
            continue
        control.set_interrupt(ws.conn.interrupt)
        outcome, value = execute(functools.partial(_run, job, ws), control, job.name)
        with jobs.lock:
            jobs.running = None
        _send_outcome(channel, job.job_id, outcome, value)


def _run(job: RunJob, ws: Workspace, control: TaskControl) -> Any:
    return job.function(ws, control, **job.params)


def _progress(channel: _Channel, job_id: int, progress: TaskProgress) -> None:
    with contextlib.suppress(OSError):  # the window is gone; the reading thread cancels the job
        channel.send(Progress(job_id, progress))


def _send_outcome(channel: _Channel, job_id: int, outcome: str, value: Any) -> None:
    if outcome == "failed":
        value = _portable_failure(value)
    resident = _resident_mb()
    try:
        channel.send(Outcome(job_id, outcome, value, resident))
    except (pickle.PicklingError, TypeError, AttributeError) as exc:
        logger.error("the result of job %d cannot be sent: %s", job_id, exc)
        message = f"internal error: the result could not be handed to the window ({type(exc).__name__})"
        channel.send(Outcome(job_id, "failed", TaskFailure(message, RuntimeError(message), False), resident))
    except OSError:
        pass


def _portable_failure(failure: TaskFailure) -> TaskFailure:
    """The failure with an error the window can unpickle: the error itself when it pickles, else its message."""
    try:
        pickle.loads(pickle.dumps(failure.error))
        return TaskFailure(failure.message, failure.error.with_traceback(None), failure.expected)
    except Exception:
        error: BaseException = WorkbenchError(failure.message) if failure.expected else RuntimeError(failure.message)
        return TaskFailure(failure.message, error, failure.expected)


def _resident_mb() -> int:
    try:
        with open("/proc/self/statm", "rb") as statm:
            pages = int(statm.read().split()[1])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE") // (1024 * 1024)


def _preload() -> None:
    """Import what the jobs use now, while the analyst is still looking at the window, not at the first job."""
    try:
        import workbench.services.jobs.catalogue  # noqa: F401
    except Exception:  # a defect shows at the first job instead
        logger.exception("preloading the job catalogue failed")
