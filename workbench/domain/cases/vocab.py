"""Closed vocabularies of the case model: a machine key for storage and STIX, a label for people.

Every vocabulary is a ``Vocab`` enum. ``parse`` reads what an analyst or a partner's file writes: the key, the
label, or either with other case, spaces, underscores or slashes (``Email/Phishing``, ``email-phishing``); anything
else is refused with one ``InvalidInput`` line that names the field and the accepted keys.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Mapping
from typing import Self, TypeVar

from workbench.domain.errors import InvalidInput

_SEPARATORS = re.compile(r"[\s_/,()]+")


def vocab_key(text: str) -> str:
    """The comparison form of a vocabulary entry: lower case, words joined by single hyphens."""
    return _SEPARATORS.sub("-", text.strip().lower()).replace("+", "-").strip("-").replace("--", "-")


V = TypeVar("V", bound="type[Vocab]")


def vocabulary(noun: str, aliases: Mapping[str, str] | None = None) -> Callable[[V], V]:
    """Name what a vocabulary's entries are (for messages) and other words people use for its keys."""

    def apply(cls: V) -> V:
        cls.vocab_noun = noun
        cls.vocab_aliases = dict(aliases or {})
        return cls

    return apply


class Vocab(enum.Enum):
    """An entry of a closed vocabulary: ``value`` is the key, ``label`` the text shown and printed."""

    label: str
    vocab_noun: str
    vocab_aliases: dict[str, str]

    def __new__(cls, key: str, label: str) -> Self:
        member = object.__new__(cls)
        member._value_ = key
        member.label = label
        return member

    def __str__(self) -> str:
        return self.label

    @classmethod
    def parse(cls, text: object, noun: str | None = None) -> Self:
        """The entry named by ``text`` (key, label or alias); ``InvalidInput`` naming the choices otherwise."""
        what = noun or getattr(cls, "vocab_noun", "value")
        if isinstance(text, cls):
            return text
        if not isinstance(text, str) or not text.strip():
            raise InvalidInput(f"{what} is empty; use one of {cls.choices()}")
        key = vocab_key(text)
        for member in cls:
            if key in (vocab_key(member.value), vocab_key(member.label)):
                return member
        alias = getattr(cls, "vocab_aliases", {}).get(key)
        if alias is not None:
            return cls._value2member_map_[alias]  # type: ignore[return-value]
        raise InvalidInput(f"unknown {what} {text!r}; use one of {cls.choices()}")

    @classmethod
    def choices(cls) -> str:
        return ", ".join(member.value for member in cls)


# -- case kinds and status ----------------------------------------------------------------------------------------


@vocabulary("case kind")
class CaseKind(Vocab):
    INCIDENT = ("incident", "Incident")
    EXERCISE = ("exercise", "Exercise")


@vocabulary("incident status")
class IncidentStatus(Vocab):
    """Where the handling of an incident stands. Every status but ``closed`` counts as open for deadlines."""

    NEW = ("new", "New")
    OPEN = ("open", "Open, under investigation")
    CONTAINED = ("contained", "Contained")
    RESOLVED = ("resolved", "Resolved (handled)")
    CLOSED = ("closed", "Closed")


@vocabulary("exercise status")
class ExerciseStatus(Vocab):
    PLANNED = ("planned", "Planned")
    CONDUCTED = ("conducted", "Conducted")
    EVALUATION = ("evaluation", "Under evaluation")
    CLOSED = ("closed", "Closed")


@vocabulary("determination")
class Determination(Vocab):
    """The Incident Core Extension 2.0.0 ``determination`` (a closed vocabulary there too)."""

    SUSPECTED = ("suspected", "Suspected")
    SUCCESSFUL_ATTEMPT = ("successful-attempt", "Successful attempt")
    FAILED_ATTEMPT = ("failed-attempt", "Failed attempt")
    BLOCKED = ("blocked", "Blocked")
    LOW_VALUE = ("low-value", "Low value")
    FALSE_POSITIVE = ("false-positive", "False positive")


@vocabulary("reporting regime")
class Regime(Vocab):
    """The reporting obligations whose clocks a case runs."""

    NIS2 = ("nis2", "EU NIS2 Directive, Article 23")
    CIRCIA = ("circia", "US CIRCIA-style covered incident report")


# -- NIS Cooperation Group incident fields --------------------------------------------------------------------------


@vocabulary("root cause category")
class RootCause(Vocab):
    """Root cause categories of the NIS Cooperation Group's reference incident classification."""

    SYSTEM_FAILURES = ("system-failures", "System failures")
    NATURAL_PHENOMENA = ("natural-phenomena", "Natural phenomena")
    HUMAN_ERRORS = ("human-errors", "Human errors")
    MALICIOUS_ACTIONS = ("malicious-actions", "Malicious actions")
    THIRD_PARTY_FAILURES = ("third-party-failures", "Third-party failures")


