"""Exercise material at the boundary: the marking and label are checked on import as on export, a package of
exercise messages never smuggles real intelligence in, and messages go only where they belong."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.conftest import indicator, malware, relationship
from workbench.domain.errors import InvalidInput
from workbench.domain.exercise_material import (
    EXERCISE_LABEL,
    EXERCISE_MARKING_DEFINITION,
    EXERCISE_MARKING_ID,
    mark_as_exercise,
)
from workbench.domain.markings import MarkingJudge, MarkingKind, classify
from workbench.domain.tlp import Tlp
from workbench.services import cases
from workbench.services.cases import records as case_records
from workbench.services.cases import stix as case_stix
from workbench.services.exchange.policy import plan_export
from workbench.services.exercise import conduct
from workbench.services.exercise.messages import inject_note, response_note
from workbench.services.intake import import_source
from workbench.services.workspace import Workspace
from workbench.storage.objects import store_digest

T0 = datetime(2026, 11, 3, 8, 0, tzinfo=UTC)


def delivered(ws: Workspace) -> tuple[str, Any]:
    ref = cases.create_case(ws, "exercise", "Drill", fields={"starts_at": T0}, now=T0 - timedelta(days=1)).ref
    case_records.add_records(
        ws, ref, {"injects": [{"number": "1", "planned_at": T0, "description": "Ransom note", "to": "US"}]}, now=T0
    )
    conduct.clock_action(ws, ref, "start", now=T0)
    inject = conduct.deliver(ws, ref, "1", by="Ana", now=T0 + timedelta(minutes=5))
    return ref, inject


def write(folder: Path, name: str, *objects: dict[str, Any]) -> Path:
    path = folder / name
    path.write_bytes(orjson.dumps({"type": "bundle", "id": "bundle--8d8f3a4e-7f6b-4d8e-9c1a-2b3c4d5e6f70",
                                   "objects": list(objects)}))  # fmt: skip
    return path


def without(obj: dict[str, Any], what: str) -> dict[str, Any]:
    stripped = dict(obj)
    if what == "marking":
        stripped["object_marking_refs"] = [ref for ref in obj["object_marking_refs"] if ref != EXERCISE_MARKING_ID]
    else:
        stripped["labels"] = [label for label in obj["labels"] if label != EXERCISE_LABEL]
    return stripped


@pytest.mark.parametrize("what", ["marking", "label"])
def test_an_exercise_message_without_its_marking_or_label_is_refused_whole(
    workspace: Workspace, partner_workspace: Workspace, tmp_path: Path, what: str
) -> None:
    ref, inject = delivered(workspace)
    note = inject_note(cases.get_case(workspace, ref), inject, workspace.identity_id)
    before = store_digest(partner_workspace.conn)
    lacking = "the EXERCISE marking" if what == "marking" else "the exercise label"
    with pytest.raises(InvalidInput, match=rf"{note['id']}.* lacks {lacking}"):
        import_source(partner_workspace, write(tmp_path, "inject.json", without(note, what)))
    assert store_digest(partner_workspace.conn) == before and cases.list_cases(partner_workspace) == []


def test_real_intelligence_never_rides_in_with_exercise_messages(
    workspace: Workspace, partner_workspace: Workspace, tmp_path: Path
) -> None:
    ref, inject = delivered(workspace)
    note = inject_note(cases.get_case(workspace, ref), inject, workspace.identity_id)
    smuggled = indicator(name="Looks real")
    before = store_digest(partner_workspace.conn)
    with pytest.raises(InvalidInput, match=rf"exercise material only, but {smuggled['id']} is not"):
        import_source(partner_workspace, write(tmp_path, "mixed.json", note, smuggled))
    assert store_digest(partner_workspace.conn) == before
    # Alone, the inject arrives in a copy of the exercise, and stays out of the library.
    imported = import_source(partner_workspace, write(tmp_path, "inject.json", note))
    assert any(line.startswith("new copy") for line in imported.messages)
    copy = cases.get_case(partner_workspace, cases.list_cases(partner_workspace)[0].ref)
    assert copy.origin_ref == ref and [item.number for item in copy.injects] == ["1"]
    assert partner_workspace.conn.execute("SELECT exercise FROM objects WHERE id = ?", (note["id"],)).fetchone() == (1,)


def test_an_unmarked_exercise_case_is_refused(workspace: Workspace, partner_workspace: Workspace, tmp_path: Path):  # type: ignore[no-untyped-def]
    ref, _ = delivered(workspace)
    grouping = case_stix.case_objects(cases.get_case(workspace, ref))[0]
    before = store_digest(partner_workspace.conn)
    with pytest.raises(InvalidInput, match="lacks the EXERCISE marking"):
        import_source(partner_workspace, write(tmp_path, "case.json", without(grouping, "marking")))
    assert store_digest(partner_workspace.conn) == before


def test_a_response_goes_only_to_the_exercise_s_controller(
    workspace: Workspace, partner_workspace: Workspace, tmp_path: Path
) -> None:
    ref, inject = delivered(workspace)
    case = cases.get_case(workspace, ref)
    answered = conduct.respond(workspace, ref, "1", "Blocked it", by="SOC", now=T0 + timedelta(minutes=9))
    note = response_note(cases.get_case(workspace, ref), answered, workspace.identity_id, "US")
    before = store_digest(partner_workspace.conn)
    with pytest.raises(InvalidInput, match="which this workspace does not hold"):
        import_source(partner_workspace, write(tmp_path, "response.json", note))
    assert store_digest(partner_workspace.conn) == before
    # Into the partner's copy (made by the inject), a response is refused too: it goes to the controller.
    import_source(partner_workspace, write(tmp_path, "inject.json", inject_note(case, inject, workspace.identity_id)))
    with pytest.raises(InvalidInput, match="goes to the controller of exercise"):
        import_source(partner_workspace, write(tmp_path, "response.json", note))


def test_the_plan_keeps_exercise_material_and_real_intelligence_apart(workspace: Workspace, tmp_path: Path) -> None:
    real_tool = malware(name="Real family")
    drill = mark_as_exercise(indicator(name="Scenario beacon"))
    link = mark_as_exercise(relationship(drill["id"], real_tool["id"]))
    real = indicator(name="Real beacon")
    import_source(workspace, write(tmp_path, "stock.json", real_tool, drill, link, real))

    def plan(exercise: bool) -> tuple[set[str], dict[str, str]]:
        made = plan_export(workspace.conn, None, ceiling=Tlp.RED, unmarked_as=Tlp.AMBER, recipient="US",
                           exercise=exercise)  # fmt: skip
        return made.object_ids, {item.id: item.reason for item in made.held}

    leaving, held = plan(exercise=False)
    assert {real["id"], real_tool["id"]} <= leaving and not {drill["id"], link["id"]} & leaving
    assert held[drill["id"]].startswith("exercise material")
    # The real family is referred to only by exercise material: it still stands on its own in a real export.
    assert real_tool["id"] not in held
    leaving, held = plan(exercise=True)
    assert drill["id"] in leaving and not {real["id"], real_tool["id"], link["id"]} & leaving
    assert held[real["id"]].startswith("not exercise material")
    assert held[link["id"]] == f"refers to held-back {real_tool['id']}"


def test_the_exercise_marking_is_a_kind_of_its_own_known_by_id_and_never_redefined(
    workspace: Workspace, tmp_path: Path
) -> None:
    judge = MarkingJudge()  # has seen no definition at all
    assert judge.judge(EXERCISE_MARKING_ID).kind is MarkingKind.EXERCISE
    verdict = judge.verdict([EXERCISE_MARKING_ID, Tlp.GREEN.marking_id])
    assert verdict.exercise and verdict.level is Tlp.GREEN and not verdict.not_understood
    assert classify(EXERCISE_MARKING_DEFINITION).kind is MarkingKind.EXERCISE
    assert not judge.verdict([Tlp.GREEN.marking_id]).exercise
    forged = {**EXERCISE_MARKING_DEFINITION, "definition": {"statement": "Real intelligence, act on it."}}
    summary = import_source(workspace, write(tmp_path, "forged.json", forged)).summary
    assert summary is not None and summary.objects_refused == 1
    assert "reuses the id of the built-in EXERCISE marking" in str(summary.refusal_reasons[0])
    assert workspace.objects.get(EXERCISE_MARKING_ID) == EXERCISE_MARKING_DEFINITION
