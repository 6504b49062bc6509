"""A tabletop with three organisations on three workspaces: the controller (EU agency), a partner agency (US
agency) and an evaluator (a third agency). Every package is real: written, signed, read back, imported with all of
its checks. The clock runs on fixed times; the packages carry real creation times, as they would."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
from pypdf import PdfReader

from tests.conftest import PASSPHRASE, indicator
from workbench.domain.cases.vocab import InjectStatus, Rating
from workbench.domain.errors import InvalidInput
from workbench.domain.exercise_material import is_exercise_material
from workbench.domain.tlp import Tlp
from workbench.services import cases, exchange, keys, library
from workbench.services.cases import records as case_records
from workbench.services.cases.exchange import CaseSelection
from workbench.services.cases.reports import exercise_report_input
from workbench.services.exercise import conduct, evaluation, hotwash
from workbench.services.exercise import exchange as exercise_exchange
from workbench.services.importing.importer import import_file
from workbench.services.intake import import_source
from workbench.services.reports import service as report_service
from workbench.services.reports.briefing_from_library import briefing_from_query
from workbench.services.reports.exercise_conduct import stamp
from workbench.services.workspace import Workspace, create_workspace
from workbench.storage.objects import store_digest

T0 = datetime(2026, 11, 3, 8, 0, tzinfo=UTC)  # play starts; the scenario starts on a Monday morning
SCENARIO = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
EU, US, EVAL = "EU Agency for Cybersecurity", "US Cybersecurity Agency", "Nordic Evaluation Cell"


def pdf_text(path: Path) -> str:
    """All text of the PDF, line breaks joined (table cells and paragraphs wrap)."""
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(path).pages)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


@pytest.fixture
def evaluator(tmp_path: Path) -> Iterator[Workspace]:
    """A third organisation's workspace (the conftest templates hold two)."""
    folder = tmp_path / "evaluator"
    folder.mkdir()
    ws = create_workspace(folder / "workspace.db", PASSPHRASE, EVAL)
    yield ws
    ws.close()


def pin(first: Workspace, second: Workspace, folder: Path) -> None:
    """Each pins the other's key, AMBER both ways (exchanged on paper and checked by phone in real life)."""
    for ws, other in ((first, second), (second, first)):
        pem = folder / f"{ws.org_name}.pub.pem"
        keys.export_public(ws, pem)
        exchange.add_partner(other, ws.org_name, pem.read_bytes(), tlp_send=Tlp.AMBER, tlp_accept=Tlp.AMBER)


def medium(folder: Path, name: str) -> Path:
    path = folder / name
    path.mkdir()
    return path


def bundle_of(package: Path) -> list[dict[str, Any]]:
    objects: list[dict[str, Any]] = orjson.loads((package / "payload" / "bundle.json").read_bytes())["objects"]
    return objects


def plan(ws: Workspace) -> str:
    ref = cases.create_case(
        ws,
        "exercise",
        "Winter Ledger tabletop",
        tlp="amber",
        fields={"starts_at": T0, "exercise_type": "tabletop", "scenario": "Invoice lures hit grid operators"},
        now=at(-600),
    ).ref
    case_records.add_records(
        ws,
        ref,
        {
            "participants": [
                {"organisation": EU, "role": "controller"},
                {"organisation": US, "role": "player"},
                {"organisation": EVAL, "role": "evaluator"},
            ],
            "objectives": [
                {"objective": "Share indicators with partners within 2 hours", "capability": "Intelligence sharing"},
                {"objective": "Coordinate the public line", "capability": "Public information"},
            ],
            "injects": [
                {"number": "1", "planned_at": at(10), "scenario_at": SCENARIO + timedelta(minutes=20), "to": US,
                 "from": "EXCON", "method": "package", "description": "Partner CSIRT reports invoice lures",
                 "expected_action": "Share the sender addresses"},
                {"number": "2", "planned_at": at(20), "scenario_at": SCENARIO + timedelta(minutes=40),
                 "to": "EU SOC", "description": "EDR alert on an engineering workstation"},
                {"number": "3", "planned_at": at(25), "scenario_at": SCENARIO + timedelta(minutes=50), "to": US,
                 "method": "package", "description": "Journalist asks about a power cut"},
                {"number": "4", "planned_at": at(40), "scenario_at": SCENARIO + timedelta(hours=3), "to": US,
                 "description": "Minister asks for a briefing"},
            ],
        },
        now=at(-500),
    )  # fmt: skip
    measures = "Sent within 2 hours\nSignature checked by the partner"
    evaluation.add_critical_task(ws, ref, "1", "Send the indicators as a package", number="1.1", measures=measures)
    evaluation.add_critical_task(ws, ref, "2", "Agree the public line", number="2.1")
    return ref


