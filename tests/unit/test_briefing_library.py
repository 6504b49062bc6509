"""A briefing built from a library search: actors, techniques, indicators, held-back markings, analyst input."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SHARED_DATA, indicator, malware, relationship, stix_id, threat_actor
from workbench.domain.errors import InvalidInput
from workbench.domain.tlp import Tlp
from workbench.services.importing.importer import import_file
from workbench.services.reports.analyst_input import check_final, load_analyst_file, parse_analyst
from workbench.services.reports.briefing_from_library import briefing_from_query, indicator_value
from workbench.services.reports.vocabulary import Confidence, Likelihood
from workbench.services.workspace import Workspace


def store(ws: Workspace, *objects: dict[str, Any]) -> None:
    with ws.transaction():
        source = ws.objects.add_source("local", "test")
        for obj in objects:
            ws.objects.put(obj, source)


def technique(**overrides: Any) -> dict[str, Any]:
    obj = {
        "type": "attack-pattern",
        "spec_version": "2.1",
        "id": stix_id("attack-pattern"),
        "created": "2026-01-10T08:00:00.000Z",
        "modified": "2026-01-10T08:00:00.000Z",
        "name": "Spearphishing Attachment",
        "external_references": [{"source_name": "mitre-attack", "external_id": "T1566.001"}],
        "kill_chain_phases": [{"kill_chain_name": "mitre-attack", "phase_name": "initial-access"}],
    }
    obj.update(overrides)
    return obj


@pytest.fixture
def owl(workspace: Workspace) -> dict[str, dict[str, Any]]:
    actor = threat_actor(primary_motivation="personal-gain")
    tech = technique()
    tool = malware()
    sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
    c2 = indicator(
        pattern=f"[file:hashes.'SHA-256' = '{sha256}']", confidence=80, object_marking_refs=[Tlp.GREEN.marking_id]
    )
    secret = indicator(
        name="Secret beacon", pattern="[domain-name:value = 'red.example']", object_marking_refs=[Tlp.RED.marking_id]
    )
    sighting = {
        "type": "sighting",
        "spec_version": "2.1",
        "id": stix_id("sighting"),
        "created": "2026-01-12T00:00:00.000Z",
        "modified": "2026-01-12T00:00:00.000Z",
        "sighting_of_ref": c2["id"],
        "first_seen": "2025-12-01T00:00:00Z",
        "last_seen": "2026-01-05T00:00:00Z",
    }
    store(
        workspace,
        actor,
        tech,
        tool,
        c2,
        secret,
        sighting,
        relationship(
            actor["id"],
            tech["id"],
            "uses",
            description="Invoice lures to [billing](https://x.example) staff (Citation: Partner 2026)",
        ),
        relationship(actor["id"], tool["id"], "uses"),
        relationship(c2["id"], actor["id"], "indicates"),
        relationship(secret["id"], actor["id"], "indicates"),
    )
    return {"actor": actor, "technique": tech, "c2": c2, "secret": secret}


def test_search_selects_the_actor_and_what_is_one_relationship_away(workspace: Workspace, owl) -> None:
    result = briefing_from_query(workspace, "Sandstorm Owl")
    briefing = result.briefing
    assert [a.name for a in briefing.actors] == ["Sandstorm Owl"]
    assert briefing.actors[0].aliases == ("SO-17",) and briefing.actors[0].motivation == "personal gain"
    assert [m.name for m in briefing.malware] == ["GreyLantern"]
    # The actor's `uses` is library knowledge, never the observation of this briefing: nothing was sighted.
    assert briefing.techniques == []
    [known] = briefing.known_uses
    assert (known.technique_id, known.by) == ("T1566.001", "Sandstorm Owl")
    assert known.procedure == "Invoice lures to billing staff"
    values = {row.value: row for row in briefing.indicators}
    row = values["9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"]
    assert row.type == "file SHA-256" and row.tlp is Tlp.GREEN and row.confidence == 80
    assert row.first_seen.isoformat().startswith("2025-12-01") and row.last_seen.isoformat().startswith("2026-01-05")
    assert "red.example" in values
    assert result.matched >= 1 and result.related >= 3


def test_objects_above_the_ceiling_are_held_back_and_counted(workspace: Workspace, owl) -> None:
    result = briefing_from_query(workspace, "Sandstorm Owl", tlp_ceiling=Tlp.GREEN)
    assert "red.example" not in {row.value for row in result.briefing.indicators}
    assert result.held_back == {"indicator": 1}
    assert result.briefing.tlp is Tlp.GREEN
    assert "1 held back as marked above TLP:GREEN" in result.briefing.selection_note


def test_analyst_judgements_and_attribution_join_the_library_selection(workspace: Workspace, owl) -> None:
    analyst = parse_analyst(
        {
            "title": "Owl briefing",
            "tlp": "green",
            "bluf": ["a", "b", "c"],
            "key_judgements": [{"statement": "More attacks", "likelihood": "Very Likely", "confidence": "high"}],
            "actors": [{"name": "so-17", "attribution_confidence": "moderate"}, {"name": "Unknown Heron"}],
            "sources": [{"name": "Partner", "grade": "b2"}],
        }
    )
    briefing = briefing_from_query(workspace, "Sandstorm", analyst).briefing
    assert briefing.title == "Owl briefing" and briefing.tlp is Tlp.GREEN
    assert briefing.judgements[0].likelihood is Likelihood.VERY_LIKELY
    assert [(a.name, a.attribution_confidence) for a in briefing.actors] == [
        ("Sandstorm Owl", Confidence.MODERATE),
        ("Unknown Heron", None),
    ]
    assert briefing.sources[0].grade == "B2"


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"key_judgments": []}, "unknown field 'key_judgments'"),
        (
            {"key_judgements": [{"statement": "x", "likelihood": "probable", "confidence": "high"}]},
            "key_judgements[1].likelihood: 'probable' is not one of",
        ),
        ({"sources": [{"name": "x", "grade": "G9"}]}, "reliability (A-F)"),
        ({"valid_until": "next week"}, "valid_until: 'next week' is not a date"),
        ({"tlp": "purple"}, "unknown TLP level"),
        ([], "must be a JSON object"),
    ],
)
def test_bad_analyst_input_is_refused_naming_the_field(document: Any, message: str) -> None:
    with pytest.raises(InvalidInput, match=re.escape(message)):
        parse_analyst(document)


def test_analyst_file_errors_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "analyst.json"
    bad.write_text("{not json")
    with pytest.raises(InvalidInput, match=re.escape("analyst.json: not valid JSON")):
        load_analyst_file(bad)
    with pytest.raises(InvalidInput, match="no such file"):
        load_analyst_file(tmp_path / "missing.json")
    bad.write_text(json.dumps({"bluf": ["only one"]}))
    with pytest.raises(InvalidInput, match="3 to 5 bottom-line points"):
        check_final(load_analyst_file(bad))


def test_analyst_level_above_the_ceiling_is_refused(workspace: Workspace, owl) -> None:
    with pytest.raises(InvalidInput, match="marked TLP:RED, above the report's TLP:GREEN"):
        briefing_from_query(workspace, "Sandstorm", parse_analyst({"tlp": "red"}), tlp_ceiling=Tlp.GREEN)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("[ipv4-addr:value = '198.51.100.7']", ("ipv4-addr", "198.51.100.7")),
        ("[url:value = 'http://x.example/it\\'s']", ("url", "http://x.example/it's")),
        ("[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']", ("file MD5", "d41d8cd98f00b204e9800998ecf8427e")),
        ("[file:name = 'evil.exe']", ("file name", "evil.exe")),
        (
            "[ipv4-addr:value = '1.2.3.4'] OR [ipv4-addr:value = '5.6.7.8']",
            ("pattern", "[ipv4-addr:value = '1.2.3.4'] OR [ipv4-addr:value = '5.6.7.8']"),
        ),
    ],
)
def test_indicator_type_and_value_from_its_pattern(pattern: str, expected: tuple[str, str]) -> None:
    assert indicator_value({"pattern": pattern, "pattern_type": "stix"}) == expected
    assert indicator_value({"pattern": "rule x {}", "pattern_type": "yara"}) == ("yara", "rule x {}")


@pytest.mark.slow
def test_real_attack_data_gives_technique_ids_tactics_and_release(workspace: Workspace) -> None:
    import_file(workspace, SHARED_DATA / "stix" / "attack" / "ics-attack-18.1.json")
    briefing = briefing_from_query(workspace, "Sandworm").briefing
    assert any(actor.name == "Sandworm Team" for actor in briefing.actors)
    # ATT&CK records no observation: its procedure examples are known uses, never this briefing's observations.
    assert briefing.techniques == []
    assert len(briefing.known_uses) >= 10
    assert all(k.technique_id.startswith("T") for k in briefing.known_uses)
    assert {k.source for k in briefing.known_uses} == {"ATT&CK v18.1"}
    assert all("(Citation:" not in k.procedure and "](http" not in k.procedure for k in briefing.known_uses)
    assert all("<code>" not in k.procedure for k in briefing.known_uses)
    # Withdrawn objects are not selected: Industroyer once, no deprecated technique.
    assert [m.name for m in briefing.malware].count("Industroyer") <= 1


def test_a_briefings_ceiling_judges_markings_as_the_exchange_does(workspace, write_json) -> None:  # type: ignore[no-untyped-def]
    """A custom TLP:RED definition and a marking not understood are above an AMBER briefing; neither is unmarked."""
    from tests.conftest import bundle, indicator, stix_id
    from tests.marking_samples import custom_tlp, opencti_pap
    from workbench.domain.tlp import Tlp
    from workbench.services.importing.importer import import_file
    from workbench.services.reports.briefing_from_library import briefing_from_query

    custom, pap = stix_id("marking-definition"), stix_id("marking-definition")
    red = indicator(name="Quokka red beacon", object_marking_refs=[custom])
    unclear = indicator(name="Quokka PAP beacon", object_marking_refs=[pap])
    fine = indicator(name="Quokka green beacon", object_marking_refs=[Tlp.GREEN.marking_id])
    import_file(workspace, write_json(bundle(custom_tlp(custom, "red"), opencti_pap(pap), red, unclear, fine)))
    selection = briefing_from_query(workspace, "quokka", tlp_ceiling=Tlp.AMBER)
    assert selection.held_back == {"indicator": 2} and selection.matched == 3
