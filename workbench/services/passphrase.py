"""How hard a passphrase is to guess: a hint for people choosing one, from zxcvbn's estimate.

zxcvbn (Dropbox's estimator) knows common passwords, names, keyboard patterns, dates and l33t substitutions, which
a length-and-character-class rule does not. The estimate is a hint shown while typing; it refuses nothing, but a
passphrase it rates weak (``Strength.weak``) is only taken after the analyst says so explicitly.
"""

from __future__ import annotations

from dataclasses import dataclass

from zxcvbn import zxcvbn

# zxcvbn's time grows with length; beyond this the score is at its best anyway.
_MAX_CHECKED = 64


@dataclass(frozen=True)
class Strength:
    """``score`` from 0 (guessed at once) to 4 (very hard), a one-word verdict and advice."""

    score: int
    verdict: str
    advice: str
    crack_time: str

    @property
    def weak(self) -> bool:
        """zxcvbn rates it "very weak" or "weak"."""
        return self.score < WEAK_BELOW


_VERDICTS = ("very weak", "weak", "fair", "strong", "very strong")
#: Scores below this are "very weak" and "weak": guessed offline within hours or days.
WEAK_BELOW = 2


def strength(passphrase: str, context: tuple[str, ...] = ()) -> Strength:
    """The estimate for ``passphrase``; ``context`` holds words an attacker would try first (the organisation)."""
    if not passphrase:
        return Strength(0, _VERDICTS[0], "Type a passphrase: several uncommon words are best.", "instantly")
    words = [word for text in context for word in text.split() if word]
    result = zxcvbn(passphrase[:_MAX_CHECKED], user_inputs=words)
    score = int(result["score"])
    feedback = result.get("feedback") or {}
    advice = " ".join(part for part in [feedback.get("warning") or "", *(feedback.get("suggestions") or [])] if part)
    crack = str(result["crack_times_display"]["offline_slow_hashing_1e4_per_second"])
    return Strength(score, _VERDICTS[score], advice, crack)
