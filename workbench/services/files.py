"""Writing a small file the analyst asked for (a public key, a draft's JSON) so that it is either all there or not
there at all, and checking it by reading it back.

The bytes go to a hidden temporary file in the target's folder, are flushed and fsynced, the file is renamed over
the target and the folder is fsynced; then the target's page cache is dropped and the file is read again from
the medium and compared. A full disk, a pulled stick or a medium that returns other bytes leaves nothing under the
target's name and raises ``InvalidInput`` naming the cause.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from workbench.domain.errors import InvalidInput


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):  # some file systems (vfat on some kernels) refuse to fsync a folder
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _read_from_medium(path: Path, limit: int) -> bytes:
    fd = os.open(path, os.O_RDONLY)
    try:
        with contextlib.suppress(OSError, AttributeError):
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)  # read what the medium holds, not the cache
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read(limit + 1)
    finally:
        os.close(fd)


def write_verified(data: bytes, target: str | os.PathLike[str], *, mode: int = 0o600) -> Path:
    """Write ``data`` to ``target`` atomically with permissions ``mode``, then read it back and compare.

    Refuses a target that is a folder or whose folder does not exist. Returns the target's path.
    """
    path = Path(target).expanduser()
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise InvalidInput(f"{path} is a folder; give a file name")
    if not folder.is_dir():
        raise InvalidInput(f"the folder {folder} does not exist")
    try:
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise InvalidInput(f"cannot write in {folder}: {exc.strerror}") from None
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
        _fsync_folder(folder)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise InvalidInput(f"cannot write {path}: {exc.strerror or exc}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    try:
        same = _read_from_medium(path, len(data)) == data
    except OSError as exc:
        same = False
        reason = exc.strerror or str(exc)
    else:
        reason = "it holds other bytes than were written"
    if not same:
        with contextlib.suppress(OSError):
            path.unlink()
        raise InvalidInput(f"{path} could not be read back ({reason}); it was removed")
    return path
