"""threats.md "Packages", lines 1 to 15: each hostile package is refused with its cause, the store unchanged."""

from __future__ import annotations

import base64
import os
import shutil
import tarfile
from datetime import timedelta
from pathlib import Path

import orjson
import pytest

from tests.conftest import indicator, malware
from tests.exchange_support import Pair, bundle_bytes, craft, digest, manifest_for, new_private_key, pair, resign
from workbench.domain.errors import WorkbenchError
from workbench.domain.timestamps import format_stix_timestamp, utc_now
from workbench.domain.tlp import Tlp
from workbench.services import exchange, keys
from workbench.services.exchange.quarantine import QuarantineLimits

__all__ = ["pair"]
RED = Tlp.RED.marking_id


def refused(pair: Pair, package: Path, cause: str, **options: object) -> str:
    """Import into US must raise with ``cause`` in the message and leave the store exactly as it was."""
    before = digest(pair.us)
    with pytest.raises(WorkbenchError) as caught:
        exchange.import_package(pair.us, package, **options)  # type: ignore[arg-type]
    assert cause in str(caught.value), str(caught.value)
    assert "\n" not in str(caught.value)
    assert digest(pair.us) == before
    return str(caught.value)


@pytest.fixture
def package(pair: Pair) -> Path:
    pair.stock(indicator(name="Kestrel beacon"), malware())
    return pair.export().path


def test_1_payload_changed_after_signing(pair: Pair, package: Path) -> None:
    bundle = package / "payload" / "bundle.json"
    data = bundle.read_bytes()
    at = data.index(b"Kestrel")
    bundle.write_bytes(data[:at] + b"k" + data[at + 1 :])
    refused(pair, package, "payload/bundle.json does not match its SHA-256")


def test_2_manifest_changed_after_signing(pair: Pair, package: Path) -> None:
    manifest = package / "manifest.json"
    manifest.write_bytes(manifest.read_bytes().replace(Tlp.AMBER.marking_id.encode(), Tlp.GREEN.marking_id.encode()))
    refused(pair, package, "signature does not verify: the manifest was changed after signing")


def test_3_resigned_by_unknown_key(pair: Pair, package: Path) -> None:
    private, _, key_id = new_private_key()

    def change(document: dict) -> None:
        document["producer"]["key_id"] = key_id

    resign(package, private.sign, change)
    refused(pair, package, "signed by an unknown key")
    # The key it names is shown in phone groups, to ask the producer about; it is not trusted for anything.
    refused(pair, package, f"names the key {keys.format_fingerprint(key_id)} as its signer (not verified")


def test_3_key_shipped_inside_the_package_is_not_trusted(pair: Pair, package: Path) -> None:
    private, pem, key_id = new_private_key()
    (package / "payload" / "producer.pub.pem").write_bytes(pem)

    def change(document: dict) -> None:
        document["producer"]["key_id"] = key_id
        document["files"].append(
            {
                "path": "payload/producer.pub.pem",
                "size": len(pem),
                "sha256": __import__("hashlib").sha256(pem).hexdigest(),
                "media_type": "application/x-pem-file",
            }
        )

    resign(package, private.sign, change)
    refused(pair, package, "keys inside a package are never trusted")


def test_4_producer_key_id_differs_from_signer(pair: Pair, package: Path) -> None:
    _, pem, other = new_private_key()
    exchange.add_partner(pair.us, "Third Agency", pem)

    def change(document: dict) -> None:
        document["producer"]["key_id"] = other

    resign(package, pair.eu_signs, change)
    refused(pair, package, "but was signed by key")


def test_5_replay(pair: Pair, package: Path) -> None:
    exchange.import_package(pair.us, package)
    refused(pair, package, "replay: package")


def test_6_rollback_refused_and_gap_warned(pair: Pair) -> None:
    pair.stock(indicator())
    first = pair.export()
    pair.stock(indicator())
    second = pair.export()
    pair.stock(indicator())
    third = pair.export()
    exchange.import_package(pair.us, second.path)
    refused(pair, first.path, "rollback: sequence 1 is not after 2")
    pair.stock(indicator())
    fourth = pair.export()
    result = exchange.import_package(pair.us, fourth.path)  # package 3 never arrived: accepted, with a warning
    assert result.committed
    assert any("gap" in warning for warning in result.verdict.warnings)
    refused(pair, third.path, "rollback: sequence 3 is not after 4")


