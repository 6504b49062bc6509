"""Impact by sector in a case's briefing: the analyst's rows and the incident's own sector, counted once, on one
severity scale.

The analyst writes "Energy (electricity)"; the case says sector Energy, sub-sector electricity: one sector, and the
incident counts once in it. Severities come in two scales, the analyst's words (high, medium, low) and the NIS
Cooperation Group's impact colours the case carries (red, yellow, green, white); the briefing prints words.
"""

from __future__ import annotations

import re
from dataclasses import replace

from workbench.domain.cases.case import Case
from workbench.domain.cases.nis2 import Sector, sector_for_subsector_alias
from workbench.domain.cases.vocab import vocab_key
from workbench.domain.errors import InvalidInput
from workbench.services.reports.model import SectorImpact

#: The NIS Cooperation Group's impact colours on the analyst's scale of words.
COLOUR_WORDS = {"red": "high", "yellow": "medium", "green": "low", "white": "none"}
_QUALIFIER = re.compile(r"\s*[(:–—-].*$")


def sector_key(text: str) -> str:
    """The sector a row names, for comparison: the NIS2 sector key when the name (without a qualifier such as
    "(electricity)") is a sector or a sub-sector's usual name, else the name itself."""
    for candidate in (text, _QUALIFIER.sub("", text)):
        if not candidate.strip():
            continue
        try:
            return Sector.parse(candidate).value
        except InvalidInput:
            alias = sector_for_subsector_alias(candidate)
            if alias is not None:
                return alias[0].value
    return vocab_key(text)


def severity_word(text: str) -> str:
    """A severity on the one scale the briefing prints: impact colours become words; words stay as written."""
    return COLOUR_WORDS.get(text.strip().lower(), text.strip())


def case_sectors(case: Case, entered: list[SectorImpact]) -> list[SectorImpact]:
    """The analyst's sector rows merged by sector, on one severity scale, with the incident's own sector counted
    once (added when the analyst has no row for it)."""
    rows: list[SectorImpact] = []
    index: dict[str, int] = {}
    for row in entered:
        row = replace(row, severity=severity_word(row.severity))
        key = sector_key(row.sector)
        if key in index:
            first = rows[index[key]]
            rows[index[key]] = replace(
                first,
                incidents=max(first.incidents, row.incidents),
                severity=first.severity or row.severity,
                outlook=first.outlook or row.outlook,
                summary="; ".join(part for part in (first.summary, row.summary) if part),
            )
            continue
        index[key] = len(rows)
        rows.append(row)
    details = case.incident
    if details is None or details.sector is None:
        return rows
    severity = COLOUR_WORDS.get(details.impact_severity.value, "") if details.impact_severity is not None else ""
    outlook = details.outlook.label.lower() if details.outlook is not None else ""
    key = details.sector.value
    if key in index:
        row = rows[index[key]]
        rows[index[key]] = replace(
            row, incidents=row.incidents or 1, severity=row.severity or severity, outlook=row.outlook or outlook
        )
        return rows
    rows.append(SectorImpact(details.sector.label, severity, outlook, 1, f"{case.ref}: {case.title}", case.tlp))
    return rows
