"""The window's worker process: heavy jobs run outside the window's interpreter, as Calibre runs its jobs and Vorta
runs borg.

An import of 100,000 objects, an export and its sharing plan, a package's verification and a report's rendering
are pure Python for seconds at a time. In a thread of the window's process each of them competed with the window
for the one interpreter lock, and the window stayed smooth only thanks to tuning that reached into the services.
In a process of their own they compete with nothing but the CPU.

``WorkerJobs`` keeps at most one worker process per open workspace, started when the workspace is unlocked and
ended when it locks. The worker gets the workspace's raw key as the first message on a private socket pair
(``services.jobs.protocol``): never on its command line, in its environment or in a file. Jobs run one after the
other, in order. Each job is a ``TaskHandle`` like any task's: progress arrives through it, ``cancel()`` sends a
cancellation over the same channel (the job rolls back), and a job that does not stop within
``CANCEL_GRACE_SECONDS`` (a read blocked on a stalled medium, a FIFO) has its process killed, which SQLite survives
with the transaction rolled back. A worker that crashes fails its job with a message saying so; the window goes
on, and the next job starts a new worker. A worker that grew past ``RECYCLE_AFTER_MB`` is replaced after its job.

One thread of the window's process reads the channel; it unpickles what arrives and posts it to the GUI thread.
"""

from __future__ import annotations

import collections
import contextlib
import itertools
import logging
import pickle
import signal
import socket
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from workbench.services.jobs.control import TaskFailure
from workbench.services.jobs.protocol import (
    Broken,
    CancelJob,
    Outcome,
    Progress,
    Quit,
    Ready,
    RunJob,
    Ticket,
    worker_command,
    worker_environment,
)
from workbench.services.workspace import Workspace

logger = logging.getLogger(__name__)

#: How long a cancelled job may take to stop before its process is killed.
CANCEL_GRACE_SECONDS = 10.0
#: How long a worker may take to end after ``Quit`` before it is killed.
QUIT_GRACE_SECONDS = 3.0
#: A worker using more memory than this after a job is ended; the next job starts a fresh one.
RECYCLE_AFTER_MB = 1536


@dataclass
class _Job:
    job_id: int
    name: str
    function: Callable[..., Any]
    params: dict[str, Any]
    progress: Callable[[Any], None]
    outcome: Callable[[str, Any], None]
    cancelled: bool = False


