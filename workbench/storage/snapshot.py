"""A consistent, encrypted copy of an open workspace, and read-only access to such a copy.

``copy_snapshot`` runs SQLite's online backup inside one read transaction of the source connection. In WAL mode
that transaction keeps the snapshot of the last commit before it began, whatever other connections or processes
write meanwhile; and because the backup opens no read transaction of its own, it never restarts when they do.
SQLCipher's codec decrypts each page with the workspace key and encrypts it with the target key, so no plaintext
page is written. The copy is left in rollback-journal mode: opened read-only, it creates no file beside itself.
"""

from __future__ import annotations

import contextlib
import os
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path

import sqlcipher3
from sqlcipher3 import dbapi2

from workbench.domain.errors import WorkspaceError, WrongPassphrase
from workbench.storage.database import PAGE_SIZE, Connection, WorkspaceKey

# Pages copied per step of the online backup: progress and cancel are looked at between steps (4 MiB).
STEP_PAGES = 1024

# What a backup's manifest counts, by table. A table an older schema lacks counts 0.
COUNTED_TABLES = {
    "objects": "objects",
    "object_versions": "object_versions",
    "cases": "cases",
    "partners": "partners",
    "packages_sent": "packages_sent",
    "packages_received": "packages_received",
    "audit_entries": "audit_log",
}


def size_in_bytes(conn: Connection) -> int:
    """The database's size as the connection sees it (committed pages, the WAL's included)."""
    pages = int(conn.execute("PRAGMA page_count").fetchone()[0])
    page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])
    return pages * page_size


def copy_snapshot(
    conn: Connection,
    target: Path,
    key: WorkspaceKey,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Copy the database of ``conn`` into the new file ``target``, encrypted under ``key``; returns its pages.

    The copy is the state of one commit (see the module docstring). ``target`` must not exist; it is created with
    mode 0600. ``progress(pages_done, pages_total)`` is called between steps and may raise to stop the copy (the
    exception propagates; the caller removes ``target``). ``conn`` must not be inside a transaction.
    """
    if conn.in_transaction:
        raise WorkspaceError("cannot copy the workspace while a transaction is open on this connection")
    try:
        os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except OSError as exc:
        raise WorkspaceError(f"cannot create {target}: {exc.strerror}") from None
    copy = sqlcipher3.connect(str(target), isolation_level=None)
    try:
        copy.execute(f"PRAGMA key = {key.pragma_value}")
        copy.execute(f"PRAGMA cipher_page_size = {PAGE_SIZE}")
        copy.execute("PRAGMA temp_store = MEMORY")
        conn.execute("BEGIN")
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the read snapshot starts here
            total = [0]

            def step(_status: int, remaining: int, pages: int) -> None:
                total[0] = pages
                if progress is not None:
                    progress(pages - remaining, pages)

            conn.backup(copy, pages=STEP_PAGES, progress=step)
        finally:
            conn.execute("ROLLBACK")
        copy.execute("PRAGMA journal_mode = DELETE")
    except dbapi2.Error as exc:
        raise WorkspaceError(f"cannot copy the workspace: {exc}") from None
    finally:
        copy.close()
    return total[0]


def _read_only_uri(path: Path) -> str:
    return "file:" + urllib.parse.quote(str(path.resolve())) + "?mode=ro"


@contextlib.contextmanager
def read_only(path: Path, key: WorkspaceKey) -> Iterator[Connection]:
    """A read-only connection to a copy made by ``copy_snapshot`` (no journal or WAL file is created beside it).

    Raises ``WrongPassphrase`` when ``key`` does not decrypt it.
    """
    try:
        conn = sqlcipher3.connect(_read_only_uri(path), uri=True, isolation_level=None, check_same_thread=False)
    except dbapi2.Error as exc:
        raise WorkspaceError(f"cannot open {path}: {exc}") from None
    try:
        conn.execute(f"PRAGMA key = {key.pragma_value}")
        conn.execute(f"PRAGMA cipher_page_size = {PAGE_SIZE}")
        conn.execute("PRAGMA temp_store = MEMORY")
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except dbapi2.DatabaseError as exc:
            if "not a database" in str(exc):
                raise WrongPassphrase(f"wrong passphrase for {path}") from None
            raise WorkspaceError(f"cannot open {path}: {exc}") from None
        yield conn
    finally:
        conn.close()


def quick_check(conn: Connection) -> str:
    """``PRAGMA quick_check``: 'ok', or the first problem found."""
    return str(conn.execute("PRAGMA quick_check").fetchone()[0])


def counts(conn: Connection) -> dict[str, int]:
    """Rows of the tables a backup's manifest names (see ``COUNTED_TABLES``)."""
    present = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return {
        label: int(conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]) if table in present else 0
        for label, table in COUNTED_TABLES.items()
    }
