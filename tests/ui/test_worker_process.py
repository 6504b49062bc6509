"""Heavy jobs run in the workspace's worker process: the key reaches it over its channel only, progress and
cancel travel on the same channel, a crash is reported without taking the window down, locking ends it."""

from __future__ import annotations

import os
import pickle
import socket
import subprocess
import time
from multiprocessing.connection import Connection
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from tests import worker_jobs
from tests.conftest import PASSPHRASE, alive, bundle, indicator
from tests.ui.conftest import make_window
from workbench.app import worker
from workbench.app.session import Session
from workbench.app.tasks import TaskHandle
from workbench.services.jobs import catalogue
from workbench.services.jobs.protocol import Ticket
from workbench.services.workspace import Workspace
from workbench.storage.meta import get_meta
from workbench.storage.objects import store_digest


def finished(qtbot, handle: TaskHandle, timeout: int = 60_000) -> TaskHandle:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: handle.done, timeout=timeout)
    return handle


def worker_pid(qtbot, session: Session) -> int:  # type: ignore[no-untyped-def]
    handle = finished(qtbot, session.run_job("who", catalogue.describe_worker))
    assert handle.outcome == "succeeded", handle.result
    return int(handle.result.pid)


def test_jobs_run_in_a_process_that_got_the_key_only_over_its_channel(
    qtbot, threaded_session: Session, ui_workspace: Workspace, monkeypatch
) -> None:
    monkeypatch.setenv("WORKBENCH_PASSPHRASE", PASSPHRASE)  # as `workbench gui` may have been started
    threaded_session.attach(ui_workspace)
    handle = finished(qtbot, threaded_session.run_job("who", catalogue.describe_worker))
    info = handle.result
    assert info.pid != os.getpid() and info.pid == threaded_session.jobs.pid
    assert (info.org_name, info.objects) == (ui_workspace.org_name, ui_workspace.objects.count())
    key, _salt = ui_workspace.db.key.material()
    cmdline = Path(f"/proc/{info.pid}/cmdline").read_bytes()
    environ = Path(f"/proc/{info.pid}/environ").read_bytes()
    for secret in (key, key.hex().encode(), key.hex().upper().encode(), PASSPHRASE.encode()):
        assert secret not in cmdline and secret not in environ
    opened = finished(qtbot, threaded_session.run_job("files", worker_jobs.open_files)).result
    regular = [target for target in opened if target.startswith("/") and Path(target).is_file()]
    workspace_files = {str(ui_workspace.path) + suffix for suffix in ("", "-wal", "-shm")}
    assert set(regular) <= workspace_files  # no file holds a key for it
    assert any(target.startswith("socket:") for target in opened)


def test_progress_and_cancel_travel_on_the_channel(qtbot, threaded_session: Session, ui_workspace: Workspace) -> None:
    threaded_session.attach(ui_workspace)
    pid = worker_pid(qtbot, threaded_session)
    seen: list[str] = []
    handle = threaded_session.run_job(
        "count", worker_jobs.count_until_cancelled, describe=lambda progress: f"{progress.message} {progress.done}"
    )
    handle.progressed.connect(lambda progress: seen.append(progress.message))
    qtbot.waitUntil(lambda: len(seen) >= 2, timeout=30_000)
    assert seen[0].startswith("counting ")  # worded in the window
    handle.cancel()
    finished(qtbot, handle, timeout=5_000)
    assert handle.outcome == "cancelled"
    assert worker_pid(qtbot, threaded_session) == pid  # a cooperative cancel keeps the worker


def test_a_job_deaf_to_cancel_has_its_process_ended_in_bounded_time(
    qtbot, threaded_session: Session, ui_workspace: Workspace, monkeypatch
) -> None:
    monkeypatch.setattr(worker, "CANCEL_GRACE_SECONDS", 0.5)
    threaded_session.attach(ui_workspace)
    pid = worker_pid(qtbot, threaded_session)
    handle = threaded_session.run_job("stalled medium", worker_jobs.deaf, seconds=120)
    qtbot.wait(300)
    started = time.monotonic()
    handle.cancel()
    finished(qtbot, handle, timeout=10_000)
    assert handle.outcome == "cancelled" and time.monotonic() - started < 8
    assert not alive(pid)
    assert worker_pid(qtbot, threaded_session) != pid  # the next job has a new worker


