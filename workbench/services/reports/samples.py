"""Filled-in report inputs for the demo workspace, the report screen's preview, tests and benchmarks.

The organisations, people and addresses are invented; IP addresses and domains are from the documentation ranges.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from workbench.domain.tlp import Tlp
from workbench.services.reports.model import (
    ActionTaken,
    AffectedAsset,
    AreaForImprovement,
    BriefingInput,
    CisaFields,
    Classification,
    CorrectiveAction,
    ExerciseReportInput,
    IncidentAssessment,
    IncidentReportInput,
    IndicatorRow,
    Inject,
    KeyJudgement,
    NotifyingEntity,
    ObjectiveAnalysis,
    Participant,
    SectorImpact,
    SourceRow,
    StageSubmission,
    TechniqueRow,
    ThreatActorRow,
    TimelineEvent,
)
from workbench.services.reports.vocabulary import (
    CapabilityElement,
    Confidence,
    Credibility,
    HseepRating,
    Likelihood,
    Nis2Stage,
    Reliability,
)

T0 = datetime(2026, 1, 10, 6, 40, tzinfo=UTC)

TECHNIQUES = [
    TechniqueRow("T1566.001", "Spearphishing Attachment", ("initial-access",),
                 "Invoice-themed attachments to the billing team", "v18", 4),
    TechniqueRow("T1059.001", "PowerShell", ("execution",), "Encoded loader run from the attachment macro", "v18", 3),
    TechniqueRow("T1078", "Valid Accounts", ("defense-evasion", "persistence", "privilege-escalation",
                                             "initial-access"), "Re-used VPN credentials of a contractor", "v18", 2),
    TechniqueRow("T1021.001", "Remote Desktop Protocol", ("lateral-movement",), "RDP to the SCADA jump host", "v18",
                 1),
    TechniqueRow("T1071.001", "Web Protocols", ("command-and-control",), "HTTPS beacons every 300 s", "v18", 5),
    TechniqueRow("T1486", "Data Encrypted for Impact", ("impact",), "Encryption of the billing file server", "v18",
                 1),
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
        rows.append(IndicatorRow(kind, value, "C2 infrastructure of Sandstorm Owl", seen, seen + timedelta(days=3),
                                 (Tlp.GREEN, Tlp.AMBER, Tlp.CLEAR)[number % 3], (85, 50, 15)[number % 3]))
    return rows


def incident() -> IncidentReportInput:
    return IncidentReportInput(
        title="Ransomware at the billing systems of Nordwind Energie",
        tlp=Tlp.AMBER,
        case_ref="CASE-2026-0042",
        originator="EU Agency for Cybersecurity",
        entity=NotifyingEntity("Nordwind Energie GmbH", "Energy", "Electricity: distribution system operator",
                               "essential", "Germany", "+49 30 5550 1234 (SOC, 24/7)"),
        aware_at=T0,
        submissions=[
            StageSubmission(Nis2Stage.EARLY_WARNING, 1, T0 + timedelta(hours=20),
                            content="Encryption of billing servers; suspected criminal ransomware."),
            StageSubmission(Nis2Stage.NOTIFICATION, 2, T0 + timedelta(hours=75),
                            content="Scope confirmed: billing only; the control system is unaffected."),
            StageSubmission(Nis2Stage.INTERMEDIATE, 3, T0 + timedelta(days=9), T0 + timedelta(days=10),
                            "Restoration of billing at 80 %."),
        ],
        assessment=IncidentAssessment(
            suspected_malicious=True, cross_border_possible=False,
            severity_and_impact="Billing unavailable for 4 days for 1.2 million customers; no supply interruption.",
            threat_or_root_cause="Phishing e-mail with a macro attachment; contractor VPN account without MFA.",
            mitigation_applied="Isolation of the billing network, password reset, MFA on all VPN accounts.",
            mitigation_ongoing="Rebuild of the file server; monitoring of the jump host.",
            cross_border_impact="None known.",
            status_update="Billing restored; forensic analysis continuing.",
            ongoing=True,
        ),
        classification=Classification("Malicious Code", "Ransomware (Malware)", "Malicious actions", "High",
                                       "yellow", "improving"),
        cisa=CisaFields("Medium", "Privacy", "Supplemented", "Email/Phishing", T0 - timedelta(hours=2),
                        "14 servers", "about 1.2 million customer records", "310 staff",
                        "Corporate IT (billing VLAN)", "Jana Nováková, CISO, +49 30 5550 1200"),
        summary="Criminal ransomware encrypted the billing file servers of a distribution system operator after "
                "a phishing e-mail. Electricity supply was not affected. Ελληνικά, Кириллица, Ærø: names print.",
        timeline=[
            TimelineEvent(T0 - timedelta(hours=30), "Phishing e-mail received by the billing team", "Mail gateway"),
            TimelineEvent(T0 - timedelta(hours=2), "First encrypted file detected", "EDR"),
            TimelineEvent(T0, "SOC aware: ransom note on file server", "SOC"),
            TimelineEvent(T0 + timedelta(hours=3), "Billing network isolated", "IT operations"),
        ],
        indicators=indicators(12),
        assets=[
            AffectedAsset("FS-BILL-01", "file server", "Berlin DC", "encrypted", "rebuilt"),
            AffectedAsset("JMP-SCADA-02", "jump host", "Berlin DC", "RDP log-on by the attacker", "monitored"),
        ],
        techniques=TECHNIQUES,
        actions=[
            ActionTaken(T0 + timedelta(hours=3), "Isolated the billing VLAN", "IT operations", "done"),
            ActionTaken(T0 + timedelta(hours=6), "Reset 310 passwords and enforced MFA", "IAM team", "done"),
            ActionTaken(None, "Rebuild file servers from clean images", "IT operations", "in progress"),
        ],
    )


def exercise() -> ExerciseReportInput:
    start = datetime(2026, 3, 4, 8, 0, tzinfo=UTC)
    return ExerciseReportInput(
        title="After-action report: Baltic Grid 2026",
        tlp=Tlp.GREEN,
        case_ref="CASE-2026-0051",
        exercise_name="Baltic Grid 2026",
        start=start,
        end=start + timedelta(hours=9),
        exercise_type="functional exercise",
        location="Tallinn and remote",
        limits_of_play="No contact with the real control systems; media play simulated.",
        mission_areas=("Protection", "Response", "Recovery"),
        threat_or_hazard="Ransomware against a distribution system operator with a supply-chain foothold",
        scenario="A criminal group encrypts the billing systems of a grid operator and threatens to publish "
                 "customer data; a partner agency observes and exchanges indicators by signed package.",
        sponsor="National Cyber Security Centre",
        organisations=("National CSIRT", "Grid operator SOC", "US Cybersecurity Agency (observer)"),
        point_of_contact="Mari Tamm, exercise director",
        objectives=[
            ObjectiveAnalysis("Issue an NIS2 early warning within 24 hours", "Operational coordination",
                              HseepRating.P, ("Early warning sent after 5 hours",)),
            ObjectiveAnalysis("Exchange indicators with the partner agency", "Intelligence and information sharing",
                              HseepRating.S, ("Signed package verified by the partner",)),
            ObjectiveAnalysis("Restore billing from clean backups", "Infrastructure systems", HseepRating.M),
        ],
        improvements=[
            AreaForImprovement("Infrastructure systems", "Backups not tested for restore",
                               "Restoring billing took 7 hours instead of the planned 2.", "Recovery plan 3.2",
                               "Backup images had never been restored end to end.",
                               "Test a full restore every quarter."),
        ],
        plan=[
            CorrectiveAction("Infrastructure systems", "Backups not tested for restore", "Quarterly restore test",
                             CapabilityElement.EXERCISE, "Grid operator IT", "K. Saar", start + timedelta(days=30),
                             start + timedelta(days=120)),
            CorrectiveAction("Intelligence and information sharing", "Partner key fingerprints read by phone slowly",
                             "Print fingerprints on the contact sheet", CapabilityElement.PLANNING, "National CSIRT",
                             "L. Kask", start + timedelta(days=7), start + timedelta(days=30)),
        ],
        participants=[
            Participant("Mari Tamm", "National CSIRT", "exercise director"),
            Participant("Kristjan Saar", "Grid operator SOC", "player"),
            Participant("Alex Morgan", "US Cybersecurity Agency", "observer"),
        ],
        injects=[
            Inject("1", start + timedelta(minutes=15), start + timedelta(minutes=15), "Control", "SOC",
                   "EDR alert on the billing server", "Triage and escalate", "Escalated after 20 min"),
            Inject("2", start + timedelta(hours=2), start + timedelta(hours=2, minutes=40), "Control", "CSIRT",
                   "Ransom note published on a leak site", "Early warning to the CSIRT", "Sent at 13:05"),
        ],
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
            KeyJudgement("Sandstorm Owl will target a further energy operator in the next 30 days.",
                         Likelihood.LIKELY, Confidence.MODERATE,
                         "Two intrusions in six weeks; infrastructure still active (section 6)."),
            KeyJudgement("The group will disrupt electricity supply.", Likelihood.VERY_UNLIKELY, Confidence.HIGH,
                         "No access beyond IT networks observed; financial motivation."),
        ],
        actors=[ThreatActorRow("Sandstorm Owl", ("SO-17", "Песчаная сова"), "financial gain", Confidence.MODERATE,
                               "Ransomware group active since 2024.", Tlp.AMBER)],
        techniques=TECHNIQUES if techniques is None else techniques,
        sectors=[
            SectorImpact("Energy", "high", "worsening", 2, "Two operators hit; billing down for days."),
            SectorImpact("Drinking water", "low", "stable", 0, "Phishing attempts only."),
            SectorImpact("Health", "moderate", "stable", 1, "One hospital supplier affected."),
        ],
        indicators=indicators(indicator_count),
        recommendations=["Enforce multi-factor authentication on every remote access account.",
                         "Block the indicators of section 6 at mail and web gateways."],
        gaps=["How the group chooses its victims.", "Whether stolen data is sold on."],
        sources=[SourceRow("Partner agency report", Reliability.B, Credibility.PROBABLY_TRUE, "Shared under TLP:AMBER"),
                 SourceRow("Victim forensic report", Reliability.A, Credibility.CONFIRMED)],
        distribution=["National CSIRTs of the EU Member States", "Energy regulators"],
    )
