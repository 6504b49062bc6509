"""The case model refuses bad input with one clear message and reads what analysts and partners write."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from workbench.domain.cases.case import (
    Case,
    RecordKind,
    check_case,
    check_new_submission,
    make_exercise_overview,
    make_incident_details,
    make_record,
)
from workbench.domain.cases.fields import field_infos, parse_time, to_dict, with_changes
from workbench.domain.cases.incident import IncidentDetails, reporting_clocks, reporting_deadlines
from workbench.domain.cases.nis2 import Annex, MemberState, Sector, sector_choices
from workbench.domain.cases.vocab import CaseKind, ExerciseStatus, IncidentStatus, Rating, Regime
from workbench.domain.deadlines import Stage
from workbench.domain.errors import InvalidInput

AWARE = "2026-03-02T08:00:00Z"


def incident_case(**details: object) -> Case:
    now = parse_time(AWARE)
    return Case(
        "INC-2026-0001",
        CaseKind.INCIDENT,
        "Grid operator intrusion",
        IncidentStatus.OPEN,
        None,
        "",
        "incident--5a5b7a8e-4b0e-4c8e-9f0f-2f9f7d1e0a11",
        now,
        now,
        "identity--x",
        incident=make_incident_details({"awareness_at": AWARE, **details}),
    )


def exercise_case(start: str | None = "2026-05-01T08:00:00Z") -> Case:
    now = parse_time(AWARE)
    return Case(
        "EXE-2026-0001",
        CaseKind.EXERCISE,
        "Cyber Europe",
        ExerciseStatus.PLANNED,
        None,
        "",
        "grouping--5a5b7a8e-4b0e-4c8e-9f0f-2f9f7d1e0a12",
        now,
        now,
        "identity--x",
        exercise=make_exercise_overview({"starts_at": start} if start else {}),
    )


def test_nis2_sectors_cover_both_annexes_with_their_subsectors() -> None:
    keys = {sector.value for sector in Sector}
    for required in (
        "energy",
        "transport",
        "banking",
        "financial-market-infrastructure",
        "health",
        "drinking-water",
        "waste-water",
        "digital-infrastructure",
        "ict-service-management",
        "public-administration",
        "space",
        "postal-and-courier-services",
        "research",
        "manufacturing",
    ):
        assert required in keys
    assert Sector.SPACE.annex is Annex.HIGH_CRITICALITY and Sector.FOOD.annex is Annex.OTHER_CRITICAL
    assert set(Sector.ENERGY.subsectors) == {"electricity", "district-heating-and-cooling", "oil", "gas", "hydrogen"}
    # The 27 Member States, then the three EEA states where NIS2 applies through the EEA Agreement.
    assert len(MemberState) == 30 and MemberState.parse("EL") is MemberState.GR
    assert [state.value for state in MemberState][-3:] == ["IS", "LI", "NO"]
    assert any("Telecommunications" in choice.label for choice in sector_choices())


def test_an_unknown_sector_or_a_subsector_of_another_sector_is_refused() -> None:
    with pytest.raises(InvalidInput, match="unknown sector 'agriculture'"):
        make_incident_details({"awareness_at": AWARE, "sector": "agriculture"})
    with pytest.raises(InvalidInput, match="unknown sub-sector 'rail' of energy"):
        make_incident_details({"awareness_at": AWARE, "sector": "energy", "subsector": "rail"})


def test_telecommunications_names_its_sector_and_subsector() -> None:
    details = make_incident_details({"awareness_at": AWARE, "sector": "Telecommunications"})
    assert details.sector is Sector.DIGITAL_INFRASTRUCTURE and details.subsector == "electronic-communications"


def test_incident_fields_read_labels_keys_and_times_with_offsets_and_keep_utc() -> None:
    details = make_incident_details(
        {
            "awareness_at": "2026-03-28T12:00:00+01:00",
            "functional_impact": "Denial of Critical Services/Loss of Control",
            "attack_vector": "Email/Phishing",
            "rsit": "Intrusions / System Compromise",
            "users_affected": "120",
            "cross_border": "yes",
            "affected_states": "BE, NL",
            "regimes": ["nis2", "circia"],
        }
    )
    assert details.awareness_at == datetime(2026, 3, 28, 11, 0, tzinfo=UTC)
    assert to_dict(details)["functional_impact"] == "denial-of-critical-services-loss-of-control"
    assert details.users_affected == 120 and details.affected_states == [MemberState.BE, MemberState.NL]
    assert details.regimes == [Regime.NIS2, Regime.CIRCIA]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("users_affected", "-3", "Users affected must be a whole number"),
        ("cross_border", "perhaps", "must be yes or no"),
        ("first_detected", "last Tuesday", "is not a date and time"),
        ("impact_severity", "orange", "unknown impact severity 'orange'"),
        ("contact_24_7", "line one\nline two", "line breaks"),
        ("no_such_field", "x", "unknown field 'no_such_field'"),
    ],
)
def test_bad_incident_input_is_refused_naming_the_field(field: str, value: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        make_incident_details({"awareness_at": AWARE, field: value})


def test_an_incident_without_its_time_of_awareness_is_refused() -> None:
    with pytest.raises(InvalidInput, match="Time of awareness is required"):
        make_incident_details({})


def test_the_clocks_read_alone_give_the_deadlines_of_the_whole_record() -> None:
    details = make_incident_details(
        {
            "awareness_at": "2026-03-02T10:00:00+02:00",
            "regimes": "nis2,circia",
            "handled_at": "2026-03-09T08:00:00Z",
            "sector": "energy",
            "affected_states": "BE,NL",
            "systems_affected": "12",
        }
    )
    stored = to_dict(details)
    clocks = reporting_clocks(stored)
    assert (clocks.awareness_at, clocks.regimes, clocks.handled_at) == (
        details.awareness_at,
        details.regimes,
        details.handled_at,
    )
    now = parse_time("2026-04-20T00:00:00Z")
    assert reporting_deadlines(clocks, [], now) == reporting_deadlines(details, [], now)
    with pytest.raises(InvalidInput, match="Time of awareness is required"):
        reporting_clocks({"sector": "energy"})
    with pytest.raises(InvalidInput, match="unknown reporting regime"):
        reporting_clocks({"awareness_at": AWARE, "regimes": ["gdpr"]})


def test_a_stage_submitted_before_awareness_is_refused() -> None:
    case = incident_case()
    case.records[RecordKind.STAGE] = [
        make_record(RecordKind.STAGE, {"stage": "early-warning", "submitted_at": "2026-03-02T07:59:00Z"})
    ]
    with pytest.raises(InvalidInput, match=r"early warning cannot be submitted .* before the time of awareness"):
        check_case(case)


def test_a_stage_recorded_in_the_future_is_refused() -> None:
    submission = make_record(RecordKind.STAGE, {"stage": "notification", "submitted_at": "2026-03-03T08:00:00Z"})
    check_new_submission(submission, parse_time("2026-03-03T07:56:00Z"))  # within the clock tolerance
    with pytest.raises(InvalidInput, match="in the future"):
        check_new_submission(submission, parse_time("2026-03-03T07:00:00Z"))


def test_a_rating_outside_psmu_is_refused() -> None:
    assert (
        make_record(RecordKind.OBJECTIVE, {"objective": "Activate the crisis cell", "rating": "s"}).rating is Rating.S
    )
    with pytest.raises(InvalidInput, match="unknown rating 'X'; use one of P, S, M, U"):
        make_record(RecordKind.OBJECTIVE, {"objective": "Activate the crisis cell", "rating": "X"})


def test_an_inject_whose_actual_time_precedes_the_exercise_start_is_refused() -> None:
    case = exercise_case()
    good = make_record(
        RecordKind.INJECT,
        {
            "number": "1",
            "planned_at": "2026-05-01T09:00:00Z",
            "actual_at": "2026-05-01T09:05:00Z",
            "description": "Ransom note",
        },
    )
    case.records[RecordKind.INJECT] = [good]
    check_case(case)
    early = with_changes(good, {"actual_at": "2026-05-01T07:59:00Z"}, "an inject")
    case.records[RecordKind.INJECT] = [early]
    with pytest.raises(InvalidInput, match=r"inject 1 cannot happen .* before the exercise starts"):
        check_case(case)


def test_records_that_do_not_fit_the_kind_of_case_are_refused() -> None:
    case = exercise_case()
    case.records[RecordKind.STAGE] = [
        make_record(RecordKind.STAGE, {"stage": "final", "submitted_at": "2026-05-01T09:00:00Z"})
    ]
    with pytest.raises(InvalidInput, match="an exercise case has no stages"):
        check_case(case)


def test_exercise_records_read_json_aliases_and_check_their_own_rules() -> None:
    inject = make_record(
        RecordKind.INJECT,
        {"planned": "2026-05-01T09:00Z", "from": "EXCON", "to": "CSIRT", "description": "Ransom note"},
    )
    assert (inject.sender, inject.recipient) == ("EXCON", "CSIRT")
    item = make_record(
        RecordKind.IMPROVEMENT,
        {
            "capability": "Operational coordination",
            "issue": "No call tree",
            "corrective_action": "Write one",
            "element": "planning",
            "start_date": "2026-06-01",
            "completion_date": "2026-07-01",
        },
    )
    assert item.completion_date == date(2026, 7, 1)
    with pytest.raises(InvalidInput, match="completed before it starts"):
        with_changes(item, {"completion_date": "2026-05-01"}, "an improvement item")
    with pytest.raises(InvalidInput, match="unknown capability element 'budget'"):
        with_changes(item, {"capability_element": "budget"}, "an improvement item")
    with pytest.raises(InvalidInput, match="Observation is required"):
        make_record(RecordKind.OBSERVATION, {"kind": "strength"})
    with pytest.raises(InvalidInput, match="ends before it starts"):
        make_exercise_overview({"starts_at": "2026-05-02T00:00Z", "ends_at": "2026-05-01T00:00Z"})


def test_record_uids_must_be_canonical_uuids() -> None:
    with pytest.raises(InvalidInput, match="not a UUID"):
        make_record(RecordKind.EVENT, {"uid": "../../etc", "at": AWARE, "title": "x"})


def test_every_field_is_declared_once_with_a_label_and_every_report_section_is_named() -> None:
    infos = field_infos(IncidentDetails)
    names = [info.name for info in infos]
    assert len(names) == len(set(names))
    assert all(info.label and info.section for info in infos)
    sections = {info.section for info in infos}
    assert {
        "Reporting entity",
        "Classification (RSIT and NIS Cooperation Group)",
        "CISA incident notification",
    } <= sections
    # Each stage's own report repeats what NIS2 asks of it: the early warning whether the act is suspected
    # malicious and may cross borders, the final report the root cause and the mitigation.
    stages = {stage: {info.name for info in infos if stage in info.stages} for stage in Stage}
    assert stages[Stage.EARLY_WARNING] >= {"suspected_malicious", "cross_border"}
    assert stages[Stage.NOTIFICATION] >= {"initial_assessment", "impact_severity"}
    assert stages[Stage.FINAL] >= {
        "root_cause",
        "threat_type",
        "mitigation_applied",
        "mitigation_ongoing",
        "cross_border_impact",
    }