class _Process:
    """One worker process and the thread reading its channel."""

    def __init__(self, ticket: Ticket, on_message: Callable[[_Process, Any], None], on_end: Callable[..., None]):
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            self.popen = subprocess.Popen(
                worker_command(theirs.fileno()),
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                env=worker_environment(),
                close_fds=True,
            )
        except OSError:
            ours.close()
            raise
        finally:
            theirs.close()
        self.channel = Connection(ours.detach())
        self._send_lock = threading.Lock()
        self.ready = False
        self.ending = False
        self._on_message = on_message
        self._on_end = on_end
        self.send(ticket)
        self._reader = threading.Thread(target=self._read, name="worker channel reader", daemon=True)
        self._reader.start()

    @property
    def pid(self) -> int:
        return self.popen.pid

    def send(self, message: Any) -> bool:
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        with self._send_lock:
            try:
                self.channel.send_bytes(data)
            except (OSError, ValueError):  # the worker is gone; its end is reported by the reader
                return False
        return True

    def _read(self) -> None:
        try:
            while True:
                data = self.channel.recv_bytes()
                self._on_message(self, pickle.loads(data))
        except (EOFError, OSError):
            pass
        except Exception:
            logger.exception("the worker's channel broke")
        with contextlib.suppress(OSError):
            self.channel.close()
        try:
            code = self.popen.wait(timeout=QUIT_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            self.kill()
            code = self.popen.wait()
        self._on_end(self, code)

    def quit(self) -> None:
        """Ask the worker to end; kill it when it has not ended after ``QUIT_GRACE_SECONDS``."""
        self.ending = True
        self.send(Quit())
        timer = threading.Timer(QUIT_GRACE_SECONDS, self.kill)
        timer.daemon = True
        timer.start()

    def kill(self) -> None:
        if self.popen.poll() is None:
            logger.warning("ending worker process %d by force", self.pid)
            with contextlib.suppress(OSError):
                self.popen.kill()


def ended_how(code: int | None) -> str:
    """A worker's exit in words: ``killed by signal 9 (SIGKILL)``, ``exit code 1``."""
    if code is None:
        return "no exit status"
    if code < 0:
        with contextlib.suppress(ValueError):
            return f"killed by signal {-code} ({signal.Signals(-code).name})"
        return f"killed by signal {-code}"
    return f"exit code {code}"


class WorkerJobs:
    """The jobs of one window and the worker process that runs them (see the module docstring).

    Thread-safe: jobs are submitted and cancelled from the GUI thread, outcomes arrive from the reading thread;
    ``progress`` and ``outcome`` callbacks are called from the reading thread and must only post to the GUI.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ticket: Ticket | None = None
        self._process: _Process | None = None
        self._pending: collections.deque[_Job] = collections.deque()
        self._running: _Job | None = None
        self._ids = itertools.count(1)
        self._cancel_timer: threading.Timer | None = None

    # -- the workspace -----------------------------------------------------------------------------------------

    def open(self, ws: Workspace) -> None:
        """Start a worker for this workspace (it gets the key over its channel)."""
        key, salt = ws.db.key.material()
        with self._lock:
            self._ticket = Ticket(str(ws.path), key, salt, ws.org_name, ws.identity_id)
            self._ensure_process()

    def close(self) -> None:
        """The workspace is locking: cancel every job and end the worker; it forgets the key."""
        with self._lock:
            self._ticket = None
            pending, self._pending = list(self._pending), collections.deque()
            running, process = self._running, self._process
            if running is not None:
                running.cancelled = True
            if process is not None:
                process.quit()
        for job in pending:
            job.outcome("cancelled", None)

    @property
    def pid(self) -> int | None:
        """The running worker's process id (tests and the smoke test look at it)."""
        process = self._process
        return process.pid if process is not None and process.popen.poll() is None else None

    # -- jobs --------------------------------------------------------------------------------------------------

    def submit(
        self,
        name: str,
        function: Callable[..., Any],
        params: dict[str, Any],
        progress: Callable[[Any], None],
        outcome: Callable[[str, Any], None],
    ) -> int:
        """Queue a job; ``outcome`` is called exactly once. Returns its id for ``cancel``."""
        job = _Job(next(self._ids), name, function, params, progress, outcome)
        with self._lock:
            if self._ticket is None:
                failure = "the workspace is locked"
                job_outcome: tuple[str, Any] | None = ("failed", TaskFailure(failure, RuntimeError(failure), True))
            else:
                job_outcome = None
                self._pending.append(job)
                self._dispatch()
        if job_outcome is not None:
            outcome(*job_outcome)
        return job.job_id

    def cancel(self, job_id: int) -> None:
        """Cancel a queued or running job; a running one that does not stop in time has its process killed."""
        with self._lock:
            for job in self._pending:
                if job.job_id == job_id:
                    self._pending.remove(job)
                    break
            else:
                job = None
            running = self._running
            if job is None and running is not None and running.job_id == job_id and not running.cancelled:
                running.cancelled = True
                process = self._process
                if process is not None:
                    process.send(CancelJob(job_id))
                    self._cancel_timer = threading.Timer(CANCEL_GRACE_SECONDS, self._cancel_overdue, args=(job_id,))
                    self._cancel_timer.daemon = True
                    self._cancel_timer.start()
        if job is not None:
            job.outcome("cancelled", None)

    def _cancel_overdue(self, job_id: int) -> None:
        with self._lock:
            running, process = self._running, self._process
        if running is not None and running.job_id == job_id and process is not None:
            logger.warning("job %s did not stop %.0f s after it was cancelled", running.name, CANCEL_GRACE_SECONDS)
            process.kill()

    # -- the process (all called with the lock held) -------------------------------------------------------------

    def _ensure_process(self) -> _Process | None:
        if self._process is not None or self._ticket is None:
            return self._process
        try:
            self._process = _Process(self._ticket, self._message, self._ended)
        except OSError as exc:
            logger.error("cannot start a worker process: %s", exc)
            message = f"the worker process cannot start: {exc.strerror or exc}"
            pending, self._pending = list(self._pending), collections.deque()
            for job in pending:
                job.outcome("failed", TaskFailure(message, exc, False))
            return None
        logger.info("worker process %d started", self._process.pid)
        return self._process

    def _dispatch(self) -> None:
        if self._running is not None or not self._pending:
            return
        process = self._ensure_process()
        if process is None or not process.ready or process.ending:
            return
        job = self._pending.popleft()
        self._running = job
        process.send(RunJob(job.job_id, job.name, job.function, job.params))

    # -- from the reading thread -------------------------------------------------------------------------------

    def _message(self, process: _Process, message: Any) -> None:
        finished: tuple[_Job, Outcome] | None = None
        broken: list[_Job] = []
        failure_text = ""
        with self._lock:
            if process is not self._process:
                return
            if isinstance(message, Ready):
                process.ready = True
                self._dispatch()
            elif isinstance(message, Broken):
                process.ending = True
                broken, self._pending = list(self._pending), collections.deque()
                failure_text = message.message
            elif isinstance(message, Progress):
                running = self._running
                if running is not None and running.job_id == message.job_id and not running.cancelled:
                    running.progress(message.progress)
            elif isinstance(message, Outcome):
                running = self._running
                if running is not None and running.job_id == message.job_id:
                    self._running = None
                    self._stop_cancel_timer()
                    finished = (running, message)
                    if message.resident_mb > RECYCLE_AFTER_MB and not process.ending:
                        logger.info("worker process %d uses %d MB: ending it", process.pid, message.resident_mb)
                        process.quit()
                    else:
                        self._dispatch()
        for job in broken:
            job.outcome("failed", TaskFailure(failure_text, RuntimeError(failure_text), True))
        if finished is not None:
            job, outcome = finished
            if job.cancelled and outcome.outcome != "succeeded":
                job.outcome("cancelled", None)
            else:
                job.outcome(outcome.outcome, outcome.value)

    def _ended(self, process: _Process, code: int | None) -> None:
        with self._lock:
            if process is not self._process:
                return
            self._process = None
            running, self._running = self._running, None
            self._stop_cancel_timer()
            if running is not None and not running.cancelled:
                logger.error("worker process %d ended during job %s: %s", process.pid, running.name, ended_how(code))
            # Whatever is queued goes to a new worker (while the workspace is open).
            self._dispatch()
        if running is not None:
            if running.cancelled:
                running.outcome("cancelled", None)
            else:
                message = (
                    f"the worker process ended unexpectedly ({ended_how(code)}) while it was working; "
                    "the workspace was not changed"
                )
                running.outcome("failed", TaskFailure(message, RuntimeError(message), False))

    def _stop_cancel_timer(self) -> None:
        if self._cancel_timer is not None:
            self._cancel_timer.cancel()
            self._cancel_timer = None
