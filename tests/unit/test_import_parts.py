"""The importer's parts on their own: the streaming reader, pattern shapes, timestamps, the 2.0 upgrade."""

from __future__ import annotations

import io
import json
import random

import orjson
import pytest
from stix2patterns.validator import run_validator

from tests.conftest import SHARED_DATA
from workbench.domain.timestamps import parse_stix_timestamp, sortable_timestamp
from workbench.services.importing import reader
from workbench.services.importing.limits import DEFAULT_LIMITS
from workbench.services.importing.patterns import PatternChecker
from workbench.services.importing.upgrade import upgrade

STIX = SHARED_DATA / "stix"


def read_all(data: bytes, chunk: int = reader.CHUNK_BYTES) -> tuple[list, reader.StixReader]:
    stream = reader.StixReader(io.BytesIO(data), "test.json", DEFAULT_LIMITS, chunk_bytes=chunk)
    return [element.value for element in stream], stream


@pytest.mark.skipif(not STIX.is_dir(), reason="shared STIX data not present")
@pytest.mark.parametrize(
    "name",
    [
        "misp-stix21/test_event1_stix21.json",
        "oasis-examples/infrastructure.json",
        "elevator-idioms/idioms-json-2.1/sighting.json",
    ],
)
def test_every_chunk_boundary_reads_the_same_objects(name: str) -> None:
    """A value cut by the end of the buffer anywhere (inside strings, numbers, nested objects) is read whole."""
    data = (STIX / name).read_bytes()
    expected = json.loads(data)["objects"]
    for chunk in [*range(1, 48), 97, 256, 1000]:
        assert read_all(data, chunk)[0] == expected, chunk


def test_shapes_bom_and_header_after_objects() -> None:
    objects, stream = read_all(b'\xef\xbb\xbf {"objects": [{"type": "x"}], "type": "bundle", "spec_version": "2.0"}')
    assert objects == [{"type": "x"}] and stream.shape == "STIX 2.0 bundle (upgraded to 2.1)"
    assert read_all(b'[{"a": 1}, {"b": 2}]')[1].shape == "JSON array of STIX objects"
    assert read_all(b'{"more": false, "objects": []}')[1].shape == "TAXII 2.1 envelope"
    assert read_all(b'{"type": "indicator", "objects": [1]}')[1].shape == "single STIX object"


def test_pattern_shapes_agree_with_the_library_on_hash_values() -> None:
    """Patterns that share a shape share a verdict: values that pass or fail each hash format keep their verdict."""
    checker = PatternChecker(DEFAULT_LIMITS)
    rnd = random.Random(5)
    values = [
        "a" * 32,
        "A" * 32,
        "g" * 32,
        "0" * 31,
        "0" * 40,
        "0" * 64,
        "0" * 64 + "\n",
        "abc:/+.",
        "x y",
        "0" * 33,
        "\n    " + "f" * 64,
        "9" * 128,
        "",
        "'quoted'",
    ]
    names = ["MD5", "'SHA-1'", "'SHA-256'", "SSDEEP", "'MD6'", "SHA512", "'unknown'"]
    for _ in range(300):
        value = rnd.choice(values).replace("'", "\\'")
        pattern = f"[file:hashes.{rnd.choice(names)} = '{value}' AND file:name = '{rnd.choice(values[:3])}']"
        expected = not run_validator(pattern, "2.1")
        assert (checker.check(pattern, "2.1").error is None) == expected, pattern


@pytest.mark.slow
@pytest.mark.skipif(not STIX.is_dir(), reason="shared STIX data not present")
def test_pattern_shapes_agree_with_the_library_on_real_patterns() -> None:
    patterns = set()
    for path in STIX.rglob("*.json"):
        document = orjson.loads(path.read_bytes())
        for obj in document.get("objects", []) if isinstance(document, dict) else document:
            if isinstance(obj, dict) and isinstance(obj.get("pattern"), str) and len(obj["pattern"]) < 3000:
                patterns.add(obj["pattern"])
    checker = PatternChecker(DEFAULT_LIMITS)
    disagreements = [
        pattern
        for pattern in sorted(patterns)
        if (checker.check(pattern, "2.1").error is None) != (not run_validator(pattern, "2.1"))
    ]
    assert len(patterns) > 500 and disagreements == []
    assert checker.validated < len(patterns) / 2  # shapes were shared: the library ran for a minority


