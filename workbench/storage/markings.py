"""Rows about markings: the analyst's mappings, the stored definitions, which objects cite which marking.

Plain queries over one connection; writes join the caller's open transaction. What a marking means is decided in
``domain.markings``; ``services.markings`` puts the two together.
"""

from __future__ import annotations

from collections.abc import Iterable

from workbench.storage.database import Connection

_CHUNK = 500
# The index property of every place a marking is cited (object markings, granular markings at any depth).
_CITES = "(property = 'object_marking_refs' OR property LIKE '%marking_ref')"


def mappings(conn: Connection) -> dict[str, int]:
    """The analyst's TLP level (a ``Tlp`` value) for each mapped marking id."""
    return {
        marking_id: int(level) for marking_id, level in conn.execute("SELECT marking_id, tlp FROM marking_mappings")
    }


def set_mapping(conn: Connection, marking_id: str, level: int, at: str) -> None:
    conn.execute(
        "INSERT INTO marking_mappings (marking_id, tlp, mapped_at) VALUES (?, ?, ?)"
        " ON CONFLICT (marking_id) DO UPDATE SET tlp = excluded.tlp, mapped_at = excluded.mapped_at",
        (marking_id, level, at),
    )


def remove_mapping(conn: Connection, marking_id: str) -> bool:
    return conn.execute("DELETE FROM marking_mappings WHERE marking_id = ?", (marking_id,)).rowcount > 0


def definitions(conn: Connection) -> list[tuple[str, str]]:
    """``(id, json)`` of the current version of every stored marking definition."""
    return list(
        conn.execute(
            "SELECT o.id, v.json FROM objects o JOIN object_versions v ON v.vid = o.vid"
            " WHERE o.type = 'marking-definition' ORDER BY o.rowid"
        )
    )


def citations(conn: Connection) -> dict[str, int]:
    """How many current objects cite each marking (as written), object-level or granular."""
    return {
        marking: int(count)
        for marking, count in conn.execute(
            f"SELECT to_id, count(DISTINCT from_rowid) FROM object_refs WHERE {_CITES} GROUP BY to_id"
        )
    }


def citing(conn: Connection, markings: Iterable[str], *, not_from_source: int | None = None) -> list[int]:
    """The rowids of the current objects that cite any of ``markings`` (as written), leaving out those whose
    current version came from the source ``not_from_source``."""
    found: set[int] = set()
    listed = list(markings)
    other = "" if not_from_source is None else " AND o.source_id != ?"
    for start in range(0, len(listed), _CHUNK):
        batch = listed[start : start + _CHUNK]
        marks = ",".join("?" * len(batch))
        args = [*batch] if not_from_source is None else [*batch, not_from_source]
        found.update(
            rowid
            for (rowid,) in conn.execute(
                "SELECT r.from_rowid FROM object_refs r JOIN objects o ON o.rowid = r.from_rowid"
                f" WHERE r.to_id IN ({marks}) AND {_CITES.replace('property', 'r.property')}{other}",
                args,
            )
        )
    return sorted(found)


def citations_of(conn: Connection, markings: list[str], among: list[str], source_id: int) -> list[tuple[int, str]]:
    """``(rowid, marking)`` for every citation of one of ``among`` by the current objects from ``source_id`` that
    cite one of ``markings``: read from the index alone, where ``among`` holds every marking those objects cite."""
    cites = _CITES.replace("property", "r.property")
    found: list[tuple[int, str]] = []
    for start in range(0, len(markings), _CHUNK):
        batch = markings[start : start + _CHUNK]
        marks, others = ",".join("?" * len(batch)), ",".join("?" * len(among))
        found.extend(
            conn.execute(
                f"SELECT r.from_rowid, r.to_id FROM object_refs r WHERE r.to_id IN ({others}) AND {cites}"
                " AND r.from_rowid IN (SELECT s.from_rowid FROM object_refs s JOIN objects o"
                f" ON o.rowid = s.from_rowid WHERE s.to_id IN ({marks}) AND o.source_id = ?)",
                [*among, *batch, source_id],
            )
        )
    return found


def current_json(conn: Connection, rowids: list[int]) -> list[tuple[int, str]]:
    """``(rowid, json)`` of these objects' current versions."""
    found: list[tuple[int, str]] = []
    for start in range(0, len(rowids), _CHUNK):
        batch = rowids[start : start + _CHUNK]
        marks = ",".join("?" * len(batch))
        found.extend(
            conn.execute(
                f"SELECT o.rowid, v.json FROM objects o JOIN object_versions v ON v.vid = o.vid"
                f" WHERE o.rowid IN ({marks})",
                batch,
            )
        )
    return found


def earlier_versions_since(conn: Connection, first_vid: int, source_id: int, level: int) -> list[tuple[int, str]]:
    """``(vid, json)`` of the versions from ``source_id`` (stored from ``first_vid`` on) at ``level`` that are not
    their object's current version."""
    return list(
        conn.execute(
            "SELECT v.vid, v.json FROM object_versions v JOIN objects o ON o.id = v.id"
            " WHERE v.vid >= ? AND v.source_id = ? AND v.tlp = ? AND v.vid != o.vid",
            (first_vid, source_id, level),
        )
    )


def set_version_levels(conn: Connection, levels: Iterable[tuple[int | None, int]]) -> None:
    """Set the level of versions (``object_versions.tlp``): ``(level, vid)`` pairs, level None for none."""
    conn.executemany("UPDATE object_versions SET tlp = ? WHERE vid = ?", list(levels))


def set_levels(conn: Connection, levels: Iterable[tuple[int | None, int]], *, versions: bool = False) -> None:
    """Set the shown TLP level (``objects.tlp``) of objects: ``(level, rowid)`` pairs, level None for none. With
    ``versions``, their current versions' level (``object_versions.tlp``) as well: for versions stored at TLP:RED
    because their marking's definition had not come yet (an import's own objects, ``refresh_imported``)."""
    levels = list(levels)
    conn.executemany("UPDATE objects SET tlp = ? WHERE rowid = ?", levels)
    if versions:
        conn.executemany(
            "UPDATE object_versions SET tlp = ? WHERE vid = (SELECT vid FROM objects WHERE rowid = ?)", levels
        )
