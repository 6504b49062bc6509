"""A pinned partner's packages have limits: lifetime, sequence jumps, revoked keys, receipts that add up, names."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
import rfc8785

from tests.conftest import PASSPHRASE, indicator
from tests.exchange_support import Pair, bundle_bytes, craft, digest, manifest_for, pair
from workbench.cli.backup_cmd import restore_report
from workbench.domain.errors import InvalidInput, VerificationFailed, WorkbenchError
from workbench.domain.timestamps import format_stix_timestamp, utc_now
from workbench.services import exchange, keys
from workbench.services.backup import back_up, restore_backup
from workbench.services.workspace import open_workspace
from workbench.storage import audit

__all__ = ["pair"]
EU = "EU Agency for Cybersecurity"


def send(pair: Pair, name: str = "package", **fields: Any) -> Path:
    data = bundle_bytes(indicator())
    return craft(pair.folder, manifest_for(pair, data, **fields), {"payload/bundle.json": data}, pair.eu_signs, name)


def refused(pair: Pair, package: Path, cause: str, **options: Any) -> None:
    before = digest(pair.us)
    with pytest.raises(WorkbenchError, match=cause):
        exchange.import_package(pair.us, package, **options)
    assert digest(pair.us) == before


def test_a_package_valid_for_a_thousand_years_is_refused_until_the_analyst_widens_the_bound(pair: Pair) -> None:
    refused(pair, send(pair, created="2000-01-01T00:00:00.000Z", expires="2999-01-01T00:00:00.000Z"), "valid for")
    now = utc_now()
    long_lived = send(
        pair,
        name="long",
        created=format_stix_timestamp(now),
        expires=format_stix_timestamp(now + timedelta(days=400)),
    )
    refused(pair, long_lived, r"valid for 400 days, longer than the 366 allowed for EU Agency for Cybersecurity")
    exchange.set_partner_trust(pair.us, EU, max_lifetime_days=400)
    assert exchange.import_package(pair.us, long_lived).committed


def test_a_huge_sequence_jump_is_refused_and_does_not_poison_the_channel(pair: Pair) -> None:
    refused(pair, send(pair, name="far", sequence=2**53 - 1), r"sequence jump: package 9,007,199,254,740,991")
    assert exchange.import_package(pair.us, send(pair, name="next", sequence=1)).committed
    assert exchange.import_package(pair.us, send(pair, name="gap", sequence=50)).committed  # a gap within bounds
    refused(pair, send(pair, name="jump", sequence=151), r"more than the 100 allowed.*--accept-jump")
    accepted = exchange.import_package(pair.us, send(pair, name="jump-ok", sequence=151), accept_jump=True)
    assert accepted.committed and any("100 package(s)" in warning for warning in accepted.verdict.warnings)


def test_the_command_line_accepts_a_jump_only_when_asked(pair: Pair, cli) -> None:  # type: ignore[no-untyped-def]
    package = send(pair, sequence=5000)
    us = str(pair.us.path)
    plain = cli("import", "--db", us, str(package))
    assert plain.code == 1 and "--accept-jump" in plain.stderr and len(plain.stderr.strip().splitlines()) == 1
    assert cli("import", "--db", us, "--accept-jump", str(package)).code == 0
    changed = cli("keys", "trust", "--db", us, "--name", EU, "--max-jump", "10", "--max-lifetime", "30", "--json")
    assert changed.code == 0, changed.stderr
    assert json.loads(changed.stdout)["max_sequence_jump"] == 10
    listed = json.loads(cli("keys", "list", "--db", us, "--json").stdout)["partners"][0]
    assert (listed["identity_ref"], listed["max_lifetime_days"]) == (pair.eu.identity_id, 30)


def test_a_revoked_key_is_refused_whatever_created_it_claims_unless_the_package_is_readmitted(pair: Pair) -> None:
    now = utc_now()
    backdated = send(
        pair,
        created=format_stix_timestamp(now - timedelta(days=200)),
        expires=format_stix_timestamp(now + timedelta(days=30)),
    )
    key_id = pair.eu_key
    exchange.revoke_key(pair.us, key_id)  # revoked now; the package claims to be older
    refused(pair, backdated, r"revoked as of .* whatever date the package claims")
    package_id = json.loads((backdated / "manifest.json").read_bytes())["package_id"]
    with pytest.raises(InvalidInput, match="not a package id"):
        exchange.readmit_package(pair.us, "../../etc", key_id)
    exchange.readmit_package(pair.us, package_id, key_id, reason="confirmed by phone with the partner")
    assert exchange.import_package(pair.us, backdated).committed
    refused(pair, send(pair, name="other", sequence=2), "revoked as of")


def _resigned_receipt(pair: Pair, change: Any) -> tuple[Path, int]:
    """A receipt for a package of two indicators (with their author and markings), changed and signed again;
    returns it with the package's object count."""
    pair.stock(indicator(), indicator())
    sent = pair.export()
    held = orjson.loads((sent.path / "manifest.json").read_bytes())["stix"]["object_count"]
    exchange.import_package(pair.us, sent.path)
    receipt = exchange.write_receipt(pair.us, sent.package_id, pair.medium())
    document = orjson.loads((receipt.path / "receipt.json").read_bytes())
    change(document)
    data = rfc8785.dumps(document)
    (receipt.path / "receipt.json").write_bytes(data)
    (receipt.path / "receipt.json.sig").write_bytes(keys.sign(pair.us.conn, data)[1])
    return receipt.path, held


