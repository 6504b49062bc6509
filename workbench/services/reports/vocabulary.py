"""The controlled terms briefings print: likelihood, confidence and Admiralty grades.

(HSEEP ratings, capability elements and report stages are the case model's: ``workbench.domain.cases.vocab`` and
``workbench.domain.deadlines``.)

Each term is an enum whose value is what people read, so an input can be built from the word an analyst types
(``Likelihood.parse("very likely")``) and printed back unchanged. Parsing refuses unknown words with a message that
lists the accepted ones.
"""

from __future__ import annotations

import enum
from typing import TypeVar

from workbench.domain.errors import InvalidInput

_E = TypeVar("_E", bound="Term")


class Term(enum.Enum):
    """An enum whose values are the printed words; ``parse`` accepts the value or the name, any case."""

    @classmethod
    def parse(cls: type[_E], text: object, what: str | None = None) -> _E:
        if isinstance(text, cls):
            return text
        key = " ".join(str(text or "").replace("_", " ").split()).casefold()
        for member in cls:
            if key in (str(member.value).casefold(), member.name.replace("_", " ").casefold()):
                return member
        accepted = ", ".join(str(member.value) for member in cls)
        raise InvalidInput(f"{what or cls.__name__}: {str(text)[:80]!r} is not one of: {accepted}")

    def __str__(self) -> str:
        return str(self.value)


class Likelihood(Term):
    """Probability yardstick for key judgements (the terms and ranges analysts use in intelligence assessments)."""

    ALMOST_NO_CHANCE = "almost no chance"
    VERY_UNLIKELY = "very unlikely"
    UNLIKELY = "unlikely"
    ROUGHLY_EVEN_CHANCE = "roughly even chance"
    LIKELY = "likely"
    VERY_LIKELY = "very likely"
    ALMOST_CERTAIN = "almost certain"

    @property
    def percent_range(self) -> str:
        """The probability range the term stands for, as printed next to it: ``55-80%``."""
        return _LIKELIHOOD_RANGES[self]


_LIKELIHOOD_RANGES = {
    Likelihood.ALMOST_NO_CHANCE: "1-5%",
    Likelihood.VERY_UNLIKELY: "5-20%",
    Likelihood.UNLIKELY: "20-45%",
    Likelihood.ROUGHLY_EVEN_CHANCE: "45-55%",
    Likelihood.LIKELY: "55-80%",
    Likelihood.VERY_LIKELY: "80-95%",
    Likelihood.ALMOST_CERTAIN: "95-99%",
}


class Confidence(Term):
    """Analytic confidence in a judgement or an attribution."""

    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"


class Reliability(Term):
    """Admiralty scale, reliability of the source (A-F)."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"
    E = "E"
    F = "F"

    @property
    def meaning(self) -> str:
        return _RELIABILITY[self]


_RELIABILITY = {
    Reliability.A: "completely reliable",
    Reliability.B: "usually reliable",
    Reliability.C: "fairly reliable",
    Reliability.D: "not usually reliable",
    Reliability.E: "unreliable",
    Reliability.F: "reliability cannot be judged",
}


class Credibility(Term):
    """Admiralty scale, credibility of the information (1-6)."""

    CONFIRMED = "1"
    PROBABLY_TRUE = "2"
    POSSIBLY_TRUE = "3"
    DOUBTFUL = "4"
    IMPROBABLE = "5"
    CANNOT_BE_JUDGED = "6"

    @property
    def meaning(self) -> str:
        return self.name.replace("_", " ").lower()
