"""RFC 3339 timestamps as STIX writes them, kept in UTC."""

from __future__ import annotations

import re
from datetime import UTC, datetime

# STIX 2.1 timestamps: RFC 3339 in UTC with a literal Z, any number of fractional digits.
_STIX_TS = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?Z\Z")


def parse_stix_timestamp(text: str) -> datetime | None:
    """Parse a STIX timestamp; None if it is not one (wrong form, impossible date, not UTC)."""
    if not isinstance(text, str):
        return None
    match = _STIX_TS.match(text)
    if not match:
        return None
    year, month, day, hour, minute, second = (int(part) for part in match.groups()[:6])
    fraction = (match.group(7) or "")[:6].ljust(6, "0")
    if second == 60:  # leap second: RFC 3339 allows it, datetime does not
        second = 59
    try:
        return datetime(year, month, day, hour, minute, second, int(fraction), tzinfo=UTC)
    except ValueError:
        return None


def sortable_timestamp(text: str) -> str | None:
    """A STIX timestamp normalised to a fixed width so that strings compare as times do.

    ``2020-01-01T00:00:00Z`` and ``2020-01-01T00:00:00.000Z`` name the same instant and give the same key. Nine
    fractional digits are kept, the precision STIX allows in practice.
    """
    if not isinstance(text, str):
        return None
    match = _STIX_TS.match(text)
    if not match or parse_stix_timestamp(text) is None:
        return None
    fraction = (match.group(7) or "")[:9].ljust(9, "0")
    head = text[:19]
    return f"{head}.{fraction}Z"


def format_stix_timestamp(moment: datetime) -> str:
    """Millisecond precision in UTC with a Z, as most STIX producers write it."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def utc_now() -> datetime:
    return datetime.now(UTC)


def now_stix() -> str:
    return format_stix_timestamp(utc_now())
