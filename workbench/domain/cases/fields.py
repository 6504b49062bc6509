"""The field model of cases: each field declared once, with its label, section and kind.

Case dataclasses declare their fields with ``spec(...)``. Everything else reads that declaration: parsing what an
analyst types or a partner sends (``coerce``), the JSON kept in the workspace and carried in STIX (``to_json``),
what people see (``display``), the JSON schema of the STIX extension, the command line's ``--set`` keys and the
report sections. Re-mapping to another template (common EU reporting templates are expected to become binding)
therefore means changing labels and sections here, or mapping keys in one function, not hunting through layers.
"""

from __future__ import annotations

import dataclasses
import enum
import math
import unicodedata
import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime, tzinfo
from typing import Any, TypeVar

from workbench.domain.cases.nis2 import subsector_label
from workbench.domain.cases.rsit import RsitType, parse_rsit
from workbench.domain.cases.vocab import Vocab
from workbench.domain.errors import InvalidInput
from workbench.domain.timestamps import format_stix_timestamp

MAX_TEXT = 500
MAX_NOTE = 20_000
MAX_COUNT = 10**12
MAX_NUMBER = 1_000_000.0
#: The value of a COUNT_OR_UNKNOWN field whose figure the analyst says is not known (an empty field says nothing).
UNKNOWN = "unknown"
_UNKNOWN_WORDS = {UNKNOWN, "not known", "n/k", "?"}
# Times before this are typing mistakes, not incidents.
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)


class FieldKind(enum.Enum):
    TEXT = "text"  # one line
    NOTE = "note"  # several lines
    CHOICE = "choice"  # one entry of a Vocab
    CHOICES = "choices"  # several entries of a Vocab
    COUNT = "count"  # a whole number, zero or more
    COUNT_OR_UNKNOWN = "count-or-unknown"  # a whole number, zero or more, or UNKNOWN (said outright, unlike empty)
    FLAG = "flag"  # yes or no
    TIME = "time"  # an instant, kept in UTC with millisecond precision
    DATE = "date"  # a calendar date
    RSIT = "rsit"  # an RSIT incident type
    SUBSECTOR = "subsector"  # a NIS2 sub-sector key (checked against the sector by the record)
    NUMBER = "number"  # a decimal number greater than zero (a speed factor)
    REF = "ref"  # the uid of another record of the same case
    REFS = "refs"  # uids of other records of the same case


@dataclasses.dataclass(frozen=True)
class FieldInfo:
    """What the model says about one field."""

    name: str
    label: str
    section: str
    kind: FieldKind
    vocab: type[Vocab] | None
    required: bool
    help: str
    aliases: tuple[str, ...]
    default: Any = None
    #: The report stages (``deadlines.Stage``) whose own report prints this field besides its section.
    stages: tuple[Vocab, ...] = ()

    @property
    def empty(self) -> Any:
        """The value an empty input gives: the declared default, else None (or an empty list)."""
        if self.default is not None:
            return list(self.default) if isinstance(self.default, list) else self.default
        return [] if self.kind in (FieldKind.CHOICES, FieldKind.REFS) else None


