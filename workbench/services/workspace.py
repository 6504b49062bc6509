"""Creating, opening and locking a workspace; the organisation's identity.

``Workspace`` is what every other service takes: the open database plus the few values read once at opening.
"""

from __future__ import annotations

import contextlib
import logging
import os
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.domain.errors import InvalidInput
from workbench.domain.ids import new_id
from workbench.domain.timestamps import now_stix
from workbench.domain.tlp import BUILTIN_MARKING_DEFINITIONS, Tlp
from workbench.services import keys
from workbench.storage import audit
from workbench.storage.database import Connection, Database
from workbench.storage.meta import get_meta, set_meta
from workbench.storage.objects import ObjectStore

logger = logging.getLogger(__name__)

MAX_NAME_LENGTH = 200


@dataclass
class Workspace:
    """An open workspace. Belongs to one thread at a time; ``connect_again`` gives another thread its own."""

    db: Database
    org_name: str
    identity_id: str

    @property
    def conn(self) -> Connection:
        return self.db.conn

    @property
    def path(self) -> Path:
        return self.db.path

    @property
    def objects(self) -> ObjectStore:
        return ObjectStore(self.db.conn)

    def transaction(self) -> contextlib.AbstractContextManager[Connection]:
        return self.db.transaction()

    def record(self, action: str, details: dict[str, Any] | None = None) -> None:
        """Add an audit entry in a transaction of its own (for actions that change nothing else: print, export)."""
        with self.db.transaction() as conn:
            audit.append(conn, action, details)

    def connect_again(self) -> Workspace:
        return Workspace(self.db.connect_again(), self.org_name, self.identity_id)

    def identity(self) -> dict[str, Any]:
        found = self.objects.get(self.identity_id)
        assert found is not None, "the workspace lost its own identity"
        return found

    def close(self, *, lock: bool = False) -> None:
        """Close this connection; ``lock`` also wipes the key that further connections were opened with."""
        self.db.close(wipe_key=lock)

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def check_org_name(name: str) -> str:
    """An organisation name: not empty, one line, printable, at most 200 characters."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput("the organisation name is empty")
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidInput(f"the organisation name is longer than {MAX_NAME_LENGTH} characters")
    if any(unicodedata.category(char).startswith("C") for char in name):
        raise InvalidInput("the organisation name contains control characters")
    return name


def create_workspace(path: str | os.PathLike[str], passphrase: str, org_name: str) -> Workspace:
    """A new workspace: encrypted file, built-in TLP markings, the organisation's identity and signing key.

    Either everything is created or no file is left behind.
    """
    org_name = check_org_name(org_name)
    db = Database.create(path, passphrase)
    try:
        now = now_stix()
        identity: dict[str, Any] = {
            "type": "identity",
            "spec_version": "2.1",
            "id": new_id("identity"),
            "created": now,
            "modified": now,
            "name": org_name,
            "identity_class": "organization",
            # Our name is no secret: unmarked, it would count at the unmarked level and stay behind when a
            # partner below that level receives what we wrote.
            "object_marking_refs": [Tlp.CLEAR.marking_id],
        }
        with db.transaction() as conn:
            store = ObjectStore(conn)
            source = store.add_source("local", "workspace created", imported_at=now)
            for definition in BUILTIN_MARKING_DEFINITIONS.values():
                store.put(definition, source)
            store.put(identity, source)
            set_meta(conn, "org_name", org_name)
            set_meta(conn, "identity_ref", identity["id"])
            key = keys.store_new_key(conn)
            audit.append(
                conn, "workspace.init", {"org_name": org_name, "identity_ref": identity["id"], "key_id": key.key_id}
            )
    except BaseException:
        db.close(wipe_key=True)
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                Path(str(db.path) + suffix).unlink()
        raise
    logger.info("workspace initialised")
    return Workspace(db, org_name, identity["id"])


def open_workspace(path: str | os.PathLike[str], passphrase: str) -> Workspace:
    """Open with the passphrase; see ``Database.open`` for what is refused."""
    db = Database.open(path, passphrase)
    org_name = get_meta(db.conn, "org_name")
    identity_id = get_meta(db.conn, "identity_ref")
    if org_name is None or identity_id is None:
        db.close()
        raise InvalidInput(f"{path} is a database but not a workspace (it has no organisation)")
    return Workspace(db, org_name, identity_id)


@contextlib.contextmanager
def opened(path: str | os.PathLike[str], passphrase: str) -> Iterator[Workspace]:
    ws = open_workspace(path, passphrase)
    try:
        yield ws
    finally:
        ws.close()


def change_passphrase(ws: Workspace, new_passphrase: str) -> None:
    """Re-encrypt the workspace under a new passphrase, keeping all data, and record it."""
    ws.db.rekey(new_passphrase)
    ws.record("workspace.passphrase-changed")
