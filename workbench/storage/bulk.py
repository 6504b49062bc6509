"""Storing object versions in batches: the same versioning rules as one ``put`` at a time, a fraction of the cost.

One ``put`` costs a handful of SQL statements (look up the current row, look up the version, insert the version,
insert or update the object, index it). A batch looks up all its ids in two queries, decides every outcome in
Python under exactly the rules of ``objects.py`` (a later object of the batch sees the effect of an earlier one, as
it would one statement at a time), and writes each table with one ``executemany``. New rows get their keys from
counters, so that versions and objects are appended at the end of their tables.

``ObjectStore.put`` is a batch of one, so both paths are the same code.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from workbench.domain.errors import InvalidInput
from workbench.domain.exercise_material import is_exercise_material
from workbench.domain.ids import _ID as _STIX_ID
from workbench.domain.stix import MARKING_KEYS, search_fields
from workbench.domain.timestamps import now_stix, sortable_timestamp
from workbench.domain.tlp import level_of_marking, object_tlp
from workbench.storage.authorship import Authorship, StoredAuthor, insert_foreign, known_foreign, stored_authors
from workbench.storage.database import Connection

# SQLite binds at most 32,766 parameters to one statement; stay well below.
_IN_CHUNK = 900
#: An import defers the secondary indexes of ``objects`` once it has added this many objects (and as many as the
#: store held before), see BulkWriter.
DEFER_INDEXES_AFTER = 20_000


@dataclass(slots=True)
class PreparedVersion:
    """One object version ready to store: its columns, full-text fields and references, worked out once."""

    id: str
    type: str
    modified: str  # the sortable version key (see version_key)
    created: str | None
    revoked: bool
    tlp: int | None
    digest: str  # SHA-256 of the content with keys sorted
    json: str  # the object as stored, keys in their incoming order
    name: str
    fts: tuple[str, str, str, str, str]
    refs: list[tuple[str, str]]  # (property path, target id)
    author: str | None = None  # its created_by_ref, when that is text
    exercise: bool = False  # exercise material (domain.exercise_material), kept out of the library


def prepare(
    obj: dict[str, Any],
    *,
    version: str | None = None,
    text: bytes | None = None,
    judged: bool = False,
    level: int | None = None,
) -> PreparedVersion:
    """Work out everything storing ``obj`` needs. ``version`` is its version key and ``text`` its compact JSON
    (orjson's) when the caller knows them already. With ``judged``, ``level`` is the TLP level to show it at as the
    caller's marking judge decided (None for none); otherwise it is worked out from the TLP ids known by id alone.

    Refuses (``InvalidInput``) what JSON cannot hold exactly and a timestamp that is not one.
    """
    stix_id = obj["id"]
    try:
        if text is None:
            text = orjson.dumps(obj)
        digest = hashlib.sha256(orjson.dumps(obj, option=orjson.OPT_SORT_KEYS)).hexdigest()
    except (TypeError, orjson.JSONEncodeError) as exc:
        raise InvalidInput(f"{stix_id}: cannot be stored: {exc}") from None
    fields = search_fields(obj)
    return PreparedVersion(
        stix_id,
        obj["type"],
        version if version is not None else version_key(obj),
        obj.get("created"),
        obj.get("revoked") is True,
        level if judged else _tlp(obj),
        digest,
        text.decode(),
        fields[0],
        fields,
        references(obj, text),
        author if (author := obj.get("created_by_ref")).__class__ is str else None,
        is_exercise_material(obj),
    )


def _tlp(obj: dict[str, Any]) -> int | None:
    """``object_tlp`` of the object, with a short way for the usual case: object markings, no granular ones."""
    refs = obj.get("object_marking_refs")
    if "granular_markings" not in obj and (refs is None or refs.__class__ is list):
        highest = None
        for ref in refs or ():
            level = level_of_marking(ref) if ref.__class__ is str else None
            if level is not None and (highest is None or level > highest):
                highest = level
        return highest
    return object_tlp(obj)


def version_key(obj: dict[str, Any]) -> str:
    """The sortable ``modified`` of a version; ``created`` for objects that have no ``modified``, else ''."""
    for prop in ("modified", "created"):
        value = obj.get(prop)
        if value is not None:
            key = sortable_timestamp(value)
            if key is None:
                raise InvalidInput(f"{obj.get('id', 'object')}: {prop} is not an RFC 3339 timestamp")
            return key
    return ""


def references(obj: dict[str, Any], text: bytes | None = None) -> list[tuple[str, str]]:
    """Every ``(property path, id)`` the object refers to, exactly as ``domain.stix.iter_refs`` finds them
    (``*_ref`` and ``*_refs`` at any depth, not inside external references, and every string citing a marking),
    faster.

    ``text`` is the object's compact JSON (orjson's), where ``_ref":`` can only be the end of a key: when every
    such key is a top-level property already met (``created_by_ref``, ``source_ref``...) holding a string or a
    list, those properties are all there is to look at; otherwise the whole object is walked.
    """
    if text is not None:
        keys_in_text = text.count(b'_ref":') + text.count(b'_refs":')
        if not keys_in_text:
            return []
        top_level = obj.keys() & _reference_keys
        if len(top_level) == keys_in_text:
            found: list[tuple[str, str]] = []
            for key in top_level:
                value = obj[key]
                if key.endswith("_ref"):
                    if value.__class__ is not str:
                        break
                    if _is_id(value):
                        found.append((key, value))
                else:
                    if value.__class__ is not list:
                        break
                    if key in MARKING_KEYS:
                        found.extend([(key, item) for item in value if item.__class__ is str])
                    else:
                        found.extend([(key, item) for item in value if item.__class__ is str and _is_id(item)])
            else:
                return found
        if len(_reference_keys) < 10_000:
            _reference_keys.update(key for key in obj if key.endswith("_ref") or key.endswith("_refs"))
    found = []
    _walk(obj, "", found)
    return found


def _walk(node: dict[str, Any], prefix: str, found: list[tuple[str, str]]) -> None:
    for key, value in node.items():
        if key.__class__ is not str or key == "external_references":
            continue
        cls = value.__class__
        if cls is str:
            if key.endswith("_ref") and (key in MARKING_KEYS or _is_id(value)):
                found.append((f"{prefix}.{key}" if prefix else key, value))
        elif cls is list:
            if key.endswith("_refs"):
                path = f"{prefix}.{key}" if prefix else key
                marking = key in MARKING_KEYS
                found.extend((path, item) for item in value if item.__class__ is str and (marking or _is_id(item)))
            else:
                _walk_list(value, f"{prefix}.{key}" if prefix else key, found)
        elif cls is dict:
            _walk(value, f"{prefix}.{key}" if prefix else key, found)


def _walk_list(items: list[Any], prefix: str, found: list[tuple[str, str]]) -> None:
    for item in items:
        cls = item.__class__
        if cls is dict:
            _walk(item, prefix, found)
        elif cls is list:
            _walk_list(item, prefix, found)


# Top-level property names ending in _ref or _refs met so far.
_reference_keys: set[str] = set()

# Identifiers already found well-formed: objects refer to the same markings and identities again and again.
_known_ids: set[str] = set()


def _is_id(value: str) -> bool:
    if value in _known_ids:
        return True
    if _STIX_ID.match(value) is None or "---" in value:
        return False
    if len(_known_ids) > 50_000:
        _known_ids.clear()
    _known_ids.add(value)
    return True


class BulkWriter:
    """Writes batches of prepared versions from one source, inside the caller's open transaction.

    A large import (more new objects than the store held before it, and at least ``DEFER_INDEXES_AFTER``) drops
    the secondary indexes of ``objects`` once it gets there and builds them again in ``finish``: inserting rows at
    random places of five indexes costs several times what sorting them once does. The unique indexes stay, and
    everything happens inside the caller's transaction, so a failure or a kill leaves the indexes as they were.
    Call ``finish`` before committing.

    With an ``authorship`` (an import from outside), a version of a stored object that its sender did not author
    is not stored as a version: it is kept in ``foreign_versions`` (outcome "foreign"), see ``storage.authorship``.
    """

    def __init__(
        self,
        conn: Connection,
        source_id: int,
        *,
        defer_indexes: bool = True,
        authorship: Authorship | None = None,
        source_kind: str = "file",
        source_key: str | None = None,
    ) -> None:
        self.conn = conn
        self.source_id = source_id
        self.authorship = authorship
        self._source_kind = source_kind
        self._source_key = source_key
        #: Why each version of the last ``write`` whose outcome is "foreign" was kept aside, by its index.
        self.foreign_reasons: dict[int, str] = {}
        self._next_vid = int(conn.execute("SELECT coalesce(max(vid), 0) FROM object_versions").fetchone()[0]) + 1
        #: The vid of the first version this writer stores: every version it stores has this vid or a higher one.
        self.first_vid = self._next_vid
        self._next_rowid = int(conn.execute("SELECT coalesce(max(rowid), 0) FROM objects").fetchone()[0]) + 1
        self._defer_after = max(DEFER_INDEXES_AFTER, self._next_rowid) if defer_indexes else None
        self._first_rowid = self._next_rowid
        self._dropped: list[str] = []  # CREATE INDEX statements to run again in finish()
        # A migration's Python step may store objects before the schema has the exercise flag (version 0009).
        self._flagged = any(row[1] == "exercise" for row in conn.execute("PRAGMA table_info(objects)"))

    def finish(self) -> None:
        """Build again any index dropped during the import. The writer can be used again afterwards."""
        for sql in self._dropped:
            self.conn.execute(sql)
        self._dropped = []

    def _maybe_defer_indexes(self) -> None:
        if self._defer_after is None or self._next_rowid - self._first_rowid < self._defer_after:
            return
        self._defer_after = None
        for name, sql in self.conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'objects' AND sql IS NOT NULL"
        ).fetchall():
            if sql.lstrip().upper().startswith("CREATE UNIQUE"):
                continue
            self.conn.execute(f'DROP INDEX "{name}"')
            self._dropped.append(sql)

    def write(self, batch: Sequence[PreparedVersion]) -> list[str]:
        """Store a batch; returns each item's outcome (``Outcome`` values: "new", "new_version", ...)."""
        from workbench.storage.objects import Outcome  # the enum lives with the single-object API

        conn, source_id = self.conn, self.source_id
        ids = list(dict.fromkeys(item.id for item in batch))
        # id -> [rowid, modified, versions, vid, revoked, existed before this batch]
        current: dict[str, list[Any]] = {
            row[0]: [row[1], row[2], row[3], row[4], row[5], True]
            for row in _select_in(
                conn, "SELECT id, rowid, modified, versions, vid, revoked FROM objects WHERE id IN ({marks})", ids
            )
        }
        previous = {stix_id: state[3] for stix_id, state in current.items()}  # current vid before this batch
        # id -> {modified: (vid, digest, revoked)} for the ids already stored
        versions: dict[str, dict[str, tuple[int, str, bool]]] = {}
        for stix_id, modified, vid, digest, revoked in _select_in(
            conn,
            "SELECT id, modified, vid, content_sha256, revoked FROM object_versions WHERE id IN ({marks})",
            list(current),
        ):
            versions.setdefault(stix_id, {})[modified] = (vid, digest, bool(revoked))

        outcomes: list[str] = []
        version_rows: list[tuple[Any, ...]] = []
        conflict_rows: list[tuple[Any, ...]] = []
        foreign: list[tuple[int, PreparedVersion, str]] = []  # (index in outcomes, version, reason)
        self.foreign_reasons = {}
        authorship = self.authorship
        authors = stored_authors(conn, list(current)) if authorship is not None and current else {}
        # id -> the version that became current in this batch, or None if only counters changed
        touched: dict[str, PreparedVersion | None] = {}
        now = now_stix() if batch else ""
        for item in batch:
            state = current.get(item.id)
            known = versions.setdefault(item.id, {})
            if state is not None:
                same = known.get(item.modified)
                if same is not None:
                    if same[1] == item.digest:
                        outcomes.append(Outcome.UNCHANGED.value)
                    else:
                        conflict_rows.append((item.id, item.modified, same[0], item.digest, item.json, source_id, now))
                        outcomes.append(Outcome.CONFLICT.value)
                    continue
            if authorship is not None:
                if state is None:
                    refusal = authorship.judge_new(item.id, item.author)
                    if refusal is None:
                        authors[item.id] = StoredAuthor(item.author, self._source_kind, self._source_key)
                else:
                    refusal = authors[item.id].refusal(item.id, authorship)
                if refusal is not None:
                    foreign.append((len(outcomes), item, refusal))
                    outcomes.append(Outcome.FOREIGN.value)
                    continue
            vid = self._next_vid
            self._next_vid += 1
            version_rows.append(
                (vid, item.id, item.type, item.modified, int(item.revoked), item.tlp, item.digest, item.json, source_id)
            )
            known[item.modified] = (vid, item.digest, item.revoked)
            if state is None:
                current[item.id] = [self._next_rowid, item.modified, 1, vid, int(item.revoked), False]
                self._next_rowid += 1
                touched[item.id] = item
                outcomes.append(Outcome.NEW.value)
                continue
            state[2] += 1
            if item.revoked:
                state[4] = 1
                touched.setdefault(item.id, None)
                outcomes.append(Outcome.NEW_VERSION.value if item.modified > state[1] else Outcome.OLDER.value)
                continue
            # The newest non-revoked version is current: an older one becomes current when all others are revoked.
            revoked_only = all(revoked for other_vid, _, revoked in known.values() if other_vid != vid)
            if item.modified > state[1] or revoked_only:
                state[1], state[3] = item.modified, vid
                touched[item.id] = item
                outcomes.append(Outcome.NEW_VERSION.value)
            else:
                touched.setdefault(item.id, None)
                outcomes.append(Outcome.OLDER.value)
        if foreign:
            self._keep_foreign(foreign, outcomes, now)
        self._flush(version_rows, conflict_rows, touched, current, previous)
        self._maybe_defer_indexes()
        return outcomes

    def _keep_foreign(self, foreign: list[tuple[int, PreparedVersion, str]], outcomes: list[str], now: str) -> None:
        """Keep foreign versions aside; one already kept (same id, modified and content) is unchanged."""
        from workbench.storage.objects import Outcome

        kept = known_foreign(self.conn, list({item.id for _, item, _ in foreign}))
        rows = []
        for index, item, reason in foreign:
            self.foreign_reasons[index] = reason
            key = (item.id, item.modified, item.digest)
            if key in kept:
                outcomes[index] = Outcome.UNCHANGED.value
                continue
            kept.add(key)
            rows.append((item.id, item.type, item.modified, item.digest, item.json, self.source_id, reason, now))
        insert_foreign(self.conn, rows)

    def _flush(
        self,
        version_rows: list[tuple[Any, ...]],
        conflict_rows: list[tuple[Any, ...]],
        touched: dict[str, PreparedVersion | None],
        current: dict[str, list[Any]],
        previous: dict[str, int],
    ) -> None:
        conn, source_id = self.conn, self.source_id
        object_rows: list[tuple[Any, ...]] = []
        counter_updates: list[tuple[Any, ...]] = []
        row_updates: list[tuple[Any, ...]] = []
        stale_rows: list[tuple[int]] = []
        stale_vids: list[int] = []  # versions that stop being current: their references leave the index
        fts_rows: list[tuple[Any, ...]] = []
        ref_rows: list[tuple[str, int, str]] = []
        for stix_id, item in touched.items():
            rowid, _modified, count, vid, revoked, existed = current[stix_id]
            if item is None:
                counter_updates.append((count, revoked, rowid))
                continue
            if existed:
                row_updates.append(
                    (
                        item.type,
                        item.name,
                        item.created,
                        item.modified,
                        item.tlp,
                        *((int(item.exercise),) if self._flagged else ()),
                        vid,
                        source_id,
                        count,
                        revoked,
                        rowid,
                    )
                )
                stale_rows.append((rowid,))
                stale_vids.append(previous[stix_id])
            else:
                object_rows.append(
                    (
                        rowid,
                        stix_id,
                        item.type,
                        item.name,
                        item.created,
                        item.modified,
                        item.tlp,
                        *((int(item.exercise),) if self._flagged else ()),
                        revoked,
                        vid,
                        source_id,
                        count,
                    )
                )
            if not item.exercise:  # searches never find exercise material
                fts_rows.append((rowid, *item.fts))
            ref_rows.extend([(target, rowid, prop) for prop, target in item.refs])
        # In key order, each batch touches the pages of the id indexes in one sweep instead of at random.
        version_rows.sort(key=_second)
        object_rows.sort(key=_second)
        ref_rows.sort()
        if version_rows:
            conn.executemany(
                "INSERT INTO object_versions (vid, id, type, modified, revoked, tlp, content_sha256, json, source_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                version_rows,
            )
        flag, mark, set_flag = (", exercise", ", ?", ", exercise = ?") if self._flagged else ("", "", "")
        if object_rows:
            conn.executemany(
                f"INSERT INTO objects (rowid, id, type, name, created, modified, tlp{flag}, revoked, vid, source_id,"
                f" versions) VALUES (?, ?, ?, ?, ?, ?, ?{mark}, ?, ?, ?, ?)",
                object_rows,
            )
        if conflict_rows:
            conn.executemany(
                "INSERT OR IGNORE INTO conflicts (id, modified, existing_vid, content_sha256, json, source_id,"
                " detected_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                conflict_rows,
            )
        if counter_updates:
            conn.executemany("UPDATE objects SET versions = ?, revoked = ? WHERE rowid = ?", counter_updates)
        if row_updates:
            conn.executemany(
                f"UPDATE objects SET type = ?, name = ?, created = ?, modified = ?, tlp = ?{set_flag}, vid = ?,"
                " source_id = ?, versions = ?, revoked = ? WHERE rowid = ?",
                row_updates,
            )
        if stale_rows:
            conn.executemany("DELETE FROM object_fts WHERE rowid = ?", stale_rows)
            stale_refs = [
                (target, current[stix_id][0], prop)
                for stix_id, text in _select_in(
                    conn, "SELECT id, json FROM object_versions WHERE vid IN ({marks})", stale_vids
                )
                for prop, target in references(orjson.loads(text))
            ]
            conn.executemany("DELETE FROM object_refs WHERE to_id = ? AND from_rowid = ? AND property = ?", stale_refs)
        if fts_rows:
            conn.executemany(
                "INSERT INTO object_fts (rowid, name, description, pattern, observables, extra)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                fts_rows,
            )
        if ref_rows:
            conn.executemany(
                "INSERT OR IGNORE INTO object_refs (to_id, from_rowid, property) VALUES (?, ?, ?)", ref_rows
            )


def _second(row: tuple[Any, ...]) -> Any:
    return row[1]


def _select_in(conn: Connection, sql: str, keys: Sequence[Any]) -> Iterator[tuple[Any, ...]]:
    for start in range(0, len(keys), _IN_CHUNK):
        chunk = keys[start : start + _IN_CHUNK]
        yield from conn.execute(sql.format(marks=",".join("?" * len(chunk))), chunk)
