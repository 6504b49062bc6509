"""Jobs for the worker process tests, which the worker imports by name: Qt-free, no test framework."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from workbench.services.jobs.control import TaskControl
from workbench.services.workspace import Workspace


def crash(ws: Workspace, control: TaskControl) -> None:
    """The worker dies as a defect in a C library would make it die."""
    os.kill(os.getpid(), signal.SIGSEGV)


def write_and_crash(ws: Workspace, control: TaskControl, *, marker: str) -> None:
    """Die in the middle of a transaction: nothing of it may stay."""
    with ws.transaction() as conn:
        conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (marker, "half-written"))
        os.kill(os.getpid(), signal.SIGKILL)


def count_until_cancelled(ws: Workspace, control: TaskControl, *, report_every: float = 0.01) -> int:
    """Report progress until cancelled (cooperative: the cancel message reaches the control)."""
    done = 0
    while True:
        control.check()
        done += 1
        control.progress(done, 0, "counting")
        time.sleep(report_every)


def deaf(ws: Workspace, control: TaskControl, *, seconds: float) -> str:
    """Ignore cancellation, as a read blocked on a stalled medium would."""
    time.sleep(seconds)
    return "finished"


def open_files(ws: Workspace, control: TaskControl) -> list[str]:
    """What the worker process has open."""
    folder = Path("/proc/self/fd")
    found = []
    for entry in folder.iterdir():
        try:
            found.append(os.readlink(entry))
        except OSError:
            continue
    return found
