"""Case bundles read by a tool without the workbench's extension: Incident Core properties, impacts, a summary note,
an exercise's participants; stix2-validator with default options and with --strict."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from stix2validator import ValidationOptions, validate_file

from tests.case_samples import full_exercise, full_incident
from workbench.services import cases
from workbench.services.cases import stix as case_stix
from workbench.services.cases.portable import IMPACT_EXTENSION_ID
from workbench.services.cases.schema import CASE_EXTENSION_ID
from workbench.services.workspace import Workspace


def exported(ws: Workspace, ref: str, folder: Path) -> tuple[Path, list[dict[str, Any]]]:
    path = folder / f"{ref}.json"
    case_stix.export_case(ws, ref, path)
    return path, orjson.loads(path.read_bytes())["objects"]


@pytest.mark.parametrize("make", [full_incident, full_exercise])
@pytest.mark.parametrize("strict", [False, True])
def test_case_bundles_pass_the_validator(workspace: Workspace, tmp_path: Path, make, strict: bool) -> None:  # type: ignore[no-untyped-def]
    path, _ = exported(workspace, make(workspace), tmp_path)
    result = validate_file(str(path), ValidationOptions(strict=strict))
    problems = [f"{item.object_id}: {text}" for item in result.object_results for text in item.errors + item.warnings]
    assert result.is_valid and problems == []


def test_the_incident_carries_the_incident_core_properties_it_knows(workspace: Workspace, tmp_path: Path) -> None:
    ref = full_incident(workspace)
    _, objects = exported(workspace, ref, tmp_path)
    incident = next(obj for obj in objects if obj["type"] == "incident")
    core = incident["extensions"][case_stix.INCIDENT_CORE_ID]
    assert core["criticality"] == 65  # impact severity yellow: "High" on the extension's scale
    assert core["impacted_entity_counts"] == {"system": 12, "individual": 340}
    assert core["incident_types"] == ["compromised-system"]  # RSIT Intrusions / System Compromise
    assert "detection_methods" not in core  # the case does not know how it was detected
    impacts = {obj["id"]: obj for obj in objects if obj["type"] == "impact"}
    assert set(core["impact_refs"]) == set(impacts)
    availability = next(obj for obj in impacts.values() if obj["impact_category"] == "availability-ext")
    assert availability["extensions"]["availability-ext"] == {"availability_impact": 20}  # minimal, critical services
    assert availability["extensions"][IMPACT_EXTENSION_ID] == {"extension_type": "new-sdo"}
    assert availability["recoverability"] == "supplemented"
    secrecy = next(obj for obj in impacts.values() if obj["impact_category"] == "confidentiality-ext")
    assert secrecy["extensions"]["confidentiality-ext"] == {
        "information_type": "unknown",
        "loss_type": "suspected-loss",
        "record_count": 0,
    }
    assert all(obj["object_marking_refs"] == incident["object_marking_refs"] for obj in impacts.values())


def test_every_case_bundle_has_a_note_with_the_plain_text_summary(workspace: Workspace, tmp_path: Path) -> None:
    incident_ref = full_incident(workspace)
    _, objects = exported(workspace, incident_ref, tmp_path)
    incident = next(obj for obj in objects if obj["type"] == "incident")
    [note] = [obj for obj in objects if obj["type"] == "note"]
    assert note["object_refs"] == [incident["id"]]
    assert note["abstract"] == f"Incident case {incident_ref}: Grid operator intrusion"
    for line in (
        "Status: New. Marking: TLP:AMBER+STRICT.",
        "VPN appliance exploited.",
        "Time of awareness: 2026-03-02 08:00 UTC",
        "RSIT classification: Intrusions / System Compromise",
        "Impact severity: Yellow: significant impact on services",
        "- Time: 2026-03-01 23:10 UTC; Event: VPN login from TOR exit; Type: Attacker activity;",
        "Task: Rotate credentials; Owner: Ana",
    ):
        assert line in note["content"], line
    grouping = next(obj for obj in objects if obj["type"] == "grouping")
    assert note["id"] in grouping["object_refs"]

    exercise_ref = full_exercise(workspace)
    _, objects = exported(workspace, exercise_ref, tmp_path)
    grouping = next(obj for obj in objects if obj["type"] == "grouping")
    [note] = [obj for obj in objects if obj["type"] == "note"]
    assert (
        note["object_refs"] == [grouping["id"]] and "Objective: Activate the crisis cell within 1 h" in note["content"]
    )
    participants = {
        obj["name"]: obj for obj in objects if obj["type"] == "identity" and obj["id"] in grouping["object_refs"]
    }
    assert set(participants) == {"CISA", "CERT-EU"}
    assert participants["CISA"]["roles"] == ["third-party-observer"]
    assert grouping["object_refs"][:3] == [note["id"], *(obj["id"] for obj in participants.values())]
    assert CASE_EXTENSION_ID in grouping["object_refs"]


def test_a_reader_without_our_extension_still_has_the_case(workspace: Workspace, tmp_path: Path) -> None:
    """What remains once our extension is taken away: the incident with its core properties and the summary."""
    ref = full_incident(workspace)
    _, objects = exported(workspace, ref, tmp_path)
    stripped = [
        {
            **obj,
            "extensions": {key: value for key, value in obj.get("extensions", {}).items() if key != CASE_EXTENSION_ID},
        }
        for obj in objects
        if obj["type"] != "extension-definition"
    ]
    incident = next(obj for obj in stripped if obj["type"] == "incident")
    assert set(incident["extensions"][case_stix.INCIDENT_CORE_ID]) >= {
        "determination",
        "investigation_status",
        "criticality",
        "impacted_entity_counts",
        "incident_types",
        "recoverability",
        "events",
        "tasks",
        "impact_refs",
    }
    note = next(obj for obj in stripped if obj["type"] == "note")
    assert "Member State: Belgium" in note["content"] and "Users affected: 340" in note["content"]
    assert cases.get_case(workspace, ref).stix_id == incident["id"]
