"""What the analyst adds to a briefing: a JSON file on the command line, a form in the window.

Everything a library search cannot know: title and audience, the bottom line, key judgements with likelihood and
confidence, the impact by sector, recommendations, gaps, graded sources, the distribution list, and attribution
judgements on the actors found. Every field is optional for a draft; ``check_final`` says what a final briefing
still lacks. Unknown keys are refused (a misspelt "key_judgments" would otherwise vanish silently).

Example::

    {"title": "Sandstorm Owl targets energy billing", "tlp": "amber", "audience": "Heads of CSIRTs",
     "valid_until": "2026-02-12T00:00:00Z",
     "bluf": ["...", "...", "..."],
     "key_judgements": [{"statement": "...", "likelihood": "likely", "confidence": "moderate", "basis": "..."}],
     "sectors": [{"sector": "Energy", "severity": "high", "outlook": "worsening", "incidents": 2}],
     "actors": [{"name": "Sandstorm Owl", "attribution_confidence": "moderate", "motivation": "financial gain"}],
     "recommendations": ["..."], "gaps": ["..."],
     "sources": [{"name": "Partner report", "grade": "B2", "description": "..."}],
     "distribution": ["National CSIRTs"]}
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from workbench.domain.errors import InvalidInput
from workbench.domain.tlp import Tlp
from workbench.services.files import write_verified
from workbench.services.reports.model import KeyJudgement, SectorImpact, SourceRow
from workbench.services.reports.vocabulary import Confidence, Credibility, Likelihood, Reliability

MAX_INPUT_BYTES = 1024 * 1024
BLUF_MIN, BLUF_MAX = 3, 5


@dataclass(frozen=True)
class ActorJudgement:
    """The analyst's view of an actor: matched by name (or alias) to actors found in the library."""

    name: str
    motivation: str = ""
    attribution_confidence: Confidence | None = None
    aliases: tuple[str, ...] = ()


@dataclass
class AnalystBriefing:
    title: str = ""
    tlp: Tlp | None = None
    reference: str = ""
    version: str = "1"
    originator: str = ""
    audience: str = ""
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    bluf: list[str] = field(default_factory=list)
    judgements: list[KeyJudgement] = field(default_factory=list)
    sectors: list[SectorImpact] = field(default_factory=list)
    actors: list[ActorJudgement] = field(default_factory=list)
    recommendations: list[str] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    sources: list[SourceRow] = field(default_factory=list)
    distribution: list[str] = field(default_factory=list)


_KEYS = {
    "title",
    "tlp",
    "reference",
    "version",
    "originator",
    "audience",
    "valid_from",
    "valid_until",
    "bluf",
    "key_judgements",
    "sectors",
    "actors",
    "recommendations",
    "gaps",
    "sources",
    "distribution",
}


def load_analyst_file(path: str | os.PathLike[str]) -> AnalystBriefing:
    """Read and check the analyst's JSON file; ``InvalidInput`` names the file and the first problem."""
    source = Path(path)
    try:
        size = source.stat().st_size
        if size > MAX_INPUT_BYTES:
            raise InvalidInput(f"{source.name}: the analyst input is larger than 1 MB")
        document = json.loads(source.read_bytes())
    except FileNotFoundError:
        raise InvalidInput(f"{source}: no such file") from None
    except IsADirectoryError:
        raise InvalidInput(f"{source}: is a folder, not a JSON file") from None
    except OSError as exc:
        raise InvalidInput(f"{source}: cannot be read: {exc.strerror}") from None
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise InvalidInput(f"{source.name}: not valid JSON ({exc})") from None
    try:
        return parse_analyst(document)
    except InvalidInput as exc:
        raise InvalidInput(f"{source.name}: {exc.message}") from None


def parse_analyst(document: Any) -> AnalystBriefing:
    """Build the analyst's part of a briefing from a parsed JSON document."""
    if not isinstance(document, dict):
        raise InvalidInput("the analyst input must be a JSON object")
    unknown = sorted(str(key) for key in document if key not in _KEYS)
    if unknown:
        raise InvalidInput(f"unknown field {unknown[0]!r}; known fields: {', '.join(sorted(_KEYS))}")
    tlp = document.get("tlp")
    return AnalystBriefing(
        title=_text(document, "title"),
        tlp=_level(tlp),
        reference=_text(document, "reference"),
        version=_text(document, "version") or "1",
        originator=_text(document, "originator"),
        audience=_text(document, "audience"),
        valid_from=_time(document, "valid_from"),
        valid_until=_time(document, "valid_until"),
        bluf=_texts(document, "bluf"),
        judgements=[_judgement(item, f"key_judgements[{n}]") for n, item in _items(document, "key_judgements")],
        sectors=[_sector(item, f"sectors[{n}]") for n, item in _items(document, "sectors")],
        actors=[_actor(item, f"actors[{n}]") for n, item in _items(document, "actors")],
        recommendations=_texts(document, "recommendations"),
        gaps=_texts(document, "gaps"),
        sources=[_source(item, f"sources[{n}]") for n, item in _items(document, "sources")],
        distribution=_texts(document, "distribution"),
    )


