"""One SQLCipher 4 database file per workspace.

Keys: the passphrase is stretched with SQLCipher 4's own derivation (PBKDF2-HMAC-SHA512, 256,000 iterations,
the 16-byte salt at the head of the file), done here once so that further connections (a worker thread's, the
GUI's) open with the raw key and no second derivation. The file can therefore still be opened with a SQLCipher 4
``sqlcipher`` shell and the passphrase alone; SQLCipher 3 (Debian 12's shell is 3.4.1) cannot read it
(tests/unit/test_sqlcipher_shell.py).

Nothing is written in plaintext: the WAL holds encrypted pages, temporary tables stay in memory, and SQLCipher's
own logging is switched off so that nothing about the database reaches stderr.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import shutil
import stat
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import sqlcipher3
from sqlcipher3 import dbapi2

from workbench.domain.errors import NotAWorkspace, WorkspaceError, WrongPassphrase
from workbench.storage import migrations

logger = logging.getLogger(__name__)

PAGE_SIZE = 4096
KDF_ITERATIONS = 256_000
SALT_SIZE = 16
KEY_SIZE = 32
PLAIN_SQLITE_HEADER = b"SQLite format 3\x00"
# Page cache per connection, in KiB (negative cache_size). Bulk imports raise it further, see bulk_cache(): at a
# million objects the indexes keyed by random ids outgrow the cache, and every page evicted is encrypted and read
# back; 288 MiB instead of 256 makes that import 6% faster, its peak 550 MB (the target is 600).
DEFAULT_CACHE_KIB = 64 * 1024
BULK_CACHE_KIB = 288 * 1024

if TYPE_CHECKING:
    # sqlcipher3 ships no type information; its connection has the API of the standard library's.
    import sqlite3
    from sqlite3 import Connection
else:
    Connection = dbapi2.Connection
DatabaseError = dbapi2.DatabaseError
IntegrityError = dbapi2.IntegrityError

_quiet_lock = threading.Lock()
_quiet = False


def _silence_sqlcipher() -> None:
    """Turn off SQLCipher's log lines ("hmac check failed ...") process-wide; they would break one-line errors."""
    global _quiet
    with _quiet_lock:
        if not _quiet:
            probe = sqlcipher3.connect(":memory:")
            probe.execute("PRAGMA cipher_log_level = NONE")
            probe.close()
            _quiet = True


def derive_key(passphrase: str, salt: bytes) -> bytes:
    """The raw key SQLCipher 4 derives from this passphrase and salt with its default settings."""
    return hashlib.pbkdf2_hmac("sha512", passphrase.encode("utf-8"), salt, KDF_ITERATIONS, KEY_SIZE)


class WorkspaceKey:
    """The raw database key and salt, held in a mutable buffer so that ``wipe`` can clear it on lock."""

    def __init__(self, key: bytes, salt: bytes) -> None:
        self._key = bytearray(key)
        self._salt = bytes(salt)

    @property
    def pragma_value(self) -> str:
        if not any(self._key):
            raise WorkspaceError("the workspace is locked")
        return f"\"x'{self._key.hex()}{self._salt.hex()}'\""

    @classmethod
    def from_passphrase(cls, passphrase: str, salt: bytes | None = None) -> WorkspaceKey:
        """The key SQLCipher derives from ``passphrase`` and ``salt`` (a fresh random salt when None)."""
        _check_passphrase(passphrase)
        salt = salt if salt is not None else os.urandom(SALT_SIZE)
        return cls(derive_key(passphrase, salt), salt)

    def material(self) -> tuple[bytes, bytes]:
        """The raw key and the salt, to hand to the workspace's worker process over its private channel (never
        argv, the environment or a file). Refuses a wiped key."""
        if not any(self._key):
            raise WorkspaceError("the workspace is locked")
        return bytes(self._key), self._salt

    def wipe(self) -> None:
        for index in range(len(self._key)):
            self._key[index] = 0


def _check_passphrase(passphrase: str) -> None:
    if not passphrase:
        raise WorkspaceError("the passphrase is empty")


