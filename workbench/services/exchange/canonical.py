"""RFC 8785 canonical JSON for signed documents (manifests, receipts), and its strict reading.

What is signed is the exact bytes of the canonical form, so a reader must accept nothing else: duplicate keys,
a constant like NaN, invalid UTF-8, or any other spelling of the same values (spaces, key order, escapes,
number forms) are refused before a single field is looked at.
"""

from __future__ import annotations

import json
from typing import Any

import rfc8785

from workbench.domain.errors import InvalidInput

MAX_SIGNED_DOCUMENT = 256 * 1024


class _DuplicateKey(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def canonical_bytes(document: Any) -> bytes:
    """The RFC 8785 form of a document built by this program (a defect if it cannot be encoded)."""
    return rfc8785.dumps(document)


def parse_canonical(data: bytes, what: str) -> dict[str, Any]:
    """Parse ``data`` as a canonical JSON object; refuses anything ambiguous with a message naming ``what``.

    Guarantees: the result was read from valid UTF-8 with no duplicate key at any depth, and re-encoding it gives
    exactly ``data`` (so the bytes that were signed are the only reading there is).
    """
    if len(data) > MAX_SIGNED_DOCUMENT:
        raise InvalidInput(f"{what} is larger than {MAX_SIGNED_DOCUMENT // 1024} KiB")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInput(f"{what} is not valid UTF-8") from None
    try:
        document = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except _DuplicateKey as exc:
        raise InvalidInput(f"{what} is ambiguous: the key {str(exc)[:60]!r} appears twice") from None
    except RecursionError:
        raise InvalidInput(f"{what} is nested too deeply") from None
    except ValueError as exc:
        raise InvalidInput(f"{what} is not valid JSON: {str(exc)[:120]}") from None
    if not isinstance(document, dict):
        raise InvalidInput(f"{what} is not a JSON object")
    try:
        again = rfc8785.dumps(document)
    except (rfc8785.CanonicalizationError, RecursionError):
        raise InvalidInput(f"{what} holds values that canonical JSON cannot represent") from None
    if again != data:
        raise InvalidInput(f"{what} is not in canonical form (RFC 8785); it was not written by a conforming producer")
    return document
