"""Conduct mode, evaluation and the hot wash on a real encrypted workspace, with fixed times."""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import pytest

from tests.conftest import indicator
from workbench.domain.cases.vocab import ClockAction, ConductState, ExerciseStatus, InjectStatus, Rating
from workbench.domain.errors import InvalidInput
from workbench.domain.exercise_material import EXERCISE_MARKING_ID, mark_as_exercise
from workbench.services import cases
from workbench.services.cases import records as case_records
from workbench.services.exercise import conduct, evaluation, hotwash
from workbench.services.workspace import Workspace
from workbench.storage import audit
from workbench.storage.objects import ObjectStore, store_digest

PLANNED = datetime(2026, 6, 10, 7, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return PLANNED + timedelta(minutes=minutes)


def drill(ws: Workspace) -> str:
    """An exercise with two objectives, three critical tasks and three injects planned 30, 60 and 90 min in."""
    ref = cases.create_case(
        ws, "exercise", "Lantern drill", fields={"starts_at": PLANNED, "exercise_type": "tabletop"}, now=at(-600)
    ).ref
    case_records.add_records(
        ws,
        ref,
        {
            "objectives": [
                {"objective": "Share indicators with partners within 2 hours", "capability": "Intelligence sharing"},
                {"objective": "Brief the minister", "capability": "Public information"},
            ],
            "injects": [
                {"number": str(n), "planned_at": at(30 * n), "description": f"Inject {n}", "to": "SOC"}
                for n in (1, 2, 3)
            ],
        },
        now=at(-500),
    )
    evaluation.add_critical_task(ws, ref, "1", "Triage the report", number="1.1", measures="Within 30 min\nLogged")
    evaluation.add_critical_task(ws, ref, "1", "Send the package", number="1.2")
    evaluation.add_critical_task(ws, ref, "2", "Draft the brief", number="2.1")
    return ref


def actions(ws: Workspace) -> list[str]:
    return [entry.action for entry in audit.entries(ws.conn) if entry.action.startswith("exercise.")]


def test_the_controller_plays_the_msel_and_every_step_is_audited(workspace: Workspace) -> None:
    ref = drill(workspace)
    view = conduct.clock_action(workspace, ref, "start", speed=2, by="Ana", now=at(5))
    # Five minutes late: the scenario starts at the planned start, at double speed.
    assert view.reading.scenario == PLANNED and view.clock.state is ConductState.RUNNING
    assert view.next_row is not None and view.next_row.inject.number == "1"
    assert view.next_row.countdown == timedelta(minutes=15)
    conduct.hold(workspace, ref, "1", reason="players still reading the scenario", now=at(10))
    first = conduct.deliver(workspace, ref, "2", by="Ana", now=at(20))
    assert (first.actual_at, first.delivered_scenario_at, first.delivered_by) == (at(20), at(30), "Ana")
    conduct.clock_action(workspace, ref, "pause", by="Ana", reason="fire alarm", now=at(25))
    conduct.clock_action(workspace, ref, "resume", by="Ana", now=at(35))
    conduct.clock_action(workspace, ref, "jump", advance=timedelta(minutes=30), by="Ana", now=at(40))
    conduct.release(workspace, ref, "1", now=at(41))
    conduct.deliver(workspace, ref, "1", by="Ana", now=at(42))
    conduct.skip(workspace, ref, "3", reason="covered by inject 2", now=at(43))
    added = conduct.add_inject(
        workspace, ref, {"number": "2a", "planned_at": at(50), "description": "Press call"}, reason="players ahead"
    )
    assert added.added_in_play and added.status_reason == "players ahead"
    conduct.clock_action(workspace, ref, "end", by="Ana", now=at(60))
    case = cases.get_case(workspace, ref)
    statuses = {inject.number: inject.status for inject in case.injects}
    assert statuses == {
        "1": InjectStatus.DELIVERED,
        "2": InjectStatus.DELIVERED,
        "3": InjectStatus.SKIPPED,
        "2a": InjectStatus.PLANNED,
    }
    # 5 min late: scenario 07:00 at 07:05; 20 min at x2, a pause, 5 min at x2, a 30 min jump, 2 min at x2.
    one = next(inject for inject in case.injects if inject.number == "1")
    assert one.delivered_scenario_at == PLANNED + timedelta(minutes=40 + 10 + 30 + 4)
    assert case.clock.time_in_play(at(90)) == timedelta(minutes=45)
    assert case.status is ExerciseStatus.CONDUCTED
    assert case.exercise is not None and case.exercise.ends_at == at(60) and case.exercise.starts_at == PLANNED
    assert [event.action for event in case.clock_events] == [
        ClockAction.START,
        ClockAction.PAUSE,
        ClockAction.RESUME,
        ClockAction.JUMP,
        ClockAction.END,
    ]
    assert actions(workspace) == [
        "exercise.clock",
        "exercise.hold",
        "exercise.deliver",
        "exercise.clock",
        "exercise.clock",
        "exercise.clock",
        "exercise.release",
        "exercise.deliver",
        "exercise.skip",
        "exercise.add-inject",
        "exercise.clock",
    ]
    details = [entry.details for entry in audit.entries(workspace.conn) if entry.action == "exercise.hold"]
    assert "players still reading" not in orjson.dumps(details).decode()  # the audit names actions, not text
    assert audit.verify(workspace.conn).ok


def test_an_early_start_moves_the_exercise_start_and_refusals_change_nothing(workspace: Workspace) -> None:
    ref = drill(workspace)
    conduct.clock_action(workspace, ref, "start", now=at(-10))
    case = cases.get_case(workspace, ref)
    assert case.exercise is not None and case.exercise.starts_at == at(-10)
    before = store_digest(workspace.conn)
    for refused in (
        lambda: conduct.clock_action(workspace, ref, "resume", now=at(0)),
        lambda: conduct.hold(workspace, ref, "1", reason=" ", now=at(0)),
        lambda: conduct.deliver(workspace, ref, "7", by="Ana", now=at(0)),
        lambda: conduct.clock_action(workspace, ref, "jump", scenario="2026-06-10T06:00Z", now=at(0)),
    ):
        with pytest.raises(InvalidInput):
            refused()
    assert store_digest(workspace.conn) == before


def test_only_the_controller_runs_a_copy_of_an_exercise_and_anyone_records_a_response(workspace: Workspace) -> None:
    ref = drill(workspace)
    conduct.clock_action(workspace, ref, "start", now=at(0))
    conduct.deliver(workspace, ref, "1", by="Ana", now=at(30))
    with workspace.transaction() as conn:  # what the partner's workspace holds: the case, its origin the controller
        conn.execute("UPDATE cases SET origin = 'EU Agency for Cybersecurity' WHERE ref = ?", (ref,))
    with pytest.raises(InvalidInput, match="copy of EU Agency for Cybersecurity's exercise"):
        conduct.deliver(workspace, ref, "2", by="Bo", now=at(40))
    answered = conduct.respond(workspace, ref, "1", "Blocked the address", by="Bo", now=at(45))
    assert (answered.observed_action, answered.responded_at, answered.responded_by) == (
        "Blocked the address",
        at(45),
        "Bo",
    )
    assert conduct.conduct_view(workspace, ref, now=at(50)).controller is False


def test_observations_are_timestamped_against_objectives_and_tasks_with_evidence(
    workspace: Workspace, tmp_path: Path
) -> None:
    ref = drill(workspace)
    conduct.clock_action(workspace, ref, "start", speed=4, now=at(0))
    screenshot = tmp_path / "chat log.txt"
    screenshot.write_bytes(b"09:12 SOC: package sent to partner\n")
    note = evaluation.observe(
        workspace,
        ref,
        task="1.2",
        text="Package signed and sent within 12 min",
        rating="p",
        evaluator="Eve",
        evidence_file=screenshot,
        now=at(12),
    )
    case = cases.get_case(workspace, ref)
    assert (note.at, note.scenario_at, note.rating) == (at(12), PLANNED + timedelta(minutes=48), Rating.P)
    assert note.objective == case.objectives[0].uid and note.organisation == workspace.org_name
    assert note.evidence_name == "chat log.txt" and note.evidence_ref in case.linked
    stored = ObjectStore(workspace.conn).get(note.evidence_ref or "")
    assert stored is not None and stored["type"] == "artifact" and EXERCISE_MARKING_ID in stored["object_marking_refs"]
    flag = workspace.conn.execute("SELECT exercise FROM objects WHERE id = ?", (note.evidence_ref,)).fetchone()
    assert flag == (1,)
    copy = evaluation.save_evidence(workspace, note.evidence_ref or "", tmp_path / "out.txt")
    assert copy.read_bytes() == screenshot.read_bytes() and (copy.stat().st_mode & 0o777) == 0o600

    guides = evaluation.evaluation_guides(case)
    assert [guide.objective.capability for guide in guides] == ["Intelligence sharing", "Public information"]
    assert guides[0].tasks[0].measures == ["Within 30 min", "Logged"]
    assert [item.task.number for item in guides[0].tasks if item.observations] == ["1.2"]


def test_evidence_must_be_exercise_material_and_a_fifo_is_refused_at_once(workspace: Workspace, tmp_path: Path) -> None:
    ref = drill(workspace)
    real, drilled = indicator(), mark_as_exercise(indicator())
    with workspace.transaction() as conn:
        store = ObjectStore(conn)
        source = store.add_source("file", "fixture.json")
        store.put(real, source)
        store.put(drilled, source)
    with pytest.raises(InvalidInput, match="real intelligence, not exercise material"):
        evaluation.observe(workspace, ref, objective="1", text="x", evidence=real["id"], now=at(1))
    kept = evaluation.observe(workspace, ref, objective="1", text="x", evidence=drilled["id"], now=at(2))
    assert kept.evidence_ref == drilled["id"]
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    outcome: list[str] = []

    def attach() -> None:
        with workspace.connect_again() as other, pytest.raises(InvalidInput) as refused:
            evaluation.observe(other, ref, objective="1", text="x", evidence_file=fifo)
        outcome.append(str(refused.value))

    worker = threading.Thread(target=attach)
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive(), "reading a FIFO as evidence blocked"
    assert "not a regular file" in str(outcome[0])


def test_the_hot_wash_turns_observations_into_findings_ratings_and_improvements(workspace: Workspace) -> None:
    ref = drill(workspace)
    conduct.clock_action(workspace, ref, "start", now=at(0))
    slow = evaluation.observe(workspace, ref, task="1.1", text="Triage took 50 min", rating="M", now=at(50))
    lost = evaluation.observe(workspace, ref, task="1.1", text="Report lost in shared inbox", rating="U", now=at(55))
    brief = evaluation.observe(workspace, ref, objective="2", text="Brief ready early", rating="P", now=at(70))
    case = cases.get_case(workspace, ref)
    washed = hotwash.hot_wash(case)
    assert [[len(task.observations) for task in item.tasks] for item in washed] == [[2, 0], [0, 1]]
    assert washed[0].suggested == {Rating.M: 1, Rating.U: 1}
    area = hotwash.add_finding(
        workspace,
        ref,
        "area-for-improvement",
        "Triage is slow",
        based_on=[slow.uid, lost.uid[:8]],
        details={"recommendation": "A triage rota"},
    )
    assert area.objective == case.objectives[0].uid and area.capability == "Intelligence sharing"
    assert area.based_on == [slow.uid, lost.uid]
    strength = hotwash.add_finding(workspace, ref, "strength", "Brief on time", based_on=[brief.uid])
    with pytest.raises(InvalidInput, match="rationale"):
        hotwash.rate_objective(workspace, ref, "1", "M", " ")
    rated = hotwash.rate_objective(workspace, ref, "1", "m", "Triage missed its measure twice")
    assert (rated.rating, rated.rationale) == (Rating.M, "Triage missed its measure twice")
    item = hotwash.add_improvement(
        workspace,
        ref,
        {"corrective_action": "Set up a triage rota", "capability_element": "organisation"},
        answers=[area.uid],
    )
    assert (item.capability, item.issue, item.answers) == ("Intelligence sharing", "Triage is slow", [area.uid])
    with pytest.raises(InvalidInput, match="is a strength, not an area for improvement"):
        hotwash.add_improvement(
            workspace, ref, {"corrective_action": "x", "capability_element": "training"}, answers=[strength.uid]
        )
    washed = hotwash.hot_wash(cases.get_case(workspace, ref))
    assert [[finding.title for finding in item.findings] for item in washed] == [["Triage is slow"], ["Brief on time"]]
