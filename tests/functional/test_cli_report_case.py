"""``workbench report ... --case``: incident, exercise and briefing PDFs of a case, read back as a reader would."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.case_samples import full_exercise
from tests.conftest import PASSPHRASE
from workbench.cli import main
from workbench.services import cases
from workbench.services.cases import links as case_links
from workbench.services.cases import observed
from workbench.services.cases import records as case_records
from workbench.services.workspace import Workspace
from workbench.storage import audit

AWARE = "2026-03-02T08:00:00Z"
HOSTILE = '<img src="/etc/passwd"/> <font size=500>huge</font> <b><i>unclosed <para> &amp; &#x41;'


def pdf_text(path: Path) -> tuple[int, str]:
    """Page count and all text with line breaks joined (table cells and paragraphs wrap)."""
    reader = PdfReader(path)
    return len(reader.pages), " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def late_incident(ws: Workspace) -> str:
    """An incident whose early warning was sent in time and whose notification came 3 hours late."""
    ref = cases.create_case(
        ws,
        "incident",
        "Grid operator intrusion",
        description="VPN appliance exploited.",
        tlp="amber",
        fields={
            "awareness_at": AWARE,
            "reporting_entity": "Elia Transmission",
            "sector": "energy",
            "entity_class": "essential",
            "member_state": "BE",
            "regimes": "nis2,circia",
            "suspected_malicious": True,
            "rsit": "intrusions:system-compromise",
            "impact_severity": "yellow",
            "functional_impact": "minimal-impact-to-critical-services",
            "information_impact": "suspected-but-not-identified",
            "recoverability": "supplemented",
            "attack_vector": "web",
            "users_affected": 340,
            "network_location": "business-network",
        },
    ).ref
    case_records.record_stage(ws, ref, "early-warning", "2026-03-02T18:00:00Z", reference="CCB-2026-17")
    case_records.record_stage(ws, ref, "notification", "2026-03-05T11:00:00Z")
    case_records.add_record(
        ws,
        ref,
        "event",
        {"at": "2026-03-01T23:10:00Z", "title": "VPN login from TOR exit", "kind": "attacker-activity"},
    )
    case_records.add_record(
        ws, ref, "event", {"at": "2026-03-02T07:00:00Z", "title": HOSTILE, "description": "</para><img src='x.png'/>"}
    )
    case_links.create_object(
        ws,
        ref,
        {
            "type": "indicator",
            "name": "C2",
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
            "external_references": [{"source_name": "mitre-attack", "external_id": "T1190"}],
        },
    )
    case_links.create_object(
        ws, ref, {"type": "threat-actor", "name": "Sandstorm Owl", "threat_actor_types": ["criminal"]}
    )
    return ref


def run(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    """The command in this process (ReportLab is imported once per test process, not once per run)."""
    monkeypatch.setenv("WORKBENCH_PASSPHRASE", PASSPHRASE)
    code = main(["report", args[0], "--db", str(workspace.path), *args[1:]])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_incident_report_of_a_case_shows_stages_met_and_missed_cisa_rsit_timeline_and_indicators(
    cli, workspace: Workspace, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    ref = late_incident(workspace)
    out = tmp_path / "incident.pdf"
    result = cli("report", "incident", "--db", str(workspace.path), "--case", ref, "--out", str(out), "--json")
    assert result.code == 0, result.stderr
    pages, text = pdf_text(out)
    assert result.json["pages"] == pages and result.json["case"] == ref and result.json["tlp"] == "AMBER"
    # Each stage with its due time and whether it was met: 10 h of 24 for the early warning, 75 h of 72.
    assert "Early warning 24 h after awareness 2026-03-03 08:00 2026-03-02 18:00 MET: sent 14 h 0 min before" in text
    assert (
        "Incident notification 72 h after awareness 2026-03-05 08:00 2026-03-05 11:00 MISSED: sent 3 h 0 min late"
    ) in text
    assert (
        "CIRCIA covered incident report" in text
        and "Report stage and sequence number Incident notification, sequence number 2" in text
    )
    assert "RSIT classification Intrusions / System Compromise" in text
    assert "Functional impact Minimal Impact to Critical Services" in text and "Users affected 340" in text
    assert "Recoverability Supplemented" in text and "Attack vector Web" in text
    assert "VPN login from TOR exit" in text and "Authority's reference CCB-2026-17" in text
    assert "203.0.113.9" in text and "T1190" in text and "Sandstorm Owl" in text
    assert HOSTILE in text and "</para><img src='x.png'/>" in text  # markup in a timeline event prints literally
    [entry] = list(audit.entries(workspace.conn, action="report.generated"))
    assert entry.details["source"]["case"] == ref and entry.details["sha256"] == result.json["sha256"]


def test_exercise_report_of_a_case_shows_ratings_improvement_plan_and_injects(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    ref = full_exercise(workspace)
    cases.update_case(workspace, ref, status="evaluation")  # conducted: the report may be final
    case_records.add_record(
        workspace,
        ref,
        "observation",
        {
            "kind": "area-for-improvement",
            "title": "Hostile <b>markup",
            "description": HOSTILE,
            "analysis": "<font color=red>red</font>",
            "recommendation": "&lt;escaped&gt; stays &amp; as typed",
        },
    )
    out = tmp_path / "exercise.pdf"
    code, stdout, error = run(workspace, monkeypatch, capsys, "exercise", "--case", ref, "--out", str(out), "--final")
    assert code == 0, error
    assert f"wrote {out}: exercise RPT-" in stdout and "FINAL" in stdout
    _, text = pdf_text(out)
    assert "Activate the crisis cell within 1 h Operational coordination S: Performed with some challenges" in text
    assert (
        "Operational coordination Call tree out of date Review quarterly Planning National CSIRT Head of CSIRT "
        "2026-07-01 2026-09-30"
    ) in text  # a row of the improvement plan matrix
    assert "1.1 2026-06-10 08:00:00 2026-06-10 08:12:00 (+12 min) – EXCON → National CSIRT Ransom note on HMIs" in text
    assert "CISA (Third-party observer, US)" in text and "DRAFT" not in text
    # The duration is the time in play (two days of play), not the 34 hours from the first start to the last end.
    assert "Exercise dates 2026-06-10 07:00 UTC to 2026-06-11 17:00 UTC (2 days) Time in play 16 h" in text
    assert "Strength 1: Fast triage" in text and "Recommendation Name an owner" in text
    assert "Write the after-action report" not in text  # the case's internal tasks stay out of the AAR
    assert "Area for improvement 2: Hostile <b>markup" in text and HOSTILE in text
    assert "<font color=red>red</font>" in text and "&lt;escaped&gt; stays &amp; as typed" in text
    [entry] = list(audit.entries(workspace.conn, action="report.generated"))
    assert entry.details["source"]["case"] == ref and entry.details["kind"] == "exercise"


def test_briefing_of_a_case_shows_its_threat_actors_and_techniques(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    ref = late_incident(workspace)
    observed.observe(
        workspace,
        ref,
        "T1190",
        procedure="Exploited the VPN appliance's web portal",
        at="2026-03-01T23:00:00Z",
        source="VPN appliance logs",
    )
    analyst = tmp_path / "analyst.json"
    analyst.write_text(
        json.dumps(
            {
                "bluf": ["Owl is active.", "It exploits VPN appliances.", "Supply is safe."],
                "key_judgements": [
                    {
                        "statement": "Owl will strike again within 30 days.",
                        "likelihood": "likely",
                        "confidence": "moderate",
                    }
                ],
            }
        )
    )
    out = tmp_path / "briefing.pdf"
    code, stdout, error = run(
        workspace, monkeypatch, capsys, "briefing", "--case", ref, "--input", str(analyst), "--out", str(out), "--final"
    )
    assert code == 0, error
    assert f"case {ref}: 4 linked objects" in stdout and "briefing RPT-" in stdout  # the sighting is the case's own
    _, text = pdf_text(out)
    assert "Threat briefing: Grid operator intrusion" in text and f"Case reference {ref}" in text
    assert "Sandstorm Owl" in text and "T1190" in text and "Exploit Public-Facing Application" in text
    assert "Exploited the VPN appliance's web portal" in text and "VPN appliance logs" in text
    assert "Owl will strike again within 30 days." in text and "Energy medium" in text
    assert "203[.]0[.]113[.]9" in text  # a final report prints network values defanged


@pytest.mark.parametrize(
    ("kind", "extra", "message"),
    [
        ("exercise", (), "is an incident case; an exercise report needs an exercise case"),
        ("incident", ("--input", "analyst.json"), "--input is the analyst's part of a briefing"),
        ("incident", ("--no-related",), "--no-related applies to --query"),
        ("incident", ("--tlp", "green"), "above the report's TLP:GREEN"),
    ],
)
def test_refusals_are_one_line_and_leave_no_file(
    workspace: Workspace,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    kind: str,
    extra: tuple[str, ...],
    message: str,
) -> None:
    ref = cases.create_case(workspace, "incident", "Grid", tlp="amber", fields={"awareness_at": AWARE}).ref
    out = tmp_path / "r.pdf"
    code, _, error = run(workspace, monkeypatch, capsys, kind, "--case", ref, *extra, "--out", str(out))
    assert code == 1 and message in error and error.count("\n") == 1 and "Traceback" not in error
    assert not out.exists()
    assert list(audit.entries(workspace.conn, action="report.generated")) == []
