"""A pinned partner who misbehaves cannot rewrite our history: versions belong to their author.

EU is the partner (its key and identity pinned in the US workspace); the US workspace is ours. Each test builds
the package the way a stolen key or a careless producer would, signed with EU's real pinned key.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.conftest import bundle, indicator, malware
from tests.exchange_support import Pair, bundle_bytes, craft, digest, manifest_for, new_private_key, pair
from workbench.domain.errors import VerificationFailed
from workbench.domain.timestamps import format_stix_timestamp, utc_now
from workbench.services import exchange
from workbench.services.exchange import IdSelection
from workbench.services.importing import foreign
from workbench.services.importing.importer import import_file

__all__ = ["pair"]
PARTNER_A = f"identity--{uuid.uuid4()}"


def send(pair: Pair, *objects: dict[str, Any], sequence: int = 1, name: str = "package", **fields: Any) -> Path:
    """A package from EU to US holding ``objects``, signed with EU's pinned key."""
    data = bundle_bytes(*objects)
    document = manifest_for(pair, data, sequence=sequence, **fields)
    return craft(pair.folder, document, {"payload/bundle.json": data}, pair.eu_signs, name=name)


def soon(hours: int = 1) -> str:
    return format_stix_timestamp(utc_now() + timedelta(hours=hours))


def stock_us(pair: Pair, *objects: dict[str, Any]) -> None:
    path = pair.folder / f"us-{uuid.uuid4().hex[:6]}.json"
    path.write_bytes(orjson.dumps(bundle(*objects)))
    import_file(pair.us, path)


def test_a_partner_cannot_revoke_or_rewrite_a_third_partys_object_nor_our_identity(pair: Pair) -> None:
    theirs = indicator(created_by_ref=PARTNER_A, name="A's beacon")
    stock_us(pair, theirs)
    ours = pair.us.identity()
    revoked = dict(theirs, modified="2026-03-01T00:00:00.000Z", revoked=True)
    rewritten = dict(theirs, modified="2026-03-02T00:00:00.000Z", pattern="[ipv4-addr:value = '9.9.9.9']")
    renamed = dict(ours, modified=soon(), name="renamed by Hostile")
    result = exchange.import_package(pair.us, send(pair, revoked, rewritten, renamed))
    summary = result.summary
    assert summary.committed and (summary.new_versions, summary.foreign) == (0, 3)
    assert sorted(finding.object_id for finding in summary.foreign_listed) == sorted(
        [theirs["id"], theirs["id"], ours["id"]]
    )
    reasons = " ".join(finding.message for finding in summary.foreign_listed)
    assert "this workspace's own object" in reasons and f"created by {PARTNER_A}" in reasons
    assert pair.us.objects.get(theirs["id"]) == theirs
    assert not pair.us.objects.row(theirs["id"]).revoked  # type: ignore[union-attr]
    assert pair.us.identity() == ours
    assert len(pair.us.objects.versions(theirs["id"])) == 1
    kept = foreign.foreign_versions(pair.us)
    assert {(row.id, row.package_id, row.partner_key_id) for row in kept} == {
        (theirs["id"], result.verdict.package_id, pair.eu_key),
        (ours["id"], result.verdict.package_id, pair.eu_key),
    }
    # Our next export carries what is current here, not the forgery.
    exchange.add_partner(pair.us, "Third Agency", new_private_key()[1])
    sent = exchange.export_package(pair.us, pair.medium(), "Third Agency", IdSelection((theirs["id"], ours["id"])))
    text = (sent.path / "payload" / "bundle.json").read_text()
    assert "9.9.9.9" not in text and "renamed by Hostile" not in text and '"revoked":true' not in text


def test_importing_the_same_foreign_versions_again_changes_nothing(pair: Pair) -> None:
    theirs = indicator(created_by_ref=PARTNER_A)
    stock_us(pair, theirs)
    newer = dict(theirs, modified="2026-03-02T00:00:00.000Z", name="changed")
    exchange.import_package(pair.us, send(pair, newer, sequence=1, name="first"))
    before = digest(pair.us)
    again = exchange.import_package(pair.us, send(pair, newer, sequence=2, name="second")).summary
    assert (again.foreign, again.unchanged) == (0, 1)
    assert len(foreign.foreign_versions(pair.us)) == 1
    assert digest(pair.us) != before  # only the channel and inbox moved on
    assert pair.us.conn.execute("SELECT count(*) FROM foreign_versions").fetchone()[0] == 1


def test_a_version_dated_far_in_the_future_is_refused(pair: Pair) -> None:
    own = indicator(created_by_ref=pair.eu.identity_id)
    forever = dict(own, id=f"indicator--{uuid.uuid4()}", modified="9999-12-31T23:59:59.999Z")
    tomorrow_and_more = dict(own, id=f"indicator--{uuid.uuid4()}", modified=soon(hours=30))
    summary = exchange.import_package(pair.us, send(pair, own, forever, tomorrow_and_more)).summary
    assert summary.new == 1 and summary.objects_refused == 2
    assert all(
        "in the future" in finding.message and finding.property == "modified" for finding in summary.refusal_reasons
    )
    assert pair.us.objects.get(forever["id"]) is None


