"""The open workspace as the window sees it, the connections its worker tasks borrow, and its worker process.

The GUI thread holds one ``Workspace`` (quick reads: the organisation, the key fingerprint). Every query that can
take long runs as a task with a connection of its own, made with ``connect_again()`` (no second key derivation)
and kept in a small pool: a connection is checked out by one task at a time, so it belongs to one thread at a
time, and returned after. Heavy jobs (imports, exports, verification, reports: ``services.jobs.catalogue``) run
in the workspace's worker process instead (``run_job``, ``app.worker``), started when the workspace opens.

Locking drops it all: pages clear their models (``locking``), running tasks and jobs are cancelled and their
queries interrupted, the worker process is ended, pooled connections are closed, the GUI connection is closed
with ``Workspace.close(lock=True)`` which wipes the key that every connection was opened with, then ``locked``.
"""

from __future__ import annotations

import contextlib
import logging
import pickle
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal

from workbench.app.tasks import Lane, SyncTaskRunner, TaskControl, TaskHandle, TaskProgress, TaskRunner
from workbench.app.worker import WorkerJobs
from workbench.domain.errors import WorkspaceError
from workbench.services import keys
from workbench.services.workspace import Workspace

logger = logging.getLogger(__name__)

T = TypeVar("T")
MAX_IDLE_CONNECTIONS = 4


@dataclass(frozen=True)
class SessionInfo:
    """What the window shows about the open workspace."""

    path: Path
    org_name: str
    identity_id: str
    fingerprint: str
    demo_passphrase: str | None = None


@dataclass(frozen=True)
class StoreChange:
    """The store was written to: by what (``import``) and a short description for the status bar."""

    action: str
    description: str = ""


class Session(QObject):
    """The open workspace of one main window (there is no global one)."""

    opened = Signal(object)
    """A ``SessionInfo``: a workspace was unlocked or created; pages load their data."""
    locking = Signal()
    """The workspace is about to be locked: drop every piece of its data now."""
    locked = Signal()
    """The workspace is locked: no connection is open and the key is wiped."""
    store_changed = Signal(object)
    """A ``StoreChange``: data was written (an import committed); pages refresh."""

    def __init__(
        self, runner: TaskRunner, parent: QObject | None = None, *, worker_process: bool | None = None
    ) -> None:
        """``worker_process`` runs jobs in a worker process (the default with a real runner); without one they run
        in the runner's long lane like any task (the default with the tests' synchronous runner)."""
        super().__init__(parent)
        self.runner = runner
        if worker_process is None:
            worker_process = not isinstance(runner, SyncTaskRunner)
        self.jobs: WorkerJobs | None = WorkerJobs() if worker_process else None
        self._workspace: Workspace | None = None
        self._info: SessionInfo | None = None
        self._idle: list[Workspace] = []
        self._pool_lock = threading.Lock()
        self._generation = 0

    # -- state -------------------------------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self._workspace is not None

    @property
    def info(self) -> SessionInfo | None:
        return self._info

    @property
    def workspace(self) -> Workspace:
        """The GUI thread's workspace; only for quick reads. Raises ``WorkspaceError`` when locked."""
        if self._workspace is None:
            raise WorkspaceError("the workspace is locked")
        return self._workspace

    def attach(self, ws: Workspace, *, demo_passphrase: str | None = None) -> SessionInfo:
        """Take over an opened workspace (opened by a task: from now on it belongs to the GUI thread)."""
        if self._workspace is not None:
            self.lock()
        fingerprint = keys.active_key(ws).key_id
        with self._pool_lock:
            self._generation += 1
            self._workspace = ws
        self._info = SessionInfo(ws.path, ws.org_name, ws.identity_id, fingerprint, demo_passphrase)
        if self.jobs is not None:
            self.jobs.open(ws)
        logger.info("workspace opened")
        self.opened.emit(self._info)
        return self._info

    def lock(self) -> None:
        """Drop the workspace's data and key from memory; see the module docstring. Idempotent."""
        if self._workspace is None:
            return
        self.locking.emit()
        self.runner.cancel_all()
        if self.jobs is not None:
            self.jobs.close()
        with self._pool_lock:
            self._generation += 1
            idle, self._idle = self._idle, []
            workspace, self._workspace = self._workspace, None
        for connection in idle:
            connection.close()
        workspace.close(lock=True)
        self._info = None
        logger.info("workspace locked")
        self.locked.emit()

    def notify_changed(self, change: StoreChange) -> None:
        self.store_changed.emit(change)

    # -- worker connections ------------------------------------------------------------------------------------

    @contextlib.contextmanager
    def connection(self) -> Iterator[Workspace]:
        """A workspace connection for the calling (worker) thread, returned to the pool afterwards.

        Raises ``WorkspaceError`` when the workspace is locked.
        """
        with self._pool_lock:
            if self._workspace is None:
                raise WorkspaceError("the workspace is locked")
            generation = self._generation
            borrowed = self._idle.pop() if self._idle else None
            source = self._workspace
        if borrowed is None:
            borrowed = source.connect_again()
        try:
            yield borrowed
        finally:
            with self._pool_lock:
                keep = generation == self._generation and len(self._idle) < MAX_IDLE_CONNECTIONS
                if keep:
                    if borrowed.conn.in_transaction:  # a defect left it open: never hand that on
                        keep = False
                    else:
                        self._idle.append(borrowed)
            if not keep:
                borrowed.close()

    def run(
        self,
        name: str,
        work: Callable[[Workspace, TaskControl], T],
        *,
        lane: Lane = Lane.READ,
        describe: Callable[[TaskProgress], str] | None = None,
    ) -> TaskHandle:
        """Run ``work(workspace, control)`` in ``lane``'s worker thread with a borrowed connection.

        Cancelling the handle also interrupts the connection's running query.
        """

        def task(control: TaskControl) -> Any:
            with self.connection() as ws:
                control.set_interrupt(ws.conn.interrupt)
                try:
                    return work(ws, control)
                finally:
                    control.set_interrupt(None)

        return self.runner.run(name, task, lane=lane, describe=describe)

    def run_job(
        self,
        name: str,
        function: Callable[..., T],
        *,
        describe: Callable[[TaskProgress], str] | None = None,
        **params: Any,
    ) -> TaskHandle:
        """Run ``function(workspace, control, **params)``, a job of ``services.jobs.catalogue``, in the worker
        process; the handle behaves as any task's (progress, Cancel, one outcome). ``describe`` words progress.

        ``function`` must be a module-level function and ``params`` plain values: both are pickled to reach the
        worker (refused at once with ``TypeError`` otherwise, in either mode). Without a worker process the job
        runs in the long lane like any task.
        """
        try:
            pickle.dumps((function, params), protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, TypeError, AttributeError) as exc:
            raise TypeError(f"job {name!r} cannot be sent to the worker process: {exc}") from exc
        jobs = self.jobs
        if jobs is None:
            return self.run(
                name, lambda ws, control: function(ws, control, **params), lane=Lane.LONG, describe=describe
            )
        handle = self.runner.track(name, describe=describe)
        job_id = jobs.submit(name, function, params, handle.post_progress, handle.post_outcome)
        handle.control.set_interrupt(lambda: jobs.cancel(job_id))
        return handle
