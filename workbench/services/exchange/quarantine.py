"""Step 1 of the import order: copy a package from the medium into a private local quarantine, under size caps.

Everything after this step reads only the copy, so a medium that changes bytes between two reads cannot make the
checked bytes differ from the imported ones. The quarantine is a folder of mode 0700, preferably on a RAM-backed
filesystem (``$XDG_RUNTIME_DIR`` or ``/dev/shm``) so that even a crash leaves no plaintext on a disk, and it is
deleted when the ``with`` block ends, whatever happened. Files are stored under numbered names: a name from the
package is checked (``paths.check_member_path``) but never used as a path.

Refused while copying, each with a message naming the member: symbolic and hard links, devices, pipes and other
non-regular files, sparse files, files or a total above the caps (enforced on the bytes actually read, not on
what a header claims), too many members, a compressed or malformed tar, a file that changes while it is copied.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import logging
import os
import shutil
import stat
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, cast

from workbench.domain.compression import compression_of
from workbench.domain.errors import Cancelled, InvalidInput
from workbench.services.exchange.paths import check_member_path, check_unique

logger = logging.getLogger(__name__)

PREFIX = "workbench-quarantine-"
CHUNK = 1 << 20
#: The largest single read of a tar: a member's copy step, or a header (PAX, long name) with its padding.
MAX_TAR_READ = CHUNK

Progress = Callable[[str, int, int], None]
CancelCheck = Callable[[], bool]


@dataclass(frozen=True)
class QuarantineLimits:
    """Caps on what is copied from a medium. The defaults hold a package of 100,000 objects many times over."""

    max_total: int = 2 * 1024**3
    max_file: int = 2 * 1024**3
    max_members: int = 32


@dataclass(frozen=True)
class QuarantinedFile:
    path: Path
    size: int
    sha256: str


@dataclass
class Quarantine:
    """The local copy: package-relative name -> file in the private folder, with size and SHA-256 as copied."""

    folder: Path
    source_name: str
    files: dict[str, QuarantinedFile] = field(default_factory=dict)

    @property
    def total_bytes(self) -> int:
        return sum(item.size for item in self.files.values())

    def read(self, name: str, limit: int) -> bytes:
        """The bytes of a member (refused when larger than ``limit``)."""
        item = self.files[name]
        if item.size > limit:
            raise InvalidInput(f"{name} is larger than {limit // 1024} KiB")
        return item.path.read_bytes()


def _candidate_roots() -> list[Path]:
    roots = []
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime:
        roots.append(Path(runtime))
    roots.append(Path("/dev/shm"))
    roots.append(Path(tempfile.gettempdir()))
    return roots


def choose_root(needed: int) -> Path:
    """A writable folder with room for ``needed`` bytes, RAM-backed ones first."""
    for root in _candidate_roots():
        try:
            if root.is_dir() and os.access(root, os.W_OK | os.X_OK) and shutil.disk_usage(root).free > needed * 2:
                return root
        except OSError:
            continue
    raise InvalidInput("there is not enough local space to copy the package for checking")


def _sweep_stale(root: Path) -> None:
    """Remove quarantines left by a process that died (a crash cannot run the cleanup)."""
    with contextlib.suppress(OSError):
        for entry in root.iterdir():
            if not entry.name.startswith(PREFIX):
                continue
            try:
                pid = int(entry.name[len(PREFIX) :].split("-", 1)[0])
                info = entry.lstat()
            except (ValueError, OSError):
                continue
            if info.st_uid != os.getuid() or not stat.S_ISDIR(info.st_mode):
                continue
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                shutil.rmtree(entry, ignore_errors=True)
            except OSError:
                continue


@contextlib.contextmanager
def quarantined(
    source: str | os.PathLike[str],
    *,
    limits: QuarantineLimits | None = None,
    root: str | os.PathLike[str] | None = None,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
) -> Iterator[Quarantine]:
    """Copy the package at ``source`` (a folder or an uncompressed tar) into a private folder; delete it after.

    Raises ``InvalidInput`` naming the member and the cause for anything listed in the module docstring.
    """
    limits = limits or QuarantineLimits()
    source = Path(source)
    try:
        info = source.stat()
    except OSError as exc:
        raise InvalidInput(f"cannot read {source.name}: {exc.strerror}") from None
    if not (stat.S_ISDIR(info.st_mode) or stat.S_ISREG(info.st_mode)):
        raise InvalidInput(f"{source.name} is neither a package folder nor a tar file")
    # The size of the copy is known before a place is chosen for it: a folder is listed (and judged) first.
    listing = _list_folder(source, limits) if stat.S_ISDIR(info.st_mode) else None
    needed = sum(size for _, _, size in listing) if listing is not None else min(info.st_size, limits.max_total)
    base = Path(root) if root is not None else choose_root(needed)
    _sweep_stale(base)
    try:
        folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=base))
    except OSError as exc:
        raise _no_room(base, needed, exc) from None
    os.chmod(folder, 0o700)
    box = Quarantine(folder, source.name)
    try:
        try:
            if listing is not None:
                _copy_listing(listing, box, limits, progress, cancel)
            else:
                _copy_tar(source, box, limits, progress, cancel)
        except OSError as exc:  # writing the copy: the medium's own read errors are refused where they happen
            raise _no_room(base, needed, exc) from None
        check_unique(box.files)
        yield box
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _no_room(base: Path, needed: int, exc: OSError) -> InvalidInput:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return InvalidInput(
            f"no space left in {base} to copy the package for checking (about {needed / 1e6:.1f} MB needed)"
        )
    return InvalidInput(f"cannot copy the package for checking into {base}: {exc.strerror or exc}")


# -- folders -------------------------------------------------------------------------------------------------------


def _list_folder(source: Path, limits: QuarantineLimits) -> list[tuple[str, Path, int]]:
    """Every regular file of a package folder with its size, each judged before anything is copied."""
    listing: list[tuple[str, Path, int]] = []
    members = 0
    total = 0
    pending: list[tuple[str, Path]] = [("", source)]
    while pending:
        prefix, folder = pending.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError as exc:
            raise InvalidInput(f"cannot list {prefix or source.name}: {exc.strerror}") from None
        for entry in entries:
            members += 1
            if members > limits.max_members:
                raise InvalidInput(f"the package holds more than {limits.max_members} files and folders")
            name = entry.name if not prefix else f"{prefix}/{entry.name}"
            shown = ascii(name)[1:-1][:80]
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISLNK(info.st_mode):
                raise InvalidInput(f"{shown} is a symbolic link; packages hold regular files only")
            check_member_path(name)
            if stat.S_ISDIR(info.st_mode):
                pending.append((name, Path(entry.path)))
                continue
            if not stat.S_ISREG(info.st_mode):
                raise InvalidInput(f"{shown} is not a regular file (a device, pipe or socket)")
            if info.st_nlink > 1:
                raise InvalidInput(f"{shown} is a hard link; packages hold regular files only")
            if info.st_size > limits.max_file:
                raise InvalidInput(f"{shown} is larger than the cap of {limits.max_file} bytes")
            total += info.st_size
            if total > limits.max_total:
                raise InvalidInput(f"the package is larger than the cap of {limits.max_total} bytes")
            listing.append((name, Path(entry.path), info.st_size))
    return listing


def _copy_listing(
    listing: list[tuple[str, Path, int]],
    box: Quarantine,
    limits: QuarantineLimits,
    progress: Progress | None,
    cancel: CancelCheck | None,
) -> None:
    total = sum(size for _, _, size in listing)
    done = 0
    for index, (name, path, size) in enumerate(listing):
        box.files[name] = _copy_file(path, name, size, box.folder / f"member-{index}", limits, cancel)
        done += size
        if progress:
            progress("copy", done, total)


def _copy_file(
    path: Path, name: str, size: int, target: Path, limits: QuarantineLimits, cancel: CancelCheck | None
) -> QuarantinedFile:
    shown = ascii(name)[1:-1][:80]
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        raise InvalidInput(f"cannot read {shown}: {exc.strerror}") from None
    with open(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InvalidInput(f"{shown} is not a regular file (a device, pipe or socket)")
        if info.st_size != size:
            raise InvalidInput(f"{shown} changed while the package was being copied")
        if size and _has_hole(fd, size):
            raise InvalidInput(f"{shown} is a sparse file; packages hold plain files only")
        return _stream(handle, name, size, target, min(limits.max_file, size), cancel)


def _has_hole(fd: int, size: int) -> bool:
    try:
        return os.lseek(fd, 0, os.SEEK_HOLE) < size
    except OSError:  # the filesystem cannot tell: it has no holes to offer
        return False
    finally:
        os.lseek(fd, 0, os.SEEK_SET)


def _stream(
    source: IO[bytes], name: str, expected: int, target: Path, cap: int, cancel: CancelCheck | None
) -> QuarantinedFile:
    """Copy exactly ``expected`` bytes, hashing what is written; refuse more or fewer (the file changed)."""
    shown = ascii(name)[1:-1][:80]
    digest = hashlib.sha256()
    copied = 0
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with open(fd, "wb") as out:
        while True:
            if cancel and cancel():
                raise Cancelled()
            try:
                block = source.read(min(CHUNK, cap + 1 - copied))
            except OSError as exc:
                raise InvalidInput(f"cannot read {shown} from the medium: {exc.strerror}") from None
            if not block:
                break
            copied += len(block)
            if copied > cap:
                raise InvalidInput(f"{shown} grew while the package was being copied")
            digest.update(block)
            out.write(block)
    if copied != expected:
        raise InvalidInput(f"{shown} changed while the package was being copied")
    return QuarantinedFile(target, copied, digest.hexdigest())


# -- tar -----------------------------------------------------------------------------------------------------------

_TAR_KINDS = {
    tarfile.SYMTYPE: "a symbolic link",
    tarfile.LNKTYPE: "a hard link",
    tarfile.CHRTYPE: "a character device",
    tarfile.BLKTYPE: "a block device",
    tarfile.FIFOTYPE: "a pipe",
    tarfile.CONTTYPE: "a contiguous file",
    tarfile.GNUTYPE_SPARSE: "a sparse file",
}


def is_compressed(head: bytes) -> bool:
    """Whether a file beginning with ``head`` is gzip, bzip2, xz or zstd data."""
    return compression_of(head) is not None


def _copy_tar(
    source: Path, box: Quarantine, limits: QuarantineLimits, progress: Progress | None, cancel: CancelCheck | None
) -> None:
    try:
        handle = open(source, "rb")  # noqa: SIM115 - closed below, tarfile streams from it
    except OSError as exc:
        raise InvalidInput(f"cannot read {source.name}: {exc.strerror}") from None
    with handle:
        kind = compression_of(handle.read(2))
        if kind is not None:
            raise InvalidInput(
                f"{source.name} is {kind}-compressed: a package is carried as an uncompressed tar (and a"
                " STIX file uncompressed); decompress it first"
            )
        handle.seek(0)
        size = os.fstat(handle.fileno()).st_size
        if size > limits.max_total + 1024 * 1024:
            raise InvalidInput(f"{source.name} is larger than the cap of {limits.max_total} bytes")
        names: dict[str, QuarantinedFile] = {}
        members = 0
        total = 0
        try:
            # Each member is copied as soon as its header is read: the tar is read once, front to back. Reads go
            # through _BoundedReads, so that a PAX or long-name header is refused by its size before tarfile reads
            # it whole into memory (tarfile has no limit of its own).
            # The wrapper offers what tarfile reads with (read, seek, tell); typeshed asks for a whole file object.
            bounded = cast(IO[bytes], _BoundedReads(handle, source.name))
            with tarfile.open(fileobj=bounded, mode="r:") as archive:
                for member in archive:
                    members += 1
                    if members > limits.max_members:
                        raise InvalidInput(f"the tar holds more than {limits.max_members} members")
                    name = member.name[2:] if member.name.startswith("./") else member.name
                    name = name.rstrip("/") if member.isdir() else name
                    shown = ascii(name)[1:-1][:80]
                    if member.isdir():
                        if name not in ("", "."):
                            check_member_path(name)
                        continue
                    if member.type in _TAR_KINDS or not member.isreg() or member.sparse is not None:
                        kind = _TAR_KINDS.get(member.type, "a sparse file" if member.sparse else "not a regular file")
                        raise InvalidInput(f"tar member {shown} is {kind}; packages hold regular files only")
                    check_member_path(name)
                    if name in names:
                        raise InvalidInput(f"tar member {shown} appears twice")
                    if member.size > limits.max_file:
                        raise InvalidInput(f"tar member {shown} is larger than the cap of {limits.max_file} bytes")
                    total += member.size
                    if total > limits.max_total:
                        raise InvalidInput(f"the tar's members are larger than the cap of {limits.max_total} bytes")
                    extracted = archive.extractfile(member)
                    assert extracted is not None
                    names[name] = _stream(
                        extracted, name, member.size, box.folder / f"member-{len(names)}", member.size, cancel
                    )
                    if progress:
                        progress("copy", handle.tell(), size)
        except tarfile.TarError as exc:
            raise InvalidInput(f"{source.name} is not a valid uncompressed tar: {exc}") from None
        except (ValueError, OverflowError, UnicodeError, IndexError) as exc:  # tarfile's parsers let these escape
            raise InvalidInput(
                f"{source.name} has a malformed tar header (such as a PAX sparse map): {type(exc).__name__}"
            ) from None
    box.files.update(_strip_top_folder(names))


class _BoundedReads:
    """The tar file for ``tarfile``: refuses any single read larger than ``MAX_TAR_READ``.

    The copy reads members ``CHUNK`` bytes at a time, so only a header can ask for more: tarfile reads a PAX
    extended header or a GNU long name whole, whatever size its header claims (1.5 GiB took 4.7 GB of memory).
    """

    def __init__(self, handle: IO[bytes], name: str) -> None:
        self._handle = handle
        self._name = name

    def read(self, size: int = -1) -> bytes:
        if size < 0 or size > MAX_TAR_READ:
            raise InvalidInput(
                f"{self._name} has a tar header (PAX or long name) larger than {MAX_TAR_READ // 1024} KiB; refused"
            )
        return self._handle.read(size)

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        return self._handle.seek(offset, whence)

    def tell(self) -> int:
        return self._handle.tell()


def _strip_top_folder(names: dict[str, QuarantinedFile]) -> dict[str, QuarantinedFile]:
    """A tar of the package folder holds ``<folder>/manifest.json``...: drop that one common top folder."""
    tops = {name.split("/", 1)[0] for name in names}
    if len(tops) == 1 and all("/" in name for name in names):
        return {name.split("/", 1)[1]: item for name, item in names.items()}
    return names
