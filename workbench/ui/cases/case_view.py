"""What the case editor shows of one case, read in one task: the case, its reporting clocks, its linked objects.

Only services are called here; the editor runs ``load_case_view`` on a worker connection.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from workbench.domain.cases.case import Case
from workbench.domain.deadlines import StageDeadline
from workbench.domain.ids import type_of
from workbench.domain.tlp import Tlp
from workbench.services import cases, library
from workbench.services.cases import links as case_links
from workbench.services.workspace import Workspace


@dataclass(frozen=True)
class LinkedObject:
    """An object linked to the case, with what the library knows of it (a partner may reference one we lack)."""

    object_id: str
    type: str
    name: str
    tlp: Tlp | None
    origin: str
    linked_at: str
    in_library: bool


@dataclass(frozen=True)
class CaseView:
    case: Case
    deadlines: list[StageDeadline]
    linked: list[LinkedObject]
    now: datetime


def linked_objects(ws: Workspace, ref: str) -> list[LinkedObject]:
    found = []
    for link in case_links.links(ws, ref):
        row = library.row(ws, link.object_id)
        found.append(
            LinkedObject(
                link.object_id,
                row.type if row else type_of(link.object_id),
                row.name if row else "",
                row.tlp if row else None,
                link.origin,
                link.linked_at,
                row is not None,
            )
        )
    return found


def load_case_view(ws: Workspace, ref: str, now: datetime | None = None) -> CaseView:
    """The case named by ``ref`` with its deadlines at ``now`` and its linked objects; ``InvalidInput`` if none."""
    moment = now or datetime.now(UTC)
    case = cases.get_case(ws, ref)
    return CaseView(case, cases.case_deadlines(case, moment), linked_objects(ws, case.ref), moment)