@vocabulary("threat severity")
class ThreatSeverity(Vocab):
    HIGH = ("high", "High")
    MEDIUM = ("medium", "Medium")
    LOW = ("low", "Low")


@vocabulary("impact severity")
class ImpactSeverity(Vocab):
    """Severity of impact on the NIS Cooperation Group's colour scale."""

    RED = ("red", "Red: large-scale impact, essential services disrupted")
    YELLOW = ("yellow", "Yellow: significant impact on services")
    GREEN = ("green", "Green: minor impact")
    WHITE = ("white", "White: no or insignificant impact")


@vocabulary("outlook")
class Outlook(Vocab):
    """The six-hour outlook."""

    IMPROVING = ("improving", "Improving")
    STABLE = ("stable", "Stable")
    WORSENING = ("worsening", "Worsening")


# -- CISA incident notification fields ------------------------------------------------------------------------------


@vocabulary("functional impact")
class FunctionalImpact(Vocab):
    NO_IMPACT = ("no-impact", "No Impact")
    NO_IMPACT_TO_SERVICES = ("no-impact-to-services", "No Impact to Services")
    MINIMAL_NON_CRITICAL = ("minimal-impact-to-non-critical-services", "Minimal Impact to Non-Critical Services")
    MINIMAL_CRITICAL = ("minimal-impact-to-critical-services", "Minimal Impact to Critical Services")
    SIGNIFICANT_NON_CRITICAL = (
        "significant-impact-to-non-critical-services",
        "Significant Impact to Non-Critical Services",
    )
    DENIAL_NON_CRITICAL = ("denial-of-non-critical-services", "Denial of Non-Critical Services")
    SIGNIFICANT_CRITICAL = ("significant-impact-to-critical-services", "Significant Impact to Critical Services")
    DENIAL_CRITICAL = ("denial-of-critical-services-loss-of-control", "Denial of Critical Services/Loss of Control")


@vocabulary("information impact")
class InformationImpact(Vocab):
    NO_IMPACT = ("no-impact", "No Impact")
    SUSPECTED = ("suspected-but-not-identified", "Suspected but not Identified")
    PRIVACY = ("privacy-data-breach", "Privacy Data Breach")
    PROPRIETARY = ("proprietary-information-breach", "Proprietary Information Breach")
    DESTRUCTION_NON_CRITICAL = ("destruction-of-non-critical-systems", "Destruction of Non-Critical Systems")
    CRITICAL_DATA = ("critical-systems-data-breach", "Critical Systems Data Breach")
    CORE_CREDENTIAL = ("core-credential-compromise", "Core Credential Compromise")
    DESTRUCTION_CRITICAL = ("destruction-of-critical-system", "Destruction of Critical System")


@vocabulary("recoverability")
class Recoverability(Vocab):
    """CISA recoverability; the keys are those of the Incident Core Extension's ``recoverability``."""

    REGULAR = ("regular", "Regular")
    SUPPLEMENTED = ("supplemented", "Supplemented")
    EXTENDED = ("extended", "Extended")
    NOT_RECOVERABLE = ("not-recoverable", "Not Recoverable")


@vocabulary("attack vector")
class AttackVector(Vocab):
    UNKNOWN = ("unknown", "Unknown")
    ATTRITION = ("attrition", "Attrition")
    WEB = ("web", "Web")
    EMAIL = ("email-phishing", "Email/Phishing")
    REMOVABLE_MEDIA = ("external-removable-media", "External/Removable Media")
    IMPERSONATION = ("impersonation-spoofing", "Impersonation/Spoofing")
    IMPROPER_USAGE = ("improper-usage", "Improper Usage")
    LOSS_OR_THEFT = ("loss-or-theft-of-equipment", "Loss or Theft of Equipment")
    OTHER = ("other", "Other")


@vocabulary("network location")
class NetworkLocation(Vocab):
    """Where the activity was observed, on CISA's levels of the network."""

    BUSINESS_DMZ = ("business-dmz", "Level 1: Business Demilitarized Zone")
    BUSINESS_NETWORK = ("business-network", "Level 2: Business Network")
    BUSINESS_MANAGEMENT = ("business-network-management", "Level 3: Business Network Management")
    CRITICAL_DMZ = ("critical-system-dmz", "Level 4: Critical System DMZ")
    CRITICAL_MANAGEMENT = ("critical-system-management", "Level 5: Critical System Management")
    CRITICAL_SYSTEMS = ("critical-systems", "Level 6: Critical Systems")
    SAFETY_SYSTEMS = ("safety-systems", "Level 7: Safety Systems")
    UNKNOWN = ("unknown", "Unknown")