def test_a_crash_fails_its_job_and_the_next_job_gets_a_new_worker(
    qtbot, threaded_session: Session, ui_workspace: Workspace
) -> None:
    threaded_session.attach(ui_workspace)
    pid = worker_pid(qtbot, threaded_session)
    handle = finished(qtbot, threaded_session.run_job("crash", worker_jobs.crash))
    assert handle.outcome == "failed"
    assert handle.result.message == (
        "the worker process ended unexpectedly (killed by signal 11 (SIGSEGV)) while it was working; "
        "the workspace was not changed"
    )
    assert worker_pid(qtbot, threaded_session) != pid


def test_a_worker_killed_inside_a_transaction_leaves_nothing_of_it(
    qtbot, threaded_session: Session, ui_workspace: Workspace
) -> None:
    threaded_session.attach(ui_workspace)
    before = store_digest(ui_workspace.conn)
    handle = finished(qtbot, threaded_session.run_job("half", worker_jobs.write_and_crash, marker="half-written"))
    assert handle.outcome == "failed" and "SIGKILL" in handle.result.message
    assert get_meta(ui_workspace.conn, "half-written") is None
    assert store_digest(ui_workspace.conn) == before
    assert ui_workspace.db.integrity_check() == "ok"


def test_locking_ends_the_worker(qtbot, threaded_session: Session, ui_workspace: Workspace) -> None:
    threaded_session.attach(ui_workspace)
    pid = worker_pid(qtbot, threaded_session)
    running = threaded_session.run_job("count", worker_jobs.count_until_cancelled)
    threaded_session.lock()
    finished(qtbot, running, timeout=10_000)
    assert running.outcome == "cancelled"
    qtbot.waitUntil(lambda: not alive(pid), timeout=10_000)
    assert threaded_session.jobs is not None and threaded_session.jobs.pid is None
    refused = finished(qtbot, threaded_session.run_job("after lock", catalogue.describe_worker))
    assert refused.outcome == "failed" and refused.result.message == "the workspace is locked"


def test_the_window_reports_a_worker_killed_during_an_import_and_goes_on(
    qtbot, threaded_session: Session, settings, demo_workspace: Workspace, write_json
) -> None:
    window = make_window(qtbot, threaded_session, settings)
    threaded_session.attach(demo_workspace)
    pid = worker_pid(qtbot, threaded_session)
    before = store_digest(demo_workspace.conn)
    messages: list[str] = []
    window.imports.import_failed.connect(messages.append)
    path = write_json(bundle(*(indicator(name=f"Bulk {n}") for n in range(20_000))), "bulk.json")
    window.imports.import_paths([str(path)])
    qtbot.waitUntil(lambda: window.imports.progress is not None and window.imports.progress.bar.maximum() > 0)
    os.kill(pid, 9)  # as the kernel's out-of-memory killer would
    qtbot.waitUntil(lambda: bool(messages), timeout=30_000)
    assert messages == [
        "the worker process ended unexpectedly (killed by signal 9 (SIGKILL)) while it was working; "
        "the workspace was not changed"
    ]
    box = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible())
    assert box.text() == messages[0] and box.textFormat() == Qt.TextFormat.PlainText
    box.close()
    assert store_digest(demo_workspace.conn) == before
    # The window goes on: the same file imports in a new worker.
    shown: list = []
    window.imports.preview_shown.connect(shown.append)
    small = write_json(bundle(indicator(name="After the crash")), "small.json")
    window.imports.import_paths([str(small)])
    qtbot.waitUntil(lambda: bool(shown), timeout=30_000)
    with qtbot.waitSignal(window.imports.import_committed, timeout=30_000):
        shown[0].accept()
    assert worker_pid(qtbot, threaded_session) != pid


@pytest.mark.parametrize("function", [lambda ws, control: None])
def test_a_job_that_cannot_reach_the_worker_is_refused_at_once(session: Session, ui_workspace, function) -> None:
    session.attach(ui_workspace)
    with pytest.raises(TypeError, match="cannot be sent to the worker process"):
        session.run_job("lambda", function)


def test_a_worker_whose_window_went_away_before_it_was_ready_ends_quietly(ui_workspace: Workspace) -> None:
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    child = subprocess.Popen(
        worker.worker_command(theirs.fileno()),
        pass_fds=(theirs.fileno(),),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=worker.worker_environment(),
    )
    theirs.close()
    key, salt = ui_workspace.db.key.material()
    channel = Connection(ours.detach())
    ticket = Ticket(str(ui_workspace.path), key, salt, ui_workspace.org_name, ui_workspace.identity_id)
    channel.send_bytes(pickle.dumps(ticket))
    channel.close()  # the window is gone before the worker says it is ready
    _out, error = child.communicate(timeout=60)
    assert child.returncode == 0 and b"Traceback" not in error, error.decode()
