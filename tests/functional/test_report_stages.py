"""Stages as sent, observed techniques, indicators that copy, and --final: read back as a recipient would.

Every PDF is read with poppler's pdftotext (what a recipient's tools see) and the attachments with pypdf.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
from pathlib import Path

import orjson
import pytest
from pypdf import PdfReader

from tests.case_samples import full_incident
from tests.conftest import PASSPHRASE, SHARED_DATA
from workbench.cli import main
from workbench.services import cases
from workbench.services.cases import links as case_links
from workbench.services.cases import observed
from workbench.services.cases import records as case_records
from workbench.services.cases.reports import report_from_case
from workbench.services.importing.importer import import_file
from workbench.services.reports.attachments import CSV_COLUMNS
from workbench.services.reports.charts import attack_heatmap
from workbench.services.reports.pages import FRAME_HEIGHT, FRAME_WIDTH
from workbench.services.workspace import Workspace
from workbench.storage import audit

PDFTOTEXT = shutil.which("pdftotext")
pytestmark = pytest.mark.skipif(PDFTOTEXT is None, reason="poppler-utils (pdftotext) is not installed")

SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
LONG_URL = "https://files.evil-domain.example/download/stage2/payload.bin?campaign=grid-operators&token=a1b2c3d4e5f6"


def pdftotext(path: Path, *extra: str) -> str:
    assert PDFTOTEXT is not None
    return subprocess.run([PDFTOTEXT, *extra, str(path), "-"], capture_output=True, text=True, check=True).stdout


def report(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    monkeypatch.setenv("WORKBENCH_PASSPHRASE", PASSPHRASE)
    code = main([args[0], args[1], "--db", str(workspace.path), *args[2:]])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# -- a stage as submitted ------------------------------------------------------------------------------------------


def test_a_stage_printed_after_the_case_changed_is_the_stage_as_submitted_and_the_dossier_shows_the_change(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    ref = full_incident(workspace)  # early warning and notification recorded, each frozen with its snapshot
    at_submission = tmp_path / "ew-1.pdf"
    code, out, error = report(
        workspace, monkeypatch, capsys, "report", "incident", "--case", ref, "--stage", "early-warning",
        "--out", str(at_submission),
    )  # fmt: skip
    assert code == 0, error
    assert "identical to the PDF recorded when it was submitted" in out
    cases.update_case(workspace, ref, fields={"member_state": "NL", "suspected_malicious": "no"})
    later = tmp_path / "ew-2.pdf"
    code, out, error = report(
        workspace, monkeypatch, capsys, "report", "incident", "--case", ref, "--stage", "early-warning",
        "--out", str(later),
    )  # fmt: skip
    assert code == 0, error
    first, second = pdftotext(at_submission), pdftotext(later)
    assert first == second
    assert "Belgium" in first and "Member States affected" in first  # as sent: the Member State was BE
    assert "NIS2 early warning" in first and "DRAFT" not in first
    [snapshot] = [
        e for e in audit.entries(workspace.conn, action="case.stage") if e.details["stage"] == "early-warning"
    ]
    assert hashlib.sha256(later.read_bytes()).hexdigest() == snapshot.details["sha256"]

    dossier = tmp_path / "dossier.pdf"
    code, _, error = report(workspace, monkeypatch, capsys, "report", "incident", "--case", ref, "--out", str(dossier))
    assert code == 0, error
    text = " ".join(pdftotext(dossier).split())
    assert "Changed in the case since this stage was submitted" in text
    assert "Member State: Belgium → Netherlands" in text
    assert "Suspected unlawful or malicious act: yes → no" in text


def test_a_stage_not_yet_submitted_prints_as_a_draft_and_one_due_a_month_ahead_is_not_filled_in(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    ref = full_incident(workspace)  # notification sent 2026-03-04: the final report is due a month later
    out = tmp_path / "final-draft.pdf"
    code, _, error = report(
        workspace, monkeypatch, capsys, "report", "incident", "--case", ref, "--stage", "final", "--out", str(out)
    )
    assert code == 0, error
    draft = " ".join(pdftotext(out).split())
    assert "NIS2 final report" in draft and "Draft: not yet submitted." in draft
    made = report_from_case(workspace, "incident", ref, now=cases.get_case(workspace, ref).stages[-1].submitted_at)
    from workbench.services.reports import render

    dossier = " ".join(
        pdftotext_bytes(
            render(made.report, report_id="RPT-T", generated_at=made.case.stages[-1].submitted_at).pdf
        ).split()
    )
    assert "Not yet drafted: due 2026-04-04 10:00 UTC" in dossier


def pdftotext_bytes(pdf: bytes) -> str:
    assert PDFTOTEXT is not None
    return subprocess.run([PDFTOTEXT, "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def test_a_second_submission_of_the_same_stage_at_the_same_time_needs_amend(workspace: Workspace) -> None:
    ref = full_incident(workspace)
    from workbench.domain.errors import InvalidInput

    with pytest.raises(InvalidInput, match=r"recorded already .* as an amendment \(--amend\)"):
        case_records.record_stage(workspace, ref, "early-warning", "2026-03-02T18:00:00Z")
    amended = case_records.record_stage(
        workspace, ref, "early-warning", "2026-03-02T18:00:00Z", reference="CCB-2026-17b", amend=True
    )
    stages = [item for item in cases.get_case(workspace, ref).stages if item.stage.value == "early-warning"]
    assert [(item.uid, item.version, item.reference) for item in stages] == [(amended.uid, 1, "CCB-2026-17b")]


# -- observed means observed in this case ---------------------------------------------------------------------------


@pytest.fixture
def ics_incident(workspace: Workspace) -> str:
    import_file(workspace, SHARED_DATA / "stix" / "attack" / "ics-attack-18.1.json")
    ref = cases.create_case(
        workspace, "incident", "Substation breaker trips", fields={"awareness_at": "2026-03-02T08:00:00Z"}
    ).ref
    for name in ("T0855", "Sandworm Team", "Industroyer", "T0831"):
        case_links.link_objects(workspace, ref, [observed.resolve(workspace, name).id])
    return ref


@pytest.mark.slow
def test_linked_attack_objects_without_an_observation_print_no_observed_technique_and_no_heat_map(
    workspace: Workspace, ics_incident: str
) -> None:
    made = report_from_case(workspace, "incident", ics_incident)
    assert made.report.techniques == []
    assert attack_heatmap(made.report.techniques, FRAME_WIDTH, FRAME_HEIGHT) is None
    from workbench.services.reports import render

    text = " ".join(pdftotext_bytes(render(made.report, report_id="RPT-T").pdf).split())
    assert "No technique was recorded as observed." in text and "Heat map" not in text
    assert "uses" not in text.split("ATT&CK techniques observed")[1].split("Other linked objects")[0]

    observed.observe(
        workspace,
        ics_incident,
        "T0855",
        procedure="Unauthorised IEC-104 command to open breaker Q1 from the HMI of substation B",
        at="2026-03-01T22:10:00Z",
        source="RTU event log",
    )
    made = report_from_case(workspace, "incident", ics_incident)
    [row] = made.report.techniques
    assert (row.technique_id, row.name, row.source) == ("T0855", "Unauthorized Command Message", "RTU event log")
    assert row.observed_use == "Unauthorised IEC-104 command to open breaker Q1 from the HMI of substation B"
    text = " ".join(pdftotext_bytes(render(made.report, report_id="RPT-T").pdf).split())
    observed_part = text.split("ATT&CK techniques observed")[1].split("Other linked objects")[0]
    assert "Unauthorised IEC-104 command to open breaker Q1" in observed_part and "Sandworm Team" not in observed_part
    # The observation is the case's own object and leaves with the case.
    from workbench.services.cases.stix import case_bundle

    exported = {obj["id"]: obj for obj in case_bundle(workspace, ics_incident).bundle["objects"]}
    assert any(
        obj["type"] == "sighting" and obj["description"].startswith("Unauthorised IEC-104") for obj in exported.values()
    )


# -- indicators that copy cleanly -----------------------------------------------------------------------------------


def indicator_case(ws: Workspace) -> tuple[str, dict[str, str]]:
    ref = cases.create_case(
        ws, "incident", "Billing intrusion with a long campaign title that a running header must cut before the label",
        fields={"awareness_at": "2026-03-02T08:00:00Z"},
    ).ref  # fmt: skip
    values = {
        "file SHA-256": SHA,
        "url": LONG_URL,
        "domain-name": "update-7.evil-domain.example",
        "ipv4-addr": "203.0.113.9",
        "email-addr": "billing@invoice-mail.example",
    }
    patterns = {
        "file SHA-256": f"[file:hashes.'SHA-256' = '{SHA}']",
        "url": f"[url:value = '{LONG_URL}']",
        "domain-name": "[domain-name:value = 'update-7.evil-domain.example']",
        "ipv4-addr": "[ipv4-addr:value = '203.0.113.9']",
        "email-addr": "[email-addr:value = 'billing@invoice-mail.example']",
    }
    for kind, pattern in patterns.items():
        case_links.create_object(
            ws,
            ref,
            {"type": "indicator", "name": f"C2 {kind}", "pattern_type": "stix", "pattern": pattern,
             "valid_from": "2026-03-01T00:00:00Z", "indicator_types": ["malicious-activity"]},
        )  # fmt: skip
    # The victim's own server: an affected asset, never an indicator.
    case_links.create_object(ws, ref, {"type": "ipv4-addr", "value": "10.20.30.40"}, role="asset")
    return ref, values


def test_every_indicator_value_reads_back_whole_and_the_attachments_pass_the_validator_and_reimport(
    workspace: Workspace,
    partner_workspace: Workspace,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ref, values = indicator_case(workspace)
    plain_pdf, defanged_pdf = tmp_path / "plain.pdf", tmp_path / "defanged.pdf"
    for target, extra in ((plain_pdf, ()), (defanged_pdf, ("--defang",))):
        code, _, error = report(
            workspace, monkeypatch, capsys, "report", "incident", "--case", ref, "--out", str(target), *extra
        )
        assert code == 0, error
    words = set(pdftotext(plain_pdf).split())
    for kind, value in values.items():
        assert value in words, f"{kind} {value} is not one token in the PDF"
    defanged = set(pdftotext(defanged_pdf).split())
    assert (
        "hxxps://files[.]evil-domain[.]example/download/stage2/payload[.]bin?campaign=grid-operators&token=a1b2c3d4e5f6"
        in defanged
    )
    assert "update-7[.]evil-domain[.]example" in defanged and "203[.]51[.]100[.]9" not in defanged
    assert "203[.]0[.]113[.]9" in defanged and SHA in defanged
    # The asset is listed as an affected asset and not counted among the 5 indicators.
    text = " ".join(pdftotext(plain_pdf).split())
    assert "5 indicators." in text and "Affected assets" in text and "10.20.30.40" in text

    attachments = PdfReader(plain_pdf).attachments
    assert set(attachments) == {"indicators.stix.json", "indicators.csv"}
    bundle_bytes = attachments["indicators.stix.json"][0]
    from stix2validator import ValidationOptions, validate_string

    result = validate_string(bundle_bytes.decode(), ValidationOptions(version="2.1"))
    assert result.is_valid, [str(error) for error in result.errors]
    csv_lines = attachments["indicators.csv"][0].decode().splitlines()
    assert csv_lines[0] == ",".join(f'"{name}"' for name in CSV_COLUMNS) and len(csv_lines) == 6
    assert any(f'"{LONG_URL}"' in line for line in csv_lines)

    bundle_file = tmp_path / "attached.json"
    bundle_file.write_bytes(bundle_bytes)
    import_file(partner_workspace, bundle_file)
    for obj in orjson.loads(bundle_bytes)["objects"]:
        assert (
            partner_workspace.objects.get(obj["id"]) == workspace.objects.get(obj["id"])
            or obj["type"] == "marking-definition"
        )


def test_the_running_title_stops_before_the_label_and_no_indicator_value_is_split(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    ref, values = indicator_case(workspace)
    cases.update_case(workspace, ref, title="Q" * 30 + " intrusion at the billing systems of a distribution operator")
    assert len(cases.get_case(workspace, ref).title) == 90
    out = tmp_path / "r.pdf"
    code, _, error = report(workspace, monkeypatch, capsys, "report", "incident", "--case", ref, "--out", str(out))
    assert code == 0, error
    html = pdftotext(out, "-bbox")
    import re

    boxes = re.findall(r'<page width="[\d.]+" height="[\d.]+">(.*?)</page>', html, re.S)
    assert boxes
    for page in boxes:
        words = [
            (float(x0), float(y0), float(x1), word)
            for x0, y0, x1, _y1, word in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', page
            )
        ]
        top = [word for word in words if word[1] < 45]
        label = [word for word in top if word[3].startswith("TLP:")]
        title = [word for word in top if not word[3].startswith("TLP:")]
        assert label and title
        assert max(x1 for _, _, x1, _ in title) < min(x0 for x0, _, _, _ in label) - 10
    # No value is broken across two lines of a table: every value is one token of the layout text.
    layout = set(pdftotext(out, "-layout").split())
    assert set(values.values()) <= layout


# -- --final means complete ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "missing"),
    [
        ("incident", ("Header: Reporting entity", "Early warning: Suspected unlawful or malicious act")),
        ("exercise", ("objectives (none recorded)", "an improvement plan", "a status past 'planned'")),
    ],
)
def test_final_on_an_empty_case_is_refused_naming_what_is_missing_and_writes_nothing(
    workspace: Workspace,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    kind: str,
    missing: tuple[str, ...],
) -> None:
    ref = cases.create_case(workspace, kind, f"Empty {kind}").ref
    out = tmp_path / "final.pdf"
    code, _, error = report(workspace, monkeypatch, capsys, "report", kind, "--case", ref, "--out", str(out), "--final")
    assert code == 1 and error.count("\n") == 1 and "cannot be marked final; missing:" in error
    assert all(item in error for item in missing), error
    assert not out.exists() and not list(tmp_path.glob(".report-*"))
    assert list(audit.entries(workspace.conn, action="report.generated")) == []


def test_report_refuses_to_overwrite_a_file_without_force(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    ref = full_incident(workspace)
    out = tmp_path / "r.pdf"
    out.write_bytes(b"keep me")
    code, _, error = report(workspace, monkeypatch, capsys, "report", "incident", "--case", ref, "--out", str(out))
    assert code == 1 and "exists already" in error and out.read_bytes() == b"keep me"
    code, _, error = report(
        workspace, monkeypatch, capsys, "report", "incident", "--case", ref, "--out", str(out), "--force"
    )
    assert code == 0, error and out.read_bytes().startswith(b"%PDF")


def test_indicator_bytes(tmp_path: Path) -> None:
    """The attached CSV carries values as stored (never defanged), one quoted field each."""
    from workbench.services.reports.attachments import indicator_csv
    from workbench.services.reports.model import IndicatorRow

    data = indicator_csv([IndicatorRow("url", LONG_URL, "C2, stage 2", stix_id="indicator--1")])
    assert data.decode().splitlines()[1].startswith(f'"url","{LONG_URL}","C2, stage 2"')
    assert io.BytesIO(data).read().endswith(b"\r\n")
