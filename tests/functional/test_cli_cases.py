"""``workbench case`` as a script at the transfer station uses it: create, record, show, export, import as a
partner; refusals are one line with exit code 1 and change nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import bundle, indicator


def one_line_error(result) -> str:  # type: ignore[no-untyped-def]
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


@pytest.mark.slow  # a dozen real command runs, each opening the encrypted workspace
def test_an_incident_from_creation_to_the_partners_workspace(cli, tmp_path: Path, write_json) -> None:  # type: ignore[no-untyped-def]
    db, partner = str(tmp_path / "eu.db"), str(tmp_path / "us.db")
    assert cli("init", "--db", db, "--name", "EU CSIRT").code == 0
    assert cli("init", "--db", partner, "--name", "US Agency").code == 0
    created = cli(
        "case",
        "create",
        "--db",
        db,
        "--kind",
        "incident",
        "--title",
        "Grid intrusion",
        "--json",
        "--set",
        "awareness_at=2026-03-28T12:00:00+01:00",
        "--set",
        "sector=energy",
        "--set",
        "subsector=electricity",
        "--set",
        "member_state=BE",
        "--set",
        "regimes=nis2,circia",
    )
    assert created.code == 0, created.stderr
    ref = created.json["ref"]
    assert created.json["fields"]["awareness_at"] == "2026-03-28T11:00:00.000Z"
    warning = cli(
        "case", "stage", "--db", db, ref, "early-warning", "--at", "2026-03-29T10:00:00Z", "--reference", "CCB-17"
    )
    assert warning.code == 0 and "deadline met" in warning.stdout
    assert (
        cli(
            "case",
            "task",
            "--db",
            db,
            ref,
            "--title",
            "Rotate VPN credentials",
            "--owner",
            "Ana",
            "--due",
            "2026-03-30T12:00:00Z",
        ).code
        == 0
    )
    source = write_json(bundle(indicator(name="Beacon address")))
    imported = cli("import", "--db", db, "--case", ref, str(source))
    assert imported.code == 0 and f"linked 1 imported object(s) to case {ref}" in imported.stdout

    shown = cli("case", "show", "--db", db, ref, "--tz", "Europe/Brussels")
    assert shown.code == 0
    assert "Early warning" in shown.stdout and "MET" in shown.stdout
    assert "due 2026-03-29 13:00 CEST (11:00 UTC)" in shown.stdout  # 24 h across the spring change
    assert "Beacon address" in shown.stdout and "Rotate VPN credentials" in shown.stdout

    panel = cli("case", "deadlines", "--db", db, "--json")
    assert [(row["ref"], row["stage"], row["overdue"]) for row in panel.json] == [(ref, "notification", True)]

    exported = tmp_path / "case.json"
    assert cli("case", "export", "--db", db, ref, "--out", str(exported)).code == 0
    assert any(obj["type"] == "incident" for obj in json.loads(exported.read_text())["objects"])
    arrived = cli("import", "--db", partner, str(exported))
    assert arrived.code == 0 and "new case INC-2026-0001 from the import" in arrived.stdout
    listed = cli("case", "list", "--db", partner, "--json").json
    assert [(row["title"], row["origin"], row["sector"]) for row in listed] == [
        ("Grid intrusion", "EU CSIRT", "energy")
    ]


def test_refusals_are_one_line_and_leave_the_workspace_unchanged(cli, tmp_path: Path, write_json) -> None:  # type: ignore[no-untyped-def]
    db = str(tmp_path / "w.db")
    assert cli("init", "--db", db, "--name", "EU CSIRT").code == 0
    ref = cli(
        "case",
        "create",
        "--db",
        db,
        "--kind",
        "exercise",
        "--title",
        "Cyber Europe",
        "--json",
        "--set",
        "starts_at=2026-06-10T07:00:00Z",
    ).json["ref"]
    before = cli("audit", "--db", db, "--json").json
    records = write_json({"objectives": [{"objective": "Activate the crisis cell", "rating": "X"}]})
    refused = cli("case", "records", "--db", db, ref, "--file", str(records))
    assert refused.code == 1
    assert "objectives[1]: unknown rating 'X'; use one of P, S, M, U" in one_line_error(refused)
    early = write_json(
        {
            "injects": [
                {
                    "planned_at": "2026-06-10T08:00:00Z",
                    "actual_at": "2026-06-10T06:00:00Z",
                    "description": "Ransom note",
                }
            ]
        }
    )
    assert "before the exercise starts" in one_line_error(cli("case", "records", "--db", db, ref, "--file", str(early)))
    assert "unknown sector" in one_line_error(
        cli("case", "create", "--db", db, "--kind", "incident", "--title", "X", "--set", "sector=agriculture")
    )
    assert "no case 'INC-2026-0099'" in one_line_error(
        cli("import", "--db", db, "--case", "INC-2026-0099", str(write_json(bundle(indicator()))))
    )
    assert cli("audit", "--db", db, "--json").json == before
    assert cli("case", "fields", "--record", "objective").stdout.count("rating") >= 1
