"""Times as analysts type them on the command line: ISO 8601, or relative to now (``now``, ``-40h``, ``+24h``,
``-2d``, ``-30m``, ``now-3h``)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from workbench.domain.timestamps import format_stix_timestamp, utc_now

_RELATIVE = re.compile(r"^\s*(?:now)?\s*(?:([+-])\s*(\d{1,6})\s*([mhdw]))?\s*$", re.IGNORECASE)
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
RELATIVE_HELP = "ISO 8601 (2026-03-01T09:30Z; local time without an offset) or relative: now, -40h, +24h, -2d, -30m"


def resolve_time(text: str | None, now: datetime | None = None) -> str | None:
    """``text`` unchanged unless it is a relative time, which becomes a UTC timestamp counted from ``now``."""
    if text is None:
        return None
    match = _RELATIVE.match(text)
    if not match or not text.strip():
        return text
    sign, amount, unit = match.groups()
    moment = now or utc_now()
    if amount:
        delta = timedelta(**{_UNITS[unit.lower()]: int(amount)})
        moment = moment + delta if sign == "+" else moment - delta
    return format_stix_timestamp(moment)
