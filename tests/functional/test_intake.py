"""The one import entry point: every kind of source goes through ``intake.import_source``, and cases are adopted on
every path without the caller passing anything."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.case_samples import full_incident
from tests.conftest import bundle, indicator
from tests.exchange_support import Pair, digest, pair
from workbench.domain.errors import InvalidInput
from workbench.services import cases, exchange
from workbench.services.cases import stix as case_stix
from workbench.services.importing.importer import import_file
from workbench.services.intake import import_source
from workbench.services.workspace import Workspace

__all__ = ["pair"]


def test_a_case_bundle_file_becomes_its_case_through_the_entry_point(
    workspace: Workspace, partner_workspace: Workspace, tmp_path: Path
) -> None:
    ref = full_incident(workspace)
    path = tmp_path / "case.json"
    case_stix.export_case(workspace, ref, path)
    preview = import_source(partner_workspace, path, dry_run=True)
    assert (
        preview.kind == "file" and preview.created == ("INC-2026-0001",) and cases.list_cases(partner_workspace) == []
    )
    imported = import_source(partner_workspace, path)
    assert imported.summary is not None and imported.summary.committed
    assert imported.created == ("INC-2026-0001",) and "new case INC-2026-0001 from the import" in imported.messages
    assert cases.get_case(partner_workspace, cases.get_case(workspace, ref).stix_id).title == "Grid operator intrusion"
    assert imported.to_json()["cases"]["created"] == ["INC-2026-0001"]


def test_the_importer_alone_adopts_no_case(workspace: Workspace, partner_workspace: Workspace, tmp_path: Path) -> None:
    """What the entry point adds: the bare importer stores the objects and no case (the window's old path)."""
    path = tmp_path / "case.json"
    case_stix.export_case(workspace, full_incident(workspace), path)
    assert import_file(partner_workspace, path).committed
    assert cases.list_cases(partner_workspace) == []


def test_a_source_that_changed_since_its_preview_keeps_nothing(workspace: Workspace, write_json) -> None:  # type: ignore[no-untyped-def]
    path = write_json(bundle(indicator()))
    previewed = import_source(workspace, path, dry_run=True).summary
    assert previewed is not None
    path.write_bytes(path.read_bytes().replace(b"C2 address", b"C3 address"))
    before = digest(workspace)
    with pytest.raises(InvalidInput, match="changed after the preview; nothing was imported"):
        import_source(workspace, path, previewed=previewed.sha256)
    assert digest(workspace) == before


def test_an_unknown_case_is_refused_before_anything_is_read(workspace: Workspace, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="no case 'INC-1999-0001'"):
        import_source(workspace, tmp_path / "does-not-exist.json", case_ref="INC-1999-0001")


def test_a_receipt_is_only_checked_in_a_dry_run_and_recorded_once_for_real(pair: Pair) -> None:
    pair.stock(indicator())
    sent = pair.export()
    package = import_source(pair.us, sent.path)
    assert package.kind == "package" and package.summary is not None and package.summary.committed
    receipt = exchange.write_receipt(pair.us, sent.package_id, pair.medium())
    before = digest(pair.eu)
    checked = import_source(pair.eu, receipt.path, dry_run=True)
    assert checked.kind == "receipt" and digest(pair.eu) == before
    assert [entry.status for entry in exchange.outbox(pair.eu.conn)] == ["awaiting receipt"]
    recorded = import_source(pair.eu, receipt.path)
    assert recorded.summary is None and "cases" not in recorded.to_json()
    assert [entry.status for entry in exchange.outbox(pair.eu.conn)] == ["delivered"]