@pytest.mark.parametrize(
    ("field", "value", "cause"),
    [
        ("imported", lambda n: 10**15, "claims 1,000,000,000,000,000 imported of a package of {n} objects"),
        ("objects", lambda n: n + 3, "counts {m} objects, but the package held {n}"),
        # each count fits alone; with the objects imported they add up to more than the package held
        ("unchanged", lambda n: n, r"claims \d+ objects imported or unchanged of a package of {n}"),
    ],
)
def test_receipt_counts_must_fit_the_package(pair: Pair, field: str, value: Any, cause: str) -> None:
    claimed: dict[str, int] = {}

    def change(document: dict[str, Any]) -> None:
        claimed["m"] = value(document["counts"]["objects"])
        document["counts"][field] = claimed["m"]

    path, held = _resigned_receipt(pair, change)
    cause = cause.format(n=held, m=claimed["m"])
    before = digest(pair.eu)
    with pytest.raises(VerificationFailed, match=cause):
        exchange.import_receipt(pair.eu, path)
    assert digest(pair.eu) == before


def test_control_characters_in_signed_names_are_refused(pair: Pair) -> None:
    fake = "\x1b]0;pwned\x07\x1b[2J\x1b[32mVERIFIED\x1b[0m"
    producer = {"name": fake, "identity_ref": pair.eu.identity_id, "key_id": pair.eu_key}
    refused(pair, send(pair, producer=producer), "producer.name contains control characters")
    bidi = {"name": "EU \u202eycnegA", "identity_ref": pair.eu.identity_id, "key_id": pair.eu_key}
    refused(pair, send(pair, name="bidi", producer=bidi), "producer.name contains control characters")
    path, _ = _resigned_receipt(pair, lambda document: document["producer"].update({"name": fake}))
    with pytest.raises(InvalidInput, match="name in the receipt contains control characters"):
        exchange.import_receipt(pair.eu, path)
    with pytest.raises(InvalidInput, match="control characters"):
        exchange.add_partner(pair.eu, "Evil\x1b[2J", b"")


