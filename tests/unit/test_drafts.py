"""Drafts of the analyst's typing in the encrypted workspace: named drafts saved, listed, replaced, deleted; work
kept at locking all or nothing; nothing readable in the workspace's files."""

from __future__ import annotations

import uuid

import pytest

from workbench.domain.errors import InvalidInput
from workbench.services import drafts
from workbench.services.drafts import KeptWork
from workbench.storage.objects import store_digest


def test_named_drafts_are_saved_listed_replaced_and_deleted(workspace) -> None:
    first = drafts.save_named(workspace, "reports", "Owl briefing", {"briefing": {"title": "Sandstorm Owl"}})
    drafts.save_named(workspace, "reports", "Heron briefing", {"briefing": {"title": "Grey Heron"}})
    drafts.save_named(workspace, "cases", "Owl briefing", {"other": True})  # another kind: its own namespace
    names = [draft.name for draft in drafts.named(workspace.conn, "reports")]
    assert sorted(names) == ["Heron briefing", "Owl briefing"]
    replaced = drafts.save_named(workspace, "reports", "  Owl   briefing ", {"briefing": {"title": "v2"}})
    assert replaced.id == first.id and replaced.name == "Owl briefing"
    assert drafts.get(workspace.conn, first.id).content == {"briefing": {"title": "v2"}}
    assert len(drafts.named(workspace.conn, "reports")) == 2
    assert drafts.delete(workspace, [first.id]) == 1
    with pytest.raises(InvalidInput, match="no longer exists"):
        drafts.get(workspace.conn, first.id)
    assert [draft.name for draft in drafts.named(workspace.conn, "reports")] == ["Heron briefing"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("", {}, "cannot be empty"),
        ("x" * 201, {}, "longer than 200"),
        ("ok", {"text": "x" * (drafts.MAX_CONTENT_BYTES + 1)}, "larger than 2 MB"),
        ("ok", {"when": object()}, "cannot be stored"),
    ],
)
def test_bad_drafts_are_refused_and_nothing_is_stored(workspace, name, content, message) -> None:
    before = store_digest(workspace.conn)
    with pytest.raises(InvalidInput, match=message):
        drafts.save_named(workspace, "reports", name, content)
    assert drafts.named(workspace.conn, "reports") == []
    assert store_digest(workspace.conn) == before


def test_work_kept_at_locking_is_all_or_nothing_and_replaces_older_work_of_the_same_case(workspace) -> None:
    drafts.keep(workspace, [KeptWork("cases", "INC-2026-0001", {"fields": {"criticality": "high"}})])
    with pytest.raises(InvalidInput):
        drafts.keep(
            workspace,
            [KeptWork("cases", "INC-2026-0002", {"fields": {}}), KeptWork("reports", "", {"briefing": {}})],
        )
    assert [draft.name for draft in drafts.kept(workspace.conn)] == ["INC-2026-0001"]
    ids = drafts.keep(
        workspace,
        [
            KeptWork("cases", "INC-2026-0001", {"fields": {"criticality": "low"}}),
            KeptWork("reports", "report form", {"briefing": {"title": "t"}}),
        ],
    )
    kept = {draft.name: draft for draft in drafts.kept(workspace.conn)}
    assert set(kept) == {"INC-2026-0001", "report form"}
    assert kept["INC-2026-0001"].content == {"fields": {"criticality": "low"}}
    assert drafts.named(workspace.conn, "reports") == []  # kept work is not a named draft
    drafts.delete(workspace, ids)
    assert drafts.kept(workspace.conn) == []


def test_a_draft_is_not_readable_in_the_workspace_files(workspace) -> None:
    canary = f"canary-{uuid.uuid4()}"
    drafts.keep(workspace, [KeptWork("reports", "report form", {"briefing": {"bluf": [canary]}})])
    workspace.conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
    files = [path for path in workspace.path.parent.iterdir() if path.is_file()]
    assert files
    for path in files:
        assert canary.encode() not in path.read_bytes(), path.name
