"""Sample cases with every field filled, for the case tests (round trips, report inputs)."""

from __future__ import annotations

from workbench.domain.cases.fields import parse_time
from workbench.services import cases
from workbench.services.cases import links as case_links
from workbench.services.cases import records as case_records
from workbench.services.workspace import Workspace

AWARE = "2026-03-02T08:00:00.000Z"


def full_incident(ws: Workspace) -> str:
    ref = cases.create_case(
        ws,
        "incident",
        "Grid operator intrusion",
        description="VPN appliance exploited.",
        tlp="amber+strict",
        fields={
            "awareness_at": AWARE,
            "reporting_entity": "Elia Transmission",
            "sector": "energy",
            "subsector": "electricity",
            "entity_class": "essential",
            "member_state": "BE",
            "contact_24_7": "+32 2 000 00 00",
            "regimes": "nis2,circia",
            "suspected_malicious": True,
            "cross_border": True,
            "affected_states": "NL,LU",
            "determination": "successful-attempt",
            "rsit": "intrusions:system-compromise",
            "root_cause": "malicious-actions",
            "threat_severity": "high",
            "impact_severity": "yellow",
            "outlook": "stable",
            "functional_impact": "minimal-impact-to-critical-services",
            "information_impact": "suspected-but-not-identified",
            "recoverability": "supplemented",
            "attack_vector": "web",
            "first_detected": "2026-03-02T07:40:00Z",
            "systems_affected": 12,
            "records_affected": 0,
            "users_affected": 340,
            "network_location": "business-network",
            "point_of_contact": "SOC duty officer",
            "mitigation_applied": "VPN isolated\nCredentials rotated",
        },
        now=parse_time(AWARE),
    ).ref
    case_records.record_stage(ws, ref, "early-warning", "2026-03-02T18:00:00Z", reference="CCB-2026-17")
    case_records.record_stage(ws, ref, "notification", "2026-03-04T10:00:00Z", note="IoCs attached")
    case_records.add_record(
        ws,
        ref,
        "event",
        {
            "at": "2026-03-01T23:10:00Z",
            "title": "VPN login from TOR exit",
            "kind": "attacker-activity",
            "description": "admin account",
        },
    )
    task = case_records.add_record(
        ws, ref, "task", {"title": "Rotate credentials", "owner": "Ana", "due": "2026-03-03T12:00:00Z"}
    )
    case_records.update_record(ws, ref, "task", task.uid, {"status": "ongoing"})
    case_records.add_record(ws, ref, "task", {"title": "Brief ministry"})
    case_links.create_object(
        ws,
        ref,
        {
            "type": "indicator",
            "name": "C2",
            "description": "Where the VPN implant calls home.",
            "pattern_type": "stix",
            "pattern": "[ipv4-addr:value = '203.0.113.9']",
            "valid_from": AWARE,
        },
    )
    case_links.create_object(
        ws,
        ref,
        {
            "type": "attack-pattern",
            "name": "Exploit Public-Facing Application",
            "description": "The attacker exploited the VPN appliance.",
            "external_references": [{"source_name": "mitre-attack", "external_id": "T1190"}],
        },
    )
    return ref


def full_exercise(ws: Workspace) -> str:
    ref = cases.create_case(
        ws,
        "exercise",
        "Cyber Europe 2026",
        description="Pan-European exercise.",
        fields={
            "starts_at": "2026-06-10T07:00:00Z",
            "ends_at": "2026-06-11T17:00:00Z",
            "time_in_play": 16 * 60,
            "exercise_type": "full-scale",
            "mission_areas": "response,recovery",
            "scope": "Energy sector",
            "location": "Distributed",
            "threat_hazard": "Ransomware",
            "scenario": "A criminal group hits grid operators.",
            "sponsor": "ENISA",
            "point_of_contact": "Exercise director",
        },
    ).ref
    case_records.add_records(
        ws,
        ref,
        {
            "participants": [
                {"organisation": "CISA", "role": "third-party-observer", "country": "US"},
                {"organisation": "CERT-EU", "role": "player"},
            ],
            "objectives": [
                {
                    "objective": "Activate the crisis cell within 1 h",
                    "capability": "Operational coordination",
                    "rating": "S",
                    "rationale": "Activated after 75 min",
                }
            ],
            "injects": [
                {
                    "number": "1.1",
                    "planned_at": "2026-06-10T08:00:00Z",
                    "actual_at": "2026-06-10T08:12:00Z",
                    "from": "EXCON",
                    "to": "National CSIRT",
                    "description": "Ransom note on HMIs",
                    "expected_action": "Early warning",
                    "observed_action": "Sent after 40 min",
                }
            ],
            "observations": [
                {"kind": "strength", "title": "Fast triage"},
                {
                    "kind": "area-for-improvement",
                    "title": "Call tree out of date",
                    "reference": "Plan 4.2",
                    "analysis": "No owner",
                    "recommendation": "Name an owner",
                },
            ],
            "improvements": [
                {
                    "capability": "Operational coordination",
                    "issue": "Call tree out of date",
                    "corrective_action": "Review quarterly",
                    "capability_element": "planning",
                    "responsible_org": "National CSIRT",
                    "contact": "Head of CSIRT",
                    "start_date": "2026-07-01",
                    "completion_date": "2026-09-30",
                }
            ],
            "tasks": [{"title": "Write the after-action report", "owner": "Lead evaluator"}],
        },
    )
    case_links.create_object(
        ws, ref, {"type": "threat-actor", "name": "Exercise adversary 'Grey Pike'", "threat_actor_types": ["criminal"]}
    )
    return ref