def test_the_partner_versions_what_it_authored_and_what_it_first_sent(pair: Pair) -> None:
    authored = malware(created_by_ref=pair.eu.identity_id)
    unsigned = indicator()  # names no author: it belongs to whoever first sent it
    exchange.import_package(pair.us, send(pair, authored, unsigned, sequence=1, name="first"))
    newer = [
        dict(authored, modified="2026-04-01T00:00:00.000Z", name="GreyLantern v2"),
        dict(unsigned, modified="2026-04-01T00:00:00.000Z", name="C2 address v2"),
    ]
    summary = exchange.import_package(pair.us, send(pair, *newer, sequence=2, name="second")).summary
    assert (summary.new_versions, summary.foreign) == (2, 0)
    assert [pair.us.objects.get(obj["id"]) for obj in newer] == newer


def test_an_object_the_analyst_imported_is_not_versioned_by_a_partner_package(pair: Pair) -> None:
    local = indicator()
    stock_us(pair, local)
    newer = dict(local, modified="2026-04-01T00:00:00.000Z", name="changed by EU")
    summary = exchange.import_package(pair.us, send(pair, newer)).summary
    assert summary.foreign == 1 and "first received from another source" in summary.foreign_listed[0].message
    assert pair.us.objects.get(local["id"]) == local


def test_the_analyst_accepts_a_foreign_version_and_it_becomes_current_with_its_provenance(pair: Pair) -> None:
    theirs = indicator(created_by_ref=PARTNER_A)
    stock_us(pair, theirs)
    newer = dict(theirs, modified="2026-03-02T00:00:00.000Z", name="corrected by EU")
    result = exchange.import_package(pair.us, send(pair, newer))
    [waiting] = foreign.foreign_versions(pair.us)
    [accepted] = foreign.accept_foreign_versions(pair.us, [waiting.fid])
    assert accepted.outcome.value == "new_version"
    assert pair.us.objects.get(theirs["id"]) == newer
    current = next(version for version in pair.us.objects.versions(theirs["id"]) if version.current)
    assert current.provenance.package_id == result.verdict.package_id
    assert current.provenance.partner_key_id == pair.eu_key
    assert foreign.foreign_versions(pair.us) == []
    assert pair.us.conn.execute("SELECT count(*) FROM audit_log WHERE action = 'object.accept-foreign'").fetchone() == (
        1,
    )
    with pytest.raises(Exception, match="already accepted"):
        foreign.accept_foreign_versions(pair.us, [waiting.fid])


def test_a_new_object_claiming_to_be_ours_is_kept_aside(pair: Pair) -> None:
    forged = indicator(created_by_ref=pair.us.identity_id, name="our advisory (forged)")
    summary = exchange.import_package(pair.us, send(pair, forged)).summary
    assert (summary.new, summary.foreign) == (0, 1)
    assert pair.us.objects.get(forged["id"]) is None


def test_without_a_pinned_identity_a_partner_versions_nothing_stored(pair: Pair, tmp_path: Path) -> None:
    private, pem, key_id = new_private_key()
    exchange.add_partner(pair.us, "Loose Agency", pem)
    mine = indicator(created_by_ref=f"identity--{uuid.uuid4()}")
    first = bundle_bytes(mine)
    producer = {"name": "Loose Agency", "key_id": key_id, "identity_ref": mine["created_by_ref"]}
    package = craft(
        tmp_path, manifest_for(pair, first, producer=producer), {"payload/bundle.json": first}, private.sign
    )
    imported = exchange.import_package(pair.us, package)
    assert imported.summary.new == 1
    assert any("no STIX identity is pinned for Loose Agency" in warning for warning in imported.verdict.warnings)
    second = bundle_bytes(dict(mine, modified="2026-05-01T00:00:00.000Z"))
    package = craft(
        tmp_path,
        manifest_for(pair, second, producer=producer, sequence=2),
        {"payload/bundle.json": second},
        private.sign,
        name="second",
    )
    assert exchange.import_package(pair.us, package).summary.foreign == 1


def test_the_manifest_identity_must_be_the_pinned_one(pair: Pair) -> None:
    before = digest(pair.us)
    for claimed, cause in (
        (PARTNER_A, f"the manifest names the producer identity {PARTNER_A}"),
        (pair.us.identity_id, "claims this workspace's own identity"),
    ):
        producer = {"name": "EU Agency for Cybersecurity", "identity_ref": claimed, "key_id": pair.eu_key}
        package = send(pair, indicator(), producer=producer, name=f"claim-{claimed[-6:]}")
        with pytest.raises(VerificationFailed, match=cause):
            exchange.import_package(pair.us, package)
    assert digest(pair.us) == before


def test_verify_shows_the_pinned_name_first_and_warns_of_another_claim(pair: Pair, cli) -> None:  # type: ignore[no-untyped-def]
    producer = {"name": "Totally Trusted Agency", "identity_ref": pair.eu.identity_id, "key_id": pair.eu_key}
    package = send(pair, indicator(), producer=producer)
    done = cli("verify", str(package), "--db", str(pair.us.path))
    assert done.code == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[1].split()[:2] == ["partner", "EU"], lines
    assert "Totally Trusted Agency" not in lines[1]
    assert any("calls itself 'Totally Trusted Agency'" in line for line in lines)
