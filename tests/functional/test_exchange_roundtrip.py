"""EU to US and back: what arrives, what is held back, stock OpenSSL on both ends, receipts, the outbox."""

from __future__ import annotations

import hashlib
import json
import subprocess
import uuid
from pathlib import Path

import orjson
import pytest
import rfc8785
from stix2validator import ValidationOptions, validate_instance

from tests.conftest import SHARED_DATA, indicator, malware, relationship, threat_actor
from tests.exchange_support import Pair, bundle_bytes, digest, manifest_for, pair
from workbench.domain.errors import WorkbenchError
from workbench.domain.tlp import Tlp
from workbench.services import exchange
from workbench.services.cases.exchange import CaseSelection
from workbench.services.importing.importer import import_file
from workbench.services.intake import import_source

__all__ = ["pair"]
RED, AMBER, GREEN = Tlp.RED.marking_id, Tlp.AMBER.marking_id, Tlp.GREEN.marking_id


def bundle_in(package: Path) -> dict:
    return orjson.loads((package / "payload" / "bundle.json").read_bytes())


def test_round_trip_objects_versions_markings_relationships(pair: Pair) -> None:
    actor = threat_actor(object_marking_refs=[AMBER])
    family = malware(object_marking_refs=[GREEN])
    family_v2 = dict(family, modified="2026-02-01T00:00:00.000Z", description="second version")
    beacon = indicator(
        object_marking_refs=[GREEN], granular_markings=[{"marking_ref": AMBER, "selectors": ["description"]}]
    )
    uses = relationship(actor["id"], family["id"], "uses", object_marking_refs=[AMBER])
    pair.stock(actor, family, family_v2, beacon, uses, relationship(beacon["id"], family["id"]))
    result = pair.export()
    assert result.tlp_ceiling is Tlp.AMBER and not result.held_back
    imported = exchange.import_package(pair.us, result.path)
    assert imported.committed and not imported.summary.refusal_reasons
    for original in (actor, family_v2, beacon, uses):
        assert pair.us.objects.get(original["id"]) == original
    versions = pair.us.objects.versions(family["id"])
    assert [v.modified[:10] for v in versions] == ["2026-02-01", "2026-01-10"]
    assert {v.provenance.package_id for v in versions} == {result.package_id}
    assert {v.provenance.partner_key_id for v in versions} == {pair.eu_key}
    assert ("target_ref", family["id"]) in pair.us.objects.refs_from(uses["id"])


def test_red_never_leaves_to_an_amber_partner_nor_what_only_red_references(pair: Pair) -> None:
    victim = {
        "type": "identity",
        "spec_version": "2.1",
        "id": "identity--" + "5" * 8 + "-5555-4555-8555-" + "5" * 12,
        "created": "2026-01-10T08:00:00.000Z",
        "modified": "2026-01-10T08:00:00.000Z",
        "name": "Ministry of Ports",
        "identity_class": "organization",
        "object_marking_refs": [GREEN],
    }
    shared = indicator(object_marking_refs=[GREEN], name="shared beacon")
    only_red = indicator(object_marking_refs=[GREEN], name="only in the red report")
    report = {
        "type": "report",
        "spec_version": "2.1",
        "id": "report--" + "6" * 8 + "-6666-4666-8666-" + "6" * 12,
        "created": "2026-01-10T08:00:00.000Z",
        "modified": "2026-01-10T08:00:00.000Z",
        "name": "Port intrusion",
        "published": "2026-01-10T08:00:00Z",
        "object_marking_refs": [RED],
        "object_refs": [victim["id"], only_red["id"], shared["id"]],
    }
    public_report = dict(
        report,
        id="report--" + "7" * 8 + "-7777-4777-8777-" + "7" * 12,
        name="Public note",
        object_marking_refs=[GREEN],
        object_refs=[shared["id"]],
    )
    secret_link = relationship(shared["id"], victim["id"], "targets", object_marking_refs=[RED])
    pair.stock(victim, shared, only_red, report, public_report, secret_link)
    result = pair.export()
    ids = {obj["id"] for obj in bundle_in(result.path)["objects"]}
    assert shared["id"] in ids and public_report["id"] in ids
    for kept_back in (report, secret_link, victim, only_red):
        assert kept_back["id"] not in ids
    reasons = {item.id: item.reason for item in result.held_back}
    assert "TLP:RED" in reasons[report["id"]]
    assert "only referenced by held-back" in reasons[only_red["id"]]
    assert "only referenced by held-back" in reasons[victim["id"]]
    assert RED not in json.dumps(bundle_in(result.path))