def test_7_addressed_to_another_recipient(pair: Pair) -> None:
    _, pem, _ = new_private_key()
    exchange.add_partner(pair.eu, "Other Agency", pem)
    pair.stock(indicator())
    written = exchange.export_package(pair.eu, pair.medium(), "Other Agency")
    refused(pair, written.path, "addressed to Other Agency, not to this workspace")


def test_8_expired(pair: Pair, package: Path) -> None:
    refused(pair, package, "expired on", now=utc_now() + timedelta(days=31))


def test_8_created_in_the_future(pair: Pair, package: Path) -> None:
    refused(pair, package, "created in the future", now=utc_now() - timedelta(hours=1))


def test_8_created_after_the_key_validity_ended(pair: Pair, package: Path) -> None:
    with pair.us.transaction() as conn:
        ended = format_stix_timestamp(utc_now() - timedelta(days=1))
        conn.execute("UPDATE partner_keys SET valid_until = ?", (ended,))
    refused(pair, package, "validity ended")


def test_8_created_after_the_key_was_revoked(pair: Pair, package: Path) -> None:
    exchange.revoke_key(
        pair.us, pair.eu_key, since=format_stix_timestamp(utc_now() - timedelta(hours=1)), reason="laptop stolen"
    )
    refused(pair, package, "revoked as of")


@pytest.mark.parametrize(
    ("path", "cause"),
    [
        ("payload/../../etc/passwd", "climbs out"),
        ("/etc/passwd", "is absolute"),
        ("payload\\bundle2.json", "backslash"),
        ("C:/payload/x.json", "drive"),
        ("payload/CON", "reserved device name"),
        ("payload/nul.json", "reserved device name"),
        ("payload/bundl\u0435.json", "non-ASCII"),  # Cyrillic e
    ],
)
def test_9_hostile_paths_in_the_manifest(pair: Pair, path: str, cause: str) -> None:
    bundle = bundle_bytes(indicator())
    document = manifest_for(pair, bundle)
    document["files"].append({"path": path, "size": 1, "sha256": "0" * 64, "media_type": "text/plain"})
    package = craft(pair.folder, document, {"payload/bundle.json": bundle}, pair.eu_signs)
    refused(pair, package, cause)


def test_9_names_that_differ_only_in_case(pair: Pair) -> None:
    bundle = bundle_bytes(indicator())
    document = manifest_for(pair, bundle)
    document["files"].append(dict(document["files"][0], path="payload/Bundle.json"))
    package = craft(pair.folder, document, {"payload/bundle.json": bundle}, pair.eu_signs)
    refused(pair, package, "differ only in case")


def test_9_hostile_names_present_on_the_medium(pair: Pair, package: Path) -> None:
    (package / "payload" / "AUX.txt").write_bytes(b"x")
    refused(pair, package, "reserved device name")


def test_10_undeclared_file(pair: Pair, package: Path) -> None:
    (package / "payload" / "extra.json").write_bytes(b"{}")
    refused(pair, package, "payload/extra.json is in the package but not declared")


def test_10_declared_file_missing(pair: Pair) -> None:
    bundle = bundle_bytes(indicator())
    document = manifest_for(pair, bundle)
    document["files"].append({"path": "payload/notes.txt", "size": 2, "sha256": "1" * 64, "media_type": "text/plain"})
    package = craft(pair.folder, document, {"payload/bundle.json": bundle}, pair.eu_signs)
    refused(pair, package, "payload/notes.txt is declared in the manifest but missing")


def test_10_symlink(pair: Pair, package: Path) -> None:
    bundle = package / "payload" / "bundle.json"
    shutil.move(bundle, pair.folder / "elsewhere.json")
    os.symlink(pair.folder / "elsewhere.json", bundle)
    refused(pair, package, "is a symbolic link")


