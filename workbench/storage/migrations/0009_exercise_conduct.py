"""Schema 0009's Python step: the EXERCISE marking's definition stored, as new workspaces store it with the TLP
definitions, so that packages of exercise material carry it with what it marks. Runs inside the migration's
transaction (SQL cannot compute the version's digest or the audit chain)."""

from __future__ import annotations

from workbench.domain.exercise_material import EXERCISE_MARKING_DEFINITION, EXERCISE_MARKING_ID
from workbench.domain.timestamps import now_stix
from workbench.storage import audit
from workbench.storage.database import Connection
from workbench.storage.meta import get_meta
from workbench.storage.objects import ObjectStore


def migrate(conn: Connection) -> None:
    if get_meta(conn, "identity_ref") is None:
        return  # a workspace being created: it stores the built-in definitions itself, this one among them
    store = ObjectStore(conn)
    if store.get(EXERCISE_MARKING_ID) is not None:
        return
    source = store.add_source("local", "schema upgrade: the EXERCISE marking", imported_at=now_stix())
    store.put(EXERCISE_MARKING_DEFINITION, source)
    audit.append(conn, "workspace.exercise-marking", {"marking": EXERCISE_MARKING_ID})
