"""Reading STIX objects as plain dicts: what to call them, what to index, what they point at.

These helpers never validate; the importer does. They accept any dict and pick out what they can.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from workbench.domain.ids import canonical_id, is_stix_id

# STIX 2.1 Cyber-observable types (SCOs): no created/modified, deterministic ids.
SCO_TYPES = frozenset(
    {
        "artifact",
        "autonomous-system",
        "directory",
        "domain-name",
        "email-addr",
        "email-message",
        "file",
        "ipv4-addr",
        "ipv6-addr",
        "mac-addr",
        "mutex",
        "network-traffic",
        "process",
        "software",
        "url",
        "user-account",
        "windows-registry-key",
        "x509-certificate",
    }
)
SRO_TYPES = frozenset({"relationship", "sighting"})
META_TYPES = frozenset({"marking-definition", "language-content", "extension-definition"})

# The property that names an SCO when it has no `name`.
_SCO_NAME_PROPERTIES = ("value", "name", "path", "key", "user_id", "account_login", "subject", "number", "pid")


def is_sco(obj: dict[str, Any]) -> bool:
    return obj.get("type") in SCO_TYPES


def display_name(obj: dict[str, Any]) -> str:
    """A short human name for lists: `name`, or the value of an observable, or what a relationship says."""
    name = obj.get("name")
    if isinstance(name, str) and name:
        return name
    kind = obj.get("type")
    if kind == "relationship":
        return str(obj.get("relationship_type") or "related-to")
    if kind == "sighting":
        return "sighting"
    if kind == "note":
        return str(obj.get("abstract") or (obj.get("content") or "")[:80])
    if kind == "opinion":
        return str(obj.get("opinion") or "")
    for prop in _SCO_NAME_PROPERTIES:
        value = obj.get(prop)
        if isinstance(value, (str, int)) and not isinstance(value, bool) and value != "":
            return str(value)
    hashes = obj.get("hashes")
    if isinstance(hashes, dict):
        for value in hashes.values():
            if isinstance(value, str):
                return value
    return ""


#: Where markings are cited: every string there is a reference, well-formed or not, so that a marking the program
#: cannot read as an id is still seen (and judged not understood) rather than missed (and read as unmarked).
MARKING_KEYS = frozenset({"object_marking_refs", "marking_ref"})


def iter_refs(obj: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """Every ``(property, id)`` the object refers to: ``*_ref`` and ``*_refs`` at any depth, and every string that
    cites a marking (``MARKING_KEYS``).

    Depth is bounded by the importer's limits; external references are skipped (they hold no STIX ids).
    """
    stack: list[tuple[str, Any]] = [("", obj)]
    while stack:
        prefix, node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if not isinstance(key, str) or key == "external_references":
                    continue
                path = f"{prefix}.{key}" if prefix else key
                marking = key in MARKING_KEYS
                if key.endswith("_ref") and isinstance(value, str):
                    if marking or is_stix_id(value):
                        yield path, value
                elif key.endswith("_refs") and isinstance(value, list):
                    for item in value:
                        if isinstance(item, str) and (marking or is_stix_id(item)):
                            yield path, item
                elif isinstance(value, (dict, list)):
                    stack.append((path, value))
        elif isinstance(node, list):
            for item in node:
                if isinstance(item, (dict, list)):
                    stack.append((prefix, item))


def _strings(node: Any, skip: frozenset[str] = frozenset()) -> Iterator[str]:
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(value for key, value in item.items() if key not in skip and not str(key).endswith("_ref"))
        elif isinstance(item, list):
            stack.extend(item)


_SCO_SKIP = frozenset(
    {
        "type",
        "id",
        "spec_version",
        "defanged",
        "object_marking_refs",
        "granular_markings",
        "extensions",
        "encoding",
        "mime_type",
        "payload_bin",
    }
)


def observable_values(obj: dict[str, Any]) -> list[str]:
    """The values an analyst searches for: addresses, domains, URLs, hashes, file names, registry keys.

    From an SCO's own properties, and from the SCOs embedded in a STIX 2.0-style ``observed-data``.
    """
    values: list[str] = []
    if is_sco(obj):
        values.extend(_strings({k: v for k, v in obj.items() if not k.endswith("_refs")}, _SCO_SKIP))
    embedded = obj.get("objects")
    if obj.get("type") == "observed-data" and isinstance(embedded, dict):
        for sco in embedded.values():
            if isinstance(sco, dict):
                values.extend(_strings(sco, _SCO_SKIP))
    return values


_DESCRIPTION_PROPERTIES = ("description", "content", "explanation", "abstract")
_EXTRA_LIST_PROPERTIES = (
    "aliases",
    "x_mitre_aliases",
    "labels",
    "roles",
    "sectors",
    "malware_types",
    "threat_actor_types",
    "indicator_types",
    "tool_types",
    "report_types",
)


def search_fields(obj: dict[str, Any]) -> tuple[str, str, str, str, str]:
    """The five full-text columns: name, description, pattern, observable values, other names and external ids.

    Called for every object an import stores, so written for speed: no generator expressions, one lookup each.
    """
    get = obj.get
    name = display_name(obj)
    description = "\n".join([part for part in map(get, _DESCRIPTION_PROPERTIES) if isinstance(part, str)])
    pattern = get("pattern")
    if not isinstance(pattern, str):
        pattern = ""
    kind = get("type")
    observables = "\n".join(observable_values(obj)) if kind in SCO_TYPES or kind == "observed-data" else ""
    extra: list[str] = []
    for prop in _EXTRA_LIST_PROPERTIES:
        value = get(prop)
        if value is not None and isinstance(value, list):
            extra.extend([item for item in value if isinstance(item, str)])
    references = get("external_references")
    if isinstance(references, list):
        for reference in references:
            if isinstance(reference, dict):
                external_id = reference.get("external_id")
                if isinstance(external_id, str):
                    extra.append(external_id)
                source_name = reference.get("source_name")
                if isinstance(source_name, str):
                    extra.append(source_name)
    phases = get("kill_chain_phases")
    if isinstance(phases, list):
        for phase in phases:
            if isinstance(phase, dict) and isinstance(phase.get("phase_name"), str):
                extra.append(phase["phase_name"])
    # The object's id is not indexed: its random UUID would add unique words to the index for every object (a
    # third of the cost of indexing); ObjectStore.search finds an object by its id directly instead.
    return name, description, pattern, observables, "\n".join(extra)


def with_canonical_ids(obj: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``obj`` with its id, every reference and every extension-definition key in canonical form (the
    UUID in lower case, ``ids.canonical_id``); values that are not ids are left as they are."""

    def convert(node: Any, key: str | None) -> Any:
        if isinstance(node, dict):
            return {
                (canonical_id(name) or name) if key == "extensions" else name: convert(value, name)
                for name, value in node.items()
            }
        if isinstance(node, list):
            return [convert(item, key) for item in node]
        if isinstance(node, str) and key is not None and (key == "id" or key.endswith("_ref") or key.endswith("_refs")):
            return canonical_id(node) or node
        return node

    converted: dict[str, Any] = convert(obj, None)
    # External references hold no STIX ids; their values stay exactly as written.
    if "external_references" in obj:
        converted["external_references"] = obj["external_references"]
    return converted
