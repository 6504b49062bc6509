"""The demo's cases: two incidents at fictional operators and a tabletop exercise with a partner agency observing.

Written by this project; every organisation and person is fictional. The incidents' times are set relative to
the moment the demo is built, so that the deadline panel is live: the grid operator's early warning was submitted
two hours late and its notification is due in 42 hours; the hospital's notification is overdue. The exercise
took place on fixed dates. Linked objects come from the demo library (``demo.fill``), one observable is created
inside the incident.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from workbench.domain.ids import WORKBENCH_NAMESPACE, derived_id
from workbench.domain.timestamps import format_stix_timestamp
from workbench.services import cases
from workbench.services.cases import links as case_links
from workbench.services.cases import records as case_records
from workbench.services.demo.names import PARTNER_NAME
from workbench.services.workspace import Workspace

logger = logging.getLogger(__name__)


def _ts(moment: datetime) -> str:
    return format_stix_timestamp(moment)


def _demo_id(kind: str, key: str) -> str:
    return derived_id(kind, "demo", key)


def _uid(key: str) -> str:
    """A record uid, the same in every demo workspace (records refer to each other by uid)."""
    return str(uuid.uuid5(WORKBENCH_NAMESPACE, f"demo record {key}"))


def _grid_incident(ws: Workspace, now: datetime) -> str:
    aware = now - timedelta(hours=30)
    case = cases.create_case(
        ws,
        "incident",
        "Invoice-lure intrusion at Nordvik Grid",
        now=aware - timedelta(minutes=20),
        description="Engineering workstation beaconing to GreyLantern infrastructure after an "
        "invoice-themed e-mail was opened. Operational technology not reached so far.",
        status="open",
        fields={
            "reporting_entity": "Nordvik Grid Operator (fictional)",
            "sector": "energy",
            "subsector": "electricity",
            "entity_class": "essential",
            "member_state": "FI",
            "contact_24_7": "soc@nordvik-grid.example",
            "awareness_at": _ts(aware),
            "regimes": ["nis2", "circia"],
            "suspected_malicious": True,
            "cross_border": False,
            "rsit": "intrusions:system-compromise",
            "root_cause": "malicious-actions",
            "threat_severity": "high",
            "impact_severity": "yellow",
            "outlook": "stable",
            "functional_impact": "minimal-impact-to-non-critical-services",
            "information_impact": "suspected-but-not-identified",
            "recoverability": "supplemented",
            "attack_vector": "email-phishing",
            "first_detected": _ts(aware - timedelta(hours=2)),
            "systems_affected": 3,
            "users_affected": 1,
            "network_location": "business-network",
            "point_of_contact": "Incident lead, Nordvik Grid SOC",
            "initial_assessment": "One engineering workstation and two jump hosts affected; no sign of access to "
            'the control network. Lure quoted: <a href="http://invoice-portal.example">'
            "Open invoice</a>.",
            "affected_assets": "ENG-WS-114, JUMP-02, JUMP-03",
            "mitigation_ongoing": "Hosts isolated, C2 blocked.",
        },
    )
    ref = case.ref
    case_records.add_records(
        ws,
        ref,
        {
            "events": [
                {
                    "at": _ts(aware - timedelta(hours=20)),
                    "title": "Invoice e-mail opened on ENG-WS-114",
                    "kind": "attacker-activity",
                },
                {
                    "at": _ts(aware - timedelta(hours=2)),
                    "title": "EDR alert: PowerShell download cradle",
                    "kind": "detection",
                },
                {"at": _ts(aware), "title": "SOC confirms beaconing to cdn-update.example", "kind": "detection"},
                {
                    "at": _ts(aware + timedelta(hours=3)),
                    "title": "Workstation and jump hosts isolated",
                    "kind": "containment",
                },
                {
                    "at": _ts(aware + timedelta(hours=26)),
                    "title": "Early warning sent to the national CSIRT",
                    "kind": "communication",
                },
            ],
            "tasks": [
                {
                    "title": "Image memory of ENG-WS-114",
                    "owner": "A. Lindqvist",
                    "due": _ts(aware + timedelta(hours=6)),
                    "status": "done",
                    "completed_at": _ts(aware + timedelta(hours=5)),
                },
                {
                    "title": "Block GreyLantern C2 at the perimeter",
                    "owner": "Network team",
                    "due": _ts(aware + timedelta(hours=4)),
                    "status": "done",
                    "completed_at": _ts(aware + timedelta(hours=3)),
                },
                {
                    "title": "Draft the incident notification",
                    "owner": "M. Korhonen",
                    "due": _ts(aware + timedelta(hours=60)),
                    "status": "ongoing",
                },
            ],
            "stages": [
                {
                    "stage": "early-warning",
                    "submitted_at": _ts(aware + timedelta(hours=26)),
                    "reference": "CSIRT-FI-2026-0117",
                    "note": "Submitted late: the duty officer was reached at the second attempt.",
                }
            ],
        },
        now=now,
    )
    case_links.link_objects(
        ws,
        ref,
        [
            _demo_id("threat-actor", "owl"),
            _demo_id("malware", "lantern"),
            _demo_id("malware", "moth"),
            _demo_id("indicator", "c2-1"),
            _demo_id("indicator", "c2-2"),
            _demo_id("indicator", "lure-1"),
            _demo_id("attack-pattern", "T1566.001"),
            _demo_id("attack-pattern", "T1059.001"),
        ],
        now=now,
    )
    case_links.create_object(ws, ref, {"type": "ipv4-addr", "value": "192.0.2.114"}, now=now)
    return ref


def _hospital_incident(ws: Workspace, now: datetime) -> str:
    aware = now - timedelta(hours=80)
    case = cases.create_case(
        ws,
        "incident",
        "Ransomware at Lakeside Regional Hospital",
        now=aware,
        status="contained",
        fields={
            "reporting_entity": "Lakeside Regional Hospital (fictional)",
            "sector": "health",
            "entity_class": "essential",
            "member_state": "EE",
            "awareness_at": _ts(aware),
            "suspected_malicious": True,
            "rsit": "malicious-code:infected-system",
            "attack_vector": "web",
            "impact_severity": "red",
        },
    )
    case_records.add_records(
        ws,
        case.ref,
        {
            "stages": [{"stage": "early-warning", "submitted_at": _ts(aware + timedelta(hours=20))}],
            "events": [{"at": _ts(aware - timedelta(hours=1)), "title": "File shares encrypted", "kind": "detection"}],
        },
        now=now,
    )
    case_links.link_objects(ws, case.ref, [_demo_id("malware", "nail"), _demo_id("threat-actor", "heron")], now=now)
    return case.ref


def _exercise(ws: Workspace, now: datetime) -> str:
    start = datetime(2026, 2, 10, 8, 0, tzinfo=UTC)
    case = cases.create_case(
        ws,
        "exercise",
        "Winter Ledger tabletop 2026",
        now=start - timedelta(days=20),
        status="evaluation",
        tlp="green",
        fields={
            "starts_at": _ts(start),
            "ends_at": _ts(start + timedelta(hours=7)),
            "time_in_play": 6 * 60 + 15,  # a 45-minute lunch break out of play
            "exercise_type": "tabletop",
            "location": "Demo Analysis Centre, room 2",
            "scope": "Detection, escalation and notification of an intrusion at an "
            "electricity operator, up to the NIS2 incident notification.",
            "limits_of_play": "No live systems; the operational technology network is out of play.",
            "mission_areas": ["response", "recovery"],
            "threat_hazard": "Espionage actor using invoice lures (Sandstorm Owl)",
            "scenario": "A spearphishing campaign against energy operators reaches an "
            "engineering workstation; the partner agency shares indicators "
            "midway through.",
            "sponsor": "Demo Analysis Centre",
            "point_of_contact": "Exercise director",
        },
    )

    def at(hours: float) -> str:
        return _ts(start + timedelta(hours=hours))

    document: dict[str, Any] = {
        "participants": [
            {"organisation": "Demo Analysis Centre", "role": "facilitator", "country": "FI"},
            {"organisation": "Nordvik Grid Operator (fictional)", "role": "player", "country": "FI"},
            {"organisation": "Baltic Rail Operations (fictional)", "role": "player", "country": "EE"},
            {
                "organisation": PARTNER_NAME,
                "role": "third-party-observer",
                "country": "Nordmark",
                "contact": "liaison@nordmark-cdc.example",
            },
        ],
        "objectives": [
            {
                "uid": _uid("objective 1"),
                "objective": "Detect and triage the intrusion within two hours of the first alert.",
                "capability": "Detection",
                "rating": "P",
                "rationale": "Triage completed in 70 minutes.",
            },
            {
                "uid": _uid("objective 2"),
                "objective": "Send the NIS2 early warning within 24 hours.",
                "capability": "Reporting",
                "rating": "S",
                "rationale": "Sent on time; the authority's contact list was out of date.",
            },
            {
                "uid": _uid("objective 3"),
                "objective": "Share indicators with the partner agency by signed package.",
                "capability": "Information sharing",
                "rating": "M",
                "rationale": "The partner's key had not been pinned; the package waited for a phone check.",
            },
        ],
        "injects": [
            {
                "number": "1",
                "planned_at": at(0.5),
                "actual_at": at(0.5),
                "delivered_scenario_at": at(0.5),
                "delivered_by": "Control cell",
                "sender": "Control cell",
                "recipient": "Nordvik SOC",
                "method": "message",
                "description": "EDR alert on an engineering workstation",
                "expected_action": "Open an incident and start triage",
                "observed_action": "Incident opened after 10 minutes",
                "responded_at": at(0.67),
                "responded_by": "Nordvik SOC",
            },
            {
                "number": "2",
                "planned_at": at(1.5),
                "actual_at": at(1.75),
                "delivered_scenario_at": at(1.75),
                "delivered_by": "Control cell",
                "sender": "Control cell",
                "recipient": "Nordvik SOC",
                "method": "phone",
                "description": "Beaconing to a known C2 domain",
                "expected_action": "Isolate the host, block the domain",
                "observed_action": "Host isolated",
                "responded_at": at(2.1),
                "responded_by": "Nordvik SOC",
            },
            {
                "number": "3",
                "planned_at": at(3),
                "actual_at": at(3.5),
                "delivered_scenario_at": at(3.5),
                "delivered_by": "Control cell",
                "sender": PARTNER_NAME,
                "recipient": "Demo Analysis Centre",
                "method": "package",
                "description": "Partner bulletin with GreyLantern indicators",
                "expected_action": "Import the package after verifying it",
                "observed_action": "Import delayed until the key fingerprint was confirmed by phone",
                "responded_at": at(3.9),
                "responded_by": "Demo Analysis Centre",
            },
            {
                "number": "4",
                "planned_at": at(5),
                "actual_at": at(5),
                "delivered_scenario_at": at(5),
                "delivered_by": "Control cell",
                "sender": "Control cell",
                "recipient": "Reporting officer",
                "method": "in-person",
                "description": "The 24-hour mark approaches",
                "expected_action": "Submit the early warning",
                "observed_action": "Early warning drafted and sent",
                "responded_at": at(5.6),
                "responded_by": "Reporting officer",
            },
            {
                "number": "5",
                "planned_at": at(6.5),
                "sender": "Control cell",
                "recipient": "All players",
                "method": "phone",
                "description": "Media enquiry about a power cut",
                "expected_action": "Coordinate the public line",
                "status": "skipped",
                "status_reason": "Time ran short; the public line was discussed in the hot wash instead.",
            },
        ],
        # The clock: a lunch pause, then a jump that puts scenario time back in line with the room's clock.
        "clock": [
            {"action": "start", "at": at(0), "scenario_at": at(0), "by": "Exercise director"},
            {"action": "pause", "at": at(3.75), "scenario_at": at(3.75), "by": "Exercise director", "reason": "Lunch"},
            {"action": "resume", "at": at(4.25), "scenario_at": at(3.75), "by": "Exercise director"},
            {"action": "jump", "at": at(4.25), "scenario_at": at(4.25), "by": "Exercise director"},
            {"action": "end", "at": at(7), "scenario_at": at(7), "by": "Exercise director"},
        ],
        "critical-tasks": [
            {
                "uid": _uid("task 1.1"),
                "objective": _uid("objective 1"),
                "number": "1.1",
                "task": "Triage the first alert and open an incident",
                "measures": "Incident opened within 30 minutes\nSeverity assessed within 2 hours",
            },
            {
                "uid": _uid("task 1.2"),
                "objective": _uid("objective 1"),
                "number": "1.2",
                "task": "Isolate the affected workstation",
                "measures": "Isolated within 1 hour of confirmed beaconing",
            },
            {
                "uid": _uid("task 2.1"),
                "objective": _uid("objective 2"),
                "number": "2.1",
                "task": "Draft and submit the early warning",
                "measures": "Submitted before the 24-hour deadline\nAll mandatory fields filled",
            },
            {
                "uid": _uid("task 3.1"),
                "objective": _uid("objective 3"),
                "number": "3.1",
                "task": "Verify and import the partner's package",
                "measures": "Signature checked against a pinned key\nImported within 30 minutes of receipt",
            },
        ],
        "eeg-observations": [
            {
                "uid": _uid("observation 1"),
                "at": at(1.2),
                "scenario_at": at(1.2),
                "evaluator": "L. Virtanen",
                "organisation": "Demo Analysis Centre",
                "objective": _uid("objective 1"),
                "task": _uid("task 1.1"),
                "text": "Triage finished 70 minutes after the first alert; the playbook was followed step by step.",
                "rating": "P",
            },
            {
                "uid": _uid("observation 2"),
                "at": at(2.0),
                "scenario_at": at(2.0),
                "evaluator": "L. Virtanen",
                "organisation": "Demo Analysis Centre",
                "objective": _uid("objective 1"),
                "task": _uid("task 1.2"),
                "text": "Isolation waited 20 minutes for the OT engineer's approval.",
                "rating": "S",
            },
            {
                "uid": _uid("observation 3"),
                "at": at(3.55),
                "scenario_at": at(3.55),
                "evaluator": "K. Tamm",
                "organisation": PARTNER_NAME,
                "objective": _uid("objective 3"),
                "task": _uid("task 3.1"),
                "text": "The package waited 25 minutes for a phone check of the key fingerprint.",
                "rating": "M",
            },
            {
                "uid": _uid("observation 4"),
                "at": at(3.6),
                "scenario_at": at(3.6),
                "evaluator": "K. Tamm",
                "organisation": PARTNER_NAME,
                "objective": _uid("objective 3"),
                "text": "No one knew where the partner's public key was kept.",
                "rating": "M",
            },
            {
                "uid": _uid("observation 5"),
                "at": at(5.5),
                "scenario_at": at(5.5),
                "evaluator": "L. Virtanen",
                "organisation": "Demo Analysis Centre",
                "objective": _uid("objective 2"),
                "task": _uid("task 2.1"),
                "text": "Early warning ready in time; the authority's contact list was out of date.",
                "rating": "S",
            },
        ],
        "observations": [
            {
                "uid": _uid("finding 1"),
                "kind": "strength",
                "title": "Fast triage by the SOC",
                "capability": "Detection",
                "objective": _uid("objective 1"),
                "based_on": [_uid("observation 1")],
                "analysis": "Playbooks were current and rehearsed.",
            },
            {
                "uid": _uid("finding 2"),
                "kind": "area-for-improvement",
                "title": "Partner key not pinned before the exercise",
                "objective": _uid("objective 3"),
                "based_on": [_uid("observation 3"), _uid("observation 4")],
                "capability": "Information sharing",
                "reference": "Exchange procedure 4.2",
                "analysis": "Key exchange with the partner was planned but never completed.",
                "recommendation": "Pin every partner's key at onboarding and check fingerprints yearly.",
            },
        ],
        "events": [{"at": at(7), "title": "Hot wash with all players and the observer", "kind": "communication"}],
        "improvements": [
            {
                "capability": "Information sharing",
                "issue": "Partner keys not pinned",
                "corrective_action": "Pin the keys of all partner agencies and record the phone check.",
                "capability_element": "planning",
                "responsible_org": "Demo Analysis Centre",
                "contact": "Exchange officer",
                "start_date": "2026-03-01",
                "completion_date": "2026-04-30",
                "answers": [_uid("finding 2")],
            },
        ],
    }
    case_records.add_records(ws, case.ref, document, now=start + timedelta(days=2))
    case_links.link_objects(
        ws,
        case.ref,
        [_demo_id("threat-actor", "owl"), _demo_id("campaign", "winter-ledger")],
        now=start + timedelta(days=2),
    )
    return case.ref


def fill_cases(ws: Workspace, *, now: datetime | None = None) -> list[str]:
    """Add the demo cases to a workspace already filled with the demo library; returns their references."""
    moment = (now or datetime.now(UTC)).replace(minute=0, second=0, microsecond=0)
    refs = [_grid_incident(ws, moment), _hospital_incident(ws, moment), _exercise(ws, moment)]
    logger.info("demo cases added")
    return refs
