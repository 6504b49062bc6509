"""Forward-only numbered schema migrations.

Each migration moves the schema from version NNNN-1 to NNNN (``PRAGMA user_version``): a ``NNNN_name.sql`` file in
this package, a ``NNNN_name.py`` module, or both. A module is for what SQL alone cannot do (store a new version of
an object, whose digest and audit entry are computed in Python): it defines ``migrate(conn)``, which runs after the
SQL of the same version, in the same transaction, and may use ``domain`` and ``storage`` only. Files are never
edited once released: a change is a new migration. Each runs in its own transaction together with the version
bump, so an interrupted upgrade leaves the previous version intact.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

from sqlcipher3 import dbapi2

from workbench.domain.errors import WorkbenchError, WorkspaceError

logger = logging.getLogger(__name__)

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.(sql|py)\Z")

Step = Callable[[dbapi2.Connection], None]


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str = ""
    step: Step | None = None


def available() -> list[Migration]:
    """All migrations shipped with this program, in order; numbering must have no gaps, one name per number."""
    # SQL files are package data; Python steps are modules, listed by pkgutil (a frozen program keeps them in its
    # archive, where they are not files).
    sql = {
        entry.name: entry.read_text(encoding="utf-8")
        for entry in resources.files(__name__).iterdir()
        if entry.name.endswith(".sql")
    }
    names = list(sql)
    names += [f"{module.name}.py" for module in pkgutil.iter_modules(__path__)]
    by_version: dict[int, Migration] = {}
    for name in sorted(names):
        match = _NAME.match(name)
        if not match:
            continue
        version, stem = int(match.group(1)), name.rsplit(".", 1)[0]
        known = by_version.get(version, Migration(version, stem))
        if known.name != stem:
            raise RuntimeError(f"migration {version:04d} has two names ({known.name}, {stem})")
        if match.group(2) == "sql":
            known = Migration(version, stem, sql[name], known.step)
        else:
            known = Migration(version, stem, known.sql, importlib.import_module(f"{__name__}.{stem}").migrate)
        by_version[version] = known
    found = sorted(by_version.values(), key=lambda migration: migration.version)
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
            if migration.step is not None:
                migration.step(conn)
            conn.execute(f"PRAGMA user_version = {migration.version}")
            conn.execute("COMMIT")
        except (dbapi2.Error, WorkbenchError) as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise WorkspaceError(f"cannot upgrade the workspace ({migration.name}): {exc}") from None
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
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
