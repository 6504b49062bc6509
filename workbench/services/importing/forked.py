"""Reading and checking a large document in a forked process while this one stores what it sends.

An import is two halves that need nothing of each other until the end: reading, decoding and checking the
elements (``reader`` and ``pipeline``: pure Python, no database) and storing the prepared versions (``BulkWriter``
and SQLite). In one process they take turns on one core; here the reading half runs in a child forked at the start
of the import, which sends the prepared versions in small batches over a pipe, and this process stores them as
they come, inside its own transaction. On two cores a 1,000,000-object bundle imports in about 60 s instead of 98;
a 4 MB file such as MITRE ATT&CK Mobile gains little, the child's caches being new each time
(docs/performance.md).

The child is a fork, not a new interpreter: it starts in a millisecond with everything the import already set up
(the checker's compiled model, the marking judge read from the workspace), and it never touches the database
connection it inherited. It ends with ``os._exit`` whatever happens, is killed by the kernel if the process that
forked it dies (``PR_SET_PDEATHSIG``), and is killed by this process when the import stops early (an error while
storing, a cancel). The workspace key is in its memory, as in this process's; it lives no longer than the import.

The channel is a pipe of length-prefixed messages: a batch (``marshal`` of plain tuples, the cheapest encoding for
strings, numbers and lists) with a progress value (the bytes and elements read), then one closing message
(``pickle``) with the reading half's summary and marking state, or the exception that ended it. A thread of this
process drains the pipe while it stores, so the child never waits for a batch being written (up to
``BUFFERED_BYTES``).

Only Linux imports of at least ``FORK_FROM_BYTES`` go this way; a dry run (its listing reads the database while
judging objects) stays in one process. Both ways give the same summary and the same rows
(tests/unit/test_import_forked.py).
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import gc
import marshal
import operator
import os
import pickle
import signal
import struct
import sys
import threading
from collections import deque
from collections.abc import Callable, Generator, Iterator
from typing import Any

from workbench.domain.errors import Cancelled, WorkspaceError
from workbench.storage.bulk import PreparedVersion

#: Documents at least this large are read in a forked process (smaller ones gain nothing worth a second process).
FORK_FROM_BYTES = 1024 * 1024
#: Prepared versions per message: small, so that this process starts storing soon and the last batch is short.
MESSAGE_OBJECTS = 250
#: At most this much (bytes of messages) waits in this process; beyond it the child waits to send.
BUFFERED_BYTES = 16 * 1024 * 1024
#: How often a wait for the child looks at ``cancel``, in seconds.
CANCEL_POLL_SECONDS = 0.2

_HEADER = struct.Struct("<Q")
_BATCH, _DONE, _FAILED = b"B", b"D", b"F"
_PR_SET_PDEATHSIG = 1
_F_SETPIPE_SZ = 1031


def available(size: int) -> bool:
    """Whether a document of ``size`` bytes is read in a forked process on this system."""
    return sys.platform == "linux" and hasattr(os, "fork") and size >= FORK_FROM_BYTES


#: A prepared version as the plain tuple ``marshal`` carries: every field, in the order ``PreparedVersion`` takes.
_as_tuple = operator.attrgetter(*(field.name for field in dataclasses.fields(PreparedVersion)))


class ForkedReading:
    """The child reading the document and the channel to it; use as a context manager around ``messages``.

    ``produce`` runs in the child: it yields ``(batch, progress)`` as batches are ready (an empty batch to report
    progress; ``progress`` is any value ``marshal`` carries, the bytes and elements read for the importer), then
    returns the closing value (any picklable object), which ``messages`` leaves in ``result``. An
    exception raised by ``produce`` is raised again here, as the same exception when it can be carried over.
    """

    def __init__(self, produce: Callable[[], Generator[tuple[list[PreparedVersion], Any], None, Any]]) -> None:
        self._produce = produce
        self._pid = 0
        self._fd = -1
        self._messages: deque[tuple[bytes, bytes]] = deque()
        self._buffered = 0
        self._ended = False  # the pipe reached its end (or failed): no more messages
        self._error: BaseException | None = None
        self._ready = threading.Condition()
        self._drain: threading.Thread | None = None
        self.result: Any = None
        self._froze = False  # whether __enter__ froze the heap (and __exit__ thaws it)

    def __enter__(self) -> ForkedReading:
        read_end, write_end = os.pipe()
        with contextlib.suppress(OSError):
            import fcntl

            fcntl.fcntl(write_end, _F_SETPIPE_SZ, 1024 * 1024)
        parent = os.getpid()
        # Objects alive now are left out of this process's collections until the child ends: a full collection
        # writes to every object it looks at, and each page so written would be copied for the child. A heap
        # frozen already (the window's start-up objects, app.application.settle_heap) is left as it is.
        self._froze = gc.get_freeze_count() == 0
        if self._froze:
            gc.freeze()
        try:
            pid = os.fork()
        except OSError as exc:
            self._unfreeze()
            os.close(read_end)
            os.close(write_end)
            raise WorkspaceError(f"cannot start the process that reads the file: {exc.strerror}") from None
        if pid == 0:  # the child: never returns
            os.close(read_end)
            self._child(write_end, parent)
        self._pid = pid
        os.close(write_end)
        self._fd = read_end
        self._drain = threading.Thread(target=self._drain_pipe, name="import reading channel", daemon=True)
        self._drain.start()
        return self

    def _unfreeze(self) -> None:
        if self._froze:
            gc.unfreeze()
            self._froze = False

    def __exit__(self, *exc: object) -> None:
        self._unfreeze()
        if self._pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)  # ended already when all went well; stopped early otherwise
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self._pid, 0)
            self._pid = 0
        if self._fd >= 0:
            with self._ready:
                self._ended = True
                self._ready.notify_all()
            if self._drain is not None:
                self._drain.join()
            os.close(self._fd)
            self._fd = -1

    # -- this process --------------------------------------------------------------------------------------------

    def messages(self, cancel: Callable[[], bool] | None) -> Iterator[tuple[list[PreparedVersion], Any, bool]]:
        """Each batch the child sent, with its progress value and whether another message is already here.

        Ends when the child closed; ``result`` then holds its closing value. Raises what ended the child, or
        ``WorkspaceError`` if it died, or ``Cancelled`` when ``cancel`` says so while waiting."""
        while True:
            kind, body = self._next(cancel)
            if kind == _BATCH:
                progress, rows = marshal.loads(body)
                with self._ready:
                    waiting = bool(self._messages)
                yield [PreparedVersion(*row) for row in rows], progress, waiting
            elif kind == _DONE:
                self.result = pickle.loads(body)
                return
            else:
                raise _carried(body)

    def _next(self, cancel: Callable[[], bool] | None) -> tuple[bytes, bytes]:
        with self._ready:
            while not self._messages:
                if self._ended:
                    raise self._died()
                self._ready.wait(CANCEL_POLL_SECONDS)
                if cancel is not None and not self._messages and cancel():
                    raise Cancelled()
            kind, body = self._messages.popleft()
            self._buffered -= len(body)
            self._ready.notify_all()
            return kind, body

    def _died(self) -> WorkspaceError:
        status = 0
        if self._pid:
            with contextlib.suppress(ChildProcessError):
                _, status = os.waitpid(self._pid, 0)
            self._pid = 0
        how = (
            f"signal {os.WTERMSIG(status)}"
            if os.WIFSIGNALED(status)
            else f"exit code {os.waitstatus_to_exitcode(status)}"
        )
        if self._error is not None:
            how = f"{how}; {self._error}"
        return WorkspaceError(f"the process reading the file ended without finishing ({how}); nothing was imported")

    def _drain_pipe(self) -> None:
        """The draining thread: whole messages from the pipe to ``_messages``, waiting while too much is held."""
        try:
            while True:
                header = self._read_exactly(1 + _HEADER.size)
                if header is None:
                    break
                body = self._read_exactly(_HEADER.unpack_from(header, 1)[0])
                if body is None:
                    break
                with self._ready:
                    self._messages.append((header[:1], body))
                    self._buffered += len(body)
                    self._ready.notify_all()
                    while self._buffered > BUFFERED_BYTES and not self._ended:
                        self._ready.wait()
                    if self._ended:
                        return
        except OSError as exc:
            self._error = exc
        with self._ready:
            self._ended = True
            self._ready.notify_all()

    def _read_exactly(self, size: int) -> bytes | None:
        """``size`` bytes from the pipe; None at its end (or after a partial message: the child died)."""
        buffer = bytearray(size)
        view = memoryview(buffer)
        done = 0
        while done < size:
            count = os.readv(self._fd, [view[done:]])
            if count == 0:
                return None
            done += count
        return bytes(buffer)

    # -- the child -----------------------------------------------------------------------------------------------

    def _child(self, fd: int, parent: int) -> None:
        code = 0
        try:
            with contextlib.suppress(Exception):  # die with the process that forked us
                ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
            if os.getppid() != parent:
                os._exit(1)
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C is for the process that forked us
            produce = self._produce()
            try:
                while True:
                    batch, progress = next(produce)
                    _send(fd, _BATCH, marshal.dumps((progress, [_as_tuple(item) for item in batch])))
            except StopIteration as stop:
                _send(fd, _DONE, pickle.dumps(stop.value, pickle.HIGHEST_PROTOCOL))
        except BrokenPipeError:
            code = 2  # the importing process is gone
        except BaseException as exc:
            with contextlib.suppress(BaseException):
                _send(fd, _FAILED, _portable(exc))
            code = 1
        finally:
            os._exit(code)


def _send(fd: int, kind: bytes, body: bytes) -> None:
    data = memoryview(kind + _HEADER.pack(len(body)) + body)
    while data:
        written = os.write(fd, data)
        data = data[written:]


def _portable(exc: BaseException) -> bytes:
    """The exception, pickled when it comes back as itself, else its type and message."""
    try:
        data = pickle.dumps(exc, pickle.HIGHEST_PROTOCOL)
        pickle.loads(data)
        return data
    except Exception:
        return pickle.dumps(RuntimeError(f"{type(exc).__name__}: {exc}"))


def _carried(body: bytes) -> BaseException:
    try:
        exc = pickle.loads(body)
    except Exception as problem:
        return RuntimeError(f"the process reading the file failed, and its error could not be read: {problem}")
    return exc if isinstance(exc, BaseException) else RuntimeError(repr(exc))