def test_after_a_restore_the_outgoing_channel_moves_forward_to_what_the_partner_received(pair: Pair) -> None:
    """A workspace restored from a backup does not know the packages sent after it: its next package would be a
    rollback for the partner, until the analyst moves the channel to the last sequence the partner read out."""
    pair.stock(indicator())
    exchange.import_package(pair.us, pair.export().path)
    backup = back_up(pair.eu, pair.medium())
    for _ in range(2):  # sent after the backup: the restored workspace will not know them
        pair.stock(indicator())
        exchange.import_package(pair.us, pair.export().path)
    restore_backup(backup.path, pair.folder / "restored.db", PASSPHRASE)
    restored = open_workspace(pair.folder / "restored.db", PASSPHRASE)
    try:
        pair.stock(indicator())
        stale = exchange.export_package(restored, pair.medium(), "US Cybersecurity Agency")
        with pytest.raises(VerificationFailed, match="rollback: sequence 2 is not after 3"):
            exchange.import_package(pair.us, stale.path)
        with pytest.raises(InvalidInput, match="already carries sequence 3; the channel only moves forward"):
            exchange.advance_outgoing(restored, "US Cybersecurity Agency", 1)
        assert exchange.advance_outgoing(restored, "US Cybersecurity Agency", 3, reason="read out by phone") == 4
        following = exchange.export_package(restored, pair.medium(), "US Cybersecurity Agency")
        result = exchange.import_package(pair.us, following.path)
        assert result.committed
        assert any("previous manifest differs" in warning for warning in result.verdict.warnings)
        assert [entry.details for entry in audit.entries(restored.conn) if entry.action == "partner.advance"] == [
            {"partner": "US Cybersecurity Agency", "from": 2, "to": 3, "reason": "read out by phone"}
        ]
    finally:
        restored.close()


def test_advance_refuses_an_unknown_partner_and_numbers_out_of_range(pair: Pair) -> None:
    with pytest.raises(InvalidInput, match="no partner named"):
        exchange.advance_outgoing(pair.eu, "Nobody", 5)
    for number in (0, -1, 2**31 + 1):
        with pytest.raises(InvalidInput, match="whole number from 1"):
            exchange.advance_outgoing(pair.eu, "US Cybersecurity Agency", number)


def test_a_receipt_of_a_revoked_key_is_refused_until_readmitted_by_its_id_on_the_command_line(pair: Pair, cli) -> None:  # type: ignore[no-untyped-def]
    pair.stock(indicator())
    sent = pair.export()
    exchange.import_package(pair.us, sent.path)
    receipt = exchange.write_receipt(pair.us, sent.package_id, pair.medium())
    receipt_id = receipt.receipt.receipt_id
    exchange.revoke_key(pair.eu, pair.us_key)
    before = digest(pair.eu)
    with pytest.raises(WorkbenchError, match=f"revoked as of .*{receipt_id}"):
        exchange.import_receipt(pair.eu, receipt.path)
    assert digest(pair.eu) == before
    help_text = cli("keys", "readmit", "--help", passphrase=None).stdout
    assert "package or receipt" in help_text
    readmitted = cli("keys", "readmit", "--db", str(pair.eu.path), receipt_id, "--key", pair.us_key, "--reason", "x")
    assert readmitted.code == 0, readmitted.stderr
    assert receipt_id in readmitted.stdout
    assert exchange.import_receipt(pair.eu, receipt.path).package_id == sent.package_id
    assert [entry.status for entry in exchange.outbox(pair.eu)] == ["delivered"]


def test_a_restore_report_says_a_channel_was_moved_forward_not_which_package_carried_it(pair: Pair) -> None:
    pair.stock(indicator())
    sent = pair.export()
    exchange.advance_outgoing(pair.eu, "US Cybersecurity Agency", 7)
    backup = back_up(pair.eu, pair.medium())
    restored = restore_backup(backup.path, pair.folder / "restored.db", PASSPHRASE)
    [channel] = [channel for channel in restored.channels if channel.direction == "out"]
    assert (channel.last_sequence, channel.last_package_id) == (7, "")  # not the id of package 1
    [line] = [line for line in restore_report(restored) if "last package sent to" in line]
    assert "sequence 7 (moved forward by keys advance, no package," in line and sent.package_id not in line