def test_10_pipe_or_other_special_file(pair: Pair, package: Path) -> None:
    os.mkfifo(package / "payload" / "pipe")
    refused(pair, package, "not a regular file")


def test_11_duplicate_keys(pair: Pair, package: Path) -> None:
    data = (package / "manifest.json").read_bytes()
    data = data.replace(b'"sequence":1,', b'"sequence":1,"sequence":9,')
    (package / "manifest.json").write_bytes(data)
    (package / "manifest.json.sig").write_bytes(pair.eu_signs(data))
    refused(pair, package, "appears twice")


def test_11_manifest_not_in_canonical_form(pair: Pair, package: Path) -> None:
    data = orjson.dumps(orjson.loads((package / "manifest.json").read_bytes()), option=orjson.OPT_INDENT_2)
    (package / "manifest.json").write_bytes(data)
    (package / "manifest.json.sig").write_bytes(pair.eu_signs(data))
    refused(pair, package, "not in canonical form")


def test_11_unknown_format(pair: Pair, package: Path) -> None:
    resign(package, pair.eu_signs, lambda document: document.update(format="stix-exchange-package/2"))
    refused(pair, package, "unknown package format 'stix-exchange-package/2'")


def test_12_object_above_the_package_ceiling(pair: Pair) -> None:
    bundle = bundle_bytes(indicator(), indicator(object_marking_refs=[RED]))
    package = craft(pair.folder, manifest_for(pair, bundle), {"payload/bundle.json": bundle}, pair.eu_signs)
    refused(pair, package, "is marked TLP:RED, above the package's ceiling TLP:AMBER")


def test_12_marking_spelled_with_json_escapes_is_still_seen(pair: Pair) -> None:
    escaped = RED.replace("e", "\\u0065", 1)
    bundle = bundle_bytes(indicator(object_marking_refs=["PLACEHOLDER"])).replace(b"PLACEHOLDER", escaped.encode())
    assert RED.encode() not in bundle
    package = craft(pair.folder, manifest_for(pair, bundle), {"payload/bundle.json": bundle}, pair.eu_signs)
    refused(pair, package, "is marked TLP:RED")


def test_12_above_what_the_partner_may_send(pair: Pair) -> None:
    bundle = bundle_bytes(indicator(object_marking_refs=[RED]))
    package = craft(
        pair.folder, manifest_for(pair, bundle, tlp_ceiling=RED), {"payload/bundle.json": bundle}, pair.eu_signs
    )
    refused(pair, package, "above what EU Agency for Cybersecurity may send us (TLP:AMBER)")


def test_12_redefined_tlp_marking(pair: Pair) -> None:
    fake = {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": Tlp.GREEN.marking_id,
        "created": "2022-10-01T00:00:00.000Z",
        "definition_type": "statement",
        "definition": {"statement": "actually RED"},
    }
    bundle = bundle_bytes(fake, indicator())
    package = craft(pair.folder, manifest_for(pair, bundle), {"payload/bundle.json": bundle}, pair.eu_signs)
    refused(pair, package, "redefines a built-in TLP marking definition")


@pytest.mark.parametrize("signature", [b"\x01" * 63, b"\x01" * 65, b""])
def test_13_signature_of_the_wrong_length(pair: Pair, package: Path, signature: bytes) -> None:
    (package / "manifest.json.sig").write_bytes(signature)
    refused(pair, package, f"signature is {len(signature)} bytes, not the 64 raw bytes")


def test_13_signature_encoded_as_text(pair: Pair, package: Path) -> None:
    sig = package / "manifest.json.sig"
    sig.write_bytes(base64.b64encode(sig.read_bytes()))
    refused(pair, package, "encoded as text")


def test_14_oversized_file(pair: Pair, package: Path) -> None:
    refused(pair, package, "larger than the cap", limits=QuarantineLimits(max_file=200))


def test_14_sparse_file(pair: Pair, package: Path) -> None:
    with open(package / "payload" / "sparse.bin", "wb") as handle:
        handle.truncate(64 * 1024 * 1024)
    refused(pair, package, "sparse file")