def analyst_document(analyst: AnalystBriefing) -> dict[str, Any]:
    """The JSON document ``parse_analyst`` reads back as the same ``AnalystBriefing`` (empty fields left out): what
    the window exports for ``workbench report briefing --input``."""

    def stamp(moment: datetime | None) -> str | None:
        return moment.astimezone(UTC).isoformat().replace("+00:00", "Z") if moment is not None else None

    document: dict[str, Any] = {
        "title": analyst.title,
        "tlp": analyst.tlp.short.lower() if analyst.tlp is not None else None,
        "reference": analyst.reference,
        "version": analyst.version if analyst.version != "1" else None,
        "originator": analyst.originator,
        "audience": analyst.audience,
        "valid_from": stamp(analyst.valid_from),
        "valid_until": stamp(analyst.valid_until),
        "bluf": analyst.bluf,
        "key_judgements": [
            {
                "statement": item.statement,
                "likelihood": item.likelihood.value,
                "confidence": item.confidence.value,
                "basis": item.basis,
            }
            for item in analyst.judgements
        ],
        "sectors": [
            {key: value for key, value in vars(item).items() if key != "tlp" and value not in ("", None)}
            for item in analyst.sectors
        ],
        "actors": [
            {
                "name": item.name,
                "motivation": item.motivation,
                "attribution_confidence": item.attribution_confidence.value if item.attribution_confidence else None,
                "aliases": list(item.aliases),
            }
            for item in analyst.actors
        ],
        "recommendations": analyst.recommendations,
        "gaps": analyst.gaps,
        "sources": [
            {
                "name": item.name,
                "reliability": item.reliability.value,
                "credibility": item.credibility.value,
                "description": item.description,
            }
            for item in analyst.sources
        ],
        "distribution": analyst.distribution,
    }
    return {key: _drop_empty(value) for key, value in document.items() if value not in ("", None, [])}


def _drop_empty(value: Any) -> Any:
    if isinstance(value, list):
        return [_drop_empty(item) for item in value]
    if isinstance(value, dict):
        return {key: item for key, item in value.items() if item not in ("", None, [])}
    return value


def save_analyst_file(analyst: AnalystBriefing, path: str | os.PathLike[str]) -> Path:
    """Write the analyst input as a JSON file (``analyst_document``), atomically and read back, mode 0600."""
    data = (json.dumps(analyst_document(analyst), ensure_ascii=False, indent=2) + "\n").encode()
    return write_verified(data, path, mode=0o600)


def check_final(analyst: AnalystBriefing) -> None:
    """Refuse to mark final a briefing without its bottom line (3 to 5 points) and at least one key judgement."""
    if not BLUF_MIN <= len(analyst.bluf) <= BLUF_MAX:
        raise InvalidInput(
            f"a final briefing needs {BLUF_MIN} to {BLUF_MAX} bottom-line points "
            f'("bluf" in the analyst input); it has {len(analyst.bluf)}'
        )
    if not analyst.judgements:
        raise InvalidInput('a final briefing needs at least one key judgement ("key_judgements")')


def _level(value: Any) -> Tlp | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInput("tlp: expected a TLP level such as 'amber'")
    return Tlp.parse(value)


def _text(document: dict[str, Any], key: str, where: str = "") -> str:
    value = document.get(key)
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise InvalidInput(f"{where + '.' if where else ''}{key}: expected text")
    return value.strip()


def _texts(document: dict[str, Any], key: str) -> list[str]:
    value = document.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InvalidInput(f"{key}: expected a list of texts")
    return [item.strip() for item in value if item.strip()]


def _items(document: dict[str, Any], key: str) -> list[tuple[int, dict[str, Any]]]:
    value = document.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise InvalidInput(f"{key}: expected a list of objects")
    return list(enumerate(value, start=1))


def _time(document: dict[str, Any], key: str, where: str = "") -> datetime | None:
    value = document.get(key)
    if value is None or value == "":
        return None
    try:
        if not isinstance(value, str):
            raise ValueError
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(
            f"{where + '.' if where else ''}{key}: {str(value)[:40]!r} is not a date "
            "(use 2026-02-12 or 2026-02-12T08:00:00Z)"
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _judgement(item: dict[str, Any], where: str) -> KeyJudgement:
    statement = _text(item, "statement", where)
    if not statement:
        raise InvalidInput(f"{where}.statement: the judgement is empty")
    return KeyJudgement(
        statement,
        Likelihood.parse(item.get("likelihood"), f"{where}.likelihood"),
        Confidence.parse(item.get("confidence"), f"{where}.confidence"),
        _text(item, "basis", where),
    )


def _sector(item: dict[str, Any], where: str) -> SectorImpact:
    sector = _text(item, "sector", where)
    if not sector:
        raise InvalidInput(f"{where}.sector: the sector is empty")
    incidents = item.get("incidents", 0)
    if not isinstance(incidents, int) or isinstance(incidents, bool) or incidents < 0:
        raise InvalidInput(f"{where}.incidents: expected a whole number, 0 or more")
    return SectorImpact(
        sector, _text(item, "severity", where), _text(item, "outlook", where), incidents, _text(item, "summary", where)
    )


def _actor(item: dict[str, Any], where: str) -> ActorJudgement:
    name = _text(item, "name", where)
    if not name:
        raise InvalidInput(f"{where}.name: the actor's name is empty")
    confidence = item.get("attribution_confidence")
    return ActorJudgement(
        name,
        _text(item, "motivation", where),
        Confidence.parse(confidence, f"{where}.attribution_confidence") if confidence else None,
        tuple(_texts(item, "aliases")),
    )


def _source(item: dict[str, Any], where: str) -> SourceRow:
    name = _text(item, "name", where)
    if not name:
        raise InvalidInput(f"{where}.name: the source's name is empty")
    grade = _text(item, "grade", where).upper()
    if grade:
        if len(grade) != 2:
            raise InvalidInput(f"{where}.grade: {grade!r} is not an Admiralty grade such as B2")
        reliability_text, credibility_text = grade[0], grade[1]
    else:
        reliability_text, credibility_text = _text(item, "reliability", where), _text(item, "credibility", where)
    return SourceRow(
        name,
        Reliability.parse(reliability_text, f"{where} reliability (A-F)"),
        Credibility.parse(credibility_text, f"{where} credibility (1-6)"),
        _text(item, "description", where),
    )