def test_explicit_selection_brings_references_not_what_only_red_points_at(pair: Pair) -> None:
    family = malware(object_marking_refs=[GREEN])
    beacon = indicator(object_marking_refs=[GREEN])
    hidden = indicator(object_marking_refs=[GREEN], name="hidden")
    red_report = {
        "type": "report",
        "spec_version": "2.1",
        "id": "report--" + "8" * 8 + "-8888-4888-8888-" + "8" * 12,
        "created": "2026-01-10T08:00:00.000Z",
        "modified": "2026-01-10T08:00:00.000Z",
        "name": "R",
        "published": "2026-01-10T08:00:00Z",
        "object_marking_refs": [RED],
        "object_refs": [beacon["id"], hidden["id"]],
    }
    link = relationship(beacon["id"], family["id"])
    pair.stock(family, beacon, hidden, red_report, link)
    result = pair.export(selection=exchange.IdSelection((beacon["id"], family["id"])))
    ids = {obj["id"] for obj in bundle_in(result.path)["objects"]}
    assert {beacon["id"], family["id"], link["id"], GREEN} <= ids
    assert hidden["id"] not in ids and red_report["id"] not in ids
    query = pair.export(selection=exchange.QuerySelection("hidden"))
    assert hidden["id"] in {obj["id"] for obj in bundle_in(query.path)["objects"]}


def test_sanitise_drops_internal_notes_custom_properties_and_local_labels(pair: Pair) -> None:
    beacon = indicator(labels=["internal:triage", "c2"], x_analyst_comment="call Bob")
    note = {
        "type": "note",
        "spec_version": "2.1",
        "id": "note--" + "9" * 8 + "-9999-4999-8999-" + "9" * 12,
        "created": "2026-01-10T08:00:00.000Z",
        "modified": "2026-01-10T08:00:00.000Z",
        "content": "we think it is the neighbour",
        "labels": ["internal"],
        "object_refs": [beacon["id"]],
    }
    pair.stock(beacon, note)
    plain = {obj["id"]: obj for obj in bundle_in(pair.export().path)["objects"]}
    assert plain[beacon["id"]]["x_analyst_comment"] == "call Bob" and note["id"] in plain
    result = pair.export(sanitize=True)
    cleaned = {obj["id"]: obj for obj in bundle_in(result.path)["objects"]}
    assert note["id"] not in cleaned
    assert cleaned[beacon["id"]]["labels"] == ["c2"] and "x_analyst_comment" not in cleaned[beacon["id"]]
    assert any("internal note" in item.reason for item in result.held_back)


def test_unmarked_objects_count_as_amber_by_default(pair: Pair) -> None:
    _, pem, _ = __import__("tests.exchange_support", fromlist=["x"]).new_private_key()
    exchange.add_partner(pair.eu, "Green Partner", pem, tlp_send=Tlp.GREEN)
    unmarked, green = indicator(name="unmarked"), indicator(name="green", object_marking_refs=[GREEN])
    pair.stock(unmarked, green)
    result = exchange.export_package(pair.eu, pair.medium(), "Green Partner")
    ids = {obj["id"] for obj in bundle_in(result.path)["objects"]}
    assert green["id"] in ids and unmarked["id"] not in ids
    assert "unmarked (treated as TLP:AMBER)" in {i.id: i.reason for i in result.held_back}[unmarked["id"]]
    again = exchange.export_package(pair.eu, pair.medium(), "Green Partner", unmarked_as=Tlp.CLEAR)
    assert unmarked["id"] in {obj["id"] for obj in bundle_in(again.path)["objects"]}
    assert again.tlp_ceiling is Tlp.GREEN