class Database:
    """An open workspace database.

    The connection belongs to one thread at a time (``check_same_thread`` is off so that the task runner may hand
    it over, never share it). ``connect_again`` opens a further connection with the same key for another thread.
    """

    def __init__(self, path: Path, key: WorkspaceKey, conn: Connection) -> None:
        self.path = path
        self._key = key
        self.conn = conn

    # -- opening -----------------------------------------------------------------------------------------------

    @classmethod
    def create(cls, path: str | os.PathLike[str], passphrase: str) -> Database:
        """Create a new encrypted workspace file with mode 0600 and the latest schema.

        Refuses an existing file and a folder that does not exist or cannot be written.
        """
        _check_passphrase(passphrase)
        path = Path(path)
        if path.exists():
            raise WorkspaceError(f"{path} already exists; choose another file name")
        if not path.parent.is_dir():
            raise WorkspaceError(f"folder {path.parent} does not exist")
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except OSError as exc:
            raise WorkspaceError(f"cannot create {path}: {exc.strerror}") from None
        os.close(fd)
        try:
            salt = os.urandom(SALT_SIZE)
            key = WorkspaceKey(derive_key(passphrase, salt), salt)
            conn = cls._connect(path, key)
            migrations.upgrade(conn)
        except BaseException:
            _remove_database_files(path)
            raise
        logger.info("created workspace %s", path)
        return cls(path, key, conn)

    @classmethod
    def open(cls, path: str | os.PathLike[str], passphrase: str, *, upgrade: bool = True) -> Database:
        """Open an existing workspace, reporting a wrong passphrase as such right after key derivation.

        Applies pending migrations when ``upgrade`` is true (in one transaction each). Refuses a missing file, a
        plain SQLite file, a file that cannot be a SQLCipher database, and one made by a newer program.
        """
        _check_passphrase(passphrase)
        path = Path(path)
        salt = _read_salt(path)
        key = WorkspaceKey(derive_key(passphrase, salt), salt)
        conn = cls._connect(path, key)
        try:
            if upgrade:
                migrations.upgrade(conn)
            else:
                migrations.check_version(conn)
        except BaseException:
            conn.close()
            raise
        return cls(path, key, conn)

    @classmethod
    def open_with_key(cls, path: str | os.PathLike[str], key: WorkspaceKey) -> Database:
        """Open with an already derived key (a copy of a workspace whose key is known; tests use this)."""
        path = Path(path)
        _read_salt(path)
        conn = cls._connect(path, key)
        migrations.check_version(conn)
        return cls(path, key, conn)

    @property
    def key(self) -> WorkspaceKey:
        return self._key

    @staticmethod
    def _connect(path: Path, key: WorkspaceKey) -> Connection:
        _silence_sqlcipher()
        try:
            conn = sqlcipher3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=30)
        except dbapi2.Error as exc:
            raise WorkspaceError(f"cannot open {path}: {exc}") from None
        try:
            conn.execute(f"PRAGMA key = {key.pragma_value}")
            conn.execute(f"PRAGMA cipher_page_size = {PAGE_SIZE}")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except dbapi2.DatabaseError as exc:
            conn.close()
            if "not a database" in str(exc):
                raise WrongPassphrase(f"wrong passphrase for {path}") from None
            raise _open_error(path, exc) from None
        try:
            conn.execute("PRAGMA temp_store = MEMORY")
            conn.execute(f"PRAGMA cache_size = -{DEFAULT_CACHE_KIB}")
            conn.execute("PRAGMA foreign_keys = ON")
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode.lower() != "wal":
                logger.warning("journal mode is %s, not WAL", mode)
            conn.execute("PRAGMA synchronous = NORMAL")
        except dbapi2.OperationalError as exc:
            conn.close()
            raise _open_error(path, exc) from None
        return conn

    def connect_again(self) -> Database:
        """A further connection to the same workspace with the same key, for use by one other thread."""
        return Database(self.path, self._key, self._connect(self.path, self._key))

    # -- use ---------------------------------------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One write transaction: committed when the block ends, rolled back entirely on any exception.

        ``BEGIN IMMEDIATE`` takes the write lock up front, so a second writer waits instead of failing half-way.
        """
        conn = self.conn
        if conn.in_transaction:
            raise WorkspaceError("a transaction is already open on this connection")
        try:
            conn.execute("BEGIN IMMEDIATE")
        except dbapi2.OperationalError as exc:
            raise write_error(self.path, exc) from None
        try:
            yield conn
        except BaseException as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if isinstance(exc, dbapi2.OperationalError) and _disk_full(self.path, exc) is not None:
                raise write_error(self.path, exc) from None
            raise
        try:
            conn.execute("COMMIT")
        except dbapi2.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise write_error(self.path, exc) from None

    @contextlib.contextmanager
    def bulk_cache(self) -> Iterator[None]:
        """A large page cache for the duration of a bulk write: random-key inserts are several times faster."""
        self.conn.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
        try:
            yield
        finally:
            self.conn.execute(f"PRAGMA cache_size = -{DEFAULT_CACHE_KIB}")

    def rekey(self, new_passphrase: str) -> None:
        """Change the passphrase; every page is re-encrypted in one transaction, data is kept.

        Other connections of this workspace must be closed first: they hold the old key.
        """
        _check_passphrase(new_passphrase)
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        salt = _read_salt(self.path)
        new_key = WorkspaceKey(derive_key(new_passphrase, salt), salt)
        try:
            self.conn.execute(f"PRAGMA rekey = {new_key.pragma_value}")
        except dbapi2.Error as exc:
            raise WorkspaceError(f"cannot change the passphrase: {exc}") from None
        self._key.wipe()
        self._key = new_key
        logger.info("passphrase changed for %s", self.path)

    def integrity_check(self) -> str:
        return str(self.conn.execute("PRAGMA integrity_check").fetchone()[0])

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def close(self, *, wipe_key: bool = False) -> None:
        """Close this connection; with ``wipe_key`` also clear the key shared with connections opened from it."""
        with contextlib.suppress(dbapi2.Error):
            self.conn.close()
        if wipe_key:
            self._key.wipe()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _open_error(path: Path, exc: Exception) -> WorkspaceError:
    """Say why a workspace cannot be opened in the analyst's terms: an unwritable folder or file first."""
    folder = path.parent
    if not os.access(folder, os.W_OK):
        return WorkspaceError(
            f"cannot open {path}: the folder {folder} is read-only (the workspace keeps its"
            " encrypted journal beside the file); copy it to a writable folder"
        )
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        return WorkspaceError(f"cannot open {path}: you may not read and write this file")
    full = _disk_full(path, exc)
    if full is not None:
        return WorkspaceError(f"cannot open {path}: {full}")
    return WorkspaceError(f"cannot open {path}: {exc}")


