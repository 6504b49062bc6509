"""What ``workbench case`` reads from the analyst: field values (``--set``, ``--fields``), JSON files, time zones."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from workbench.cli.common import CommandError
from workbench.cli.times import resolve_time
from workbench.domain.cases.case import RecordKind
from workbench.domain.cases.exercise import ExerciseOverview
from workbench.domain.cases.fields import FieldKind, field_infos
from workbench.domain.cases.incident import IncidentDetails
from workbench.domain.errors import InvalidInput

MAX_INPUT_FILE = 16 * 1024 * 1024


def choices_help(vocab: Any) -> str:
    return "one of: " + ", ".join(member.value for member in vocab)


def zone(args: argparse.Namespace) -> ZoneInfo | None:
    if not getattr(args, "tz", None):
        return None
    try:
        return ZoneInfo(args.tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise CommandError(f"unknown time zone {args.tz!r}; use an IANA name such as Europe/Brussels") from None


def read_json_file(path: str) -> Any:
    """A JSON document from a file the analyst names; one clear line for anything unreadable."""
    source = Path(path)
    try:
        if source.stat().st_size > MAX_INPUT_FILE:
            raise InvalidInput(f"{source.name} is larger than {MAX_INPUT_FILE // 1024 // 1024} MiB")
        return json.loads(source.read_bytes())
    except OSError as exc:
        raise InvalidInput(f"cannot read {source.name}: {exc.strerror}") from None
    except (ValueError, RecursionError) as exc:
        raise InvalidInput(f"{source.name} is not valid JSON: {exc}") from None


def field_values(args: argparse.Namespace) -> dict[str, Any]:
    """``--fields FILE`` then ``--set KEY=VALUE`` (which win)."""
    values: dict[str, Any] = {}
    if getattr(args, "fields", None):
        document = read_json_file(args.fields)
        if not isinstance(document, dict):
            raise InvalidInput(f"{Path(args.fields).name} must hold a JSON object of field keys and values")
        values.update(document)
    for item in args.values or []:
        key, separator, value = item.partition("=")
        if not separator or not key.strip():
            raise CommandError(f"--set needs KEY=VALUE, got {item!r}")
        values[key.strip()] = resolve_time(value) if key.strip() in TIME_KEYS else value
    return values


def _time_keys() -> frozenset[str]:
    classes = [IncidentDetails, ExerciseOverview, *(kind.record_class for kind in RecordKind)]
    return frozenset(
        key
        for cls in classes
        for info in field_infos(cls)
        if info.kind is FieldKind.TIME
        for key in (info.name, *info.aliases)
    )


#: The keys of every time field: their --set values may be relative ("-40h").
TIME_KEYS = _time_keys()


# -- handlers --------------------------------------------------------------------------------------------------------
