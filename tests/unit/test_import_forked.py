"""A large document is read and checked in a forked process and stored in this one (``importing.forked``).

Both ways must give the same summary and the same rows, byte for byte, on real files and on a document built to
cross every seam between the two halves (a marking defined after the objects citing it, refusals, upgrades,
repeated built-in markings, versions and conflicts inside the document); an error, a refusal under ``--strict``, a
cancel or the death of the reading process must leave the workspace as it was, and no process behind.
"""

from __future__ import annotations

import json
import os
import signal
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SHARED_DATA, Template, bundle, indicator, malware, open_copy, process_state
from tests.marking_samples import custom_tlp
from workbench.domain.errors import Cancelled, InvalidInput, WorkspaceError
from workbench.domain.tlp import BUILTIN_MARKING_DEFINITIONS, Tlp
from workbench.services.importing import forked
from workbench.services.importing.importer import ImportSummary, import_file
from workbench.services.importing.pipeline import StrictRefusal
from workbench.services.workspace import Workspace
from workbench.storage.objects import store_digest

LATE_MARKING = "marking-definition--3f3e6c9a-5d1b-4c7e-9a51-0b9a2d6c1e01"
AMBER = "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"  # TLP 1.0 AMBER, built in


class Forks:
    """Counts the reading processes started, and remembers the last one's pid."""

    def __init__(self) -> None:
        self.started = 0
        self.pid = 0


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> Forks:
    seen = Forks()
    enter = forked.ForkedReading.__enter__

    def counted(self: forked.ForkedReading) -> forked.ForkedReading:
        result = enter(self)
        seen.started += 1
        seen.pid = self._pid
        return result

    monkeypatch.setattr(forked.ForkedReading, "__enter__", counted)
    return seen


@pytest.fixture
def two_ways(
    template_eu: Template, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forks: Forks
) -> Iterator[Callable[..., tuple[tuple[ImportSummary, Workspace], tuple[ImportSummary, Workspace]]]]:
    """Import one file into two fresh workspaces, in one process and forked; returns both (summary, workspace)."""
    opened: list[Workspace] = []

    def run(path: Path, **options: Any) -> tuple[tuple[ImportSummary, Workspace], tuple[ImportSummary, Workspace]]:
        results = []
        for way, threshold in (("one", 1 << 60), ("forked", 0)):
            monkeypatch.setattr(forked, "FORK_FROM_BYTES", threshold)
            ws = open_copy(template_eu, tmp_path / f"{way}-{len(opened)}")
            opened.append(ws)
            started = forks.started
            results.append((import_file(ws, path, **options), ws))
            assert forks.started == started + (way == "forked"), f"the {way} import did not run as asked"
        return results[0], results[1]

    yield run
    for ws in opened:
        ws.close()


def stored(ws: Workspace) -> dict[str, Any]:
    """Every row an import writes, in a form two workspaces can be compared by."""
    conn = ws.conn
    return {
        "objects": conn.execute(
            "SELECT rowid, id, type, name, created, modified, tlp, revoked, vid, versions, exercise FROM objects"
            " ORDER BY rowid"
        ).fetchall(),
        "versions": conn.execute(
            "SELECT vid, id, type, modified, revoked, tlp, content_sha256, json FROM object_versions ORDER BY vid"
        ).fetchall(),
        "refs": conn.execute("SELECT to_id, from_rowid, property FROM object_refs ORDER BY 1, 2, 3").fetchall(),
        "conflicts": conn.execute("SELECT id, modified, existing_vid, content_sha256 FROM conflicts").fetchall(),
        "sources": conn.execute("SELECT id, kind, name, sha256 FROM sources ORDER BY id").fetchall(),
        "search": {
            word: conn.execute(
                "SELECT rowid FROM object_fts WHERE object_fts MATCH ? ORDER BY rowid", (word,)
            ).fetchall()
            for word in ("malware", "phishing", "android", "network", "sector", "c2")
        },
        "audit": [
            json.loads(details) for (details,) in conn.execute("SELECT details FROM audit_log WHERE action = 'import'")
        ],
    }


def assert_same(one: tuple[ImportSummary, Workspace], other: tuple[ImportSummary, Workspace]) -> None:
    assert other[0].to_json() == one[0].to_json()
    assert stored(other[1]) == stored(one[1])


REAL_FILES = [
    "attack/mobile-attack-17.1.json",
    "misp-stix21/test_events_collection_stix21.json",
    "opencti/sectors.json",
    "oasis-examples/interop-objectmarking-test.json",
]


