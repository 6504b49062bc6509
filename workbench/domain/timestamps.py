"""RFC 3339 timestamps as STIX writes them, kept in UTC."""

from __future__ import annotations

import re
from datetime import UTC, datetime

# STIX 2.1 timestamps: RFC 3339 in UTC with a literal Z, any number of fractional digits; ASCII digits only (``\d``
# alone would take any script's digits, which ``int`` reads as well).
_STIX_TS = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?Z\Z", re.ASCII)


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


def sortable_timestamp(text: object) -> str | None:
    """A STIX timestamp normalised to a fixed width so that strings compare as times do; None if it is not one
    (wrong form, impossible date, not UTC).

    ``2020-01-01T00:00:00Z`` and ``2020-01-01T00:00:00.000Z`` name the same instant and give the same key. Nine
    fractional digits are kept, the precision STIX allows in practice. The importer asks for every timestamp of
    every object, so recent answers are remembered (files repeat the same few timestamps thousands of times) and
    the date is checked without building a ``datetime``.
    """
    if not isinstance(text, str):
        return None
    key = _sortable_keys.get(text)
    if key is not None or text in _sortable_keys:
        return key
    key = _sortable(text)
    if len(_sortable_keys) > 20_000:
        _sortable_keys.clear()
    _sortable_keys[text] = key
    return key


_sortable_keys: dict[str, str | None] = {}
_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _sortable(text: str) -> str | None:
    match = _STIX_TS.match(text)
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction = match.groups()
    # Two ASCII digits compare as strings as they do as numbers: no int() but for the days past the 28th.
    if not (
        "01" <= month <= "12" and day != "00" and hour <= "23" and minute <= "59" and second <= "60" and year != "0000"
    ):
        return None
    if day > "28":
        number, year_number = int(month), int(year)
        leap = number == 2 and year_number % 4 == 0 and (year_number % 100 != 0 or year_number % 400 == 0)
        if int(day) > _DAYS[number - 1] + leap:
            return None
    if fraction is None:
        return text[:19] + ".000000000Z"
    return f"{text[:19]}.{fraction[:9].ljust(9, '0')}Z"


def format_stix_timestamp(moment: datetime) -> str:
    """Millisecond precision in UTC with a Z, as most STIX producers write it."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def utc_now() -> datetime:
    return datetime.now(UTC)


def now_stix() -> str:
    return format_stix_timestamp(utc_now())
