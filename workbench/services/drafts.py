"""Drafts of what the analyst types, kept inside the encrypted workspace and nowhere else.

Two purposes (the ``drafts`` table's comment says more):

- **named** drafts are saved, listed, reopened and deleted by the analyst (a report form with its briefing text):
  ``save_named``, ``named``, ``get``, ``delete``. A name is unique per kind; saving under a taken name replaces it.
- **kept** drafts hold work found unsaved when the workspace locked (a case's field edits, a report form), so that
  auto-lock never loses it: ``keep`` stores them all in one transaction, ``kept`` lists them at unlocking, and
  ``delete`` removes them once they were restored or discarded. Keeping again under the same kind and name (the
  same case) replaces the older one.

``kind`` says what a draft belongs to (the window uses its screens' keys); ``content`` is any JSON object up to
``MAX_CONTENT_BYTES``. Nothing here is written to the audit log: a draft is the analyst's unfinished text, not an
action on the workspace's data. Bad input raises ``InvalidInput``; nothing is stored then.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from workbench.domain.errors import InvalidInput
from workbench.domain.timestamps import now_stix
from workbench.services.workspace import Workspace
from workbench.storage import drafts as rows
from workbench.storage.database import Connection

NAMED = "named"
KEPT = "kept"
MAX_CONTENT_BYTES = 2 * 1024 * 1024
MAX_NAME_LENGTH = 200


@dataclass(frozen=True)
class Draft:
    """A stored draft; ``modified`` is when it was last saved (UTC, STIX timestamp)."""

    id: int
    purpose: str
    kind: str
    name: str
    content: dict[str, Any]
    created: str
    modified: str


@dataclass(frozen=True)
class KeptWork:
    """Unsaved work to keep at locking: what it belongs to (``kind``, ``name``) and its JSON ``content``."""

    kind: str
    name: str
    content: dict[str, Any]


def _check_name(name: str, what: str = "a draft's name") -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise InvalidInput(f"{what} cannot be empty")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise InvalidInput(f"{what} is longer than {MAX_NAME_LENGTH} characters")
    return cleaned


def _encode(content: dict[str, Any]) -> str:
    if not isinstance(content, dict):
        raise InvalidInput("a draft's content must be a JSON object")
    try:
        text = orjson.dumps(content)
    except (TypeError, orjson.JSONEncodeError) as exc:
        raise InvalidInput(f"the draft cannot be stored: {exc}") from None
    if len(text) > MAX_CONTENT_BYTES:
        raise InvalidInput(f"the draft is larger than {MAX_CONTENT_BYTES // (1024 * 1024)} MB")
    return text.decode()


def _draft(row: rows.DraftRow) -> Draft:
    try:
        content = orjson.loads(row.content)
    except orjson.JSONDecodeError:
        content = {}
    return Draft(
        row.id, row.purpose, row.kind, row.name, content if isinstance(content, dict) else {}, row.created, row.modified
    )


def save_named(ws: Workspace, kind: str, name: str, content: dict[str, Any]) -> Draft:
    """Save ``content`` as the named draft ``name`` of ``kind`` (replacing a draft of that name)."""
    cleaned = _check_name(name)
    text = _encode(content)
    with ws.transaction() as conn:
        draft_id = rows.upsert(conn, NAMED, kind, cleaned, text, now_stix())
    return get(ws.conn, draft_id)


def named(conn: Connection, kind: str) -> list[Draft]:
    """The named drafts of ``kind``, the last saved first."""
    return [_draft(row) for row in rows.rows(conn, NAMED, kind)]


def get(conn: Connection, draft_id: int) -> Draft:
    """One draft; ``InvalidInput`` when it is gone (deleted meanwhile)."""
    found = rows.row(conn, draft_id)
    if found is None:
        raise InvalidInput("this draft no longer exists")
    return _draft(found)


def delete(ws: Workspace, draft_ids: Sequence[int]) -> int:
    """Remove drafts (named or kept) by id; returns how many were removed."""
    with ws.transaction() as conn:
        return rows.delete(conn, list(draft_ids))


def keep(ws: Workspace, work: Sequence[KeptWork]) -> list[int]:
    """Store unsaved work at locking, all of it or nothing, in one transaction; returns the drafts' ids."""
    encoded = [(item.kind, _check_name(item.name), _encode(item.content)) for item in work]
    now = now_stix()
    with ws.transaction() as conn:
        return [rows.upsert(conn, KEPT, kind, name, text, now) for kind, name, text in encoded]


def kept(conn: Connection) -> list[Draft]:
    """Work kept when the workspace last locked, the newest first."""
    return [_draft(row) for row in rows.rows(conn, KEPT)]