@pytest.mark.parametrize("name", REAL_FILES)
def test_real_files_give_the_same_summary_and_rows_both_ways(two_ways: Callable[..., Any], name: str) -> None:
    path = SHARED_DATA / "stix" / name
    if not path.exists():
        pytest.skip(f"{path} is not here")
    one, other = two_ways(path)
    assert one[0].new > 0
    assert_same(one, other)


def _seams() -> list[dict[str, Any]]:
    """About 1,500 elements (several messages) crossing every seam between reading and storing."""
    objects: list[dict[str, Any]] = []
    for number in range(600):  # cite a marking whose definition comes last, as ATT&CK does
        objects.append(malware(name=f"late marked {number}", object_marking_refs=[LATE_MARKING]))
    objects.append(BUILTIN_MARKING_DEFINITIONS[AMBER])  # a built-in repeated: unchanged
    for number in range(300):
        objects.append(indicator(name=f"plain {number}", object_marking_refs=[AMBER]))
    twice = malware(name="changed within the document")
    objects.append(twice)
    objects.append({**twice, "modified": "2026-03-01T00:00:00.000Z", "name": "changed, second version"})
    objects.append({**twice, "description": "same version, other content"})  # a conflict
    late = malware(name="late marked, two versions", object_marking_refs=[LATE_MARKING])
    objects.append(late)  # its first version stops being current within the document
    objects.append({**late, "modified": "2026-03-01T00:00:00.000Z"})
    for number in range(100):  # refused: no valid modified
        objects.append(malware(name=f"refused {number}", modified="yesterday"))
    for number in range(100):  # STIX 2.0, upgraded
        old = malware(name=f"two point oh {number}", id=f"malware--{uuid.uuid4()}")
        old.pop("spec_version", None)
        old["labels"] = ["trojan"]
        objects.append(old)
    for number in range(100):  # an upper-case UUID, written in lower case
        objects.append(malware(name=f"upper {number}", id=f"malware--{str(uuid.uuid4()).upper()}"))
    objects.append(["not", "an", "object"])
    objects.append(custom_tlp(LATE_MARKING, "green"))
    return objects


def test_a_document_crossing_every_seam_gives_the_same_summary_and_rows(
    two_ways: Callable[..., Any], tmp_path: Path
) -> None:
    path = tmp_path / "seams.json"
    path.write_text(json.dumps(bundle(*_seams()), indent=1))
    one, other = two_ways(path)
    summary = one[0]
    assert summary.objects_refused == 101 and summary.upgraded == 100 and summary.conflicts == 1
    assert summary.unchanged == 1 and summary.new_versions == 2 and summary.warning_count
    assert_same(one, other)
    # The objects stored before their marking's definition came are shown at its level, their versions too.
    levels = (
        other[1]
        .conn.execute(
            "SELECT DISTINCT o.tlp, v.tlp FROM objects o JOIN object_versions v ON v.vid = o.vid"
            " WHERE o.name LIKE 'late marked %'"
        )
        .fetchall()
    )
    assert levels == [(int(Tlp.GREEN), int(Tlp.GREEN))]


def _with_duplicate_key_at(tmp_path: Path, position: int, count: int = 1200) -> Path:
    objects = [json.dumps(malware(name=f"m{number}")) for number in range(count)]
    objects[position] = objects[position][:-1] + ', "name": "again"}'
    path = tmp_path / "duplicate.json"
    path.write_text(f'{{"type": "bundle", "id": "bundle--{uuid.uuid4()}", "objects": [{",".join(objects)}]}}')
    return path


def test_an_error_late_in_the_file_is_the_same_error_and_keeps_nothing(
    template_eu: Template, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forks: Forks
) -> None:
    path = _with_duplicate_key_at(tmp_path, 1000)
    messages = []
    for way, threshold in (("one", 1 << 60), ("forked", 0)):
        monkeypatch.setattr(forked, "FORK_FROM_BYTES", threshold)
        ws = open_copy(template_eu, tmp_path / way)
        before = store_digest(ws.conn)
        with pytest.raises(InvalidInput) as caught:
            import_file(ws, path)
        assert type(caught.value) is InvalidInput
        messages.append(str(caught.value))
        assert store_digest(ws.conn) == before
        ws.close()
    assert forks.started == 1
    assert "appears twice" in messages[0] and messages[1] == messages[0]


