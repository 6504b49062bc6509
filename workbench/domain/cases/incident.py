"""Incident cases: the fields NIS2 staged reports and a CISA notification need, timeline events, tasks, stages.

The field declarations below are the one list of incident fields (see ``fields``): their labels and sections are
what the case screen shows and the incident report prints, section by section and under these titles, and their
``stages`` say which stage's report repeats them (NIS2 Article 23(4): the early warning says whether the act is
suspected malicious, the final report gives the root cause and mitigation). Re-mapping the report to a binding EU
template is a change here.
"""

# spec() returns a dataclasses.field, which ruff's RUF009 cannot see.
# ruff: noqa: RUF009

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol

from workbench.domain.cases.fields import FieldKind, coerce, field_info, spec
from workbench.domain.cases.nis2 import EntityClass, MemberState, Sector, parse_subsector, sector_for_subsector_alias
from workbench.domain.cases.rsit import RsitType
from workbench.domain.cases.vocab import (
    AttackVector,
    Determination,
    FunctionalImpact,
    ImpactSeverity,
    InformationImpact,
    NetworkLocation,
    Outlook,
    Recoverability,
    Regime,
    RootCause,
    TaskStatus,
    ThreatSeverity,
    TimelineKind,
)
from workbench.domain.deadlines import Stage, StageDeadline, Submission, incident_deadlines
from workbench.domain.errors import InvalidInput

#: The header block every stage's report repeats (with the time of awareness), as NIS2 asks.
ENTITY = "Reporting entity"
CLOCKS = "Time of awareness and reporting"
EARLY = "Suspected cause and cross-border impact"
CLASSIFICATION = "Classification (RSIT and NIS Cooperation Group)"
CISA = "CISA incident notification"
HANDLING = "Description and handling"

K = FieldKind
_COUNT_HELP = "a whole number, or 'unknown' when it is not known yet"
WARNING = (Stage.EARLY_WARNING,)
NOTIFIED = (Stage.NOTIFICATION,)
FINAL = (Stage.FINAL,)
UPDATE = (Stage.INTERMEDIATE, Stage.PROGRESS)
CIRCIA = (Stage.CIRCIA,)


@dataclass(frozen=True)
class IncidentDetails:
    """The fields of an incident case besides its title, status, TLP and description."""

    reporting_entity: str | None = spec("Reporting entity", ENTITY)
    sector: Sector | None = spec("Sector (NIS2 Annex I/II)", ENTITY, K.CHOICE, Sector)
    subsector: str | None = spec("Sub-sector", ENTITY, K.SUBSECTOR)
    entity_class: EntityClass | None = spec("Essential or important entity", ENTITY, K.CHOICE, EntityClass)
    member_state: MemberState | None = spec("Member State", ENTITY, K.CHOICE, MemberState)
    contact_24_7: str | None = spec("24/7 contact", ENTITY, aliases=("contact",))
    awareness_at: datetime = spec(
        "Time of awareness",
        CLOCKS,
        K.TIME,
        required=True,
        help="the reporting clocks start here",
        aliases=("awareness",),
    )
    regimes: list[Regime] = spec("Reporting regimes", CLOCKS, K.CHOICES, Regime, default=[Regime.NIS2])
    handled_at: datetime | None = spec(
        "Incident handled",
        CLOCKS,
        K.TIME,
        help="when the incident was handled; the final report is due a month later "
        "if it was still ongoing at the final deadline",
    )
    suspected_malicious: bool | None = spec("Suspected unlawful or malicious act", EARLY, K.FLAG, stages=WARNING)
    cross_border: bool | None = spec("Possible cross-border impact", EARLY, K.FLAG, stages=WARNING)
    affected_states: list[MemberState] = spec("Member States affected", EARLY, K.CHOICES, MemberState, stages=WARNING)
    determination: Determination = spec(
        "Determination", CLASSIFICATION, K.CHOICE, Determination, default=Determination.SUSPECTED
    )
    rsit: RsitType | None = spec("RSIT classification", CLASSIFICATION, K.RSIT)
    root_cause: RootCause | None = spec("Root cause category", CLASSIFICATION, K.CHOICE, RootCause, stages=FINAL)
    threat_type: str | None = spec("Type of threat or root cause", CLASSIFICATION, stages=FINAL)
    threat_severity: ThreatSeverity | None = spec("Threat severity", CLASSIFICATION, K.CHOICE, ThreatSeverity)
    impact_severity: ImpactSeverity | None = spec(
        "Impact severity", CLASSIFICATION, K.CHOICE, ImpactSeverity, stages=(*NOTIFIED, *FINAL)
    )
    outlook: Outlook | None = spec("Six-hour outlook", CLASSIFICATION, K.CHOICE, Outlook, stages=UPDATE)
    functional_impact: FunctionalImpact | None = spec(
        "Functional impact", CISA, K.CHOICE, FunctionalImpact, stages=CIRCIA
    )
    information_impact: InformationImpact | None = spec(
        "Information impact", CISA, K.CHOICE, InformationImpact, stages=CIRCIA
    )
    recoverability: Recoverability | None = spec("Recoverability", CISA, K.CHOICE, Recoverability)
    attack_vector: AttackVector | None = spec("Attack vector", CISA, K.CHOICE, AttackVector, stages=CIRCIA)
    first_detected: datetime | None = spec("First detected", CISA, K.TIME, stages=CIRCIA)
    systems_affected: int | str | None = spec("Systems affected", CISA, K.COUNT_OR_UNKNOWN, help=_COUNT_HELP)
    records_affected: int | str | None = spec("Records affected", CISA, K.COUNT_OR_UNKNOWN, help=_COUNT_HELP)
    users_affected: int | str | None = spec("Users affected", CISA, K.COUNT_OR_UNKNOWN, help=_COUNT_HELP)
    network_location: NetworkLocation | None = spec("Network location", CISA, K.CHOICE, NetworkLocation)
    point_of_contact: str | None = spec("Point of contact", CISA)
    initial_assessment: str | None = spec(
        "Initial assessment of severity and impact", HANDLING, K.NOTE, stages=NOTIFIED
    )
    affected_assets: str | None = spec("Affected assets", HANDLING, K.NOTE)
    mitigation_applied: str | None = spec("Mitigation applied", HANDLING, K.NOTE, stages=(*FINAL, *CIRCIA))
    mitigation_ongoing: str | None = spec("Mitigation ongoing", HANDLING, K.NOTE, stages=(*FINAL, *UPDATE))
    cross_border_impact: str | None = spec("Cross-border impact", HANDLING, K.NOTE, stages=FINAL)
    actions_taken: str | None = spec("Actions taken", HANDLING, K.NOTE)

    def checked(self) -> IncidentDetails:
        """This record, normalised, if the rules across fields hold: the sub-sector belongs to the sector (a
        sub-sector alone such as "telecommunications" names its sector), times are in order, nothing contradicts."""
        record = self
        if self.subsector:
            sector = self.sector
            if sector is None:
                alias = sector_for_subsector_alias(self.subsector)
                if alias is None:
                    raise InvalidInput("a sub-sector needs a sector")
                sector = alias[0]
            record = replace(self, sector=sector, subsector=parse_subsector(sector, self.subsector))
        if self.cross_border is False and self.affected_states:
            raise InvalidInput("Member States affected are given but possible cross-border impact is 'no'")
        if not self.regimes:
            raise InvalidInput("an incident needs at least one reporting regime (nis2, circia)")
        if self.awareness_at is not None:
            if self.handled_at is not None and self.handled_at < self.awareness_at:
                raise InvalidInput("the incident cannot be handled before the time of awareness")
            if self.first_detected is not None and self.first_detected > self.awareness_at:
                # Detection is what makes an entity aware; a later first detection is a typing mistake.
                raise InvalidInput("first detected is after the time of awareness")
        return record


