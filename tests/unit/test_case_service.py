"""Case services on a real encrypted workspace: every change audited, every refusal leaves the store unchanged."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import found, indicator, malware
from workbench.domain.cases.fields import parse_time
from workbench.domain.cases.vocab import CaseKind, IncidentStatus, Rating, TaskStatus
from workbench.domain.deadlines import Stage, StageState
from workbench.domain.errors import InvalidInput
from workbench.services import cases
from workbench.services.cases import links as case_links
from workbench.services.cases import records as case_records
from workbench.services.workspace import Workspace
from workbench.storage import audit
from workbench.storage.objects import ObjectStore, store_digest

AWARE = "2026-03-02T08:00:00.000Z"


def incident(ws: Workspace, title: str = "Grid operator intrusion", **fields: object) -> str:
    return cases.create_case(ws, "incident", title, fields={"awareness_at": AWARE, **fields}, now=parse_time(AWARE)).ref


def exercise(ws: Workspace) -> str:
    return cases.create_case(
        ws,
        "exercise",
        "Cyber Europe 2026",
        fields={"starts_at": "2026-06-10T07:00:00Z", "ends_at": "2026-06-11T17:00:00Z", "exercise_type": "full-scale"},
    ).ref


def library(ws: Workspace, *objects: dict) -> None:  # type: ignore[type-arg]
    with ws.transaction() as conn:
        store = ObjectStore(conn)
        source = store.add_source("file", "fixture.json")
        for obj in objects:
            store.put(obj, source)


def actions(ws: Workspace) -> list[str]:
    return [entry.action for entry in audit.entries(ws.conn) if entry.action.startswith("case.")]


def test_cases_get_references_per_kind_and_every_change_is_audited(workspace: Workspace) -> None:
    first, second = incident(workspace), incident(workspace, "Hospital ransomware")
    drill = exercise(workspace)
    assert (first, second, drill) == ("INC-2026-0001", "INC-2026-0002", f"EXE-{drill[4:8]}-0001")
    cases.update_case(workspace, first, status="open", fields={"sector": "energy", "subsector": "electricity"})
    case = cases.get_case(workspace, first)
    assert case.status is IncidentStatus.OPEN and case.incident is not None
    assert case.incident.subsector == "electricity" and case.tlp is not None and case.tlp.short == "AMBER"
    cases.update_case(workspace, first, fields={"sector": "telecommunications"})
    moved = cases.get_case(workspace, first).incident
    assert moved is not None and (moved.sector.value, moved.subsector) == (
        "digital-infrastructure",
        "electronic-communications",
    )
    cases.update_case(workspace, first, fields={"sector": "health"})  # the old sub-sector goes with the old sector
    moved = cases.get_case(workspace, first).incident
    assert moved is not None and moved.subsector is None
    assert actions(workspace) == ["case.create", "case.create", "case.create"] + ["case.update"] * 3
    assert audit.verify(workspace.conn).ok
    assert cases.get_case(workspace, case.stix_id).ref == first  # found by its STIX id too


@pytest.mark.parametrize(
    "change",
    [
        lambda ws, inc, exe: case_records.add_record(ws, exe, "objective", {"objective": "Activate", "rating": "X"}),
        lambda ws, inc, exe: case_records.record_stage(ws, inc, "early-warning", "2026-03-02T07:59:59Z"),
        lambda ws, inc, exe: case_records.add_record(
            ws, exe, "inject", {"planned_at": "2026-06-10T06:59:00Z", "description": "Too early"}
        ),
        lambda ws, inc, exe: cases.update_case(ws, inc, fields={"sector": "agriculture"}),
        lambda ws, inc, exe: cases.update_case(ws, inc, fields={"awareness_at": "2026-03-05T00:00:00Z"}),
        lambda ws, inc, exe: case_records.add_records(
            ws,
            exe,
            {
                "injects": [
                    {"planned_at": "2026-06-10T08:00:00Z", "description": "Fine"},
                    {"planned_at": "2026-06-10T09:00:00Z", "actual_at": "2026-06-09T09:00:00Z", "description": "Bad"},
                ]
            },
        ),
        lambda ws, inc, exe: case_links.link_objects(ws, inc, ["indicator--8e2e2d2b-17d4-4cbc-8938-47b1e2f3c2aa"]),
        lambda ws, inc, exe: case_records.add_record(ws, inc, "participant", {"organisation": "ENISA"}),
        lambda ws, inc, exe: case_links.create_object(
            ws,
            inc,
            {"type": "indicator", "pattern": "[ipv4-addr:value = ", "pattern_type": "stix", "valid_from": AWARE},
        ),
    ],
)
def test_refused_changes_leave_the_store_exactly_as_it_was(workspace: Workspace, change) -> None:  # type: ignore[no-untyped-def]
    inc, exe = incident(workspace), exercise(workspace)
    case_records.record_stage(workspace, inc, "early-warning", "2026-03-02T09:00:00Z")  # so that moving awareness fails
    before = store_digest(workspace.conn)
    with pytest.raises(InvalidInput):
        change(workspace, inc, exe)
    assert store_digest(workspace.conn) == before


def test_stage_versions_count_up_and_deadlines_follow_submissions(workspace: Workspace) -> None:
    ref = incident(workspace, regimes="nis2,circia")
    first = case_records.record_stage(workspace, ref, "early-warning", "2026-03-02T20:00:00Z", reference="CSIRT-BE-1")
    second = case_records.record_stage(workspace, ref, Stage.EARLY_WARNING, "2026-03-03T10:00:00Z")
    assert (first.version, second.version) == (1, 2)
    deadlines = {
        item.stage: item
        for item in cases.case_deadlines(cases.get_case(workspace, ref), parse_time("2026-03-06T00:00:00Z"))
    }
    assert deadlines[Stage.EARLY_WARNING].state is StageState.MET and deadlines[Stage.EARLY_WARNING].versions == 2
    assert deadlines[Stage.NOTIFICATION].state is StageState.OVERDUE
    assert deadlines[Stage.CIRCIA].state is StageState.OVERDUE
    with pytest.raises(InvalidInput, match="in the future"):
        case_records.record_stage(workspace, ref, "notification", parse_time(AWARE) + timedelta(days=3650))
    with pytest.raises(InvalidInput, match="an exercise case has no stages"):
        case_records.record_stage(workspace, exercise(workspace), "final", "2026-03-03T10:00:00Z")


def test_the_deadline_panel_lists_open_incidents_most_urgent_first_with_overdue_flagged(workspace: Workspace) -> None:
    late = incident(workspace, "Late one")
    case_records.record_stage(workspace, late, "early-warning", "2026-03-02T10:00:00Z")
    fresh = cases.create_case(
        workspace,
        "incident",
        "Fresh one",
        fields={"awareness_at": "2026-03-05T12:00:00Z"},
        now=parse_time("2026-03-05T12:00:00Z"),
    ).ref
    closed = incident(workspace, "Closed one")
    cases.update_case(workspace, closed, status="closed")
    exercise(workspace)
    panel = cases.deadline_panel(workspace, now=parse_time("2026-03-05T13:00:00Z"))
    assert [(row.ref, row.stage, row.overdue) for row in panel] == [
        (late, Stage.NOTIFICATION, True),
        (fresh, Stage.EARLY_WARNING, False),
    ]


def test_list_filters_by_kind_status_sector_state_text_and_linked_object(workspace: Workspace) -> None:
    grid = incident(workspace, "Grid operator intrusion", sector="energy", member_state="BE")
    telco = incident(workspace, "Carrier outage", sector="telecommunications", member_state="NL")
    drill = exercise(workspace)
    cases.update_case(workspace, telco, status="resolved", description="BGP hijack against the backbone")
    bad = malware()
    library(workspace, bad)
    case_links.link_objects(workspace, grid, [bad["id"]])

    def refs(**filters: object) -> set[str]:
        return {summary.ref for summary in cases.list_cases(workspace, **filters)}

    assert refs() == {grid, telco, drill}
    assert refs(kind="exercise") == {drill}
    assert refs(sector="energy") == {grid}
    assert refs(sector="digital-infrastructure") == {telco}
    assert refs(member_state="NL") == {telco}
    assert refs(status=["resolved"]) == {telco}
    assert refs(text="backbone hijack") == {telco}
    assert refs(linked_object=bad["id"]) == {grid}
    assert next(s for s in cases.list_cases(workspace) if s.ref == grid).next_due is not None
    # A list that does not show the next due report can skip computing it; the cases are the same.
    plain = cases.list_cases(workspace, with_next_due=False)
    assert {s.ref for s in plain} == {grid, telco, drill} and all(s.next_due is None for s in plain)
    with pytest.raises(InvalidInput, match="unknown sector"):
        cases.list_cases(workspace, sector="agriculture")


def test_list_sorts_and_pages_in_sql_and_open_cases_fill_whole_pages(workspace: Workspace) -> None:
    refs = [incident(workspace, title) for title in ("Charlie", "alpha", "Bravo", "Delta")]
    cases.update_case(workspace, refs[1], status="closed")
    by_title = [item.title for item in cases.list_cases(workspace, order="title", descending=False)]
    assert by_title == ["alpha", "Bravo", "Charlie", "Delta"]
    pages = [cases.list_cases(workspace, order="ref", descending=False, limit=2, offset=offset) for offset in (0, 2)]
    assert [item.ref for page in pages for item in page] == sorted(refs)
    # "open" is a filter of the query, not of the page: a page of two open cases is full.
    assert [
        item.title for item in cases.list_cases(workspace, open_only=True, order="title", limit=2, descending=False)
    ] == ["Bravo", "Charlie"]
    assert cases.list_cases(workspace, open_only=True, status=["closed"]) == []
    with pytest.raises(InvalidInput, match="cannot sort cases by"):
        cases.list_cases(workspace, order="details")


def test_linking_needs_objects_of_the_library_and_unlinking_keeps_them(workspace: Workspace) -> None:
    ref = incident(workspace)
    known = indicator()
    library(workspace, known)
    assert case_links.link_objects(workspace, ref, [known["id"], known["id"]]) == 1
    assert case_links.link_objects(workspace, ref, [known["id"]]) == 0
    assert [link.origin for link in case_links.links(workspace, ref)] == ["library"]
    with pytest.raises(InvalidInput, match="not a STIX id"):
        case_links.link_objects(workspace, ref, ["../etc/passwd"])
    assert case_links.unlink_objects(workspace, ref, [known["id"]]) == 1
    assert cases.get_case(workspace, ref).linked == []
    assert workspace.objects.get(known["id"]) is not None
    with pytest.raises(InvalidInput, match="is not linked"):
        case_links.unlink_objects(workspace, ref, [known["id"]])


def test_objects_created_in_a_case_are_local_versions_in_the_library_with_the_case_tlp(workspace: Workspace) -> None:
    ref = incident(workspace)
    created = case_links.create_object(
        workspace,
        ref,
        {
            "type": "indicator",
            "name": "Beacon",
            "pattern": "[domain-name:value = 'evil.example']",
            "pattern_type": "stix",
            "valid_from": AWARE,
        },
    )
    observable = case_links.create_object(workspace, ref, {"type": "ipv4-addr", "value": "198.51.100.7"})
    actor = case_links.create_object(
        workspace, ref, {"type": "threat-actor", "name": "Sandstorm Owl", "threat_actor_types": ["nation-state"]}
    )
    stored = workspace.objects.get(created)
    assert stored is not None and stored["created_by_ref"] == workspace.identity_id
    assert stored["object_marking_refs"] == [cases.DEFAULT_TLP.marking_id]
    assert workspace.objects.versions(created)[0].provenance.kind == "local"
    assert [hit.id for hit in found(workspace, "198.51.100.7")] == [observable]
    assert {link.origin for link in case_links.links(workspace, ref)} == {"created"}
    assert set(cases.get_case(workspace, ref).linked) == {created, observable, actor}
    with pytest.raises(InvalidInput, match="cannot be created in a case"):
        case_links.create_object(workspace, ref, {"type": "marking-definition"})
    with pytest.raises(InvalidInput, match="not a valid malware object"):
        case_links.create_object(workspace, ref, {"type": "malware", "name": "X", "x_custom": 1})


def test_records_are_added_updated_and_removed(workspace: Workspace) -> None:
    ref = incident(workspace)
    task = case_records.add_record(
        workspace, ref, "task", {"title": "Reset VPN passwords", "owner": "Ana", "due": "2026-03-03T12:00:00Z"}
    )
    event = case_records.add_record(
        workspace,
        ref,
        "event",
        {"at": "2026-03-01T23:10:00Z", "kind": "attacker-activity", "title": "VPN login from TOR"},
    )
    done = case_records.update_record(workspace, ref, "task", task.uid, {"completed_at": "2026-03-03T09:00:00Z"})
    assert done.status is TaskStatus.DONE
    case_records.remove_record(workspace, ref, "event", event.uid)
    case = cases.get_case(workspace, ref)
    assert case.events == [] and case.tasks == [done]
    with pytest.raises(InvalidInput, match="has no timeline event"):
        case_records.remove_record(workspace, ref, "event", event.uid)
    assert actions(workspace)[-3:] == ["case.record", "case.record", "case.record-removed"]


def test_an_exercise_takes_its_records_from_one_json_document(workspace: Workspace) -> None:
    ref = exercise(workspace)
    counts = case_records.add_records(
        workspace,
        ref,
        {
            "overview": {"scenario": "Ransomware on a regional grid operator", "sponsor": "ENISA"},
            "participants": [{"organisation": "CISA", "role": "third-party-observer"}],
            "objectives": [
                {
                    "objective": "Activate the national crisis cell within 1 h",
                    "capability": "Operational coordination",
                    "rating": "M",
                }
            ],
            "injects": [
                {
                    "number": "1",
                    "planned": "2026-06-10T08:00:00Z",
                    "actual": "2026-06-10T08:12:00Z",
                    "from": "EXCON",
                    "to": "National CSIRT",
                    "description": "Ransom note on SCADA HMIs",
                    "expected_action": "Early warning to the authority",
                    "observed_action": "Sent after 40 min",
                }
            ],
            "observations": [
                {
                    "kind": "afi",
                    "title": "Call tree out of date",
                    "analysis": "No owner",
                    "recommendation": "Name an owner",
                    "reference": "National plan 4.2",
                }
            ],
            "improvements": [
                {
                    "capability": "Operational coordination",
                    "issue": "Call tree out of date",
                    "corrective_action": "Review quarterly",
                    "element": "planning",
                    "responsible_org": "National CSIRT",
                    "start_date": "2026-07-01",
                    "completion_date": "2026-09-30",
                }
            ],
        },
    )
    assert counts == {
        "overview": 2,
        "participants": 1,
        "objectives": 1,
        "injects": 1,
        "observations": 1,
        "improvements": 1,
    }
    case = cases.get_case(workspace, ref)
    assert case.kind is CaseKind.EXERCISE and case.exercise is not None and case.exercise.sponsor == "ENISA"
    assert case.objectives[0].rating is Rating.M and case.injects[0].sender == "EXCON"
    with pytest.raises(InvalidInput, match=r"objectives\[1\]: unknown rating"):
        case_records.add_records(workspace, ref, {"objectives": [{"objective": "x", "rating": "excellent"}]})
    with pytest.raises(InvalidInput, match="unknown key 'budget'"):
        case_records.add_records(workspace, ref, {"budget": []})


def test_a_workspace_of_schema_version_one_upgrades_and_takes_cases(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import shutil
    from pathlib import Path

    from workbench.services.workspace import open_workspace

    copy = tmp_path / "v1.db"
    shutil.copyfile(Path(__file__).resolve().parents[1] / "data" / "workspace-v1.db", copy)
    ws = open_workspace(copy, "workbench schema v1 fixture")
    try:
        ref = cases.create_case(ws, "incident", "After the upgrade").ref
        assert [summary.ref for summary in cases.list_cases(ws, text="upgrade")] == [ref]
        assert audit.verify(ws.conn).ok
    finally:
        ws.close()