#: Below this much free space, SQLite's "disk I/O error" on the workspace's disk means that the disk is full.
_NEARLY_FULL = 4 * 1024 * 1024


def _disk_full(path: Path, exc: BaseException) -> str | None:
    """ "the disk holding ... is full" when ``exc`` is SQLite's way of saying so, else None.

    SQLite reports a full disk as "database or disk is full", but as "disk I/O error" when it happens while it
    creates or grows the journal (opening a workspace writes its WAL index even to read it)."""
    message = str(exc)
    if not isinstance(exc, dbapi2.Error) or not ("disk is full" in message or "disk I/O error" in message):
        return None
    try:
        free = shutil.disk_usage(path.parent).free
    except OSError:
        return None
    if "disk is full" in message or free < _NEARLY_FULL:
        return f"the disk holding {path.parent} is full ({free // 1024:,} KiB free); free some space and try again"
    return None


def write_error(path: Path, exc: BaseException) -> WorkspaceError:
    """A failed write in the analyst's terms (a full disk named as such); nothing was changed."""
    full = _disk_full(path, exc)
    return WorkspaceError(f"cannot write to {path}: {full or exc}; nothing was changed")


def inserted_rowid(cursor: sqlite3.Cursor) -> int:
    """The rowid an INSERT just gave its row (never None after a successful INSERT)."""
    rowid = cursor.lastrowid
    if rowid is None:
        raise WorkspaceError("the database did not report the new row")
    return rowid


def _read_salt(path: Path) -> bytes:
    """The salt SQLCipher keeps in the first 16 bytes; refuse what cannot be an encrypted workspace."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise WorkspaceError(f"no workspace at {path}") from None
    except OSError as exc:
        raise WorkspaceError(f"cannot read {path}: {exc.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        raise NotAWorkspace(f"{path} is not a workspace file")
    try:
        with open(path, "rb") as handle:
            head = handle.read(SALT_SIZE)
    except OSError as exc:
        raise WorkspaceError(f"cannot read {path}: {exc.strerror}") from None
    if head == PLAIN_SQLITE_HEADER:
        raise NotAWorkspace(f"{path} is an unencrypted SQLite database, not a workspace")
    if info.st_size < PAGE_SIZE or info.st_size % PAGE_SIZE:
        raise NotAWorkspace(f"{path} is not a workspace file")
    return head


def _remove_database_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(OSError):
            Path(str(path) + suffix).unlink()
