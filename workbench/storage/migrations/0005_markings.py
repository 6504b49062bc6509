"""Schema 0005's Python step: the organisation's own identity marked TLP:CLEAR.

The identity was stored unmarked, so the sharing plan counted it at the unmarked level (TLP:AMBER by default): a
TLP:GREEN case left with a TLP:AMBER package ceiling, and a TLP:GREEN partner got the case without its author. A new
version of the identity, marked TLP:CLEAR, becomes current; an audit entry records it. Runs inside the migration's
transaction (SQL cannot compute the version's digest or the audit chain).
"""

from __future__ import annotations

from typing import Any

from workbench.domain.timestamps import now_stix
from workbench.domain.tlp import Tlp
from workbench.storage import audit
from workbench.storage.database import Connection
from workbench.storage.meta import get_meta
from workbench.storage.objects import ObjectStore


def migrate(conn: Connection) -> None:
    identity_ref = get_meta(conn, "identity_ref")
    store = ObjectStore(conn)
    identity = store.get(identity_ref) if identity_ref else None
    if identity is None or Tlp.CLEAR.marking_id in (identity.get("object_marking_refs") or ()):
        return
    now = now_stix()
    marked: dict[str, Any] = {**identity, "modified": now, "object_marking_refs": [Tlp.CLEAR.marking_id]}
    source = store.add_source("local", "schema upgrade: own identity marked TLP:CLEAR", imported_at=now)
    store.put(marked, source)
    audit.append(conn, "workspace.identity-marked", {"identity_ref": identity_ref, "tlp": Tlp.CLEAR.short})
