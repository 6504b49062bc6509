"""Exercise material across the air gap: injects delivered to partner agencies, responses and observations sent
back to the controller, as signed exchange packages (the same format, checks and outbox as any package).

An inject whose "To" names a pinned partner is delivered as a package: ``deliver`` writes it to the medium, then
records the delivery with the package's id, at the same real and scenario time the package carries. A partner's
copy of the exercise, and an evaluator's, ``send`` their responses and observations to the controller (the
exercise's origin). Everything such a package carries is exercise material: the plan holds back anything else.
"""

from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from workbench.domain.cases import conduct as rules
from workbench.domain.cases.case import Case
from workbench.domain.cases.exercise import Inject
from workbench.domain.errors import InvalidInput
from workbench.domain.timestamps import utc_now
from workbench.services import cases, exchange
from workbench.services.cases.schema import CASE_EXTENSION_ID, extension_definition
from workbench.services.exchange import BuiltObject, ExportResult, Selection
from workbench.services.exercise import conduct
from workbench.services.exercise.messages import inject_note, observation_note, response_note
from workbench.services.workspace import Workspace

logger = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
CancelCheck = Callable[[], bool]


@dataclass(frozen=True)
class ExerciseSelection(Selection):
    """Exercise messages of one case: the inject being delivered (``inject``, its delivery already filled in), or
    this workspace's responses and observations (``inject`` None). Exercise material only."""

    case_id: str
    inject: Inject | None = None
    _loaded: dict[str, Case] = field(default_factory=dict, init=False, compare=False, repr=False)

    def describe(self) -> str:
        case = self._loaded.get("case")
        ref = case.ref if case is not None else self.case_id[:60]
        return f"exercise {ref}: {self.inject.label}" if self.inject is not None else f"exercise {ref}: own messages"

    def exercise_material(self, ws: Workspace) -> bool:
        return True

    def _case(self, ws: Workspace) -> Case:
        if "case" not in self._loaded:
            self._loaded["case"] = conduct.exercise_case(cases.get_case(ws, self.case_id))
        return self._loaded["case"]

    def _notes(self, ws: Workspace, leaving: frozenset[str] | None) -> list[dict[str, Any]]:
        case = self._case(ws)
        if self.inject is not None:
            return [inject_note(case, self.inject, ws.identity_id)]
        notes = [
            response_note(case, inject, ws.identity_id, ws.org_name)
            for inject in case.injects
            if inject.observed_action and inject.responded_at is not None
        ]
        for observation in own_observations(ws, case):
            if leaving is not None and observation.evidence_ref not in leaving:
                # Its evidence stays here (held back, or not stored): the note does not name it.
                observation = dataclasses.replace(observation, evidence_ref=None, evidence_name=None)
            notes.append(observation_note(case, observation, ws.identity_id))
        return notes

    def object_ids(self, ws: Workspace) -> list[str] | None:
        self._loaded.pop("case", None)
        case = self._case(ws)
        if self.inject is not None:
            return []
        evidence = [note.evidence_ref for note in own_observations(ws, case) if note.evidence_ref]
        return list(dict.fromkeys(evidence))

    def built_ids(self, ws: Workspace) -> frozenset[str]:
        notes = {str(note["id"]) for note in self._notes(ws, None)}
        return frozenset(notes | {CASE_EXTENSION_ID})

    def built_objects(self, ws: Workspace, leaving: frozenset[str]) -> list[BuiltObject]:
        notes = self._notes(ws, leaving)
        if not notes:
            raise InvalidInput(f"{self._case(ws).ref} has no responses or observations of {ws.org_name} to send")
        # The EXERCISE marking's definition is stored in every workspace: it leaves with what cites it.
        return [BuiltObject(extension_definition()), *(BuiltObject(note) for note in notes)]


def own_observations(ws: Workspace, case: Case) -> list[Any]:
    """The observations this workspace's evaluators recorded (a copy also holds other evaluators' observations
    the controller sent with the exercise: those are not this workspace's to send)."""
    return [note for note in case.evaluator_observations if (note.organisation or ws.org_name) == ws.org_name]


def partner_for(ws: Workspace, inject: Inject) -> str | None:
    """The pinned partner an inject is addressed to (its "To" is the partner's name), or None."""
    wanted = (inject.recipient or "").strip().casefold()
    if not wanted:
        return None
    return next((partner.name for partner in exchange.list_partners(ws) if partner.name.casefold() == wanted), None)


@dataclass(frozen=True)
class Delivery:
    inject: Inject
    package: ExportResult | None


def deliver(
    ws: Workspace,
    ident: str,
    key: str,
    *,
    by: str | None,
    medium: str | os.PathLike[str] | None = None,
    tar: bool = False,
    now: datetime | None = None,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
) -> Delivery:
    """Deliver an inject now. One addressed to a pinned partner is written as a signed package to ``medium``
    first, marked with the exercise's TLP and EXERCISE; its delivery is recorded only once the package is on the
    medium, read back and verified. Refuses a partner's inject without a medium, and a medium for any other."""
    moment = now or utc_now()
    case = conduct.exercise_case(cases.get_case(ws, ident))
    inject = conduct.find_inject(case, key)
    partner = partner_for(ws, inject)
    if partner is None:
        if medium is not None:
            raise InvalidInput(f"{inject.label} goes to {inject.recipient or 'nobody named'}, not a pinned partner")
        return Delivery(conduct.deliver(ws, case.ref, inject.uid, by=by, now=moment), None)
    if medium is None:
        raise InvalidInput(
            f"{inject.label} goes to {partner}, a partner agency: name the removable medium to write its package to"
        )
    if not conduct.is_controller(case):
        raise InvalidInput(f"{case.ref} is a copy: only {case.origin} delivers its injects")
    delivered = rules.deliver(inject, case.clock, moment, by)
    package = exchange.export_package(
        ws,
        medium,
        partner,
        ExerciseSelection(case.ref, delivered),
        tlp_max=None,
        tar=tar,
        progress=progress,
        cancel=cancel,
    )
    recorded = conduct.deliver(ws, case.ref, inject.uid, by=by, package_id=package.package_id, now=moment)
    logger.info("exercise %s: %s delivered in package %s", case.ref, inject.label, package.package_id)
    return Delivery(recorded, package)


def send(
    ws: Workspace,
    ident: str,
    medium: str | os.PathLike[str],
    *,
    tar: bool = False,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
) -> ExportResult:
    """Send this workspace's responses and observations of a copy of an exercise to its controller."""
    case = conduct.exercise_case(cases.get_case(ws, ident))
    if conduct.is_controller(case):
        raise InvalidInput(
            f"{case.ref} is run from this workspace: deliver injects with Deliver, and send the exercise to "
            "evaluators as a case export"
        )
    controller = next(
        (partner.name for partner in exchange.list_partners(ws) if partner.name.casefold() == case.origin.casefold()),
        None,
    )
    if controller is None:
        raise InvalidInput(
            f"{case.ref} came from {case.origin}, which is not a pinned partner: pin its key to send it your "
            "responses and observations"
        )
    return exchange.export_package(
        ws, medium, controller, ExerciseSelection(case.ref), tar=tar, progress=progress, cancel=cancel
    )
