"""The Inbox's judgement of what was carried in: packages and receipts found in a folder, verdicts before import,
nothing written; and the demo's exchange part built by the real services."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import PASSPHRASE, indicator
from tests.exchange_support import Pair, digest, new_private_key, pair
from workbench.domain.tlp import Tlp
from workbench.services import exchange
from workbench.services.demo import create_demo_workspace, demo_stick
from workbench.services.exchange import inbox_scan
from workbench.services.exchange.inbox_scan import ItemKind, ItemState
from workbench.services.intake import import_source
from workbench.services.workspace import Workspace, create_workspace, opened
from workbench.storage import audit

__all__ = ["pair"]
GREEN = Tlp.GREEN.marking_id


def test_a_folder_of_packages_receipts_and_junk_is_judged_without_writing(pair: Pair, tmp_path: Path) -> None:
    stick = pair.medium()
    pair.stock(indicator(object_marking_refs=[GREEN], name="first"))
    first = pair.export(dest=stick)
    pair.stock(indicator(object_marking_refs=[GREEN], name="second"))
    second = pair.export(dest=stick, tar=True)
    (stick / ".half-written.partial").mkdir()
    (stick / "notes.txt").write_text("not a package")
    nested = stick / "from-partner" / "old"
    nested.mkdir(parents=True)
    broken = stick / "from-partner" / "tampered"
    broken.mkdir()
    for name in ("manifest.json", "manifest.json.sig"):
        (broken / name).write_bytes((first.path / name).read_bytes())
    (broken / "payload").mkdir()
    payload = (first.path / "payload" / "bundle.json").read_bytes()
    (broken / "payload" / "bundle.json").write_bytes(payload.replace(b'"first"', b'"fir5t"'))  # one byte

    assert [path.name for path in inbox_scan.find_items(stick)] == [first.path.name, second.path.name, "tampered"]
    before = digest(pair.us)
    result = inbox_scan.scan(pair.us, inbox_scan.places([stick], proc_root=tmp_path / "none"))
    assert digest(pair.us) == before
    by_name = {item.name: item for item in result.items}
    ready = by_name[first.path.name]
    assert ready.state is ItemState.READY and ready.kind is ItemKind.PACKAGE
    assert ready.partner == "EU Agency for Cybersecurity"
    assert ready.verdict is not None and ready.verdict.sequence == 1
    assert ready.verdict.object_count == first.object_count
    tar = by_name[second.path.name]
    assert tar.state is ItemState.READY and tar.verdict.sequence == 2
    refused = by_name["tampered"]
    assert refused.state is ItemState.REFUSED and "SHA-256" in refused.reason

    mine = inbox_scan.examine(pair.eu, first.path)  # the same stick seen by the workspace that wrote it
    assert mine.state is ItemState.OUTGOING and mine.partner == "US Cybersecurity Agency"

    exchange.import_package(pair.us, second.path)
    again = {item.name: item for item in inbox_scan.scan(pair.us, result.places).items}
    assert again[second.path.name].state is ItemState.IMPORTED and again[second.path.name].since
    assert again[first.path.name].state is ItemState.REFUSED
    assert again[first.path.name].reason.startswith("rollback")


def test_a_rollback_is_refused_and_a_receipt_is_recognised(pair: Pair) -> None:
    stick = pair.medium()
    pair.stock(indicator(object_marking_refs=[GREEN]))
    pair.export()  # sequence 1 never reaches the partner
    pair.export()
    third = pair.export(dest=stick)
    exchange.import_package(pair.us, pair.export(dest=pair.medium()).path)  # sequence 4 first: 3 is now a rollback
    item = inbox_scan.examine(pair.us, third.path)
    assert item.state is ItemState.REFUSED and "rollback" in item.reason

    fresh = pair.export(dest=stick)
    item = inbox_scan.examine(pair.us, fresh.path)
    assert item.state is ItemState.READY and item.warnings == ()
    exchange.import_package(pair.us, fresh.path)
    receipt = exchange.write_receipt(pair.us, fresh.package_id, stick)
    before = digest(pair.eu)
    found = inbox_scan.examine(pair.eu, receipt.path)
    assert found.kind is ItemKind.RECEIPT and found.state is ItemState.RECEIPT_READY
    assert found.receipt.package_id == fresh.package_id and found.partner == "US Cybersecurity Agency"
    assert digest(pair.eu) == before
    own = inbox_scan.examine(pair.us, receipt.path)
    assert own.state is ItemState.OUTGOING and own.kind is ItemKind.RECEIPT
    assert own.partner == "EU Agency for Cybersecurity"
    import_source(pair.eu, receipt.path)
    assert inbox_scan.examine(pair.eu, receipt.path).state is ItemState.RECEIPT_RECORDED


def test_a_sequence_gap_is_reported_as_a_warning(pair: Pair) -> None:
    pair.stock(indicator(object_marking_refs=[GREEN]))
    exchange.import_package(pair.us, pair.export().path)
    pair.export()  # sequence 2 is lost on the way
    third = pair.export()
    item = inbox_scan.examine(pair.us, third.path)
    assert item.state is ItemState.READY
    assert item.warnings and item.warnings[0].startswith("gap: 1 package(s)")


def test_the_demo_has_a_pinned_partner_and_its_package_and_receipt_waiting(tmp_path: Path) -> None:
    ws = create_demo_workspace(tmp_path)
    try:
        partners = exchange.list_partners(ws.conn)
        assert [partner.name for partner in partners] == ["Nordmark Cyber Defence Centre (fictional)"]
        assert partners[0].current_key() is not None
        assert [entry.status for entry in exchange.outbox(ws.conn)] == ["awaiting receipt", "delivered"]
        stick = demo_stick(ws.path)
        assert (stick / "southland-cert.pub.pem").is_file()
        assert not (tmp_path / "partner-agency").exists()  # the partner's private key went with its workspace
        items = inbox_scan.scan(ws, inbox_scan.places([stick], proc_root=tmp_path / "none")).items
        assert {(item.kind, item.state) for item in items} == {
            (ItemKind.PACKAGE, ItemState.READY),
            (ItemKind.RECEIPT, ItemState.RECEIPT_READY),
        }
        package = next(item for item in items if item.kind is ItemKind.PACKAGE)
        preview = import_source(ws, package.path, dry_run=True).result.summary
        assert preview.new > 0 and preview.unchanged > 0 and not preview.refusal_reasons
        # The newer GreyLantern names no author and came from an older bulletin: kept as a foreign version.
        assert (preview.new_versions, preview.foreign) == (0, 1)
        assert [finding.object_id for finding in preview.foreign_listed] == [_lantern_id(ws)]
    finally:
        ws.close()


def test_ceilings_change_from_the_command_line_and_are_audited(cli, tmp_path: Path) -> None:
    _private, pem, _key_id = new_private_key()
    with create_workspace(tmp_path / "eu.db", PASSPHRASE, "EU Agency") as ws:
        exchange.add_partner(ws, "US Agency", pem)
    db = str(tmp_path / "eu.db")
    changed = cli("keys", "ceilings", "--db", db, "--name", "us agency", "--accept-max", "red", "--json")
    assert changed.code == 0, changed.stderr
    assert changed.json == {"partner": "US Agency", "tlp_send": "AMBER", "tlp_accept": "RED"}
    unknown = cli("keys", "ceilings", "--db", db, "--name", "Nobody", "--tlp-max", "clear")
    assert unknown.code == 1 and unknown.stderr.strip().endswith(
        "no partner named 'Nobody'; pin their key with: workbench keys add-partner"
    )
    assert cli("keys", "ceilings", "--db", db, "--name", "US Agency").code == 1
    with opened(db, PASSPHRASE) as ws:
        entry = list(audit.entries(ws.conn))[-1]
        assert entry.action == "partner.ceilings"
        assert entry.details["tlp_accept"] == "RED" and entry.details["previous_accept"] == "AMBER"


def _lantern_id(ws: Workspace) -> str:
    return next(row.id for row in ws.objects.search("GreyLantern", limit=20) if row.type == "malware")
