"""Cases in signed exchange packages: a case as an export selection, and package imports that adopt cases.

Export: ``CaseSelection(ident)`` is the selection ``exchange.export_package`` and ``exchange.preview_export`` take
for ``--case``. Its roots are the case's linked objects, its author's identity and its TLP marking definition, so
every linked object goes through the same sharing plan as any other object: what the partner may not receive is
held back and listed. It then builds the objects that stand for the case itself (``case_stix.case_objects``: the
incident with its events, tasks and grouping, or the exercise's grouping), marked with the case's TLP, plus the
definition of the case extension and its author. The case's grouping references only the linked objects that
leave, since a reference alone would reveal a held-back object, so the partner's copy of the case is linked to what
it received and nothing else. A case marked above the recipient's ceiling is refused whole (the exporter's rule for
built objects). Stored copies of the case's own objects (a case adopted from a partner holds them) stay out of the
plan: the package carries the case as it is now, once.

Import: ``import_item`` imports a package (or a receipt) exactly as ``exchange.import_item`` does and, in the same
transaction as the objects, the inbox row and the channel state, adopts the cases the package carries (a new case
under a local reference, a newer version replacing the stored case, an older one ignored) and, with ``case_ref``,
links what the package stored to that local case. A case object that fails the case schema refuses the whole
package. ``package_hook`` is the same thing for callers of ``exchange.import_package``. A case of ours that a
partner sends back changed is not ours to take silently: its objects arrive as foreign versions
(``storage.authorship``), and ``accept_foreign_versions`` stores the ones the analyst accepts and updates the case.

Known limit: the case's objects keep the case's ``modified``. An unchanged case sent twice to the same partner
with different ceilings (``--tlp-max``) gives two groupings with the same version and other references; the
partner's store reports a conflict and keeps the first. Any change to the case makes the next export a newer
version.
"""

from __future__ import annotations

import dataclasses
import logging
import os
from dataclasses import dataclass, field
from typing import Any

from workbench.domain.cases.case import Case
from workbench.services import cases, exchange
from workbench.services.cases import stix as case_stix
from workbench.services.cases.schema import (
    CASE_EXTENSION_ID,
    WORKBENCH_IDENTITY_ID,
    extension_definition,
    workbench_identity,
)
from workbench.services.exchange import BuiltObject, PackageHook, PackageImport, Receipt, Selection, Verdict
from workbench.services.importing import foreign
from workbench.services.importing.importer import ImportSummary
from workbench.services.workspace import Workspace
from workbench.storage.database import Connection

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CaseSelection(Selection):
    """Export one case (named by its reference, STIX id or number) with its linked objects.

    The case is read afresh by ``object_ids``, which the exporter calls first for every plan; ``built_ids`` and
    ``built_objects`` use that reading, so the plan and the objects built from the case always agree.
    """

    case_id: str
    _loaded: dict[str, Case] = field(default_factory=dict, init=False, compare=False, repr=False)

    def describe(self) -> str:
        case = self._loaded.get("case")
        return f"case {case.ref if case is not None else self.case_id[:60]}"

    def _read(self, ws: Workspace) -> Case:
        case = cases.get_case(ws, self.case_id)
        self._loaded["case"] = case
        return case

    def _case(self, ws: Workspace) -> Case:
        return self._loaded.get("case") or self._read(ws)

    def object_ids(self, ws: Workspace) -> list[str] | None:
        case = self._read(ws)
        roots = list(case.linked)
        if case.creator_ref:
            roots.append(case.creator_ref)
        if case.tlp is not None:
            roots.append(case.tlp.marking_id)
        # Never None, which would mean every object: a case without links still leaves as its own objects.
        return list(dict.fromkeys(roots))

    def built_ids(self, ws: Workspace) -> frozenset[str]:
        return frozenset(case_stix.own_object_ids(self._case(ws)) | {CASE_EXTENSION_ID, WORKBENCH_IDENTITY_ID})

    def built_objects(self, ws: Workspace, leaving: frozenset[str]) -> list[BuiltObject]:
        case = self._case(ws)
        sent = dataclasses.replace(case, linked=[object_id for object_id in case.linked if object_id in leaving])
        return [
            BuiltObject(workbench_identity(), public=True),
            BuiltObject(extension_definition(), public=True),
            *(BuiltObject(obj) for obj in case_stix.case_objects(sent)),
        ]


