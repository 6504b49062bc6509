"""``workbench report`` as an analyst runs it: a briefing from a search, refusals in one line, no partial file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import PASSPHRASE, indicator, relationship, threat_actor
from workbench.cli import main
from workbench.domain.tlp import Tlp
from workbench.services.workspace import Workspace
from workbench.storage import audit

ANALYST = {
    "title": "Sandstorm Owl briefing",
    "audience": "Heads of CSIRTs",
    "valid_until": "2026-02-12",
    "bluf": ["Owl is active.", "It uses phishing.", "Supply is safe."],
    "key_judgements": [
        {
            "statement": "Owl will strike again within 30 days.",
            "likelihood": "likely",
            "confidence": "moderate",
            "basis": "Two intrusions in six weeks.",
        }
    ],
    "sources": [{"name": "Partner report", "grade": "B2"}],
    "distribution": ["National CSIRTs"],
}


def fill(ws: Workspace) -> None:
    actor = threat_actor()
    beacon = indicator(object_marking_refs=[Tlp.AMBER.marking_id])
    with ws.transaction():
        source = ws.objects.add_source("local", "test")
        for obj in (actor, beacon, relationship(beacon["id"], actor["id"], "indicates")):
            ws.objects.put(obj, source)


def test_briefing_from_a_query_with_the_analysts_input(cli, workspace: Workspace, tmp_path: Path) -> None:
    fill(workspace)
    analyst = tmp_path / "analyst.json"
    analyst.write_text(json.dumps(ANALYST))
    out = tmp_path / "briefing.pdf"
    result = cli(
        "report",
        "briefing",
        "--db",
        str(workspace.path),
        "--query",
        "Sandstorm",
        "--input",
        str(analyst),
        "--out",
        str(out),
        "--final",
        "--json",
    )
    assert result.code == 0, result.stderr
    summary = result.json
    reader = PdfReader(out)
    assert summary["pages"] == len(reader.pages) and summary["final"] is True and summary["tlp"] == "AMBER"
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    assert "Owl will strike again within 30 days." in text and "likely (55-80%)" in text
    assert "198[.]51[.]100[.]7" in text and "Sandstorm Owl" in text and "DRAFT" not in text  # final: defanged
    [entry] = list(audit.entries(workspace.conn, action="report.generated"))
    assert entry.details["sha256"] == summary["sha256"] and entry.details["source"]["query"] == "Sandstorm"


def test_ceiling_holds_back_what_is_marked_above_it(cli, workspace: Workspace, tmp_path: Path) -> None:
    fill(workspace)
    result = cli(
        "report",
        "briefing",
        "--db",
        str(workspace.path),
        "--query",
        "Sandstorm",
        "--tlp",
        "green",
        "--out",
        str(tmp_path / "green.pdf"),
    )
    assert result.code == 0, result.stderr
    assert "TLP:GREEN" in result.stdout and "held back as marked above TLP:GREEN: 1 indicator" in result.stdout
    text = " ".join(page.extract_text() or "" for page in PdfReader(tmp_path / "green.pdf").pages)
    assert "198.51.100.7" not in text and "TLP:AMBER" not in text


def test_refusals_are_one_line_and_leave_no_file(cli, workspace: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    db = str(workspace.path)
    result = cli("report", "incident", "--db", db, "--case", "case--1", "--out", str(out))
    assert result.code == 1 and "no case 'case--1'" in result.stderr and result.stderr.count("\n") == 1
    result = cli("report", "briefing", "--db", db, "--query", "x", "--out", str(tmp_path / "no" / "r.pdf"))
    assert result.code == 1 and "does not exist" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()
    assert list(audit.entries(workspace.conn, action="report.generated")) == []


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("exercise", "--query", "x"), "built from a case"),
        (("briefing", "--query", "x", "--final"), "bottom-line points"),
        (("briefing", "--query", "x", "--tlp", "pink"), "unknown TLP"),
        (("briefing", "--query", "x", "--input", "missing.json"), "no such file"),
    ],
)
def test_bad_arguments_are_refused_in_one_line(
    workspace: Workspace, tmp_path: Path, monkeypatch, capsys, extra: tuple[str, ...], message: str
) -> None:
    monkeypatch.setenv("WORKBENCH_PASSPHRASE", PASSPHRASE)
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "r.pdf"
    code = main(["report", extra[0], "--db", str(workspace.path), *extra[1:], "--out", str(out)])
    error = capsys.readouterr().err
    assert code == 1 and message in error and error.count("\n") == 1
    assert not out.exists()