def _tar_with(package: Path, extra: tarfile.TarInfo, target: Path) -> Path:
    with tarfile.open(target, "w", format=tarfile.USTAR_FORMAT) as archive:
        archive.add(package, arcname=package.name)
        archive.addfile(extra)
    return target


@pytest.mark.parametrize(
    ("kind", "cause"),
    [
        (tarfile.SYMTYPE, "symbolic link"),
        (tarfile.LNKTYPE, "hard link"),
        (tarfile.CHRTYPE, "character device"),
        (tarfile.BLKTYPE, "block device"),
        (tarfile.FIFOTYPE, "pipe"),
    ],
)
def test_14_tar_with_links_or_devices(pair: Pair, package: Path, kind: bytes, cause: str) -> None:
    member = tarfile.TarInfo(f"{package.name}/payload/odd")
    member.type = kind
    member.linkname = "payload/bundle.json" if kind in (tarfile.SYMTYPE, tarfile.LNKTYPE) else ""
    refused(pair, _tar_with(package, member, pair.folder / "odd.tar"), cause)


def test_14_tar_with_too_many_members(pair: Pair, package: Path) -> None:
    for index in range(40):
        (package / "payload" / f"f{index}.txt").write_bytes(b"x")
    target = pair.folder / "many.tar"
    with tarfile.open(target, "w", format=tarfile.USTAR_FORMAT) as archive:
        archive.add(package, arcname=package.name)
    refused(pair, target, "more than 32 members")


def test_14_size_cap_holds_on_what_a_tar_header_claims(pair: Pair, package: Path) -> None:
    target = pair.folder / "huge.tar"
    with tarfile.open(target, "w", format=tarfile.GNU_FORMAT) as archive:
        archive.add(package, arcname=package.name)
    # A header claiming 3 GiB with no data behind it: refused from the header, nothing read or written.
    member = tarfile.TarInfo(f"{package.name}/payload/huge.bin")
    member.size = 3 * 1024**3
    with open(target, "r+b") as handle:
        handle.seek(0, os.SEEK_END)
        while handle.tell() > 0:
            handle.seek(-512, os.SEEK_CUR)
            if handle.read(512).strip(b"\0"):
                break
            handle.seek(-512, os.SEEK_CUR)
        handle.truncate()
        handle.write(member.tobuf(format=tarfile.GNU_FORMAT))
    refused(pair, target, "larger than the cap")


def test_15_the_medium_changing_after_the_copy_has_no_effect(pair: Pair) -> None:
    original = indicator(name="Signed name")
    pair.stock(original)
    package = pair.export().path
    bundle = package / "payload" / "bundle.json"

    def tamper(stage: str, done: int, total: int) -> None:
        if stage == "copy" and done == total and b"Signed name" in bundle.read_bytes():
            bundle.write_bytes(bundle.read_bytes().replace(b"Signed name", b"Forged name"))

    result = exchange.import_package(pair.us, package, progress=tamper)
    assert result.committed
    assert b"Forged name" in bundle.read_bytes(), "the test must really have changed the medium"
    assert pair.us.objects.get(original["id"])["name"] == "Signed name"


def test_quarantine_is_private_and_always_removed(pair: Pair, package: Path, tmp_path: Path) -> None:
    root = tmp_path / "quarantine-root"
    root.mkdir()
    modes: list[int] = []

    def look(stage: str, done: int, total: int) -> None:
        modes.extend(os.stat(entry).st_mode & 0o777 for entry in root.iterdir())

    exchange.import_package(pair.us, package, quarantine_root=root, progress=look)
    assert modes and set(modes) == {0o700}
    assert list(root.iterdir()) == []
    refused(pair, package, "replay", quarantine_root=root)
    assert list(root.iterdir()) == []


def test_keys_never_come_from_the_package_for_verify_with_a_key_file(pair: Pair, package: Path) -> None:
    _, pem, _ = new_private_key()
    with pytest.raises(WorkbenchError, match="unknown key"):
        exchange.verify_package(package, public_key_pem=pem)
    verdict = exchange.verify_package(package, public_key_pem=pair.eu_pem.read_bytes())
    assert verdict.producer.key_id == keys.active_key(pair.eu.conn).key_id
