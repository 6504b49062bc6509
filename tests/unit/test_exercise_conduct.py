"""The exercise clock and the master scenario events list, with fixed times (no sleeps, no computer clock)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from tests.unit.test_case_model import exercise_case
from workbench.domain.cases import conduct
from workbench.domain.cases.case import Case, RecordKind, check_case, make_record
from workbench.domain.cases.conduct import ExerciseClock, clock_event, replay
from workbench.domain.cases.vocab import ConductState, InjectStatus
from workbench.domain.errors import InvalidInput

REAL = datetime(2026, 5, 6, 9, 0, tzinfo=UTC)  # the morning the exercise is played
SCENARIO = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # the Monday the story starts on


def minutes(value: float) -> timedelta:
    return timedelta(minutes=value)


def run(*steps: tuple[str, float, dict[str, object]]) -> tuple[ExerciseClock, list[object]]:
    """Apply controller actions at REAL + minutes; returns the clock and the events recorded."""
    clock, events = ExerciseClock(), []
    for action, at, options in steps:
        event = clock_event(clock, action, REAL + minutes(at), **options)  # type: ignore[arg-type]
        clock = clock.apply(event)
        events.append(event)
    return clock, events


def test_scenario_time_runs_at_the_speed_factor() -> None:
    clock, _ = run(("start", 0, {"scenario": SCENARIO, "speed": 4}))
    assert clock.scenario_at(REAL + minutes(30)) == SCENARIO + timedelta(hours=2)
    assert clock.scenario_at(REAL + timedelta(seconds=1)) == SCENARIO + timedelta(seconds=4)
    assert clock.reading(REAL + minutes(30)).in_play == minutes(30)


def test_a_jump_moves_scenario_time_forward_at_once_and_the_clock_runs_on_from_there() -> None:
    clock, events = run(
        ("start", 0, {"scenario": SCENARIO}),
        ("jump", 20, {"advance": timedelta(hours=6)}),
    )
    assert events[1].scenario_at == SCENARIO + minutes(20) + timedelta(hours=6)
    assert clock.scenario_at(REAL + minutes(50)) == SCENARIO + timedelta(hours=6, minutes=50)
    target = SCENARIO + timedelta(days=1)
    clock, _ = run(("start", 0, {"scenario": SCENARIO, "speed": 2}), ("jump", 10, {"scenario": target}))
    assert clock.scenario_at(REAL + minutes(40)) == target + minutes(60)


def test_a_jump_backwards_or_without_a_target_is_refused() -> None:
    clock, _ = run(("start", 0, {"scenario": SCENARIO}))
    with pytest.raises(InvalidInput, match="only jumps forward"):
        clock_event(clock, "jump", REAL + minutes(5), scenario=SCENARIO)
    with pytest.raises(InvalidInput, match="either the scenario time"):
        clock_event(clock, "jump", REAL + minutes(5))


def test_a_pause_stops_scenario_time_and_time_in_play() -> None:
    clock, events = run(
        ("start", 0, {"scenario": SCENARIO, "speed": 3}),
        ("pause", 10, {}),
    )
    frozen = SCENARIO + minutes(30)
    assert events[1].scenario_at == frozen
    assert clock.scenario_at(REAL + minutes(55)) == frozen
    assert clock.time_in_play(REAL + minutes(55)) == minutes(10)
    clock = clock.apply(clock_event(clock, "resume", REAL + minutes(40)))
    assert clock.scenario_at(REAL + minutes(50)) == frozen + minutes(30)
    assert clock.time_in_play(REAL + minutes(50)) == minutes(20)


def test_a_speed_change_keeps_scenario_time_continuous() -> None:
    clock, events = run(
        ("start", 0, {"scenario": SCENARIO}),
        ("speed", 30, {"speed": 6}),
    )
    assert events[1].scenario_at == SCENARIO + minutes(30)
    assert clock.scenario_at(REAL + minutes(40)) == SCENARIO + minutes(90)
    with pytest.raises(InvalidInput, match="runs at speed 6 already"):
        clock_event(clock, "speed", REAL + minutes(41), speed=6)
    with pytest.raises(InvalidInput, match="speed must be from"):
        clock_event(clock, "speed", REAL + minutes(41), speed=5000)


def test_the_end_stops_the_clock_and_actions_after_it_are_refused() -> None:
    clock, _ = run(("start", 0, {"scenario": SCENARIO}), ("end", 90, {}))
    assert clock.state is ConductState.ENDED
    assert clock.scenario_at(REAL + minutes(200)) == SCENARIO + minutes(90)
    assert clock.time_in_play(REAL + minutes(200)) == minutes(90)
    with pytest.raises(InvalidInput, match="ended at"):
        clock_event(clock, "resume", REAL + minutes(100))


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ((("pause", 0, {}),), "has not started"),
        ((("start", 0, {}), ("start", 5, {})), "has started already"),
        ((("start", 0, {}), ("pause", 5, {}), ("pause", 6, {})), "paused already"),
        ((("start", 0, {}), ("resume", 5, {})), "not paused"),
        ((("start", 10, {}), ("pause", 5, {})), "before its last action"),
    ],
)
def test_actions_that_do_not_fit_the_state_are_refused(steps: tuple, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        run(*steps)


def test_replaying_the_recorded_actions_in_any_order_gives_the_same_clock() -> None:
    clock, events = run(
        ("start", 0, {"scenario": SCENARIO, "speed": 2}),
        ("pause", 15, {}),
        ("jump", 20, {"advance": timedelta(hours=3)}),
        ("resume", 25, {}),
        ("speed", 40, {"speed": 0.5}),
    )
    shuffled = list(events)
    random.Random(7).shuffle(shuffled)
    assert replay(shuffled) == clock
    # 15 min at speed 2 (30), +3 h, 15 min at speed 2 (30), then 20 min at half speed (10).
    assert clock.scenario_at(REAL + minutes(60)) == SCENARIO + timedelta(hours=4, minutes=10)


# -- the MSEL --------------------------------------------------------------------------------------------------------


def inject(number: str, due_minutes: float, **extra: object) -> object:
    return make_record(
        RecordKind.INJECT,
        {
            "number": number,
            "planned_at": REAL + minutes(due_minutes),
            "scenario_at": SCENARIO + minutes(due_minutes),
            "description": f"Inject {number}",
            **extra,
        },
    )


def test_the_next_inject_and_its_countdown_follow_scenario_time() -> None:
    injects = [inject("2", 120), inject("1", 60), inject("3", 240)]
    clock, _ = run(("start", 0, {"scenario": SCENARIO, "speed": 4}))
    rows = conduct.msel(injects, clock, REAL + minutes(5))
    assert [row.inject.number for row in rows] == ["1", "2", "3"]
    assert [row.is_next for row in rows] == [True, False, False]
    # Inject 1 is due 60 scenario minutes in: 15 real minutes at speed 4, 10 left after 5.
    assert rows[0].countdown == minutes(10)
    assert rows[1].countdown == minutes(25)
    late = conduct.msel(injects, clock, REAL + minutes(20))
    assert late[0].overdue and late[0].countdown == -minutes(5)


def test_held_skipped_and_delivered_injects_are_not_due_and_a_released_one_is_again() -> None:
    first, second = inject("1", 60), inject("2", 120)
    clock, _ = run(("start", 0, {"scenario": SCENARIO}))
    held = conduct.hold(first, clock, "players still on inject 0")
    assert held.status is InjectStatus.HELD and held.status_reason == "players still on inject 0"
    assert conduct.next_due([held, second]) is second
    released = conduct.release(held, clock)
    assert conduct.next_due([released, second]) is released
    skipped = conduct.skip(second, clock, "time ran short")
    assert conduct.next_due([skipped]) is None
    assert conduct.msel([skipped], clock, REAL)[0].countdown is None


def test_deliver_records_real_and_scenario_time_and_who() -> None:
    item = inject("1", 60)
    clock, _ = run(("start", 0, {"scenario": SCENARIO, "speed": 2}), ("jump", 10, {"advance": timedelta(hours=1)}))
    delivered = conduct.deliver(item, clock, REAL + minutes(20), "Controller Ana", package_id="pkg-1")
    assert delivered.status is InjectStatus.DELIVERED
    assert delivered.actual_at == REAL + minutes(20)
    assert delivered.delivered_scenario_at == SCENARIO + minutes(20 + 60 + 20)
    assert (delivered.delivered_by, delivered.package_id) == ("Controller Ana", "pkg-1")
    with pytest.raises(InvalidInput, match="delivered already"):
        conduct.deliver(delivered, clock, REAL + minutes(21), "Ana")


@pytest.mark.parametrize(
    ("operation", "message"),
    [
        (lambda item, clock: conduct.hold(item, clock, " "), "give the reason for holding it"),
        (lambda item, clock: conduct.skip(item, clock, None), "give the reason for skipping it"),
        (lambda item, clock: conduct.added_in_play(item, clock, ""), "give the reason for adding"),
        (lambda item, clock: conduct.release(item, clock), "is not held"),
        (lambda item, clock: conduct.respond(item, REAL, "CSIRT", "Called back"), "has not been delivered"),
    ],
)
def test_msel_changes_without_their_reason_or_out_of_turn_are_refused(operation: object, message: str) -> None:
    clock, _ = run(("start", 0, {}))
    with pytest.raises(InvalidInput, match=message):
        operation(inject("1", 60), clock)  # type: ignore[operator]


def test_nothing_is_delivered_before_the_start_or_after_the_end() -> None:
    with pytest.raises(InvalidInput, match="start the exercise before delivering"):
        conduct.deliver(inject("1", 60), ExerciseClock(), REAL, "Ana")
    clock, _ = run(("start", 0, {}), ("end", 5, {}))
    with pytest.raises(InvalidInput, match="has ended: no more skipping"):
        conduct.skip(inject("1", 60), clock, "late")


def test_a_response_is_the_observed_action_with_its_time_and_never_before_delivery() -> None:
    clock, _ = run(("start", 0, {}))
    delivered = conduct.deliver(inject("1", 60), clock, REAL + minutes(60), "Ana")
    answered = conduct.respond(delivered, REAL + minutes(75), "Partner CSIRT", "Blocked the C2 address")
    assert (answered.observed_action, answered.responded_at, answered.responded_by) == (
        "Blocked the C2 address",
        REAL + minutes(75),
        "Partner CSIRT",
    )
    # A partner's clock a minute behind is a clock difference; an hour is a mistake.
    conduct.respond(delivered, REAL + minutes(59), "Partner CSIRT", "Blocked")
    with pytest.raises(InvalidInput, match="comes before it was delivered"):
        conduct.respond(delivered, REAL, "Partner CSIRT", "Blocked")


def test_an_inject_recorded_afterwards_with_its_actual_time_counts_as_delivered() -> None:
    item = inject("1", 60, actual_at=REAL + minutes(62))
    assert item.status is InjectStatus.DELIVERED
    with pytest.raises(InvalidInput, match="delivered but has no delivery time"):
        inject("2", 60, status="delivered")
    with pytest.raises(InvalidInput, match="held without a reason"):
        inject("3", 60, status="held")


# -- records that refer to records ---------------------------------------------------------------------------------


def exercise() -> Case:
    return exercise_case(start=None)


def test_evaluation_records_must_find_what_they_refer_to() -> None:
    case = exercise()
    first = make_record(RecordKind.OBJECTIVE, {"objective": "Share IOCs within 2 h", "capability": "Intelligence"})
    second = make_record(RecordKind.OBJECTIVE, {"objective": "Brief the minister"})
    task = make_record(RecordKind.CRITICAL_TASK, {"objective": first.uid, "number": "1.1", "task": "Triage"})
    note = make_record(
        RecordKind.EEG_OBSERVATION, {"at": REAL, "objective": first.uid, "task": task.uid, "text": "Quick triage"}
    )
    strength = make_record(RecordKind.OBSERVATION, {"kind": "strength", "title": "Fast triage", "based_on": [note.uid]})
    case.records = {
        RecordKind.OBJECTIVE: [first, second],
        RecordKind.CRITICAL_TASK: [task],
        RecordKind.EEG_OBSERVATION: [note],
        RecordKind.OBSERVATION: [strength],
    }
    check_case(case)
    wrong_task = make_record(
        RecordKind.EEG_OBSERVATION, {"at": REAL, "objective": second.uid, "task": task.uid, "text": "x"}
    )
    case.records[RecordKind.EEG_OBSERVATION] = [note, wrong_task]
    with pytest.raises(InvalidInput, match="critical task belongs to another objective"):
        check_case(case)
    case.records[RecordKind.EEG_OBSERVATION] = [note]
    case.records[RecordKind.OBJECTIVE] = [second]
    with pytest.raises(InvalidInput, match=r"critical task 1\.1 refers to objective .* which this case does not have"):
        check_case(case)
    case.records[RecordKind.OBJECTIVE] = [first, second]
    case.records[RecordKind.IMPROVEMENT] = [
        make_record(
            RecordKind.IMPROVEMENT,
            {
                "capability": "Intelligence",
                "issue": "Triage",
                "corrective_action": "Train",
                "element": "training",
                "answers": [strength.uid],
            },
        )
    ]
    with pytest.raises(InvalidInput, match="which is a strength, not an area for improvement"):
        check_case(case)


def test_a_case_whose_clock_actions_do_not_fit_is_refused() -> None:
    case = exercise()
    _, events = run(("start", 0, {}), ("pause", 5, {}))
    stray = make_record(
        RecordKind.CLOCK, {"action": "pause", "at": REAL + minutes(9), "scenario_at": SCENARIO, "speed": 1}
    )
    case.records[RecordKind.CLOCK] = [*events, stray]
    with pytest.raises(InvalidInput, match="paused already"):
        check_case(case)
