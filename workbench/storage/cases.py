"""Case rows: the SQL behind the case services. Writes join the caller's open transaction and never commit.

The services layer turns rows into the domain's ``Case`` and back; this module knows only columns and JSON text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from workbench.storage.database import Connection, inserted_rowid
from workbench.storage.objects import fts_query

_COLUMN_NAMES = (
    "id",
    "ref",
    "kind",
    "stix_id",
    "grouping_ref",
    "title",
    "status",
    "tlp",
    "sector",
    "member_state",
    "starts_at",
    "creator_ref",
    "origin",
    "origin_ref",
    "created",
    "modified",
    "description",
    "details",
)
_CASE_COLUMNS = ", ".join(_COLUMN_NAMES)
_PREFIXED_COLUMNS = ", ".join("c." + name for name in _COLUMN_NAMES)


@dataclass
class CaseRow:
    """One row of ``cases``; ``details`` is the decoded JSON."""

    id: int | None
    ref: str
    kind: str
    stix_id: str
    grouping_ref: str | None
    title: str
    status: str
    tlp: int | None
    sector: str | None
    member_state: str | None
    starts_at: str | None
    creator_ref: str
    origin: str
    origin_ref: str | None
    created: str
    modified: str
    description: str
    details: dict[str, Any]


@dataclass
class RecordRow:
    """One row of ``case_records``; ``data`` is the decoded JSON."""

    kind: str
    uid: str
    position: int
    sort_at: str | None
    created: str
    modified: str
    data: dict[str, Any]


@dataclass(frozen=True)
class LinkRow:
    object_id: str
    origin: str
    linked_at: str
    #: 'linked', or 'asset' for the victim's own host, address or account (see migration 0005).
    role: str = "linked"


@dataclass(frozen=True)
class SnapshotRow:
    """What a submitted stage said, frozen when the submission was recorded; ``content`` is the decoded JSON."""

    stage_uid: str
    report_id: str
    rendered_at: str
    pdf_sha256: str
    content: dict[str, Any]


@dataclass(frozen=True)
class CaseQuery:
    """Filters of the case list; None means no filter on that column."""

    kind: str | None = None
    statuses: Sequence[str] | None = None
    sector: str | None = None
    member_state: str | None = None
    text: str | None = None
    linked_object: str | None = None
    #: A key of ``ORDERS``; ties are broken by the case number, so that pages never overlap.
    order: str = "modified"
    descending: bool = True
    limit: int = 500
    offset: int = 0


#: The orders the case list can be sorted in, as SQL expressions over ``c`` (cases).
ORDERS = {
    "modified": "c.modified",
    "ref": "c.ref",
    "kind": "c.kind",
    "title": "c.title COLLATE NOCASE",
    "status": "c.status",
    "tlp": "c.tlp",
    "sector": "c.sector",
    "member_state": "c.member_state",
    "starts_at": "c.starts_at",
}


def _case_row(row: Sequence[Any]) -> CaseRow:
    values = list(row)
    values[-1] = orjson.loads(values[-1])
    return CaseRow(*values)


class CaseStore:
    """Queries over one connection."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # -- cases ----------------------------------------------------------------------------------------------------

    def next_ref(self, prefix: str, year: int) -> str:
        """The next free reference ``PREFIX-YEAR-NNNN`` (numbers run per prefix and year)."""
        stem = f"{prefix}-{year:04d}-"
        # A range over the unique index (not LIKE, which scans): every reference of this prefix and year.
        row = self.conn.execute(
            "SELECT max(CAST(substr(ref, ?) AS INTEGER)) FROM cases WHERE ref >= ? AND ref < ?",
            (len(stem) + 1, stem, stem[:-1] + "."),
        ).fetchone()
        number = (row[0] or 0) + 1 if row else 1
        return f"{stem}{number:04d}"

    def insert(self, row: CaseRow) -> int:
        cursor = self.conn.execute(
            f"INSERT INTO cases ({_CASE_COLUMNS}) VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                row.ref,
                row.kind,
                row.stix_id,
                row.grouping_ref,
                row.title,
                row.status,
                row.tlp,
                row.sector,
                row.member_state,
                row.starts_at,
                row.creator_ref,
                row.origin,
                row.origin_ref,
                row.created,
                row.modified,
                row.description,
                orjson.dumps(row.details).decode(),
            ),
        )
        row.id = inserted_rowid(cursor)
        return row.id

    def update(self, row: CaseRow) -> None:
        assert row.id is not None
        self.conn.execute(
            "UPDATE cases SET title = ?, status = ?, tlp = ?, sector = ?, member_state = ?, starts_at = ?,"
            " origin = ?, origin_ref = ?, modified = ?, description = ?, details = ? WHERE id = ?",
            (
                row.title,
                row.status,
                row.tlp,
                row.sector,
                row.member_state,
                row.starts_at,
                row.origin,
                row.origin_ref,
                row.modified,
                row.description,
                orjson.dumps(row.details).decode(),
                row.id,
            ),
        )

    def find(self, ident: str) -> CaseRow | None:
        """A case by its reference (any case), its STIX id, or its number."""
        ident = ident.strip()
        # References are stored in capitals; comparing the upper-cased input keeps the lookup on the index.
        row = self.conn.execute(
            f"SELECT {_CASE_COLUMNS} FROM cases WHERE ref = ? OR stix_id = ?", (ident.upper(), ident)
        ).fetchone()
        if row is None and ident.isdigit():
            row = self.conn.execute(f"SELECT {_CASE_COLUMNS} FROM cases WHERE id = ?", (int(ident),)).fetchone()
        return _case_row(row) if row else None

    def by_stix_id(self, stix_id: str) -> CaseRow | None:
        row = self.conn.execute(f"SELECT {_CASE_COLUMNS} FROM cases WHERE stix_id = ?", (stix_id,)).fetchone()
        return _case_row(row) if row else None

    def query(self, query: CaseQuery) -> list[CaseRow]:
        """Cases matching every given filter, in ``query.order`` (most recently changed first by default).

        ``query.order`` must be a key of ``ORDERS`` (``KeyError`` otherwise: it never comes from input)."""
        where: list[str] = []
        args: list[Any] = []
        if query.kind:
            where.append("c.kind = ?")
            args.append(query.kind)
        if query.statuses:
            where.append(f"c.status IN ({','.join('?' * len(query.statuses))})")
            args.extend(query.statuses)
        if query.sector:
            where.append("c.sector = ?")
            args.append(query.sector)
        if query.member_state:
            where.append("c.member_state = ?")
            args.append(query.member_state)
        if query.linked_object:
            where.append("c.id IN (SELECT case_id FROM case_objects WHERE object_id = ?)")
            args.append(query.linked_object)
        if query.text:
            where.append("c.id IN (SELECT rowid FROM case_fts WHERE case_fts MATCH ?)")
            args.append(fts_query(query.text))
        sql = f"SELECT {_PREFIXED_COLUMNS} FROM cases c"
        if where:
            sql += " WHERE " + " AND ".join(where)
        direction = "DESC" if query.descending else "ASC"
        sql += f" ORDER BY {ORDERS[query.order]} {direction}, c.id {direction} LIMIT ? OFFSET ?"
        args += [query.limit, query.offset]
        return [_case_row(row) for row in self.conn.execute(sql, args)]

    def stix_ids(self) -> set[str]:
        """The STIX ids that stand for cases: every case's own id and its incident grouping's."""
        found: set[str] = set()
        for stix_id, grouping_ref in self.conn.execute("SELECT stix_id, grouping_ref FROM cases"):
            found.add(stix_id)
            if grouping_ref:
                found.add(grouping_ref)
        return found

    def count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM cases").fetchone()[0])

    # -- records --------------------------------------------------------------------------------------------------

    def records(self, case_id: int) -> list[RecordRow]:
        return [
            RecordRow(kind, uid, position, sort_at, created, modified, orjson.loads(data))
            for kind, uid, position, sort_at, created, modified, data in self.conn.execute(
                "SELECT kind, uid, position, sort_at, created, modified, data FROM case_records"
                " WHERE case_id = ? ORDER BY kind, position, id",
                (case_id,),
            )
        ]

    def put_record(self, case_id: int, row: RecordRow) -> None:
        """Insert a record, or replace the one with the same kind and uid (keeping its creation time)."""
        self.conn.execute(
            "INSERT INTO case_records (case_id, kind, uid, position, sort_at, created, modified, data)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (case_id, kind, uid) DO UPDATE SET position = excluded.position,"
            " sort_at = excluded.sort_at, modified = excluded.modified, data = excluded.data",
            (
                case_id,
                row.kind,
                row.uid,
                row.position,
                row.sort_at,
                row.created,
                row.modified,
                orjson.dumps(row.data).decode(),
            ),
        )

    def records_of_kind(self, case_ids: Sequence[int], kind: str) -> dict[int, list[dict[str, Any]]]:
        """The data of one kind of record for many cases at once (the case list's stage submissions)."""
        found: dict[int, list[dict[str, Any]]] = {case_id: [] for case_id in case_ids}
        for start in range(0, len(case_ids), 500):
            batch = list(case_ids[start : start + 500])
            marks = ",".join("?" * len(batch))
            for case_id, data in self.conn.execute(
                f"SELECT case_id, data FROM case_records WHERE kind = ? AND case_id IN ({marks})"
                " ORDER BY case_id, position",
                [kind, *batch],
            ):
                found[case_id].append(orjson.loads(data))
        return found

    def delete_record(self, case_id: int, kind: str, uid: str) -> bool:
        cursor = self.conn.execute(
            "DELETE FROM case_records WHERE case_id = ? AND kind = ? AND uid = ?", (case_id, kind, uid)
        )
        return cursor.rowcount > 0

    def delete_records(self, case_id: int, kinds: Iterable[str] | None = None) -> None:
        if kinds is None:
            self.conn.execute("DELETE FROM case_records WHERE case_id = ?", (case_id,))
            return
        for kind in kinds:
            self.conn.execute("DELETE FROM case_records WHERE case_id = ? AND kind = ?", (case_id, kind))

    def next_position(self, case_id: int, kind: str) -> int:
        row = self.conn.execute(
            "SELECT max(position) FROM case_records WHERE case_id = ? AND kind = ?", (case_id, kind)
        ).fetchone()
        return (row[0] or 0) + 1

    # -- linked objects -------------------------------------------------------------------------------------------

    def link(self, case_id: int, object_id: str, origin: str, at: str, role: str = "linked") -> bool:
        """Link an object; False if it was linked already (its first origin is kept)."""
        cursor = self.conn.execute(
            "INSERT OR IGNORE INTO case_objects (case_id, object_id, origin, linked_at, role) VALUES (?, ?, ?, ?, ?)",
            (case_id, object_id, origin, at, role),
        )
        return cursor.rowcount > 0

    def set_role(self, case_id: int, object_id: str, role: str) -> bool:
        """Change what a linked object is to the case; False if it is not linked."""
        cursor = self.conn.execute(
            "UPDATE case_objects SET role = ? WHERE case_id = ? AND object_id = ?", (role, case_id, object_id)
        )
        return cursor.rowcount > 0

    def unlink(self, case_id: int, object_id: str) -> bool:
        cursor = self.conn.execute("DELETE FROM case_objects WHERE case_id = ? AND object_id = ?", (case_id, object_id))
        return cursor.rowcount > 0

    def links(self, case_id: int) -> list[LinkRow]:
        return [
            LinkRow(*row)
            for row in self.conn.execute(
                "SELECT object_id, origin, linked_at, role FROM case_objects WHERE case_id = ?"
                " ORDER BY linked_at, object_id",
                (case_id,),
            )
        ]

    def cases_of_object(self, object_id: str) -> list[str]:
        """References of the cases an object is linked to."""
        return [
            ref
            for (ref,) in self.conn.execute(
                "SELECT c.ref FROM case_objects o JOIN cases c ON c.id = o.case_id"
                " WHERE o.object_id = ? ORDER BY c.ref",
                (object_id,),
            )
        ]

    # -- stage snapshots ------------------------------------------------------------------------------------------

    def put_snapshot(self, case_id: int, row: SnapshotRow) -> None:
        """Store the snapshot of a stage submission, replacing the one it had (an amended submission)."""
        self.conn.execute(
            "INSERT OR REPLACE INTO case_stage_snapshots (case_id, stage_uid, report_id, rendered_at, pdf_sha256,"
            " content) VALUES (?, ?, ?, ?, ?, ?)",
            (
                case_id,
                row.stage_uid,
                row.report_id,
                row.rendered_at,
                row.pdf_sha256,
                orjson.dumps(row.content).decode(),
            ),
        )

    def snapshots(self, case_id: int) -> dict[str, SnapshotRow]:
        """The case's stage snapshots by the uid of their submission."""
        return {
            uid: SnapshotRow(uid, report_id, rendered_at, sha256, orjson.loads(content))
            for uid, report_id, rendered_at, sha256, content in self.conn.execute(
                "SELECT stage_uid, report_id, rendered_at, pdf_sha256, content FROM case_stage_snapshots"
                " WHERE case_id = ?",
                (case_id,),
            )
        }

    def snapshot_reports(self, case_id: int) -> dict[str, str]:
        """The report id of each stage snapshot of the case, by the uid of its submission (no content read)."""
        return dict(
            self.conn.execute(
                "SELECT stage_uid, report_id FROM case_stage_snapshots WHERE case_id = ?", (case_id,)
            ).fetchall()
        )

    def delete_snapshot(self, case_id: int, stage_uid: str) -> None:
        self.conn.execute("DELETE FROM case_stage_snapshots WHERE case_id = ? AND stage_uid = ?", (case_id, stage_uid))

    # -- full text ------------------------------------------------------------------------------------------------

    def index(self, case_id: int, ref: str, title: str, body: str, *, replace: bool) -> None:
        if replace:
            self.conn.execute("DELETE FROM case_fts WHERE rowid = ?", (case_id,))
        self.conn.execute(
            "INSERT INTO case_fts (rowid, ref, title, body) VALUES (?, ?, ?, ?)", (case_id, ref, title, body)
        )
