"""Cases in signed exchange packages: a case as an export selection.

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

Import: ``services.intake.import_source`` adopts the cases a package carries, in the package's transaction.

Known limit: the case's objects keep the case's ``modified``. An unchanged case sent twice to the same partner
with different ceilings (``--tlp-max``) gives two groupings with the same version and other references; the
partner's store reports a conflict and keeps the first. Any change to the case makes the next export a newer
version.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field

from workbench.domain.cases.case import Case
from workbench.domain.cases.vocab import CaseKind
from workbench.services import cases
from workbench.services.cases import stix as case_stix
from workbench.services.cases.schema import (
    CASE_EXTENSION_ID,
    WORKBENCH_IDENTITY_ID,
    extension_definition,
    workbench_identity,
)
from workbench.services.exchange import BuiltObject, Selection
from workbench.services.workspace import Workspace

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
        if case.creator_ref and case.kind is not CaseKind.EXERCISE:  # an organisation is no exercise material
            roots.append(case.creator_ref)
        if case.tlp is not None:
            roots.append(case.tlp.marking_id)
        # Never None, which would mean every object: a case without links still leaves as its own objects.
        return list(dict.fromkeys(roots))

    def built_ids(self, ws: Workspace) -> frozenset[str]:
        case = self._case(ws)
        return frozenset(case_stix.own_object_ids(case) | {CASE_EXTENSION_ID, WORKBENCH_IDENTITY_ID})

    def exercise_material(self, ws: Workspace) -> bool:
        """An exercise case leaves as exercise material, with exercise material only."""
        return self._case(ws).kind is CaseKind.EXERCISE

    def built_objects(self, ws: Workspace, leaving: frozenset[str]) -> list[BuiltObject]:
        case = self._case(ws)
        sent = dataclasses.replace(case, linked=[object_id for object_id in case.linked if object_id in leaving])
        # An exercise's package carries exercise material only: not the workbench's identity, a real author.
        constants = [] if case.kind is CaseKind.EXERCISE else [workbench_identity()]
        return [
            *(BuiltObject(obj) for obj in [*constants, extension_definition()]),
            *(BuiltObject(obj) for obj in case_stix.case_objects(sent)),
        ]
