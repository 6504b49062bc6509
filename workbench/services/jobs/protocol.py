"""The messages between the window and its worker process, and the command that starts the worker.

The channel is one end of a Unix socket pair inherited by the worker as a file descriptor (its number is the only
thing on its command line). The workspace key travels as the first message on it: never on the command line, in
the environment or in a file. Every message is a pickled dataclass below, framed by ``multiprocessing.connection``;
both ends are this program.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.services.jobs.control import TaskProgress

#: The hidden sub-command of ``workbench`` that runs a worker process.
WORKER_COMMAND = "worker-process"
# What the worker needs no copy of: the passphrases the command line reads.
_PRIVATE_ENVIRONMENT = ("WORKBENCH_PASSPHRASE", "WORKBENCH_NEW_PASSPHRASE")


@dataclass(frozen=True)
class Ticket:
    """Window to worker, first: how to open the workspace (the raw key, never the passphrase)."""

    path: str
    key: bytes
    salt: bytes
    org_name: str
    identity_id: str

    def __repr__(self) -> str:  # never print the key, not even in a traceback
        return f"Ticket({self.path!r})"


@dataclass(frozen=True)
class RunJob:
    """Window to worker: run ``function(workspace, control, **params)`` (a module-level function)."""

    job_id: int
    name: str
    function: Callable[..., Any]
    params: dict[str, Any]


@dataclass(frozen=True)
class CancelJob:
    """Window to worker: stop that job (it rolls back and reports ``cancelled``)."""

    job_id: int


@dataclass(frozen=True)
class Quit:
    """Window to worker: close the workspace and end (the workspace is locking, or the window closing)."""


@dataclass(frozen=True)
class Ready:
    """Worker to window: the workspace is open; jobs may come."""

    pid: int


@dataclass(frozen=True)
class Broken:
    """Worker to window: the workspace could not be opened (the message says why); the worker ends."""

    message: str


@dataclass(frozen=True)
class Progress:
    """Worker to window: how far a job got."""

    job_id: int
    progress: TaskProgress


@dataclass(frozen=True)
class Outcome:
    """Worker to window: how a job ended (``succeeded`` and its result, ``failed`` and a ``TaskFailure``,
    ``cancelled``), and the worker's resident memory afterwards."""

    job_id: int
    outcome: str
    value: Any
    resident_mb: int = 0


def worker_command(channel_fd: int) -> list[str]:
    """The command line of a worker process: this program's own executable.

    Frozen (PyInstaller), the executable is the ``workbench`` program itself; otherwise this interpreter runs the
    ``workbench`` package (``python -m workbench``).
    """
    if getattr(sys, "frozen", False):
        return [sys.executable, WORKER_COMMAND, "--channel", str(channel_fd)]
    return [sys.executable, "-m", "workbench", WORKER_COMMAND, "--channel", str(channel_fd)]


def worker_environment() -> dict[str, str]:
    """The worker's environment: the window's, without the passphrases, and finding this very ``workbench``
    package first (a development checkout may differ from the one installed)."""
    environment = {key: value for key, value in os.environ.items() if key not in _PRIVATE_ENVIRONMENT}
    if not getattr(sys, "frozen", False):
        package_root = str(Path(__file__).resolve().parents[3])
        existing = environment.get("PYTHONPATH")
        environment["PYTHONPATH"] = package_root + (os.pathsep + existing if existing else "")
    return environment
