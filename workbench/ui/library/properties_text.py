"""An object's properties as plain text for people: one ``Label: value`` line each, lists as bullets."""

from __future__ import annotations

from typing import Any

import orjson

_FIRST = ("name", "type", "id", "created", "modified", "description")
_SKIPPED = frozenset({"spec_version"})


def _label(key: str) -> str:
    return key.replace("_", " ").capitalize()


def _value(value: Any, indent: str) -> str:
    if isinstance(value, str):
        return value.replace("\n", "\n" + indent + "  ")
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)) or value is None:
        return str(value)
    text = orjson.dumps(value, option=orjson.OPT_INDENT_2).decode()
    return "\n" + "\n".join(indent + "  " + line for line in text.splitlines())


def properties_text(obj: dict[str, Any]) -> str:
    """The object's properties in a fixed, readable order: name, type, id, times, description, then the rest.

    The result is meant for a plain-text widget; nothing in it is ever interpreted as markup.
    """
    keys = [key for key in _FIRST if key in obj] + [key for key in obj if key not in _FIRST and key not in _SKIPPED]
    lines: list[str] = []
    for key in keys:
        value = obj[key]
        if isinstance(value, list) and all(isinstance(item, (str, int, float)) for item in value):
            lines.append(f"{_label(key)}:")
            lines.extend(f"  • {item}" for item in value)
        else:
            lines.append(f"{_label(key)}: {_value(value, '')}")
    return "\n".join(lines)
