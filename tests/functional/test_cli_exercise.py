"""``workbench exercise`` as a controller and an evaluator type it: the real command on a real workspace."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from workbench.domain.cases.fields import parse_time
from workbench.services import cases
from workbench.services.cases import records as case_records
from workbench.services.exercise import evaluation
from workbench.services.workspace import Workspace
from workbench.storage import audit


def one_line_error(result) -> str:  # type: ignore[no-untyped-def]
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


@pytest.mark.slow  # fifteen real command runs, each opening the encrypted workspace
def test_a_controller_and_an_evaluator_run_an_exercise_from_the_command_line(
    cli,  # type: ignore[no-untyped-def]
    workspace: Workspace,
    tmp_path: Path,
) -> None:
    ref = cases.create_case(workspace, "exercise", "Lantern drill", fields={"exercise_type": "tabletop"}).ref
    now = datetime.now(UTC)
    case_records.add_records(
        workspace,
        ref,
        {
            "objectives": [{"objective": "Share indicators within 2 hours", "capability": "Intelligence sharing"}],
            "injects": [
                {"number": str(n), "planned_at": now, "scenario_at": f"2026-03-02T0{6 + n}:00:00Z", "description": d}
                for n, d in ((1, "Ransom note"), (2, "Press call"), (3, "Minister asks"))
            ],
        },
    )
    evaluation.add_critical_task(workspace, ref, "1", "Triage the report", number="1.1")
    db = str(workspace.path)

    def run(*args: str):  # type: ignore[no-untyped-def]
        return cli("exercise", args[0], "--db", db, ref, *args[1:])

    started = run("start", "--scenario", "2026-03-02T06:00:00Z", "--speed", "60", "--by", "Ana", "--json")
    assert started.code == 0, started.stderr
    assert started.json["state"] == "running" and started.json["speed"] == 60
    status = run("status", "--json").json
    upcoming = [row for row in status["msel"] if row["next"]]
    # Scenario 07:00 is an hour of scenario away: a minute of real time at speed 60.
    assert [row["number"] for row in upcoming] == ["1"] and 0 < upcoming[0]["countdown_seconds"] <= 60
    assert run("hold", "1", "--reason", "players still reading").code == 0
    delivered = run("deliver", "2", "--by", "Ana")
    assert delivered.code == 0 and "delivered inject 2 at" in delivered.stdout
    assert "> 3 " in delivered.stdout  # inject 1 is held: inject 3 is the next one due
    assert run("skip", "3").code == 2  # --reason is required
    assert run("skip", "3", "--reason", "time ran short").code == 0
    refused = run("jump", "--advance", "soon")
    assert refused.code == 1 and "write e.g. 90m, 2h or 1d6h" in one_line_error(refused)
    assert run("jump", "--advance", "2h", "--reason", "skip the night").code == 0

    (tmp_path / "log.txt").write_text("SOC triage log\n")
    observed = run("observe", "--task", "1.1", "--text", "Triage took 40 min", "--rating", "s", "--evidence-file",
                   str(tmp_path / "log.txt"), "--json")  # fmt: skip
    assert observed.code == 0, observed.stderr
    note = observed.json
    assert note["rating"] == "S" and note["evidence_name"] == "log.txt"
    # 2 hours of jump on top of the scenario start: the observation's scenario time is past 08:00.
    assert parse_time(note["scenario_at"]) >= parse_time("2026-03-02T08:00:00Z")
    saved = run("evidence", note["evidence_ref"], "--out", str(tmp_path / "copy.txt"))
    assert saved.code == 0 and (tmp_path / "copy.txt").read_text() == "SOC triage log\n"

    assert run("end", "--by", "Ana").code == 0
    late = run("deliver", "1")
    assert late.code == 1 and "the exercise has ended" in one_line_error(late)
    washed = run("hotwash", "--json").json
    assert [len(task["observations"]) for task in washed[0]["tasks"]] == [1]
    finding = run("finding", "--kind", "afi", "--title", "Triage is slow", "--from", note["uid"][:8], "--json")
    assert finding.code == 0 and finding.json["based_on"] == [note["uid"]]
    assert run("rate", "1", "s", "--rationale", "Triage slow but done").code == 0
    improved = run("improve", "--answers", "1", "--action", "A triage rota", "--element", "organisation", "--json")
    assert improved.code == 0, improved.stderr

    case = cases.get_case(workspace, ref)
    assert [inject.status.value for inject in case.injects] == ["held", "delivered", "skipped"]
    assert case.improvements[0].answers == [case.observations[0].uid]
    assert case.objectives[0].rating is not None and case.objectives[0].rating.value == "S"
    delivered_by = next(inject.delivered_by for inject in case.injects if inject.number == "2")
    assert delivered_by == "Ana"
    logged = [entry.action for entry in audit.entries(workspace.conn) if entry.action.startswith("exercise.")]
    assert logged.count("exercise.clock") == 3 and "exercise.observe" in logged