class CasePackageHook:
    """An ``on_import`` for ``exchange.import_package``: runs the cases' import hook in the package's transaction,
    with the pinned partner's name as the origin of cases whose author the package does not name."""

    def __init__(self, case_ref: str | None = None) -> None:
        self.case_ref = case_ref
        self.cases: case_stix.CaseImportHook | None = None

    def __call__(self, conn: Connection, summary: ImportSummary, verdict: Verdict) -> None:
        self.cases = case_stix.case_import_hook(self.case_ref, origin=verdict.partner or verdict.producer.name)
        self.cases(conn, summary)

    @property
    def adopted(self) -> case_stix.AdoptResult:
        return self.cases.adopted if self.cases is not None else case_stix.AdoptResult()

    @property
    def linked(self) -> int:
        return self.cases.linked if self.cases is not None else 0

    @property
    def messages(self) -> list[str]:
        return self.cases.messages if self.cases is not None else []


def package_hook(ws: Workspace, case_ref: str | None = None) -> CasePackageHook:
    """The ``on_import`` every package import should pass; checks that ``case_ref`` names a case first."""
    return CasePackageHook(cases.get_case(ws, case_ref).ref if case_ref else None)


@dataclass(frozen=True)
class CaseImport:
    """What importing a package or receipt did (``result``), and what that did to cases.

    ``created``, ``updated`` and ``older`` are local case references; ``linked`` counts the objects linked to
    ``case_ref``; ``messages`` says it in sentences for the analyst. For a receipt all of them are empty.
    """

    result: PackageImport | Receipt
    created: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    older: tuple[str, ...] = ()
    linked: int = 0
    messages: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        data = self.result.to_json()
        if isinstance(self.result, PackageImport):
            data["cases"] = {
                "created": list(self.created),
                "updated": list(self.updated),
                "older": list(self.older),
                "linked": self.linked,
            }
        return data


def import_item(
    ws: Workspace,
    path: str | os.PathLike[str],
    *,
    case_ref: str | None = None,
    on_import: PackageHook | None = None,
    **options: Any,
) -> CaseImport:
    """Import a package or a receipt (``exchange.import_item``, same options, ``dry_run`` included) and adopt the
    cases a package carries in the same transaction; with ``case_ref``, link what it stored to that case.

    A caller's ``on_import`` runs first in that transaction (the window checks there that the package is the one
    the analyst previewed); raising in it refuses the whole package. Refuses an unknown ``case_ref`` before
    reading the package.
    """
    hook = package_hook(ws, case_ref)

    def hooks(conn: Connection, summary: ImportSummary, verdict: Verdict) -> None:
        if on_import is not None:
            on_import(conn, summary, verdict)
        hook(conn, summary, verdict)

    result = exchange.import_item(ws, path, on_import=hooks, **options)
    if isinstance(result, Receipt):
        return CaseImport(result)
    adopted = hook.adopted
    if adopted.created or adopted.updated:
        logger.info(
            "package %s: %d case(s) adopted, %d updated",
            result.verdict.package_id,
            len(adopted.created),
            len(adopted.updated),
        )
    return CaseImport(
        result, tuple(adopted.created), tuple(adopted.updated), tuple(adopted.older), hook.linked, tuple(hook.messages)
    )


def accept_foreign_versions(ws: Workspace, fids: list[int]) -> list[foreign.Accepted]:
    """``importing.foreign.accept_foreign_versions``, adopting in the same transaction the cases that the accepted
    versions carry (a case of ours that a partner changed is updated once the analyst accepts the change)."""

    def adopt(conn: Connection, ids: list[str]) -> None:
        case_stix.adopt_cases(conn, ids, origin="an accepted foreign version")

    return foreign.accept_foreign_versions(ws, fids, after=adopt)
