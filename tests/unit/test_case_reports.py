"""Report inputs built from cases: what goes into the incident, exercise and briefing reports, and what is refused."""

from __future__ import annotations

from datetime import date

import pytest

from tests.case_samples import full_exercise, full_incident
from tests.conftest import relationship
from workbench.domain.cases.vocab import Rating
from workbench.domain.deadlines import Stage
from workbench.domain.errors import InvalidInput
from workbench.domain.tlp import Tlp
from workbench.services import cases
from workbench.services.cases import links as case_links
from workbench.services.cases import reports as case_reports
from workbench.services.reports import effective_tlp
from workbench.services.reports.analyst_input import parse_analyst
from workbench.services.workspace import Workspace
from workbench.storage.objects import ObjectStore

RED_MALWARE = {
    "type": "malware",
    "spec_version": "2.1",
    "id": "malware--0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d",
    "created": "2026-03-02T09:00:00.000Z",
    "modified": "2026-03-02T09:00:00.000Z",
    "name": "GreyLantern",
    "is_family": True,
    "object_marking_refs": [Tlp.RED.marking_id],
}


def store(ws: Workspace, *objects: dict) -> None:
    with ws.transaction() as conn:
        objects_store = ObjectStore(conn)
        source = objects_store.add_source("file", "test.json")
        for obj in objects:
            objects_store.put(obj, source)


def test_incident_input_carries_the_case_fields_records_and_linked_objects(workspace: Workspace) -> None:
    ref = full_incident(workspace)
    store(workspace, RED_MALWARE)
    case_links.link_objects(workspace, ref, [RED_MALWARE["id"]])
    made = case_reports.report_from_case(workspace, "incident", ref)
    report = made.report
    assert made.source["case"] == ref and made.source["case_stix_id"].startswith("incident--")
    # The case's own marking is the analyst's level; the cover carries the highest marking inside.
    assert report.tlp is Tlp.AMBER_STRICT and effective_tlp(report) is Tlp.RED
    assert report.details.rsit is not None and report.details.rsit.key == "intrusions:system-compromise"
    assert [item.stage for item in report.submissions] == [Stage.EARLY_WARNING, Stage.NOTIFICATION]
    assert [event.title for event in report.timeline] == ["VPN login from TOR exit"]
    assert {task.title for task in report.tasks} == {"Rotate credentials", "Brief ministry"}
    assert [(row.type, row.value) for row in report.indicators] == [("ipv4-addr", "203.0.113.9")]
    # Linked, never recorded as observed: listed with the other linked objects, not as an observed technique.
    assert report.techniques == []
    assert [(row.type, row.name, row.tlp) for row in report.linked] == [
        ("attack-pattern", "T1190 Exploit Public-Facing Application", Tlp.AMBER_STRICT),
        ("malware", "GreyLantern", Tlp.RED),
    ]
    assert report.originator == workspace.org_name and report.summary == "VPN appliance exploited."


def test_a_ceiling_leaves_out_linked_objects_above_it_and_refuses_a_case_above_it(workspace: Workspace) -> None:
    ref = full_incident(workspace)  # the case is AMBER+STRICT
    store(workspace, RED_MALWARE)
    case_links.link_objects(workspace, ref, [RED_MALWARE["id"]])
    made = case_reports.report_from_case(workspace, "incident", ref, tlp_ceiling=Tlp.AMBER_STRICT)
    assert [row.type for row in made.report.linked] == ["attack-pattern"] and made.held_back == {"malware": 1}
    assert effective_tlp(made.report) is Tlp.AMBER_STRICT
    assert "left out: 1 malware" in made.report.selection_note
    with pytest.raises(InvalidInput, match="marked TLP:AMBER\\+STRICT, above the report's TLP:GREEN"):
        case_reports.report_from_case(workspace, "incident", ref, tlp_ceiling=Tlp.GREEN)


def test_exercise_input_carries_overview_objectives_observations_plan_and_injects(workspace: Workspace) -> None:
    ref = full_exercise(workspace)
    report = case_reports.exercise_report_input(workspace, ref)
    assert report.overview.sponsor == "ENISA" and report.title == "Cyber Europe 2026"
    assert [(p.organisation, p.role.value) for p in report.participants] == [
        ("CISA", "third-party-observer"),
        ("CERT-EU", "player"),
    ]
    assert [(o.objective, o.rating) for o in report.objectives] == [("Activate the crisis cell within 1 h", Rating.S)]
    assert {o.title for o in report.observations} == {"Fast triage", "Call tree out of date"}
    assert report.improvements[0].completion_date == date(2026, 9, 30)
    assert [(i.number, i.sender, i.recipient) for i in report.injects] == [("1.1", "EXCON", "National CSIRT")]
    assert [(row.type, row.name) for row in report.linked] == [("threat-actor", "Exercise adversary 'Grey Pike'")]


def test_the_wrong_report_for_a_case_is_refused_in_one_line(workspace: Workspace) -> None:
    incident, exercise = full_incident(workspace), full_exercise(workspace)
    with pytest.raises(
        InvalidInput, match=f"case {exercise} is an exercise case; an incident report needs an incident case"
    ) as refused:
        case_reports.incident_report_input(workspace, exercise)
    assert "\n" not in str(refused.value)
    with pytest.raises(InvalidInput, match="is an incident case; an exercise report needs an exercise case"):
        case_reports.exercise_report_input(workspace, incident)
    with pytest.raises(InvalidInput, match="no case 'INC-2099-0001'"):
        case_reports.report_from_case(workspace, "briefing", "INC-2099-0001")


def test_briefing_of_a_case_has_its_actors_techniques_sector_and_the_analysts_judgements(workspace: Workspace) -> None:
    ref = full_incident(workspace)
    actor = case_links.create_object(
        workspace,
        ref,
        {"type": "threat-actor", "name": "Sandstorm Owl", "aliases": ["SO-17"], "threat_actor_types": ["criminal"]},
    )
    technique = next(
        obj_id for obj_id in cases.get_case(workspace, ref).linked if obj_id.startswith("attack-pattern--")
    )
    uses = relationship(actor, technique, "uses", description="Exploited the VPN appliance")
    store(workspace, uses)
    analyst = parse_analyst(
        {
            "key_judgements": [
                {"statement": "Owl will strike again.", "likelihood": "likely", "confidence": "moderate"}
            ],
            "actors": [{"name": "SO-17", "attribution_confidence": "high"}],
        }
    )
    briefing = case_reports.report_from_case(workspace, "briefing", ref, analyst=analyst).report
    assert briefing.case_ref == ref and briefing.title == "Threat briefing: Grid operator intrusion"
    assert [
        (a.name, a.attribution_confidence.value if a.attribution_confidence else None) for a in briefing.actors
    ] == [("Sandstorm Owl", "high")]
    # The actor's `uses` relationship is library knowledge, under its own heading; nothing was observed.
    assert briefing.techniques == []
    assert [(k.technique_id, k.by, k.procedure) for k in briefing.known_uses] == [
        ("T1190", "Sandstorm Owl", "Exploited the VPN appliance")
    ]
    # The case's impact colour (yellow) on the briefing's one scale of words.
    assert [(s.sector, s.severity, s.outlook, s.incidents) for s in briefing.sectors] == [
        ("Energy", "medium", "stable", 1)
    ]
    assert [j.statement for j in briefing.judgements] == ["Owl will strike again."]
    assert briefing.tlp is Tlp.AMBER_STRICT  # the case's marking when the analyst names none
    assert f"objects linked to case {ref}" in briefing.selection_note