def test_strict_refuses_the_whole_file_the_same_way(
    template_eu: Template, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    objects = [malware(name=f"m{number}") for number in range(900)] + [malware(modified="never")]
    path = tmp_path / "strict.json"
    path.write_text(json.dumps(bundle(*objects)))
    messages = []
    for way, threshold in (("one", 1 << 60), ("forked", 0)):
        monkeypatch.setattr(forked, "FORK_FROM_BYTES", threshold)
        ws = open_copy(template_eu, tmp_path / way)
        before = store_digest(ws.conn)
        with pytest.raises(StrictRefusal) as caught:
            import_file(ws, path, strict=True)
        messages.append(str(caught.value))
        assert store_digest(ws.conn) == before
        ws.close()
    assert messages[1] == messages[0]


@pytest.fixture
def many(tmp_path: Path) -> Path:
    """20,000 objects: the reading process is far from done when the first batch arrives."""
    path = tmp_path / "many.json"
    path.write_text(json.dumps(bundle(*(indicator(name=f"i{number}") for number in range(20_000)))))
    return path


def test_cancel_stops_the_reading_process_and_keeps_nothing(
    workspace: Workspace, many: Path, monkeypatch: pytest.MonkeyPatch, forks: Forks
) -> None:
    monkeypatch.setattr(forked, "FORK_FROM_BYTES", 0)
    before = store_digest(workspace.conn)
    reported: list[int] = []
    with pytest.raises(Cancelled):
        import_file(workspace, many, progress=lambda done, total: reported.append(done), cancel=lambda: bool(reported))
    assert forks.started == 1 and reported and reported[0] < many.stat().st_size
    assert process_state(forks.pid) == "gone"  # killed and reaped
    assert store_digest(workspace.conn) == before


def _kill_the_child(forks: Forks) -> Callable[[int, int], None]:
    def progress(done: int, total: int) -> None:
        if done < total:
            os.kill(forks.pid, signal.SIGKILL)

    return progress


def _fail_while_storing(forks: Forks) -> Callable[[int, int], None]:
    def progress(done: int, total: int) -> None:
        raise WorkspaceError("the disk is full")

    return progress


@pytest.mark.parametrize(
    ("stop", "message"),
    [
        (_kill_the_child, r"ended without finishing \(signal 9\); nothing was imported"),
        (_fail_while_storing, "the disk is full"),
    ],
    ids=["reading process killed", "error while storing"],
)
def test_a_reading_process_that_dies_or_an_error_while_storing_is_reported_and_keeps_nothing(
    workspace: Workspace,
    many: Path,
    monkeypatch: pytest.MonkeyPatch,
    forks: Forks,
    stop: Callable[[Forks], Callable[[int, int], None]],
    message: str,
) -> None:
    monkeypatch.setattr(forked, "FORK_FROM_BYTES", 0)
    before = store_digest(workspace.conn)
    with pytest.raises(WorkspaceError, match=message):
        import_file(workspace, many, progress=stop(forks))
    assert process_state(forks.pid) == "gone"
    assert store_digest(workspace.conn) == before
    assert workspace.conn.execute("SELECT count(*) FROM sources WHERE kind = 'file'").fetchone()[0] == 0


def test_small_files_and_dry_runs_stay_in_one_process(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forks: Forks
) -> None:
    path = tmp_path / "small.json"
    path.write_text(json.dumps(bundle(malware())))
    assert path.stat().st_size < forked.FORK_FROM_BYTES
    import_file(workspace, path)
    monkeypatch.setattr(forked, "FORK_FROM_BYTES", 0)
    import_file(workspace, path, dry_run=True)
    assert forks.started == 0


def test_the_heap_is_frozen_only_while_the_child_reads_and_a_frozen_heap_stays_frozen(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    monkeypatch.setattr(forked, "FORK_FROM_BYTES", 0)
    path = tmp_path / "one.json"
    path.write_text(json.dumps(bundle(malware())))
    assert gc.get_freeze_count() == 0
    frozen_during: list[int] = []
    import_file(workspace, path, progress=lambda done, total: frozen_during.append(gc.get_freeze_count()))
    assert frozen_during[0] > 0 and gc.get_freeze_count() == 0
    keep = [object() for _ in range(10)]
    gc.freeze()  # as the window does once it is built
    try:
        before = gc.get_freeze_count()
        import_file(workspace, tmp_path / "one.json", progress=lambda done, total: None)
        assert gc.get_freeze_count() == before
    finally:
        gc.unfreeze()
    del keep
