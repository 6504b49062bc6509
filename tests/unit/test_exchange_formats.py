"""Manifest and receipt bytes: canonical JSON only, exactly the fields of docs/exchange-format.md, file names safe
everywhere."""

from __future__ import annotations

import json

import pytest
import rfc8785

from workbench.domain.errors import InvalidInput
from workbench.domain.tlp import Tlp
from workbench.services.exchange.canonical import parse_canonical
from workbench.services.exchange.manifest import FileEntry, Manifest, Party, parse_manifest
from workbench.services.exchange.paths import check_member_path, check_unique

KEY = "ab" * 32


def sample() -> Manifest:
    return Manifest(
        package_id="0f8fad5b-d9cb-469f-a165-70867728950e",
        producer=Party("EU Agency", KEY, "identity--0f8fad5b-d9cb-469f-a165-70867728950e"),
        recipients=(Party("US Agency", "cd" * 32),),
        sequence=7,
        previous_manifest_sha256="ef" * 32,
        created="2026-01-10T08:00:00.000Z",
        expires="2026-02-10T08:00:00.000Z",
        tlp_ceiling=Tlp.AMBER.marking_id,
        bundle_id="bundle--0f8fad5b-d9cb-469f-a165-70867728950e",
        spec_version="2.1",
        object_count=3,
        files=(FileEntry("payload/bundle.json", 10, "12" * 32, "application/stix+json;version=2.1"),),
    )


def test_manifest_round_trips_through_its_canonical_bytes() -> None:
    manifest = sample()
    data = manifest.to_bytes()
    assert data == rfc8785.dumps(json.loads(data))
    assert parse_manifest(data) == manifest
    assert sorted(json.loads(data)) == [
        "created",
        "expires",
        "files",
        "format",
        "package_id",
        "previous_manifest_sha256",
        "producer",
        "recipients",
        "sequence",
        "stix",
        "tlp_ceiling",
    ]


@pytest.mark.parametrize(
    ("change", "cause"),
    [
        (lambda d: d.update(extra=1), "unknown field 'extra'"),
        (lambda d: d.pop("expires"), "lacks the field 'expires'"),
        (lambda d: d.update(sequence=0), "sequence is not a positive"),
        (lambda d: d.update(sequence=True), "sequence is not a positive"),
        (lambda d: d.update(sequence=1.5), "sequence is not a positive"),
        (lambda d: d.update(created="yesterday"), "created is not an RFC 3339"),
        (lambda d: d.update(expires="2025-01-01T00:00:00Z"), "expires is not after created"),
        (lambda d: d.update(tlp_ceiling="marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"), "TLP 2.0"),
        (lambda d: d.update(package_id="not-a-uuid"), "package_id is not a UUID"),
        (lambda d: d["producer"].update(key_id="AB" * 32), "producer.key_id is not a key fingerprint"),
        (lambda d: d.update(recipients=[]), "recipients must list"),
        (lambda d: d["stix"].update(spec_version="2.0"), "spec_version is not 2.1"),
        (lambda d: d["files"][0].update(path="manifest.json"), "must lie under payload/"),
        (lambda d: d["files"][0].update(path="payload/other.json"), "does not declare payload/bundle.json"),
        (lambda d: d["files"][0].update(sha256="xyz"), "sha256 is not a SHA-256"),
        (lambda d: d["producer"].update(name="EU\nAgency"), "control characters"),
    ],
)
def test_manifest_fields_are_checked_strictly(change, cause: str) -> None:  # type: ignore[no-untyped-def]
    document = sample().to_json()
    change(document)
    with pytest.raises(InvalidInput, match=cause.replace("(", r"\(").replace(".", r"\.")):
        parse_manifest(rfc8785.dumps(document))


@pytest.mark.parametrize(
    ("data", "cause"),
    [
        (b'{"a":1,"a":2}', "appears twice"),
        (b'{"a": 1}', "not in canonical form"),
        (b'{"b":1,"a":2}', "not in canonical form"),
        (b'{"a":1.0}', "not in canonical form"),
        (b'{"a":"\\u0041"}', "not in canonical form"),
        (b'{"a":NaN}', "not valid JSON"),
        (b'{"a":"\xff"}', "not valid UTF-8"),
        (b"[1]", "not a JSON object"),
        (b"[" * 100_000, "nested too deeply"),
    ],
)
def test_signed_documents_have_one_reading_only(data: bytes, cause: str) -> None:
    with pytest.raises(InvalidInput, match=cause):
        parse_canonical(data, "the manifest")


@pytest.mark.parametrize("path", ["payload/bundle.json", "payload/attachments/report-1.pdf", "a_b-c.d"])
def test_plain_names_are_accepted(path: str) -> None:
    assert check_member_path(path) == path


@pytest.mark.parametrize(
    ("path", "cause"),
    [
        ("", "empty"),
        ("../x", "climbs out"),
        ("a/./b", "climbs out"),
        ("/abs", "absolute"),
        ("a\\b", "backslash"),
        ("c:x", "drive"),
        ("a:stream", "drive"),
        ("CON", "reserved"),
        ("payload/lpt1.txt", "reserved"),
        ("payload/Com9", "reserved"),
        ("pay\u0430load/x", "non-ASCII"),
        ("a//b", "empty component"),
        ("a/b/", "empty component"),
        (".hidden", "not allowed"),
        ("trailing.", "not allowed"),
        ("sp ace", "not allowed"),
        ("a/b/c/d/e", "deeper"),
        ("x" * 201, "longer than"),
    ],
)
def test_hostile_names_are_refused_naming_why(path: str, cause: str) -> None:
    with pytest.raises(InvalidInput, match=cause):
        check_member_path(path)


def test_names_that_one_filesystem_would_merge_are_refused() -> None:
    check_unique(["payload/a.json", "payload/b.json"])
    with pytest.raises(InvalidInput, match="differ only in case"):
        check_unique(["payload/a.json", "payload/A.json"])
    with pytest.raises(InvalidInput, match="appears twice"):
        check_unique(["payload/a.json", "payload/a.json"])