def spec(
    label: str,
    section: str = "",
    kind: FieldKind = FieldKind.TEXT,
    vocab: type[Vocab] | None = None,
    *,
    required: bool = False,
    help: str = "",
    default: Any = None,
    aliases: tuple[str, ...] = (),
    stages: tuple[Vocab, ...] = (),
) -> Any:
    """Declare a case field (use as the default of a dataclass attribute).

    ``section`` is the titled block that shows and prints the field; ``stages`` the report stages whose own report
    repeats it (the early warning says whether the act is suspected malicious).
    """
    metadata = {"wb": (label, section, kind, vocab, required, help, aliases, stages)}
    if kind in (FieldKind.CHOICES, FieldKind.REFS):
        initial = list(default or [])
        return dataclasses.field(default_factory=lambda: list(initial), metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


_INFOS: dict[type, tuple[FieldInfo, ...]] = {}


def field_infos(cls: type) -> tuple[FieldInfo, ...]:
    """The declared fields of a case dataclass, in declaration order."""
    cached = _INFOS.get(cls)
    if cached is not None:
        return cached
    found = []
    for item in dataclasses.fields(cls):
        if "wb" in item.metadata:
            label, section, kind, vocab, required, help_text, aliases, stages = item.metadata["wb"]
            if item.default_factory is not dataclasses.MISSING:
                default = item.default_factory() or None
            else:
                default = None if item.default is dataclasses.MISSING else item.default
            found.append(
                FieldInfo(
                    item.name, label, section, kind, vocab, required, help_text, tuple(aliases), default, tuple(stages)
                )
            )
    _INFOS[cls] = tuple(found)
    return _INFOS[cls]


def field_info(cls: type, name: str) -> FieldInfo:
    for info in field_infos(cls):
        if name == info.name or name in info.aliases:
            return info
    known = ", ".join(info.name for info in field_infos(cls))
    raise InvalidInput(f"unknown field {name!r}; known fields: {known}")


# -- reading values ------------------------------------------------------------------------------------------------


def parse_time(value: object, what: str = "time") -> datetime:
    """An instant from an ISO 8601 text or a datetime, in UTC, cut to whole milliseconds.

    A text without an offset is read in this computer's local time zone (what an analyst typing a time means);
    ``Z`` or ``+02:00`` say it outright. Refuses anything else, and times before 1990.
    """
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and value.strip():
        text = value.strip()
        try:
            moment = datetime.fromisoformat(text[:-1] + "+00:00" if text[-1:] in "zZ" else text)
        except ValueError:
            raise InvalidInput(f"{what}: {value!r} is not a date and time; write e.g. 2026-03-01T09:30Z") from None
    else:
        raise InvalidInput(f"{what} is empty; write a date and time, e.g. 2026-03-01T09:30Z")
    moment = moment.astimezone(UTC)  # a naive time is taken as local time here
    moment = moment.replace(microsecond=moment.microsecond // 1000 * 1000)
    if moment < EARLIEST:
        raise InvalidInput(f"{what}: {value!r} is before 1990")
    return moment


def parse_date(value: object, what: str = "date") -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise InvalidInput(f"{what}: {value!r} is not a date; write e.g. 2026-03-01")


def clean_text(value: object, what: str, *, multiline: bool, limit: int) -> str:
    """One line (or several) of printable text, stripped; refuses control characters and overlong text."""
    if not isinstance(value, str):
        raise InvalidInput(f"{what} must be text")
    text = value.strip()
    allowed = "\n\t" if multiline else ""
    if any(unicodedata.category(char) == "Cc" and char not in allowed for char in text):
        lines = "control characters" if multiline else "line breaks or control characters"
        raise InvalidInput(f"{what} contains {lines}")
    if len(text) > limit:
        raise InvalidInput(f"{what} is longer than {limit} characters")
    return text


def parse_uid(value: object, what: str = "record uid") -> str:
    """A record uid: a UUID in its canonical lower-case form."""
    if not isinstance(value, str):
        raise InvalidInput(f"a {what} must be a UUID")
    try:
        parsed = uuid.UUID(value)
    except ValueError:
        raise InvalidInput(f"{what} {value!r} is not a UUID") from None
    if str(parsed) != value:
        raise InvalidInput(f"{what} {value!r} is not a UUID in canonical form")
    return value


def parse_number(value: object, what: str) -> float:
    """A finite decimal number greater than zero (and at most ``MAX_NUMBER``), from a number or its text."""
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            raise InvalidInput(f"{what}: {value!r} is not a number") from None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidInput(f"{what} must be a number")
    number = float(value)
    if not math.isfinite(number) or number <= 0 or number > MAX_NUMBER:
        raise InvalidInput(f"{what} must be a number greater than 0 and at most {MAX_NUMBER:,.0f}")
    return number


_TRUE = {"yes", "y", "true", "1", "on"}
_FALSE = {"no", "n", "false", "0", "off"}


def coerce(info: FieldInfo, raw: object) -> Any:
    """The field's value from what was given (JSON value or command-line text); ``InvalidInput`` if unusable.

    Empty input (None, "", []) gives the empty value; a required field refuses it.
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()) or (isinstance(raw, list) and not raw):
        if info.required:
            raise InvalidInput(f"{info.label} is required")
        return info.empty
    kind = info.kind
    if kind is FieldKind.TEXT:
        return clean_text(raw, info.label, multiline=False, limit=MAX_TEXT)
    if kind is FieldKind.NOTE:
        return clean_text(raw, info.label, multiline=True, limit=MAX_NOTE)
    if kind is FieldKind.CHOICE:
        assert info.vocab is not None
        return info.vocab.parse(raw)
    if kind is FieldKind.CHOICES:
        assert info.vocab is not None
        items = raw.split(",") if isinstance(raw, str) else raw
        if not isinstance(items, list):
            raise InvalidInput(f"{info.label} must be a list")
        values: list[Vocab] = []
        for item in items:
            value = info.vocab.parse(item)
            if value not in values:
                values.append(value)
        return values
    if kind in (FieldKind.COUNT, FieldKind.COUNT_OR_UNKNOWN):
        unknown = kind is FieldKind.COUNT_OR_UNKNOWN
        if unknown and isinstance(raw, str) and raw.strip().lower() in _UNKNOWN_WORDS:
            return UNKNOWN
        if isinstance(raw, str) and raw.strip().replace(",", "").isdigit():
            raw = int(raw.strip().replace(",", ""))  # "1,200" as people write it
        if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0 or raw > MAX_COUNT:
            words = " or 'unknown'" if unknown else ""
            raise InvalidInput(f"{info.label} must be a whole number from 0 to {MAX_COUNT:,}{words}")
        return raw
    if kind is FieldKind.FLAG:
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in _TRUE | _FALSE:
            return raw.strip().lower() in _TRUE
        raise InvalidInput(f"{info.label} must be yes or no")
    if kind is FieldKind.TIME:
        return parse_time(raw, info.label)
    if kind is FieldKind.DATE:
        return parse_date(raw, info.label)
    if kind is FieldKind.RSIT:
        return parse_rsit(raw)
    if kind is FieldKind.SUBSECTOR:
        return clean_text(raw, info.label, multiline=False, limit=MAX_TEXT)
    if kind is FieldKind.NUMBER:
        return parse_number(raw, info.label)
    if kind is FieldKind.REF:
        return parse_uid(raw, f"{info.label} (a record uid)")
    if kind is FieldKind.REFS:
        refs = raw.split(",") if isinstance(raw, str) else raw
        if not isinstance(refs, list):
            raise InvalidInput(f"{info.label} must be a list of record uids")
        uids = [
            parse_uid(item.strip() if isinstance(item, str) else item, f"{info.label} (a record uid)") for item in refs
        ]
        return list(dict.fromkeys(uids))
    raise AssertionError(f"unhandled field kind {kind}")


def to_json(info: FieldInfo, value: Any) -> Any:
    """The JSON form kept in the workspace and carried in STIX; None for an empty value."""
    if value is None or value == []:
        return None
    if isinstance(value, Vocab):
        return value.value
    if isinstance(value, list):
        return [item.value if isinstance(item, Vocab) else item for item in value]
    if isinstance(value, datetime):
        return format_stix_timestamp(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, RsitType):
        return value.key
    return value


def display(info: FieldInfo, value: Any, tz: tzinfo | None = None) -> str:
    """The value as people read it; times in local time (``tz``, default this computer's zone)."""
    if value is None or value == [] or value == "":
        return ""
    if isinstance(value, Vocab):
        return value.label
    if info.kind in (FieldKind.REF, FieldKind.REFS):
        # Record uids mean nothing to people: their first eight digits tell records apart in a list.
        return ", ".join(uid[:8] for uid in (value if isinstance(value, list) else [value]))
    if isinstance(value, list):
        return ", ".join(item.label for item in value)
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return format_local(value, tz)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int) and info.kind in (FieldKind.COUNT, FieldKind.COUNT_OR_UNKNOWN):
        return f"{value:,}"  # 1,200,000 records, not 1200000
    return str(value)


def format_local(moment: datetime, tz: tzinfo | None = None) -> str:
    """``2026-03-29 13:00 CEST``: an instant in local time (``tz``, default this computer's zone)."""
    local = moment.astimezone(tz) if tz is not None else moment.astimezone()
    return local.strftime("%Y-%m-%d %H:%M %Z").strip()


def format_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


# -- records -------------------------------------------------------------------------------------------------------

T = TypeVar("T")


def from_dict(cls: type[T], data: Mapping[str, Any], what: str, *, extra: Mapping[str, Any] | None = None) -> T:
    """Build a case dataclass from a mapping of field keys; refuses unknown keys and invalid values.

    ``extra`` gives values of non-field attributes (``uid``). The class's ``checked()``, when it has one, runs last
    for rules that involve several fields and returns the record normalised.
    """
    if not isinstance(data, Mapping):
        raise InvalidInput(f"{what} must be a JSON object")
    infos = field_infos(cls)
    by_key: dict[str, FieldInfo] = {}
    for info in infos:
        by_key[info.name] = info
        for alias in info.aliases:
            by_key[alias] = info
    values: dict[str, Any] = {}
    for key, raw in data.items():
        found = by_key.get(key)
        if found is None:
            if extra is not None and key in extra:
                continue
            known = ", ".join(item.name for item in infos)
            raise InvalidInput(f"unknown field {key!r} for {what}; known fields: {known}")
        values[found.name] = raw
    kwargs = {info.name: coerce(info, values.get(info.name)) for info in infos}
    kwargs.update(extra or {})
    record = cls(**kwargs)
    checked = getattr(record, "checked", None)
    return checked() if checked is not None else record


def to_dict(record: Any, *, keep_empty: bool = False) -> dict[str, Any]:
    """The JSON form of a case dataclass: field keys to JSON values, empty ones left out."""
    data: dict[str, Any] = {}
    uid = getattr(record, "uid", None)
    if uid:
        data["uid"] = uid
    for info in field_infos(type(record)):
        value = to_json(info, getattr(record, info.name))
        if value is not None or keep_empty:
            data[info.name] = value
    return data


def with_changes(record: T, changes: Mapping[str, Any], what: str) -> T:
    """A copy with some fields changed (given as raw values, keys or aliases); checked like a new record."""
    current = to_dict(record)
    for key, raw in changes.items():
        info = field_info(type(record), key)
        current[info.name] = raw
    uid = current.pop("uid", None)
    extra = {"uid": uid} if uid is not None else None
    return from_dict(type(record), current, what, extra=extra)


def display_lines(record: Any, tz: tzinfo | None = None, *, keep_empty: bool = False) -> list[tuple[FieldInfo, str]]:
    """Every non-empty field (every field with ``keep_empty``, empty ones as "") with its display text, in
    declaration order."""
    lines = []
    for info in field_infos(type(record)):
        value = getattr(record, info.name)
        if info.kind is FieldKind.SUBSECTOR and value:
            text = subsector_label(getattr(record, "sector", None), value)
        else:
            text = display(info, value, tz)
        if text or keep_empty:
            lines.append((info, text))
    return lines
