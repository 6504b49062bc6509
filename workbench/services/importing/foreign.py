"""Foreign versions: versions of stored objects that their sender did not author (see ``storage.authorship``).

An import keeps them aside, never current, and lists them in its summary. Here the analyst looks at them and
accepts the ones to keep: an accepted version is stored like any other version, with its original provenance (the
package and key it came with), and becomes current when it is the newest. Nothing else changes them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from workbench.domain.errors import InvalidInput
from workbench.domain.timestamps import now_stix
from workbench.services.workspace import Workspace
from workbench.storage import audit
from workbench.storage.authorship import ForeignVersion, foreign_version, mark_accepted
from workbench.storage.authorship import foreign_versions as stored_foreign_versions
from workbench.storage.bulk import BulkWriter, prepare
from workbench.storage.database import Connection
from workbench.storage.objects import Outcome

logger = logging.getLogger(__name__)

__all__ = ["Accepted", "ForeignVersion", "accept_foreign_versions", "foreign_versions"]

#: ``after(conn, ids)``: the caller's writes in the acceptance's transaction (the cases feature adopts a case).
AfterAccept = Callable[[Connection, list[str]], None]


@dataclass(frozen=True)
class Accepted:
    """One accepted foreign version and what storing it did (``new_version``, ``older``, ``conflict`` ...)."""

    fid: int
    id: str
    outcome: Outcome


def foreign_versions(
    ws: Workspace, stix_id: str | None = None, *, include_accepted: bool = False, limit: int = 1000
) -> list[ForeignVersion]:
    """The foreign versions kept, newest received first (only those not accepted yet by default)."""
    return stored_foreign_versions(ws.conn, stix_id=stix_id, include_accepted=include_accepted, limit=limit)


def accept_foreign_versions(ws: Workspace, fids: Sequence[int], *, after: AfterAccept | None = None) -> list[Accepted]:
    """Store these foreign versions as versions of their objects, all in one transaction, audited.

    Each is stored under the usual versioning rules with its own provenance: the newest becomes current, an older
    one is history, one with the ``modified`` of a stored version but other content is a conflict. Refuses an
    unknown number and one already accepted; then nothing is stored.
    """
    if not fids:
        raise InvalidInput("no foreign version chosen")
    accepted: list[Accepted] = []
    with ws.transaction() as conn:
        for fid in dict.fromkeys(fids):
            row, obj, source_id = foreign_version(conn, fid)
            if row.accepted_at is not None:
                raise InvalidInput(f"foreign version {fid} of {row.id} was already accepted on {row.accepted_at}")
            writer = BulkWriter(conn, source_id, defer_indexes=False)
            outcome = Outcome(writer.write([prepare(obj)])[0])
            writer.finish()
            found = conn.execute(
                "SELECT vid FROM object_versions WHERE id = ? AND modified = ?", (row.id, row.modified)
            ).fetchone()
            mark_accepted(conn, fid, now_stix(), int(found[0]) if found and outcome is not Outcome.CONFLICT else None)
            audit.append(
                conn,
                "object.accept-foreign",
                {
                    "id": row.id,
                    "modified": row.modified,
                    "outcome": outcome.value,
                    "package_id": row.package_id,
                    "partner_key_id": row.partner_key_id,
                },
            )
            accepted.append(Accepted(fid, row.id, outcome))
        if after is not None:
            after(conn, [item.id for item in accepted])
    logger.info("accepted %d foreign version(s)", len(accepted))
    return accepted