def test_timestamp_keys_agree_with_the_calendar() -> None:
    """The one normaliser (importer and store alike) accepts exactly what ``datetime`` accepts as a STIX time."""
    rnd = random.Random(3)
    samples = [
        "2016-02-29T00:00:00Z",
        "2017-02-29T00:00:00Z",
        "1900-02-29T00:00:00Z",
        "2000-02-29T23:59:60.5Z",
        "2020-04-31T00:00:00Z",
        "2020-01-01T24:00:00Z",
        "2020-01-01T00:00:00+01:00",
        "2020-01-01 00:00:00Z",
    ]
    samples += [
        f"{rnd.randint(0, 9999):04d}-{rnd.randint(0, 13):02d}-{rnd.randint(0, 32):02d}T{rnd.randint(0, 24):02d}"
        f":{rnd.randint(0, 60):02d}:{rnd.randint(0, 61):02d}{rnd.choice(['', '.1', '.123456789012'])}Z"
        for _ in range(3000)
    ]
    samples.append("0000-01-01T00:00:00Z")
    for sample in samples:
        key = sortable_timestamp(sample)
        assert (key is None) == (parse_stix_timestamp(sample) is None), sample
        if key is not None:
            assert len(key) == 30 and key[:19] == sample[:19] and sortable_timestamp(sample) == key
    assert sortable_timestamp("2017-02-29T00:00:00Z") is None
    # Digits of another script are not RFC 3339's, though int() reads them.
    assert sortable_timestamp("\u0662\u0660\u0662\u0660-01-01T00:00:00Z") is None
    assert parse_stix_timestamp("2020-01-0\u0661T00:00:00Z") is None
    assert sortable_timestamp("2020-01-01T00:00:00Z") == sortable_timestamp("2020-01-01T00:00:00.000Z")


def test_upgrade_maps_labels_and_adds_21_properties() -> None:
    indicator = {
        "type": "indicator",
        "id": "indicator--5b6f3a5e-2c4c-4a5e-8d8c-1f2b3c4d5e6f",
        "labels": ["malicious-activity"],
        "pattern": "[x:y = 'z']",
    }
    upgraded = upgrade(indicator)
    assert list(upgraded)[:3] == ["type", "spec_version", "id"]
    assert upgraded["indicator_types"] == ["malicious-activity"] and "labels" not in upgraded
    assert (upgraded["pattern_type"], upgraded["pattern_version"]) == ("stix", "2.0")
    assert "labels" in indicator  # the input is left alone
    already_21 = upgrade({"type": "indicator", "id": indicator["id"], "pattern_type": "sigma", "pattern": "x"})
    assert "pattern_version" not in already_21
    assert upgrade({"type": "attack-pattern", "labels": ["a"]})["labels"] == ["a"]  # no vocabulary to move to


def test_upgrade_moves_only_vocabulary_labels_and_drops_the_type_name() -> None:
    family = upgrade({"type": "malware", "id": "malware--5b6f3a5e-2c4c-4a5e-8d8c-1f2b3c4d5e6f", "labels": ["malware"]})
    assert "labels" not in family and "malware_types" not in family and family["is_family"] is True
    mixed = upgrade({"type": "malware", "labels": ["malware", "trojan", "apt-toolkit", "ransomware"]})
    assert (mixed["malware_types"], mixed["labels"]) == (["trojan", "ransomware"], ["apt-toolkit"])
    assert "tool_types" not in upgrade({"type": "tool", "labels": ["tool"]})
    assert upgrade({"type": "tool", "labels": ["remote-access"]})["tool_types"] == ["remote-access"]
    assert upgrade({"type": "report", "labels": ["threat-report"]})["report_types"] == ["threat-report"]
    actor = upgrade({"type": "threat-actor", "labels": ["nation-state", "crime"]})
    assert (actor["threat_actor_types"], actor["labels"]) == (["nation-state"], ["crime"])
