"""Importing STIX files: shapes, versioning, findings, hooks, all or nothing, what the analyst finds afterwards."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.conftest import bundle, found, indicator, malware, relationship, stix_id, threat_actor
from workbench.domain.errors import Cancelled, InvalidInput
from workbench.domain.tlp import TLP1_MARKING_IDS, Tlp
from workbench.services import library
from workbench.services.importing.importer import Finding, ImportSource, import_file
from workbench.services.workspace import Workspace
from workbench.storage import audit
from workbench.storage.objects import store_digest

WriteJson = Callable[..., Path]


def ids(findings: list[Finding]) -> list[str | None]:
    return [finding.object_id for finding in findings]


# -- shapes ------------------------------------------------------------------------------------------------------


def test_stix21_bundle_imports_with_provenance_and_one_audit_entry(workspace: Workspace, write_json: WriteJson) -> None:
    ind, mal = indicator(name="Kestrel beacon"), malware()
    path = write_json(bundle(ind, mal, relationship(ind["id"], mal["id"])), "kestrel.json")
    summary = import_file(workspace, path)
    assert (summary.shape, summary.new, summary.objects_read, summary.committed) == ("STIX 2.1 bundle", 3, 3, True)
    assert summary.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    provenance = workspace.objects.versions(ind["id"])[0].provenance
    assert (provenance.kind, provenance.name, provenance.sha256) == ("file", "kestrel.json", summary.sha256)
    entry = list(audit.entries(workspace.conn, action="import"))[-1]
    assert entry.details["new"] == 3 and entry.details["source"] == "kestrel.json"
    assert audit.verify(workspace.conn).ok


def test_bare_array_taxii_envelope_and_single_object_are_read(workspace: Workspace, write_json: WriteJson) -> None:
    array = import_file(workspace, write_json([indicator(), malware()]))
    envelope = import_file(workspace, write_json({"more": False, "objects": [threat_actor()]}))
    single = import_file(workspace, write_json(malware(name="Lonely")))
    assert (array.shape, array.new) == ("JSON array of STIX objects", 2)
    assert (envelope.shape, envelope.new) == ("TAXII 2.1 envelope", 1)
    assert (single.shape, single.new) == ("single STIX object", 1)


def test_stix20_bundle_is_upgraded_to_21(workspace: Workspace, write_json: WriteJson) -> None:
    ind = {
        "type": "indicator",
        "id": stix_id("indicator"),
        "created": "2017-01-01T00:00:00.000Z",
        "modified": "2017-01-01T00:00:00.000Z",
        "labels": ["malicious-activity"],
        "pattern": "[domain-name:value = 'old.example']",
        "valid_from": "2017-01-01T00:00:00Z",
    }
    mal = {
        "type": "malware",
        "id": stix_id("malware"),
        "created": "2017-01-01T00:00:00.000Z",
        "modified": "2017-01-01T00:00:00.000Z",
        "name": "Oldie",
        "labels": ["trojan"],
    }
    summary = import_file(
        workspace, write_json({"type": "bundle", "id": stix_id("bundle"), "spec_version": "2.0", "objects": [ind, mal]})
    )
    assert (summary.shape, summary.new, summary.upgraded, summary.refusal_reasons) == (
        "STIX 2.0 bundle (upgraded to 2.1)",
        2,
        2,
        [],
    )
    stored = workspace.objects.get(ind["id"])
    assert stored is not None
    assert (stored["spec_version"], stored["indicator_types"], stored["pattern_type"]) == (
        "2.1",
        ["malicious-activity"],
        "stix",
    )
    assert "labels" not in stored
    stored_malware = workspace.objects.get(mal["id"])
    assert stored_malware is not None and stored_malware["is_family"] is True
    assert stored_malware["malware_types"] == ["trojan"]


def test_object_without_spec_version_is_read_as_20_with_a_warning(workspace: Workspace, write_json: WriteJson) -> None:
    obj = malware()
    del obj["spec_version"]
    summary = import_file(workspace, write_json(bundle(obj)))
    assert summary.new == 1
    assert [(w.property, "2.0" in w.message) for w in summary.warnings] == [("spec_version", True)]


# -- versioning --------------------------------------------------------------------------------------------------


def test_importing_the_same_file_twice_changes_nothing_and_says_so(workspace: Workspace, write_json: WriteJson) -> None:
    path = write_json(bundle(indicator(), malware(), threat_actor()))
    assert import_file(workspace, path).new == 3
    before = store_digest(workspace.conn)
    again = import_file(workspace, path)
    assert (again.unchanged, again.changed_anything, again.committed) == (3, False, False)
    assert store_digest(workspace.conn) == before


def test_versions_newer_older_conflict_and_revoked(workspace: Workspace, write_json: WriteJson) -> None:
    first = malware(name="Grey v1")
    import_file(workspace, write_json(bundle(first)))
    newer = dict(first, name="Grey v2", modified="2026-02-01T00:00:00.000Z")
    older = dict(first, name="Grey v0", modified="2025-06-01T00:00:00.000Z")
    clash = dict(first, name="Grey tampered")
    summary = import_file(workspace, write_json(bundle(newer, older, clash)))
    assert (summary.new_versions, summary.older, summary.conflicts) == (1, 1, 1)
    assert workspace.objects.get(first["id"])["name"] == "Grey v2"  # type: ignore[index]
    assert [v.current for v in workspace.objects.versions(first["id"])] == [True, False, False]
    assert len(workspace.objects.conflicts(first["id"])) == 1
    revoked = dict(first, revoked=True, modified="2026-03-01T00:00:00.000Z")
    assert import_file(workspace, write_json(bundle(revoked))).new_versions == 1
    row = library.row(workspace, first["id"])
    assert row is not None and row.revoked
    assert found(workspace, "Grey") == []


# -- findings ----------------------------------------------------------------------------------------------------


def test_objects_with_errors_are_refused_with_reason_and_the_rest_imports(
    workspace: Workspace, write_json: WriteJson
) -> None:
    good = indicator()
    bad_time = malware(created="2026-02-30T00:00:00Z")
    bad_pattern = indicator(pattern="[ipv4-addr:value = '1.2.3.4'")
    bad_ref = relationship(good["id"], "not-an-id")
    summary = import_file(workspace, write_json(bundle(good, bad_time, bad_pattern, bad_ref, "just a string")))
    assert summary.new == 1 and summary.objects_refused == 4 and len(summary.refusal_reasons) == 4
    reasons = {(finding.object_id, finding.property) for finding in summary.refusal_reasons}
    assert reasons == {
        (bad_time["id"], "created"),
        (bad_pattern["id"], "pattern"),
        (bad_ref["id"], "target_ref"),
        (None, None),
    }
    assert "object 5" in str(summary.refusal_reasons[-1])
    assert workspace.objects.get(bad_time["id"]) is None


def test_strict_refuses_the_whole_file_and_changes_nothing(workspace: Workspace, write_json: WriteJson) -> None:
    before = store_digest(workspace.conn)
    path = write_json(bundle(indicator(), malware(modified="yesterday")))
    with pytest.raises(InvalidInput, match=r"strict.*modified"):
        import_file(workspace, path, strict=True)
    assert store_digest(workspace.conn) == before


def test_warnings_are_kept_with_the_object(workspace: Workspace, write_json: WriteJson) -> None:
    obj = malware(
        internal_rating="high",
        external_references=[{"source_name": "vendor", "url": "5b6f3a5e-2c4c-4a5e-8d8c-1f2b3c4d5e6f"}],
    )
    summary = import_file(workspace, write_json(bundle(obj)))
    assert summary.new == 1 and summary.refusal_reasons == []
    by_property = {w.property: w.message for w in summary.warnings}
    assert set(by_property) == {"internal_rating", "external_references.url"}
    assert "should start with x_" in by_property["internal_rating"]
    assert "is not a URL" in by_property["external_references.url"]
    assert workspace.objects.get(obj["id"]) is not None


def test_tlp_markings_are_constants(workspace: Workspace, write_json: WriteJson) -> None:
    green_id = next(mid for mid, (colour, _) in TLP1_MARKING_IDS.items() if colour == "green")
    same = {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": green_id,
        "created": "2017-01-20T00:00:00Z",
        "definition_type": "tlp",
        "definition": {"tlp": "green"},
    }
    redefined = dict(same, definition={"tlp": "red"})
    before = store_digest(workspace.conn)
    summary = import_file(workspace, write_json(bundle(same, redefined)))
    assert summary.unchanged == 1 and summary.new == 0
    assert [(f.object_id, f.property) for f in summary.refusal_reasons] == [(green_id, "definition")]
    assert "cannot be redefined" in summary.refusal_reasons[0].message
    assert store_digest(workspace.conn) == before
    tlp2_amber = {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": Tlp.AMBER.marking_id,
        "created": "2022-10-01T00:00:00.000Z",
        "name": "TLP:AMBER",
        "definition_type": "statement",
        "definition": {"statement": "anything goes"},
    }
    assert import_file(workspace, write_json(bundle(tlp2_amber))).objects_refused == 1


def test_created_by_a_third_organisation_is_stored_and_reported(workspace: Workspace, write_json: WriteJson) -> None:
    partner, third = stix_id("identity"), stix_id("identity")
    own = malware(created_by_ref=partner)
    foreign = malware(created_by_ref=third, name="Forwarded")
    source = ImportSource(
        "package",
        "us-cert-0007",
        sha256="ab" * 32,
        partner_key_id="cd" * 32,
        package_id="pkg-7",
        producer_identity_ref=partner,
    )
    summary = import_file(workspace, write_json(bundle(own, foreign)), source=source)
    assert summary.new == 2
    assert [(w.object_id, w.property) for w in summary.warnings] == [(foreign["id"], "created_by_ref")]
    assert third in summary.warnings[0].message and "us-cert-0007" in summary.warnings[0].message
    provenance = workspace.objects.versions(foreign["id"])[0].provenance
    assert (provenance.kind, provenance.partner_key_id, provenance.package_id) == ("package", "cd" * 32, "pkg-7")


# -- hooks -------------------------------------------------------------------------------------------------------


def test_check_object_refuses_and_before_commit_writes_in_the_same_transaction(
    workspace: Workspace, write_json: WriteJson
) -> None:
    red = malware(object_marking_refs=[Tlp.RED.marking_id])
    ok = malware()
    seen: dict[str, Any] = {}

    def ceiling(obj: dict[str, Any]) -> Finding | None:
        if Tlp.RED.marking_id in obj.get("object_marking_refs", []):
            return Finding(obj["id"], "object_marking_refs", "above the package's TLP ceiling")
        return None

    def channel(conn: Any, summary: Any) -> None:
        seen["new"] = summary.new
        conn.execute("INSERT INTO meta (key, value) VALUES ('channel:test', '7')")

    summary = import_file(workspace, write_json(bundle(red, ok)), check_object=ceiling, before_commit=channel)
    assert ids(summary.refusal_reasons) == [red["id"]] and summary.refusal_reasons[0].index == 0
    assert seen == {"new": 1}
    assert workspace.conn.execute("SELECT value FROM meta WHERE key = 'channel:test'").fetchone() == ("7",)


def test_before_commit_alone_is_kept_when_no_object_changed(workspace: Workspace, write_json: WriteJson) -> None:
    path = write_json(bundle(malware()))
    import_file(workspace, path)
    summary = import_file(
        workspace,
        path,
        before_commit=lambda conn, s: conn.execute("INSERT INTO meta (key, value) VALUES ('channel:again', '8')"),
    )
    assert summary.committed and summary.unchanged == 1
    assert workspace.conn.execute("SELECT value FROM meta WHERE key = 'channel:again'").fetchone() == ("8",)


def test_dry_run_counts_but_keeps_nothing(workspace: Workspace, write_json: WriteJson) -> None:
    before = store_digest(workspace.conn)
    summary = import_file(
        workspace,
        write_json(bundle(indicator(), malware())),
        dry_run=True,
        before_commit=lambda conn, s: conn.execute("INSERT INTO meta (key, value) VALUES ('dry', '1')"),
    )
    assert (summary.new, summary.committed, summary.dry_run) == (2, False, True)
    assert store_digest(workspace.conn) == before


def test_progress_reports_bytes_and_cancel_keeps_nothing(
    workspace: Workspace, write_json: WriteJson, monkeypatch: pytest.MonkeyPatch
) -> None:
    import workbench.services.importing.importer as importer

    monkeypatch.setattr(importer, "PROGRESS_EVERY", 10)
    monkeypatch.setattr(importer, "BATCH_SIZE", 10)  # batches are written before the cancel: all rolled back
    path = write_json(bundle(*(malware(name=f"M{n}") for n in range(35))))
    calls: list[tuple[int, int]] = []
    import_file(workspace, path, progress=lambda done, total: calls.append((done, total)))
    size = path.stat().st_size
    assert calls[-1] == (size, size) and len(calls) >= 4 and all(total == size for _, total in calls)
    before = store_digest(workspace.conn)
    polls = iter(range(100))
    with pytest.raises(Cancelled):
        import_file(workspace, write_json(bundle(*(malware() for _ in range(35)))), cancel=lambda: next(polls) >= 2)
    assert store_digest(workspace.conn) == before


def test_case_id_needs_the_cases_feature(workspace: Workspace, write_json: WriteJson) -> None:
    with pytest.raises(InvalidInput, match="case"):
        import_file(workspace, write_json(bundle(malware())), case_id="case-1")


# -- what the analyst finds ---------------------------------------------------------------------------------------


def test_search_finds_imports_by_name_description_pattern_observable_and_id(
    workspace: Workspace, write_json: WriteJson
) -> None:
    ind = indicator(
        name="Harbor beacon",
        description="Seen during the Quayside intrusion",
        pattern="[domain-name:value = 'update-check.example']",
    )
    sco = {
        "type": "ipv4-addr",
        "spec_version": "2.1",
        "id": "ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd",
        "value": "203.0.113.77",
    }
    import_file(workspace, write_json(bundle(ind, sco)))

    def search(text: str) -> list[Any]:
        return found(workspace, text)

    assert [hit.id for hit in search("harbor")] == [ind["id"]]
    assert [hit.id for hit in search("quayside")] == [ind["id"]]
    assert [hit.id for hit in search("update-check.example")] == [ind["id"]]
    assert [hit.id for hit in search("203.0.113.77")] == [sco["id"]]
    assert [hit.id for hit in search(ind["id"])] == [ind["id"]]


def test_an_import_leaves_no_plaintext_in_the_workspace_folder(
    template_eu,
    tmp_path: Path,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Bulk paths too (batches, index rebuild, full-text flush): only encrypted pages reach the disk."""
    from tests.conftest import open_copy
    from workbench.storage import bulk

    monkeypatch.setattr(bulk, "DEFER_INDEXES_AFTER", 100)
    canary = "CANARY-import-5d2e-Must-Not-Leak"
    source = tmp_path / "source" / "feed.json"
    source.parent.mkdir()
    source.write_bytes(
        orjson.dumps(bundle(*(indicator(name=f"{canary} {n}", description=canary * 5) for n in range(3000))))
    )
    ws = open_copy(template_eu, tmp_path / "ws")
    assert import_file(ws, source).new == 3000
    assert found(ws, "CANARY-import-5d2e")
    for phase in ("open", "closed"):
        for path in (tmp_path / "ws").rglob("*"):
            if path.is_file():
                assert canary.encode() not in path.read_bytes(), f"{path.name} holds plaintext ({phase})"
        ws.close()