def test_bundle_inside_passes_the_validator_for_valid_sources(pair: Pair) -> None:
    examples = [
        path
        for path in sorted((SHARED_DATA / "stix" / "oasis-examples").rglob("*.json"))
        if orjson.loads(path.read_bytes()).get("type") == "bundle"
    ]
    assert len(examples) >= 5
    for path in examples:
        import_file(pair.eu, path)
    result = pair.export(tlp_max=Tlp.AMBER)
    bundle = bundle_in(result.path)
    assert len(bundle["objects"]) > 100
    report = validate_instance(bundle, ValidationOptions())
    assert report.is_valid, [str(error) for error in report.errors][:5]
    imported = exchange.import_package(pair.us, result.path)
    assert imported.summary.new + imported.summary.unchanged == result.object_count
    # The examples were written by other organisations: shown, and provenance names the EU key.
    assert any("name another author (created_by_ref)" in warning for warning in imported.verdict.warnings)


def test_openssl_verifies_what_the_program_writes(pair: Pair) -> None:
    pair.stock(indicator(), malware())
    package = pair.export().path
    done = subprocess.run(
        [
            "openssl",
            "pkeyutl",
            "-verify",
            "-pubin",
            "-inkey",
            str(pair.eu_pem),
            "-rawin",
            "-in",
            "manifest.json",
            "-sigfile",
            "manifest.json.sig",
        ],
        cwd=package,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0 and "Signature Verified Successfully" in done.stdout
    listing = "".join(
        f"{entry['sha256']}  {entry['path']}\n"
        for entry in json.loads((package / "manifest.json").read_bytes())["files"]
    )
    checked = subprocess.run(
        ["sha256sum", "-c", "--strict", "-"], cwd=package, input=listing, capture_output=True, text=True
    )
    assert checked.returncode == 0 and "payload/bundle.json: OK" in checked.stdout
    (package / "payload" / "bundle.json").write_bytes(b"{}")
    assert (
        subprocess.run(
            ["sha256sum", "-c", "--strict", "-"], cwd=package, input=listing, text=True, capture_output=True
        ).returncode
        != 0
    )


def test_a_manifest_signed_by_openssl_is_accepted(pair: Pair, tmp_path: Path) -> None:
    key = tmp_path / "openssl-key.pem"
    subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", str(key)], check=True)
    public = subprocess.run(["openssl", "pkey", "-in", str(key), "-pubout"], check=True, capture_output=True).stdout
    der = subprocess.run(
        ["openssl", "pkey", "-in", str(key), "-pubout", "-outform", "DER"], check=True, capture_output=True
    ).stdout
    key_id = hashlib.sha256(der).hexdigest()
    identity = f"identity--{uuid.uuid4()}"
    exchange.add_partner(pair.us, "Agency Using OpenSSL", public, expected_fingerprint=key_id, identity_ref=identity)
    beacon = indicator(name="from openssl")
    bundle = bundle_bytes(beacon)
    manifest = manifest_for(
        pair, bundle, producer={"name": "Agency Using OpenSSL", "key_id": key_id, "identity_ref": identity}
    )
    package = tmp_path / "openssl-package"
    (package / "payload").mkdir(parents=True)
    (package / "payload" / "bundle.json").write_bytes(bundle)
    (package / "manifest.json").write_bytes(rfc8785.dumps(manifest))
    subprocess.run(
        [
            "openssl",
            "pkeyutl",
            "-sign",
            "-inkey",
            str(key),
            "-rawin",
            "-in",
            "manifest.json",
            "-out",
            "manifest.json.sig",
        ],
        cwd=package,
        check=True,
    )
    result = exchange.import_package(pair.us, package)
    assert result.verdict.partner == "Agency Using OpenSSL"
    assert not result.verdict.warnings
    assert pair.us.objects.get(beacon["id"]) == beacon


def test_receipt_marks_the_package_delivered(pair: Pair) -> None:
    pair.stock(indicator(), indicator(object_marking_refs=[RED]))
    sent = pair.export(tar=True)
    assert [entry.status for entry in exchange.outbox(pair.eu.conn)] == ["awaiting receipt"]
    exchange.import_package(pair.us, sent.path)
    receipt = exchange.write_receipt(pair.us, sent.package_id, pair.medium(), tar=True)
    assert exchange.inbox(pair.us.conn)[0].receipt_id == receipt.receipt.receipt_id
    recorded = import_source(pair.eu, receipt.path).result
    assert isinstance(recorded, exchange.Receipt) and recorded.package_id == sent.package_id
    entry = exchange.outbox(pair.eu.conn)[0]
    # Imported: everything but the TLP:CLEAR definition (our identity's marking), built in on their side too.
    assert (entry.status, entry.imported, entry.refused, entry.held_back) == ("delivered", sent.object_count - 1, 0, 1)
    before = digest(pair.eu)
    with pytest.raises(WorkbenchError, match="already recorded"):
        import_source(pair.eu, receipt.path)
    assert digest(pair.eu) == before


def test_a_receipt_from_the_wrong_key_or_for_an_unknown_package_is_refused(pair: Pair) -> None:
    pair.stock(indicator())
    sent = pair.export()
    exchange.import_package(pair.us, sent.path)
    receipt = exchange.write_receipt(pair.us, sent.package_id, pair.medium())
    data = receipt.path / "receipt.json"
    data.write_bytes(data.read_bytes().replace(b'"imported":', b'"imported":1'))
    before = digest(pair.eu)
    with pytest.raises(WorkbenchError, match="signature does not verify"):
        import_source(pair.eu, receipt.path)
    with pytest.raises(WorkbenchError, match=r"no package .* was imported"):
        exchange.write_receipt(pair.us, "00000000-0000-4000-8000-000000000000", pair.medium())
    assert digest(pair.eu) == before


def test_export_refusals_name_the_cause(pair: Pair) -> None:
    pair.stock(indicator())
    with pytest.raises(WorkbenchError, match="no partner named 'Nobody'"):
        exchange.export_package(pair.eu, pair.medium(), "Nobody")
    with pytest.raises(WorkbenchError, match="above what US Cybersecurity Agency may receive"):
        pair.export(tlp_max=Tlp.RED)
    with pytest.raises(WorkbenchError, match="no case 'case-1'"):
        pair.export(selection=CaseSelection("case-1"))
    exchange.revoke_key(pair.eu, exchange.get_partner(pair.eu.conn, "US Cybersecurity Agency").keys[0].key_id)
    with pytest.raises(WorkbenchError, match="has no valid key"):
        pair.export()


def test_preview_matches_the_export_and_writes_nothing(pair: Pair) -> None:
    pair.stock(indicator(), indicator(object_marking_refs=[RED]))
    before = digest(pair.eu)
    preview = exchange.preview_export(pair.eu, "US Cybersecurity Agency")
    assert digest(pair.eu) == before
    result = pair.export()
    assert (preview.object_count, len(preview.held_back)) == (result.object_count, len(result.held_back))
    dry = exchange.preview_package(pair.us, result.path)
    # Everything but the TLP:CLEAR definition (our identity's marking), which the partner holds built in.
    assert dry.dry_run and not dry.committed and dry.summary.new == result.object_count - 1
    assert dry.summary.unchanged == 1
    assert exchange.inbox(pair.us.conn) == []
    assert exchange.import_package(pair.us, result.path).committed


def test_cancelled_export_and_import_leave_nothing(pair: Pair) -> None:
    pair.stock(*(indicator(name=f"beacon {index}") for index in range(600)))
    medium = pair.medium()
    stages: list[str] = []

    def cancel_while_writing() -> bool:
        return "write" in stages

    with pytest.raises(WorkbenchError, match="cancelled"):
        pair.export(dest=medium, progress=lambda stage, done, total: stages.append(stage), cancel=cancel_while_writing)
    assert list(medium.iterdir()) == [] and exchange.outbox(pair.eu.conn) == []
    written = pair.export(dest=medium)
    before = digest(pair.us)
    seen: list[str] = []
    with pytest.raises(WorkbenchError, match="cancelled"):
        exchange.import_package(
            pair.us,
            written.path,
            progress=lambda stage, done, total: seen.append(stage),
            cancel=lambda: "verify" in seen,
        )
    assert digest(pair.us) == before