@vocabulary("event type")
class TimelineKind(Vocab):
    """What a timeline event records; exported as the event's ``event_types``."""

    DETECTION = ("detection", "Detection")
    ATTACKER_ACTIVITY = ("attacker-activity", "Attacker activity")
    CONTAINMENT = ("containment", "Containment")
    ERADICATION = ("eradication", "Eradication")
    RECOVERY = ("recovery", "Recovery")
    COMMUNICATION = ("communication", "Communication")
    DECISION = ("decision", "Decision")
    OTHER = ("other", "Other")


@vocabulary("task status", {"done": "successful", "completed": "successful", "open": "pending"})
class TaskStatus(Vocab):
    """A task's state; the keys are the Task extension's ``outcome`` values (done is ``successful``)."""

    PENDING = ("pending", "Pending")
    ONGOING = ("ongoing", "Ongoing")
    DONE = ("successful", "Done")
    FAILED = ("failed", "Failed")
    CANCELLED = ("cancelled", "Cancelled")


# -- exercises (HSEEP after-action report and improvement plan) -----------------------------------------------------


@vocabulary("exercise type", {"ttx": "tabletop", "fe": "functional", "fse": "full-scale"})
class ExerciseType(Vocab):
    SEMINAR = ("seminar", "Seminar")
    WORKSHOP = ("workshop", "Workshop")
    TABLETOP = ("tabletop", "Tabletop exercise")
    GAME = ("game", "Game")
    DRILL = ("drill", "Drill")
    FUNCTIONAL = ("functional", "Functional exercise")
    FULL_SCALE = ("full-scale", "Full-scale exercise")


@vocabulary("mission area")
class MissionArea(Vocab):
    PREVENTION = ("prevention", "Prevention")
    PROTECTION = ("protection", "Protection")
    MITIGATION = ("mitigation", "Mitigation")
    RESPONSE = ("response", "Response")
    RECOVERY = ("recovery", "Recovery")


@vocabulary("rating")
class Rating(Vocab):
    """HSEEP performance rating of an objective or capability."""

    P = ("P", "Performed without challenges")
    S = ("S", "Performed with some challenges")
    M = ("M", "Performed with major challenges")
    U = ("U", "Unable to be performed")


@vocabulary("observation kind", {"afi": "area-for-improvement", "improvement": "area-for-improvement"})
class ObservationKind(Vocab):
    STRENGTH = ("strength", "Strength")
    AREA_FOR_IMPROVEMENT = ("area-for-improvement", "Area for improvement")


@vocabulary("capability element", {"organization": "organisation"})
class CapabilityElement(Vocab):
    PLANNING = ("planning", "Planning")
    ORGANISATION = ("organisation", "Organisation")
    EQUIPMENT = ("equipment", "Equipment")
    TRAINING = ("training", "Training")
    EXERCISE = ("exercise", "Exercise")


@vocabulary("participant role")
class ParticipantRole(Vocab):
    SPONSOR = ("sponsor", "Sponsor")
    PLAYER = ("player", "Player")
    CONTROLLER = ("controller", "Controller")
    SIMULATOR = ("simulator", "Simulator")
    EVALUATOR = ("evaluator", "Evaluator")
    FACILITATOR = ("facilitator", "Facilitator")
    OBSERVER = ("observer", "Observer")
    THIRD_PARTY_OBSERVER = ("third-party-observer", "Third-party observer")


# -- conducting an exercise -----------------------------------------------------------------------------------------


@vocabulary("inject status", {"pending": "planned", "hold": "held", "skip": "skipped", "deliver": "delivered"})
class InjectStatus(Vocab):
    """Where an inject of the master scenario events list stands during play."""

    PLANNED = ("planned", "Planned")
    DELIVERED = ("delivered", "Delivered")
    HELD = ("held", "Held")
    SKIPPED = ("skipped", "Skipped")


@vocabulary("inject method", {"mail": "email", "e-mail": "email", "telephone": "phone", "chat": "message"})
class InjectMethod(Vocab):
    """How an inject reaches the players."""

    PACKAGE = ("package", "Signed exchange package")
    EMAIL = ("email", "Email")
    PHONE = ("phone", "Phone call")
    MESSAGE = ("message", "Chat or message")
    DOCUMENT = ("document", "Document or handout")
    IN_PERSON = ("in-person", "In person")
    OTHER = ("other", "Other")


@vocabulary("clock action")
class ClockAction(Vocab):
    """What the controller did to the exercise clock; the clock is these actions replayed."""

    START = ("start", "Started")
    PAUSE = ("pause", "Paused")
    RESUME = ("resume", "Resumed")
    JUMP = ("jump", "Scenario time jumped")
    SPEED = ("speed", "Speed changed")
    END = ("end", "Ended")


@vocabulary("conduct state")
class ConductState(Vocab):
    """Where the play of an exercise stands."""

    NOT_STARTED = ("not-started", "Not started")
    RUNNING = ("running", "In play")
    PAUSED = ("paused", "Paused")
    ENDED = ("ended", "Ended")
