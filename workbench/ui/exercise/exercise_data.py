"""What the Exercise screen shows of one exercise, read in one task: the conduct view, the evaluation guides and
the hot wash. Only services are called here; the screen runs ``load_exercise`` on a worker connection."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from workbench.domain.cases.case import Case
from workbench.domain.cases.exercise import Inject
from workbench.domain.cases.vocab import CaseKind
from workbench.services import cases, exchange
from workbench.services.cases import CaseSummary
from workbench.services.exercise import conduct, evaluation, hotwash
from workbench.services.exercise.conduct import ConductView
from workbench.services.exercise.evaluation import ObjectiveGuide
from workbench.services.exercise.hotwash import HotWashObjective
from workbench.services.workspace import Workspace


@dataclass(frozen=True)
class ExerciseData:
    view: ConductView
    guides: list[ObjectiveGuide]
    washed: list[HotWashObjective]
    #: Pinned partners by their name folded to compare (an inject to one of them leaves as a package).
    partners: dict[str, str] = field(default_factory=dict)

    @property
    def case(self) -> Case:
        return self.view.case

    def partner_of(self, inject: Inject) -> str | None:
        """The pinned partner an inject is addressed to, or None."""
        return self.partners.get((inject.recipient or "").strip().casefold())

    def at(self, now: datetime) -> ExerciseData:
        """The same exercise with its clock and countdowns read at ``now`` (no database read)."""
        return replace(self, view=conduct.view_of(self.view.case, now))


def load_exercise(ws: Workspace, ref: str, now: datetime) -> ExerciseData:
    case = conduct.exercise_case(cases.get_case(ws, ref))
    partners = {partner.name.casefold(): partner.name for partner in exchange.list_partners(ws)}
    return ExerciseData(
        conduct.view_of(case, now), evaluation.evaluation_guides(case), hotwash.hot_wash(case), partners
    )


def exercise_list(ws: Workspace) -> list[CaseSummary]:
    """Every exercise case, most recently changed first."""
    return cases.list_cases(ws, kind=CaseKind.EXERCISE, with_next_due=False, limit=10_000)
