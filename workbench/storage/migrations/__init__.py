"""Forward-only numbered schema migrations.

Each ``NNNN_name.sql`` file in this package moves the schema from version NNNN-1 to NNNN (``PRAGMA
user_version``). Files are never edited once released: a change is a new file. Each runs in its own
transaction together with the version bump, so an interrupted upgrade leaves the previous version intact.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from importlib import resources

from sqlcipher3 import dbapi2

from workbench.domain.errors import WorkspaceError

logger = logging.getLogger(__name__)

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def available() -> list[Migration]:
    """All migrations shipped with this program, in order; numbering must have no gaps."""
    found = []
    for entry in resources.files(__name__).iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort(key=lambda migration: migration.version)
    for expected, migration in enumerate(found, start=1):
        if migration.version != expected:
            raise RuntimeError(f"migration {expected:04d} is missing (found {migration.name})")
    return found


def latest_version() -> int:
    return len(available())


def current_version(conn: dbapi2.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def check_version(conn: dbapi2.Connection) -> int:
    """The workspace's schema version; refuses one written by a newer program."""
    version = current_version(conn)
    latest = latest_version()
    if version > latest:
        raise WorkspaceError(
            f"this workspace has schema version {version}, newer than this program knows ({latest}); "
            "update the workbench"
        )
    return version


def upgrade(conn: dbapi2.Connection, target: int | None = None) -> int:
    """Apply every pending migration up to ``target`` (default: the latest); returns the new version."""
    version = check_version(conn)
    for migration in available():
        if migration.version <= version or (target is not None and migration.version > target):
            continue
        logger.info("applying migration %s", migration.name)
        try:
            conn.execute("BEGIN IMMEDIATE")
            for statement in _statements(migration.sql):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {migration.version}")
            conn.execute("COMMIT")
        except dbapi2.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise WorkspaceError(f"cannot upgrade the workspace ({migration.name}): {exc}") from None
        version = migration.version
    return version


def _statements(sql: str) -> list[str]:
    """Split a migration into complete statements (triggers contain semicolons of their own)."""
    statements, pending = [], ""
    for line in sql.splitlines(keepends=True):
        if not pending and (not line.strip() or line.lstrip().startswith("--")):
            continue
        pending += line
        if dbapi2.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    if pending.strip():
        statements.append(pending.strip())
    return statements
