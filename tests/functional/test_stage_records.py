"""Stage submissions entered in bulk are frozen like those recorded one by one; stages received with a partner's
case are printed as the partner's record, never as the document that was sent."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.case_samples import full_incident
from tests.conftest import CliResult
from workbench.domain.errors import InvalidInput
from workbench.services import cases
from workbench.services.cases import records as case_records
from workbench.services.cases import stix as case_stix
from workbench.services.intake import import_source
from workbench.services.workspace import Workspace
from workbench.storage import audit
from workbench.storage.objects import store_digest

PDFTOTEXT = shutil.which("pdftotext")
pytestmark = pytest.mark.skipif(PDFTOTEXT is None, reason="poppler-utils (pdftotext) is not installed")


def text_of(path: Path) -> str:
    assert PDFTOTEXT is not None
    found = subprocess.run([PDFTOTEXT, str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(found.split())


def test_stages_from_a_records_file_are_frozen_in_order_each_under_its_own_report(
    workspace: Workspace, cli: Callable[..., CliResult], write_json: Callable[..., Path], tmp_path: Path
) -> None:
    ref = cases.create_case(
        workspace, "incident", "Water utility intrusion", fields={"awareness_at": "2026-03-02T08:00:00Z"}
    ).ref
    document = {
        # Listed out of order, and before the fields they report: each is frozen after the fields, in time order.
        "stages": [
            {"stage": "notification", "submitted_at": "2026-03-04T09:00:00Z", "reference": "NCSC-2"},
            {"stage": "early-warning", "submitted_at": "2026-03-02T20:00:00Z", "reference": "NCSC-1"},
        ],
        "fields": {"member_state": "AT", "suspected_malicious": "yes", "impact_severity": "yellow"},
    }
    case_records.add_records(workspace, ref, document)
    case = cases.get_case(workspace, ref)
    frozen = case_records.snapshot_reports(workspace, case)
    assert set(frozen) == {item.uid for item in case.stages}
    entries = [entry.details for entry in audit.entries(workspace.conn, action="case.stage")]
    assert [entry["stage"] for entry in entries] == ["early-warning", "notification"]
    assert len({entry["report_id"] for entry in entries}) == 2
    assert {entry["report_id"] for entry in entries} == set(frozen.values())

    db = str(workspace.path)
    cases.update_case(workspace, ref, fields={"member_state": "DE"})
    out = tmp_path / "ew.pdf"
    printed = cli("report", "incident", "--db", db, "--case", ref, "--stage", "early-warning", "--out", str(out))
    assert printed.code == 0, printed.stderr
    assert "identical to the PDF recorded when it was submitted" in printed.stdout
    text = text_of(out)
    assert "Austria" in text and "Germany" not in text and "sequence number 1" in text
    out = tmp_path / "n.pdf"
    printed = cli("report", "incident", "--db", db, "--case", ref, "--stage", "notification", "--out", str(out))
    assert printed.code == 0, printed.stderr
    assert "sequence number 2" in text_of(out) and "Yellow" in text_of(out)
    shown = cli("case", "show", "--db", db, ref).stdout
    assert shown.count("What it said: frozen as report RPT-") == 2


def test_a_records_file_repeating_a_recorded_stage_is_refused_whole(
    workspace: Workspace,
) -> None:
    ref = full_incident(workspace)  # early warning recorded at 2026-03-02 18:00
    before = store_digest(workspace.conn)
    document = {
        "events": [{"at": "2026-03-02T09:00:00Z", "title": "Firewall rule added"}],
        "stages": [{"stage": "early-warning", "submitted_at": "2026-03-02T18:00:00Z"}],
    }
    with pytest.raises(
        InvalidInput, match=r"stages\[1\]: the early warning of 2026-03-02 18:00 UTC is recorded already"
    ):
        case_records.add_records(workspace, ref, document)
    assert store_digest(workspace.conn) == before


def test_a_stage_received_with_a_partners_case_prints_as_their_record_and_is_never_final(
    workspace: Workspace,
    partner_workspace: Workspace,
    cli: Callable[..., CliResult],
    tmp_path: Path,
) -> None:
    ref = full_incident(workspace)
    bundle = tmp_path / "case.json"
    case_stix.export_case(workspace, ref, bundle)
    import_source(partner_workspace, bundle)
    [received] = [item for item in cases.list_cases(partner_workspace) if item.title == "Grid operator intrusion"]
    db = str(partner_workspace.path)

    out = tmp_path / "their-ew.pdf"
    printed = cli(
        "report", "incident", "--db", db, "--case", received.ref, "--stage", "early-warning", "--out", str(out)
    )
    assert printed.code == 0, printed.stderr
    assert "DRAFT" in printed.stdout and "not the document sent" in printed.stdout
    text = text_of(out)
    assert "as recorded by EU Agency for Cybersecurity (their record of the submission)" in text
    assert "sequence number 1 (submitted by EU Agency for Cybersecurity)" in text

    refused = cli(
        "report", "incident", "--db", db, "--case", received.ref, "--stage", "early-warning",
        "--out", str(tmp_path / "final.pdf"), "--final",
    )  # fmt: skip
    assert refused.code == 1 and "the document as submitted" in refused.stderr
    assert not (tmp_path / "final.pdf").exists()

    dossier = tmp_path / "dossier.pdf"
    assert cli("report", "incident", "--db", db, "--case", received.ref, "--out", str(dossier)).code == 0
    assert "Submitted by EU Agency for Cybersecurity: this is their record of the submission" in text_of(dossier)
    shown = cli("case", "show", "--db", db, received.ref).stdout
    assert shown.count("Recorded by EU Agency for Cybersecurity: their record") == 2
