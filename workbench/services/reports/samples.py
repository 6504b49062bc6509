"""Filled-in report inputs for the demo workspace, the report screen's preview, tests and benchmarks.

The organisations, people and addresses are invented; IP addresses and domains are from the documentation ranges.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from workbench.domain.cases.case import (
    RecordKind,
    make_exercise_overview,
    make_incident_details,
    make_record,
)
from workbench.domain.cases.fields import with_changes
from workbench.domain.deadlines import Stage
from workbench.domain.timestamps import format_stix_timestamp
from workbench.domain.tlp import Tlp
from workbench.services.reports import stage as documents
from workbench.services.reports.model import (
    BriefingInput,
    ExerciseReportInput,
    IncidentReportInput,
    IndicatorRow,
    KeyJudgement,
    LinkedObjectRow,
    SectorImpact,
    SentStage,
    SourceRow,
    StageDocument,
    TechniqueRow,
    ThreatActorRow,
)
from workbench.services.reports.vocabulary import Confidence, Credibility, Likelihood, Reliability

T0 = datetime(2026, 1, 10, 6, 40, tzinfo=UTC)

TECHNIQUES = [
    TechniqueRow(
        "T1566.001",
        "Spearphishing Attachment",
        ("initial-access",),
        "Invoice-themed attachments to the billing team",
        "v18",
        4,
    ),
    TechniqueRow("T1059.001", "PowerShell", ("execution",), "Encoded loader run from the attachment macro", "v18", 3),
    TechniqueRow(
        "T1078",
        "Valid Accounts",
        ("defense-evasion", "persistence", "privilege-escalation", "initial-access"),
        "Re-used VPN credentials of a contractor",
        "v18",
        2,
    ),
    TechniqueRow("T1021.001", "Remote Desktop Protocol", ("lateral-movement",), "RDP to the SCADA jump host", "v18", 1),
    TechniqueRow("T1071.001", "Web Protocols", ("command-and-control",), "HTTPS beacons every 300 s", "v18", 5),
    TechniqueRow("T1486", "Data Encrypted for Impact", ("impact",), "Encryption of the billing file server", "v18", 1),
]


def indicators(count: int = 12, *, start: datetime = T0) -> list[IndicatorRow]:
    """``count`` indicators of several types spread over some months."""
    kinds = ("ipv4-addr", "domain-name", "file SHA-256", "url", "email-addr")
    rows = []
    for number in range(count):
        kind = kinds[number % len(kinds)]
        value = {
            "ipv4-addr": f"198.51.100.{number % 250 + 1}",
            "domain-name": f"update-{number}.evil-domain.example",
            "file SHA-256": f"{number:04x}" + "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"[4:],
            "url": f"https://cdn-{number}.evil-domain.example/gate.php?id={number}",
            "email-addr": f"billing-{number}@invoice-mail.example",
        }[kind]
        seen = start - timedelta(days=(number * 7) % 240)
        rows.append(
            IndicatorRow(
                kind,
                value,
                "C2 infrastructure of Sandstorm Owl",
                seen,
                seen + timedelta(days=3),
                (Tlp.GREEN, Tlp.AMBER, Tlp.CLEAR)[number % 3],
                (85, 50, 15)[number % 3],
            )
        )
    return rows


def _records(kind: RecordKind, items: list[dict[str, Any]]) -> list[Any]:
    return [make_record(kind, item) for item in items]


def incident() -> IncidentReportInput:
    """An energy operator's ransomware incident: early warning met, notification 3 h late, an intermediate report
    sent, the final report still ahead; NIS2 and CIRCIA-style regimes. Each stage sent has its snapshot; the impact
    severity was assessed green when the notification went out and is yellow now."""
    report = _incident_input()
    with_stages(report, {Stage.NOTIFICATION: {"impact_severity": "green"}})
    return report


def with_stages(report: IncidentReportInput, then: dict[Stage, dict[str, Any]] | None = None) -> None:
    """Fill ``drafts`` and ``sent`` as the case adapter does: each stage as it would be sent now, and each stage
    submitted as it was sent, where ``then`` gives the fields that were different at the time."""
    then = then or {}
    for stage in Stage:
        report.drafts[stage] = _stage_document(report, report.details, stage)
    for sequence, item in enumerate(sorted(report.submissions, key=lambda entry: entry.submitted_at), start=1):
        details = report.details
        if item.stage in then:
            details = with_changes(details, then[item.stage], "an incident")
        sent = documents.as_sent(
            _stage_document(report, details, item.stage),
            sequence=sequence,
            version=item.version or 1,
            submitted_at=item.submitted_at,
        )
        digest = hashlib.sha256(orjson.dumps(documents.to_json(sent))).hexdigest()
        report.sent[item.stage] = SentStage(
            sent, f"RPT-2026-{sequence:04d}", digest, documents.changes(sent, report.drafts[item.stage])
        )


def _stage_document(report: IncidentReportInput, details: Any, which: Stage) -> StageDocument:
    return StageDocument(
        stage=which,
        case_ref=report.case_ref,
        title=report.title,
        tlp=report.tlp,
        originator=report.originator,
        header=documents.header_rows(details),
        fields=documents.declared_fields(details, which, report.summary),
        indicators=report.indicators,
        assets=report.assets,
        techniques=report.techniques,
    )


def _incident_input() -> IncidentReportInput:
    stamp = format_stix_timestamp
    return IncidentReportInput(
        title="Ransomware at the billing systems of Nordwind Energie",
        tlp=Tlp.AMBER,
        case_ref="INC-2026-0042",
        status="Open, under investigation",
        originator="EU Agency for Cybersecurity",
        details=make_incident_details(
            {
                "reporting_entity": "Nordwind Energie GmbH",
                "sector": "energy",
                "subsector": "electricity",
                "entity_class": "essential",
                "member_state": "DE",
                "contact_24_7": "+49 30 5550 1234 (SOC, 24/7)",
                "awareness_at": stamp(T0),
                "regimes": "nis2,circia",
                "suspected_malicious": True,
                "cross_border": False,
                "determination": "successful-attempt",
                "rsit": "malicious-code:infected-system",
                "root_cause": "malicious-actions",
                "threat_type": "Criminal ransomware after a phishing e-mail",
                "threat_severity": "high",
                "impact_severity": "yellow",
                "outlook": "improving",
                "functional_impact": "significant-impact-to-non-critical-services",
                "information_impact": "privacy-data-breach",
                "recoverability": "supplemented",
                "attack_vector": "email-phishing",
                "first_detected": stamp(T0 - timedelta(hours=2)),
                "systems_affected": 14,
                "records_affected": 1_200_000,
                "users_affected": 310,
                "network_location": "business-network",
                "point_of_contact": "Jana Nováková, CISO, +49 30 5550 1200",
                "initial_assessment": (
                    "Billing unavailable for 4 days for 1.2 million customers; no supply interruption."
                ),
                "affected_assets": "FS-BILL-01 (file server, Berlin DC): encrypted, rebuilt\n"
                "JMP-SCADA-02 (jump host, Berlin DC): RDP log-on by the attacker, monitored",
                "mitigation_applied": "Isolation of the billing network, password reset, MFA on all VPN accounts.",
                "mitigation_ongoing": "Rebuild of the file server; monitoring of the jump host.",
                "cross_border_impact": "None known.",
                "actions_taken": "Isolated the billing VLAN (IT operations)\nReset 310 passwords and enforced MFA",
            }
        ),
        submissions=_records(
            RecordKind.STAGE,
            [
                {
                    "stage": "early-warning",
                    "submitted_at": stamp(T0 + timedelta(hours=20)),
                    "reference": "BSI-2026-311",
                    "note": "Encryption of billing servers; suspected criminal ransomware.",
                },
                {
                    "stage": "notification",
                    "submitted_at": stamp(T0 + timedelta(hours=75)),
                    "reference": "BSI-2026-311",
                    "note": "Scope confirmed: billing only; the control system is unaffected.",
                },
                {
                    "stage": "intermediate",
                    "submitted_at": stamp(T0 + timedelta(days=9)),
                    "note": "Restoration of billing at 80 %.",
                },
            ],
        ),
        summary="Criminal ransomware encrypted the billing file servers of a distribution system operator after "
        "a phishing e-mail. Electricity supply was not affected. Ελληνικά, Кириллица, Ærø: names print.",
        timeline=_records(
            RecordKind.EVENT,
            [
                {
                    "at": stamp(T0 - timedelta(hours=30)),
                    "title": "Phishing e-mail received by the billing team",
                    "kind": "attacker-activity",
                    "description": "Mail gateway",
                },
                {
                    "at": stamp(T0 - timedelta(hours=2)),
                    "title": "First encrypted file detected",
                    "kind": "detection",
                    "description": "EDR",
                },
                {"at": stamp(T0), "title": "SOC aware: ransom note on file server", "kind": "detection"},
                {"at": stamp(T0 + timedelta(hours=3)), "title": "Billing network isolated", "kind": "containment"},
            ],
        ),
        tasks=_records(
            RecordKind.TASK,
            [
                {
                    "title": "Rebuild file servers from clean images",
                    "owner": "IT operations",
                    "status": "ongoing",
                    "due": stamp(T0 + timedelta(days=7)),
                },
                {
                    "title": "Reset 310 passwords and enforce MFA",
                    "owner": "IAM team",
                    "completed_at": stamp(T0 + timedelta(hours=6)),
                },
            ],
        ),
        indicators=indicators(12),
        techniques=TECHNIQUES,
        linked=[
            LinkedObjectRow("threat-actor", "Sandstorm Owl", "Ransomware group active since 2024.", Tlp.AMBER),
            LinkedObjectRow("malware", "OwlCrypt", "File encryptor", Tlp.GREEN),
        ],
    )


#: A title of 90 characters: the running title must stop before the TLP label.
LONG_TITLE = "Ransomware and data theft at the billing, metering and customer systems of Nordwind Energy"


def stress_incident(indicator_count: int = 205, event_count: int = 45) -> IncidentReportInput:
    """The sample incident grown to a long dossier (about two dozen pages): a 90-character title, hundreds of
    indicators with long URLs, a long timeline, many linked objects with long descriptions. For layout checks."""
    report = incident()
    report.title = LONG_TITLE
    report.indicators = indicators(indicator_count - 5)
    report.indicators += [
        IndicatorRow(
            "url",
            f"https://files-{number}.evil-domain.example/download/stage2/payload-{number}.bin?campaign=grid-operators"
            f"&token={number:04d}a1b2c3d4e5f6a1b2c3d4e5f6&redirect=https%3A%2F%2Fbilling.nordwind.example%2Flogin",
            "Stage-2 download (malicious-activity)",
            T0 - timedelta(days=number),
            T0,
            Tlp.AMBER_STRICT if number == 0 else Tlp.AMBER,
        )
        for number in range(5)
    ]
    report.timeline = _records(
        RecordKind.EVENT,
        [
            {
                "at": format_stix_timestamp(T0 - timedelta(hours=48) + timedelta(minutes=37 * number)),
                "title": f"Event {number}: beacon from host BILL-WS-{number:03d} to the C2 relay",
                "kind": ("detection", "attacker-activity", "containment", "communication")[number % 4],
                "description": " ".join(
                    [
                        "Seen in the proxy logs and confirmed by the EDR; the host was isolated and imaged for "
                        "analysis by the incident response team."
                    ]
                    * (1 + number % 3)
                ),
            }
            for number in range(event_count)
        ],
    )
    report.linked = [
        LinkedObjectRow(
            ("malware", "tool", "threat-actor", "vulnerability")[number % 4],
            f"Linked object {number}",
            "A long description as ATT&CK and vendors write them: several sentences on what it does, who uses it "
            "and since when. It goes on to say how it is delivered, how it persists and how it talks to its "
            "operators, which a leadership reader does not need in the body of the report. "
            "Its indicators are listed by the vendor and change every few weeks.",
            Tlp.GREEN,
        )
        for number in range(24)
    ]
    return report


def exercise() -> ExerciseReportInput:
    """A functional exercise with a partner agency observing: three objectives rated P, S and M."""
    start = datetime(2026, 3, 4, 8, 0, tzinfo=UTC)
    stamp = format_stix_timestamp
    return ExerciseReportInput(
        title="Baltic Grid 2026",
        tlp=Tlp.GREEN,
        case_ref="EXE-2026-0051",
        status="Under evaluation",
        summary="After-action report of the national grid exercise.",
        overview=make_exercise_overview(
            {
                "starts_at": stamp(start),
                "ends_at": stamp(start + timedelta(hours=9)),
                "time_in_play": 8 * 60,  # an hour's lunch break out of play
                "exercise_type": "functional",
                "scope": "Billing and customer data of one distribution system operator",
                "location": "Tallinn and remote",
                "limits_of_play": "No contact with the real control systems; media play simulated.",
                "mission_areas": "protection,response,recovery",
                "threat_hazard": "Ransomware against a distribution system operator with a supply-chain foothold",
                "scenario": "A criminal group encrypts the billing systems of a grid operator and threatens to publish "
                "customer data; a partner agency observes and exchanges indicators by signed package.",
                "sponsor": "National Cyber Security Centre",
                "point_of_contact": "Mari Tamm, exercise director",
            }
        ),
        participants=_records(
            RecordKind.PARTICIPANT,
            [
                {"organisation": "National CSIRT", "role": "controller", "contact": "Mari Tamm", "country": "EE"},
                {"organisation": "Grid operator SOC", "role": "player", "contact": "Kristjan Saar", "country": "EE"},
                {
                    "organisation": "US Cybersecurity Agency",
                    "role": "third-party-observer",
                    "contact": "Alex Morgan",
                    "country": "US",
                },
            ],
        ),
        objectives=_records(
            RecordKind.OBJECTIVE,
            [
                {
                    "objective": "Issue an NIS2 early warning within 24 hours",
                    "capability": "Operational coordination",
                    "rating": "P",
                    "rationale": "Early warning sent after 5 hours",
                },
                {
                    "objective": "Exchange indicators with the partner agency",
                    "capability": "Intelligence and information sharing",
                    "rating": "S",
                    "rationale": "Signed package verified by the partner after a delay",
                },
                {
                    "objective": "Restore billing from clean backups",
                    "capability": "Infrastructure systems",
                    "rating": "M",
                },
            ],
        ),
        observations=_records(
            RecordKind.OBSERVATION,
            [
                {
                    "kind": "strength",
                    "title": "Early warning sent after 5 hours",
                    "capability": "Operational coordination",
                },
                {
                    "kind": "area-for-improvement",
                    "title": "Backups not tested for restore",
                    "capability": "Infrastructure systems",
                    "reference": "Recovery plan 3.2",
                    "description": "Restoring billing took 7 hours instead of the planned 2.",
                    "analysis": "Backup images had never been restored end to end.",
                    "recommendation": "Test a full restore every quarter.",
                },
            ],
        ),
        improvements=_records(
            RecordKind.IMPROVEMENT,
            [
                {
                    "capability": "Infrastructure systems",
                    "issue": "Backups not tested for restore",
                    "corrective_action": "Quarterly restore test",
                    "capability_element": "exercise",
                    "responsible_org": "Grid operator IT",
                    "contact": "K. Saar",
                    "start_date": (start + timedelta(days=30)).date().isoformat(),
                    "completion_date": (start + timedelta(days=120)).date().isoformat(),
                },
                {
                    "capability": "Intelligence and information sharing",
                    "issue": "Partner key fingerprints read by phone slowly",
                    "corrective_action": "Print fingerprints on the contact sheet",
                    "capability_element": "planning",
                    "responsible_org": "National CSIRT",
                    "contact": "L. Kask",
                    "start_date": (start + timedelta(days=7)).date().isoformat(),
                    "completion_date": (start + timedelta(days=30)).date().isoformat(),
                },
            ],
        ),
        injects=_records(
            RecordKind.INJECT,
            [
                {
                    "number": "1",
                    "planned_at": stamp(start + timedelta(minutes=15)),
                    "actual_at": stamp(start + timedelta(minutes=15)),
                    "from": "Control",
                    "to": "SOC",
                    "description": "EDR alert on the billing server",
                    "expected_action": "Triage and escalate",
                    "observed_action": "Escalated after 20 min",
                },
                {
                    "number": "2",
                    "planned_at": stamp(start + timedelta(hours=2)),
                    "actual_at": stamp(start + timedelta(hours=2, minutes=40)),
                    "from": "Control",
                    "to": "CSIRT",
                    "description": "Ransom note published on a leak site",
                    "expected_action": "Early warning to the CSIRT",
                    "observed_action": "Sent at 13:05",
                },
            ],
        ),
        originator="National CSIRT",
    )


def briefing(*, indicator_count: int = 12, techniques: list[TechniqueRow] | None = None) -> BriefingInput:
    return BriefingInput(
        title="Sandstorm Owl targets European energy billing systems",
        tlp=Tlp.AMBER,
        issued_at=T0 + timedelta(days=3),
        reference="BRF-2026-003",
        version="1.0",
        originator="EU Agency for Cybersecurity",
        audience="Heads of national CSIRTs and energy regulators",
        valid_until=T0 + timedelta(days=33),
        bluf=[
            "Sandstorm Owl has encrypted billing systems at two European energy operators since December.",
            "Entry is by invoice-themed phishing and contractor VPN accounts without multi-factor authentication.",
            "Electricity supply has not been affected; customer data has been stolen and partly published.",
        ],
        judgements=[
            KeyJudgement(
                "Sandstorm Owl will target a further energy operator in the next 30 days.",
                Likelihood.LIKELY,
                Confidence.MODERATE,
                "Two intrusions in six weeks; infrastructure still active (section 6).",
            ),
            KeyJudgement(
                "The group will disrupt electricity supply.",
                Likelihood.VERY_UNLIKELY,
                Confidence.HIGH,
                "No access beyond IT networks observed; financial motivation.",
            ),
        ],
        actors=[
            ThreatActorRow(
                "Sandstorm Owl",
                ("SO-17", "Песчаная сова"),
                "financial gain",
                Confidence.MODERATE,
                "Ransomware group active since 2024.",
                Tlp.AMBER,
            )
        ],
        techniques=TECHNIQUES if techniques is None else techniques,
        sectors=[
            SectorImpact("Energy", "high", "worsening", 2, "Two operators hit; billing down for days."),
            SectorImpact("Drinking water", "low", "stable", 0, "Phishing attempts only."),
            SectorImpact("Health", "moderate", "stable", 1, "One hospital supplier affected."),
        ],
        indicators=indicators(indicator_count),
        recommendations=[
            "Enforce multi-factor authentication on every remote access account.",
            "Block the indicators of section 6 at mail and web gateways.",
        ],
        gaps=["How the group chooses its victims.", "Whether stolen data is sold on."],
        sources=[
            SourceRow("Partner agency report", Reliability.B, Credibility.PROBABLY_TRUE, "Shared under TLP:AMBER"),
            SourceRow("Victim forensic report", Reliability.A, Credibility.CONFIRMED),
        ],
        distribution=["National CSIRTs of the EU Member States", "Energy regulators"],
    )