@dataclass(frozen=True)
class TimelineEvent:
    """Something that happened, on the case's timeline."""

    uid: str = ""
    at: datetime = spec("Time", "", K.TIME, required=True)
    title: str = spec("Event", "", required=True, aliases=("name",))
    kind: TimelineKind = spec("Type", "", K.CHOICE, TimelineKind, default=TimelineKind.OTHER, aliases=("type",))
    description: str | None = spec("Description", "", K.NOTE)


@dataclass(frozen=True)
class Task:
    """Work to do on the case, with an owner and a due time."""

    uid: str = ""
    title: str = spec("Task", "", required=True, aliases=("name",))
    owner: str | None = spec("Owner")
    due: datetime | None = spec("Due", "", K.TIME)
    status: TaskStatus = spec("Status", "", K.CHOICE, TaskStatus, default=TaskStatus.PENDING)
    completed_at: datetime | None = spec("Completed", "", K.TIME)
    description: str | None = spec("Description", "", K.NOTE)

    def checked(self) -> Task:
        """A task with a completion time is done."""
        if self.completed_at is not None and self.status is not TaskStatus.DONE:
            return replace(self, status=TaskStatus.DONE)
        return self


@dataclass(frozen=True)
class StageSubmission:
    """One version of a report stage as submitted to the authority."""

    uid: str = ""
    stage: Stage = spec("Stage", "", K.CHOICE, Stage, required=True)
    submitted_at: datetime = spec("Submitted", "", K.TIME, required=True, aliases=("at",))
    version: int | None = spec("Version", "", K.COUNT)
    reference: str | None = spec("Reference", "", help="the authority's reference for this submission")
    note: str | None = spec("Note", "", K.NOTE)


class Clocks(Protocol):
    """What the reporting deadlines of an incident depend on (``IncidentDetails`` has it, ``ReportingClocks`` is
    only that)."""

    @property
    def awareness_at(self) -> datetime: ...

    @property
    def regimes(self) -> list[Regime]: ...

    @property
    def handled_at(self) -> datetime | None: ...


@dataclass(frozen=True)
class ReportingClocks:
    """The three fields of an incident its reporting deadlines depend on."""

    awareness_at: datetime
    regimes: list[Regime]
    handled_at: datetime | None


_CLOCK_FIELDS = ("awareness_at", "regimes", "handled_at")


def reporting_clocks(data: Mapping[str, Any]) -> ReportingClocks:
    """The clocks of an incident from its stored fields (``to_dict`` form), each read by the same rules as the whole
    record; the other thirty fields are not read. Lists of thousands of incidents, each with its next due report,
    spent most of their time parsing fields the deadlines do not use. Raises ``InvalidInput`` as the record would
    for these fields."""
    return ReportingClocks(
        **{name: coerce(field_info(IncidentDetails, name), data.get(name)) for name in _CLOCK_FIELDS}
    )


def reporting_deadlines(details: Clocks, stages: Iterable[StageSubmission], now: datetime) -> list[StageDeadline]:
    """Every report stage of the incident's regimes with its due time and state at ``now`` (``deadlines``)."""
    submissions = [Submission(item.stage, item.submitted_at, item.version or 1) for item in stages]
    return incident_deadlines(
        details.awareness_at, details.regimes, submissions, handled_at=details.handled_at, now=now
    )
