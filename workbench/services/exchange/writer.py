"""Writing a package (or a receipt) onto a medium so that a failure leaves nothing that verifies.

Files go into a hidden temporary folder (or tar) next to the final name; each is flushed and fsynced, the
signature last; then one rename puts the package in place and the folder is fsynced. Any error removes the
temporary copy and reports one line. The temporary copy is locked (``flock``) while it is written; a process killed
mid-write leaves it behind, hidden, never verifying, and the next write to that folder removes it (``sweep``: what
another process still holds locked is left alone). ``evict`` asks the kernel to drop the cached pages of what was
written so that the read-back verification reads the medium, not memory.

The tar form is a plain POSIX (ustar) archive of the package folder; the bundle's header is written when its size
is known, so the bundle is streamed once and never held in memory.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import re
import shutil
import tarfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from workbench.domain.errors import Cancelled, InvalidInput

logger = logging.getLogger(__name__)

BLOCK = tarfile.BLOCKSIZE
RECORD = tarfile.RECORDSIZE

#: The hidden name an interrupted write of a package (``KEY-SEQUENCE-ID``) or a receipt (``KEY-receipt-ID``) leaves.
LEFT_BY_A_PACKAGE = re.compile(
    r"\.[0-9a-f]{12}-(?:[0-9]{6,}|receipt)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?:\.tar)?\.partial"
)


@dataclass(frozen=True)
class Written:
    path: str
    size: int
    sha256: str


class MediumWriter:
    """One package being written under ``dest``; ``commit`` renames it into place as ``name`` (or ``name.tar``).

    Use as a context manager: leaving the block without ``commit`` (an error, a cancel) removes everything written.
    """

    def __init__(self, dest: Path, name: str, *, tar: bool) -> None:
        self.dest = dest
        self.name = name
        self.tar = tar
        self.final = dest / (f"{name}.tar" if tar else name)
        self.partial = dest / f".{self.final.name}.partial"
        self._archive: IO[bytes] | None = None
        self._folders: set[str] = set()
        self._lock: int | None = None
        self.committed = False

    def __enter__(self) -> MediumWriter:
        if self.final.exists() or self.partial.exists():
            raise InvalidInput(f"{self.final.name} already exists in {self.dest}")
        sweep(self.dest, LEFT_BY_A_PACKAGE)
        try:
            if self.tar:
                self._archive = open(self.partial, "xb")
            else:
                os.mkdir(self.partial, 0o755)
            self._lock = os.open(self.partial, os.O_RDONLY)
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if self.tar:
                self._tar_folder(self.name)
        except OSError as exc:
            self._cleanup()
            raise _failure(self.dest, exc) from None
        return self

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        if not self.committed:
            self._cleanup()

    def _cleanup(self) -> None:
        if self._archive is not None:
            with contextlib.suppress(OSError):
                self._archive.close()
            self._archive = None
        with contextlib.suppress(OSError):
            if self.partial.is_dir():
                shutil.rmtree(self.partial, ignore_errors=True)
            else:
                self.partial.unlink(missing_ok=True)
        self._unlock()

    def _unlock(self) -> None:
        if self._lock is not None:
            with contextlib.suppress(OSError):
                os.close(self._lock)
            self._lock = None

    # -- members -------------------------------------------------------------------------------------------------

    def place(self, path: str) -> Path:
        """Where a member that another writer produces (SQLite's online backup) goes in the folder form.

        The caller writes and fsyncs the file itself; ``commit`` then puts it in place with the rest.
        """
        if self.tar:
            raise ValueError("members written in place need the folder form")
        target = self.partial / path
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def add(self, path: str, chunks: Iterable[bytes], cancel: Callable[[], bool] | None = None) -> Written:
        """Write one file of the package from ``chunks``; returns its size and SHA-256 as written."""
        try:
            if self.tar:
                return self._tar_member(path, chunks, cancel)
            return self._folder_member(path, chunks, cancel)
        except OSError as exc:
            raise _failure(self.dest, exc) from None

    def _folder_member(self, path: str, chunks: Iterable[bytes], cancel: Callable[[], bool] | None) -> Written:
        target = self.partial / path
        target.parent.mkdir(parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        with open(target, "xb") as out:
            for chunk in chunks:
                if cancel and cancel():
                    raise Cancelled()
                out.write(chunk)
                digest.update(chunk)
                size += len(chunk)
            out.flush()
            os.fsync(out.fileno())
        return Written(path, size, digest.hexdigest())

    def _tar_folder(self, folder: str) -> None:
        if folder in self._folders:
            return
        info = tarfile.TarInfo(folder + "/")
        info.type, info.mode, info.mtime = tarfile.DIRTYPE, 0o755, int(time.time())
        assert self._archive is not None
        self._archive.write(info.tobuf(format=tarfile.USTAR_FORMAT))
        self._folders.add(folder)

    def _tar_member(self, path: str, chunks: Iterable[bytes], cancel: Callable[[], bool] | None) -> Written:
        archive = self._archive
        assert archive is not None
        parts = path.split("/")
        for depth in range(1, len(parts)):
            self._tar_folder("/".join([self.name, *parts[:depth]]))
        header_at = archive.tell()
        archive.write(b"\0" * BLOCK)  # the header, rewritten once the size is known
        digest, size = hashlib.sha256(), 0
        for chunk in chunks:
            if cancel and cancel():
                raise Cancelled()
            archive.write(chunk)
            digest.update(chunk)
            size += len(chunk)
        archive.write(b"\0" * (-size % BLOCK))
        end = archive.tell()
        info = tarfile.TarInfo(f"{self.name}/{path}")
        info.size, info.mode, info.mtime = size, 0o644, int(time.time())
        archive.seek(header_at)
        archive.write(info.tobuf(format=tarfile.USTAR_FORMAT))
        archive.seek(end)
        return Written(path, size, digest.hexdigest())

    # -- into place ----------------------------------------------------------------------------------------------

    def commit(self) -> Path:
        """Flush and fsync everything, rename into place, fsync the folder; returns the final path."""
        try:
            if self.tar:
                archive = self._archive
                assert archive is not None
                archive.write(b"\0" * (2 * BLOCK))
                archive.write(b"\0" * (-archive.tell() % RECORD))
                archive.flush()
                os.fsync(archive.fileno())
                archive.close()
                self._archive = None
            else:
                for folder in sorted({path.parent for path in self.partial.rglob("*")}, reverse=True):
                    _fsync_folder(folder)
            if self.final.exists():
                raise InvalidInput(f"{self.final.name} appeared in {self.dest} while writing")
            os.rename(self.partial, self.final)
            _fsync_folder(self.dest)
        except OSError as exc:
            raise _failure(self.dest, exc) from None
        self.committed = True
        self._unlock()
        return self.final


def sweep(dest: Path, pattern: re.Pattern[str]) -> list[str]:
    """Remove from ``dest`` the hidden temporary copies (names matching ``pattern``) that killed writes left;
    returns their names. One still locked by a writer in another process is left alone; errors are ignored."""
    removed: list[str] = []
    try:
        entries = [entry for entry in dest.iterdir() if pattern.fullmatch(entry.name) and not entry.is_symlink()]
    except OSError:
        return removed
    for entry in entries:
        try:
            with locked(entry):
                if entry.is_dir():
                    shutil.rmtree(entry)
                else:
                    entry.unlink()
        except OSError:
            continue
        logger.info("removed %s, left on %s by a write that was stopped", entry.name, dest)
        removed.append(entry.name)
    return removed


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold the exclusive lock a writer holds on its temporary copy; ``BlockingIOError`` when another has it."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        yield
    finally:
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _failure(dest: Path, exc: OSError) -> InvalidInput:
    return InvalidInput(f"cannot write to {dest}: {exc.strerror or exc}; nothing usable was left on the medium")


def remove(path: Path) -> None:
    """Remove a written package (after a failed read-back or commit); errors are ignored, nothing else is."""
    with contextlib.suppress(OSError):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        _fsync_folder(path.parent)


def evict(path: Path) -> None:
    """Drop the page cache of a written file or folder, so that reading it back reads the medium."""
    files = [path] if path.is_file() else [item for item in path.rglob("*") if item.is_file()]
    for item in files:
        with contextlib.suppress(OSError):
            fd = os.open(item, os.O_RDONLY)
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)


def free_space(dest: Path) -> int:
    try:
        return shutil.disk_usage(dest).free
    except OSError as exc:
        raise InvalidInput(f"cannot use {dest}: {exc.strerror}") from None
