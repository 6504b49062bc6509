"""What the incident and exercise reports will print, as the reports engineer receives it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.case_samples import full_exercise, full_incident
from workbench.domain.errors import InvalidInput
from workbench.domain.tlp import Tlp
from workbench.services import case_links, case_reports
from workbench.services.workspace import Workspace
from workbench.storage.objects import ObjectStore


def test_incident_input_has_stages_with_due_times_and_met_fields_timeline_indicators_and_techniques(
        workspace: Workspace) -> None:
    ref = full_incident(workspace)
    red = {"type": "malware", "spec_version": "2.1", "id": "malware--0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d",
           "created": "2026-03-02T09:00:00.000Z", "modified": "2026-03-02T09:00:00.000Z", "name": "GreyLantern",
           "is_family": True, "object_marking_refs": [Tlp.RED.marking_id]}
    with workspace.transaction() as conn:
        store = ObjectStore(conn)
        store.put(red, store.add_source("file", "red.json"))
    case_links.link_objects(workspace, ref, [red["id"]])
    report = case_reports.incident_report_input(workspace, ref, now=datetime(2026, 3, 10, tzinfo=UTC),
                                                tz=ZoneInfo("Europe/Brussels"))
    assert report.tlp is Tlp.RED and report.case_tlp is Tlp.AMBER_STRICT  # the cover carries the highest marking
    header = {line.label: line.value for line in report.header.lines}
    assert header["Sector (NIS2 Annex I/II)"] == "Energy" and header["Sub-sector"] == "Electricity"
    assert header["Member State"] == "Belgium" and header["Time of awareness"] == "2026-03-02 09:00 CET"
    stages = {line.stage: line for line in report.stages}
    assert stages["early-warning"].met is True and stages["notification"].met is True
    assert stages["circia-report"].state == "overdue" and stages["circia-report"].met is False
    assert stages["final"].due == datetime(2026, 4, 4, 10, 0, tzinfo=UTC)  # one month after the notification
    assert report.next_due is not None and report.next_due.stage == "circia-report"
    assert [(line.sequence, line.stage, line.reference) for line in report.submissions] == [
        (1, "early-warning", "CCB-2026-17"), (2, "notification", "")]
    sections = {section.title: {line.label: line.value for line in section.lines} for section in report.sections}
    assert sections["Classification"]["RSIT classification"] == "Intrusions / System Compromise"
    assert sections["CISA fields"]["Functional impact"] == "Minimal Impact to Critical Services"
    assert sections["CISA fields"]["Users affected"] == "340"
    assert [line.title for line in report.timeline] == ["VPN login from TOR exit"]
    assert {line.title for line in report.tasks} == {"Rotate credentials", "Brief ministry"}
    assert [(line.type, line.value) for line in report.indicators] == [("ipv4-addr",
                                                                       "[ipv4-addr:value = '203.0.113.9']")]
    assert [(line.technique_id, line.name) for line in report.techniques] == [
        ("T1190", "Exploit Public-Facing Application")]
    assert [line.name for line in report.other_objects] == ["GreyLantern"]


def test_exercise_input_has_overview_objectives_observations_plan_and_injects(workspace: Workspace) -> None:
    ref = full_exercise(workspace)
    report = case_reports.exercise_report_input(workspace, ref)
    overview = {line.label: line.value for line in report.overview.lines}
    assert overview["Sponsor"] == "ENISA" and overview["Type"] == "Full-scale exercise"
    assert report.duration == timedelta(hours=34)
    assert [(p.organisation, p.third_party_observer) for p in report.participants] == [("CISA", True),
                                                                                       ("CERT-EU", False)]
    assert [(o.number, o.rating, o.rating_label) for o in report.objectives] == [
        (1, "S", "Performed with some challenges")]
    assert [s.title for s in report.strengths] == ["Fast triage"]
    assert [(a.title, a.recommendation) for a in report.areas_for_improvement] == [("Call tree out of date",
                                                                                     "Name an owner")]
    item = report.improvement_plan[0]
    assert (item.capability_element, item.completion_date) == ("Planning", date(2026, 9, 30))
    assert [(i.number, i.sender, i.recipient) for i in report.injects] == [("1.1", "EXCON", "National CSIRT")]


def test_the_wrong_report_for_a_case_is_refused(workspace: Workspace) -> None:
    incident, exercise = full_incident(workspace), full_exercise(workspace)
    with pytest.raises(InvalidInput, match="is an exercise"):
        case_reports.incident_report_input(workspace, exercise)
    with pytest.raises(InvalidInput, match="is an incident"):
        case_reports.exercise_report_input(workspace, incident)