def test_a_tabletop_with_a_partner_agency_and_an_evaluator_on_three_workspaces(
    workspace: Workspace, partner_workspace: Workspace, evaluator: Workspace, tmp_path: Path
) -> None:
    controller, partner = workspace, partner_workspace
    pin(controller, partner, tmp_path)
    pin(controller, evaluator, tmp_path)
    real = indicator(name="Real C2 beacon", object_marking_refs=[Tlp.GREEN.marking_id])
    stock = tmp_path / "real.json"
    stock.write_bytes(orjson.dumps({"type": "bundle", "id": "bundle--6c0c3b0e-1b8f-4a8e-9f63-0d8a9d1f2e11",
                                     "objects": [real]}))  # fmt: skip
    import_file(controller, stock)
    ref = plan(controller)

    # Before play the evaluator receives the exercise (its guides), as a case export: exercise material only.
    guide_package = exchange.export_package(controller, medium(tmp_path, "to-evaluator"), EVAL, CaseSelection(ref))
    assert all(is_exercise_material(obj) for obj in bundle_of(guide_package.path)
               if obj["type"] not in ("marking-definition", "extension-definition"))  # fmt: skip
    evaluator_copy = import_source(evaluator, guide_package.path).created[0]
    assert [task.number for task in cases.get_case(evaluator, evaluator_copy).critical_tasks] == ["1.1", "2.1"]

    # Play: the clock at double speed from the scenario's Monday morning.
    conduct.clock_action(controller, ref, "start", scenario=SCENARIO, speed=2, by="Ana", now=at(0))
    with pytest.raises(InvalidInput, match="name the removable medium"):
        exercise_exchange.deliver(controller, ref, "1", by="Ana", now=at(10))
    first = exercise_exchange.deliver(controller, ref, "1", by="Ana", medium=medium(tmp_path, "p1"), now=at(10))
    assert first.package is not None and first.package.recipient == US
    notes = [obj for obj in bundle_of(first.package.path) if obj["type"] == "note"]
    assert len(notes) == 1 and "Share the sender addresses" not in orjson.dumps(notes).decode()  # expected stays
    conduct.hold(controller, ref, "3", reason="players still on inject 1", now=at(15))
    conduct.deliver(controller, ref, "2", by="Ana", now=at(20))  # to the controller's own SOC: no package
    conduct.clock_action(controller, ref, "jump", advance=timedelta(hours=1), by="Ana", reason="night", now=at(25))
    third = exercise_exchange.deliver(controller, ref, "3", by="Bo", medium=medium(tmp_path, "p2"), now=at(30))
    conduct.skip(controller, ref, "4", reason="time ran short", now=at(35))

    # The partner agency imports both packages: its own copy of the exercise shows the injects it received.
    copy = import_source(partner, first.package.path).result
    assert copy.summary is not None and copy.summary.committed
    partner_ref = cases.list_cases(partner, kind="exercise")[0].ref
    import_source(partner, third.package.path)  # type: ignore[union-attr]
    received = cases.get_case(partner, partner_ref)
    assert received.origin == EU and received.origin_ref == ref
    assert [(item.number, item.status, item.actual_at) for item in received.injects] == [
        ("1", InjectStatus.DELIVERED, at(10)),
        ("3", InjectStatus.DELIVERED, at(30)),
    ]
    assert all(item.expected_action is None for item in received.injects)
    conduct.respond(partner, partner_ref, "1", "Shared the sender addresses by package", by="US SOC", now=at(38))
    conduct.respond(partner, partner_ref, "3", "Press office used the agreed line", by="US press", now=at(44))
    with pytest.raises(InvalidInput, match="copy of EU Agency for Cybersecurity's exercise"):
        conduct.deliver(partner, partner_ref, "1", by="US", now=at(45))
    responses = exercise_exchange.send(partner, partner_ref, medium(tmp_path, "r1"))
    import_source(controller, responses.path)

    # The evaluator observes during play, one observation with a file as evidence, and sends them twice.
    log = tmp_path / "chat.txt"
    log.write_text("08:31 SOC: package sent\n")
    quick = evaluation.observe(evaluator, evaluator_copy, task="1.1", text="Package sent 21 min after the inject",
                               rating="P", evaluator="Eve", evidence_file=log, now=at(31))  # fmt: skip
    slow = evaluation.observe(evaluator, evaluator_copy, task="2.1", text="Public line agreed only after 15 min",
                              rating="S", evaluator="Eve", now=at(47))  # fmt: skip
    first_send = exercise_exchange.send(evaluator, evaluator_copy, medium(tmp_path, "o1"))
    merged = import_source(controller, first_send.path)
    assert "observations merged into" in " ".join(merged.messages) and "2 new" in " ".join(merged.messages)
    # Sent again, the same observations are the same notes (their id is the observation's): recognised, not merged.
    merged_case = cases.get_case(controller, ref)
    again = import_source(controller, exercise_exchange.send(evaluator, evaluator_copy, medium(tmp_path, "o2")).path)
    assert again.summary is not None and again.summary.unchanged >= 2 and not again.messages
    assert cases.get_case(controller, ref).modified == merged_case.modified
    conduct.clock_action(controller, ref, "end", by="Ana", now=at(60))

    case = cases.get_case(controller, ref)
    by_number = {item.number: item for item in case.injects}
    assert (by_number["1"].observed_action, by_number["1"].responded_at, by_number["1"].responded_by) == (
        "Shared the sender addresses by package",
        at(38),
        "US SOC",
    )
    assert by_number["3"].responded_at == at(44) and by_number["3"].delivered_by == "Bo"
    assert by_number["1"].package_id == first.package.package_id
    assert [item.status for item in case.injects] == [
        InjectStatus.DELIVERED,
        InjectStatus.DELIVERED,
        InjectStatus.DELIVERED,
        InjectStatus.SKIPPED,
    ]
    notes_here = {note.uid: note for note in case.evaluator_observations}
    assert set(notes_here) == {quick.uid, slow.uid}
    # The evaluator's copy ran no clock: the controller's clock gives the scenario time (31 min at x2, +1 h jump).
    assert notes_here[quick.uid].scenario_at == SCENARIO + timedelta(minutes=62 + 60)
    assert controller.objects.get(quick.evidence_ref or "") is not None
    assert quick.evidence_ref in case.linked

    # Hot wash: findings from the observations, ratings, an improvement item answering the area for improvement.
    area = hotwash.add_finding(controller, ref, "area-for-improvement", "Public line agreed late", based_on=[slow.uid])
    hotwash.add_finding(controller, ref, "strength", "Indicators shared fast", based_on=[quick.uid])
    hotwash.rate_objective(controller, ref, "1", "P", "Package sent within the measure")
    hotwash.rate_objective(controller, ref, "2", "S", "Line agreed, 15 minutes late")
    improvement = {"issue": "No holding lines", "corrective_action": "Pre-agree holding lines",
                   "capability_element": "planning"}  # fmt: skip
    hotwash.add_improvement(controller, ref, improvement, answers=[area.uid])
    case = cases.get_case(controller, ref)
    assert [objective.rating for objective in case.objectives] == [Rating.P, Rating.S]
    assert case.improvements[0].answers == [area.uid]

    # The after-action report: every planned, delivered and response time as recorded, to the second.
    aar = tmp_path / "aar.pdf"
    report_service.generate(controller, exercise_report_input(controller, ref), aar, final=True)
    text = pdf_text(aar)
    for inject in case.injects:
        assert f"{inject.number} {stamp(inject.planned_at)}" in text
        if inject.actual_at is not None:
            assert f"{stamp(inject.actual_at)} (" in text
            assert f"scenario {stamp(inject.delivered_scenario_at)}" in text
        if inject.responded_at is not None:
            assert f"{stamp(inject.responded_at)} by {inject.responded_by}" in text
    assert "skipped: time ran short" in text
    # The observations behind each finding, and the area the improvement item answers.
    assert f"{stamp(slow.at)} UTC, Eve, {EVAL}, objective 2, task 2.1; suggested S: {slow.text}" in text
    assert f"{stamp(quick.at)} UTC, Eve, {EVAL}, objective 1, task 1.1; suggested P: {quick.text}" in text
    assert "No holding lines answers: Public line agreed late Pre-agree holding lines" in text
    assert "Time in play 1 h " in text and "Play ended (UTC) 2026-11-03 09:00:00" in text

    # Exercise material stays apart: the libraries list none of it, a real export carries none of it.
    for ws in (controller, partner, evaluator):
        listed = library.fetch_page(ws, library.LibraryFilter(), limit=10_000).rows
        assert not any(is_exercise_material(ws.objects.get(row.id) or {}) for row in listed), ws.org_name
        assert library.fetch_page(ws, library.LibraryFilter(exercise=True)).rows, ws.org_name
    before = store_digest(controller.conn)
    real_export = exchange.export_package(controller, medium(tmp_path, "real"), US)
    sent = bundle_of(real_export.path)
    assert real["id"] in {obj["id"] for obj in sent}
    assert not any(is_exercise_material(obj) for obj in sent)
    apart = [item for item in real_export.held_back if item.reason.startswith("exercise material")]
    assert quick.evidence_ref in {item.id for item in apart}
    assert store_digest(controller.conn) != before  # the outbox recorded the package
    # A briefing of real data: the real beacon, no exercise material (its notes name the exercise and a beacon).
    briefing = briefing_from_query(controller, "beacon").briefing
    assert [row.value for row in briefing.indicators] == ["198.51.100.7"]
    assert briefing_from_query(partner, "winter ledger").briefing.indicators == []
